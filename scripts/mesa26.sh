#!/usr/bin/env bash
# mesa26.sh: Mesa 26 from Debian's packages, next to the system's Mesa and
# without installing it, and programs run on it. Mesa 26 brings lavapipe 26
# and, through its no-op drm shims, the GPU drivers of four vendors opening
# a fake device: their real compilers, no GPU needed.
#
#   scripts/mesa26.sh fetch              download and extract once; prints the directory
#   scripts/mesa26.sh run TARGET CMD...  run CMD on TARGET
#   scripts/mesa26.sh glslc ARGS...      glslc 2026.4 (glslang 16, Debian testing), which
#                                        compiles GL_KHR_cooperative_matrix and
#                                        GL_EXT_bfloat16; Debian 12's compiles neither
#   scripts/mesa26.sh spirv-val ARGS...  the SPIRV-Tools validator that goes with it
#   scripts/mesa26.sh tools              download those tools once; prints their directory
#   scripts/mesa26.sh targets            list the targets
#
# TARGET is one of
#   lvp              lavapipe 26 (runs kernels, on the CPU)
#   nvk:CHIPSET      NVIDIA through NVK (compiler NAK): 0x162 Turing TU102, 0x172 Ampere GA102, ...
#   radv:CHIP        AMD through RADV (compiler ACO): navi31 (RDNA3), gfx1201 (RDNA4), ...
#   turnip:GPU       Qualcomm Adreno through turnip (compiler ir3): 660, 740, ...
#   apple            Apple M1 through Honeykrisp (compiler AGX)
#
# The packages (mesa-vulkan-drivers, libvulkan1, mesa-drm-shim and
# vulkan-validationlayers from trixie-backports and trixie, with every
# dependency down to glibc; glslc and spirv-tools from testing, in tools/)
# go into $VKGEMM_MESA26 (default: out/mesa26 beside this script's repository), with
# a sources list, an apt state and a cache of their own: the system's apt
# state is never touched, and a second fetch reuses the first. Mesa 26 needs
# glibc 2.39, newer than Debian 12's, so programs run through the extracted
# dynamic loader, and a shim is preloaded by it rather than by LD_PRELOAD,
# which would reach host tools too. Go tests run the same way:
#   go test -exec "scripts/mesa26.sh run lvp" ./gpu
#
# Exit status 3 means the packages could not be fetched (no network, or the
# suite moved on): callers skip what needs them, with this script's message.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${VKGEMM_MESA26:-$here/../out/mesa26}
suite=trixie-backports
packages=(mesa-vulkan-drivers libvulkan1 mesa-drm-shim vulkan-validationlayers)
# The shader compiler of the cooperative-matrix modules: glslang 16 (bfloat16
# needs GL_EXT_bfloat16, glslang 15.3 or later; trixie has 15.1), from
# Debian's testing, pinned, so that the committed SPIR-V stays what it
# compiles to. When testing moves past it the fetch fails (exit 3) and the
# checks that need it say so. With it, testing's validation layer (1.4.363),
# which knows VK_KHR_shader_bfloat16 (trixie's 1.4.309 predates it); `run`
# falls back to trixie's where it cannot be fetched.
tools_suite=forky
tools_packages=(glslc=2026.4-1 spirv-tools vulkan-validationlayers)

# get DIR SUITE PACKAGE...: download PACKAGEs of Debian's SUITE with every
# dependency into DIR/cache and extract them into DIR/root, once; 1 where
# apt cannot.
get() {
	local d=$1 from=$2
	shift 2
	local want="$from $*"
	if [ "$(cat "$d/.done" 2>/dev/null)" = "$want" ]; then
		return 0
	fi
	rm -rf "$d/root" "$d/lists" "$d/cache" "$d/.done"
	mkdir -p "$d"/lists/partial "$d"/cache/archives/partial "$d/root"
	{
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $from main"
		[ "${from%%-*}" = "$from" ] || echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian ${from%%-*} main"
	} >"$d/sources.list"
	: >"$d/status"
	local o=(-o Dir::Etc::sourcelist="$d/sources.list" -o Dir::Etc::sourceparts=- -o Dir::State::Lists="$d/lists"
		-o Dir::Cache="$d/cache" -o Dir::State::status="$d/status" -o Debug::NoLocking=1
		-o APT::Default-Release="${from%%-*}")
	# With an empty status every dependency is downloaded, glibc included.
	if ! apt-get "${o[@]}" update -qq >"$d/apt.log" 2>&1 ||
		! apt-get "${o[@]}" install --download-only -y -qq -t "$from" "$@" >>"$d/apt.log" 2>&1; then
		return 1
	fi
	local deb
	for deb in "$d"/cache/archives/*.deb; do
		dpkg -x "$deb" "$d/root"
	done
	echo "$want" >"$d/.done"
}

fetch() {
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	local root=$dir/root
	if [ "$(cat "$dir/.done" 2>/dev/null)" = "$suite ${packages[*]}" ] && [ -e "$dir/lvp_icd.json" ]; then
		echo "$dir"
		return 0
	fi
	if ! get "$dir" "$suite" "${packages[@]}"; then
		echo "mesa26.sh: cannot fetch ${packages[*]} from Debian's $suite (see $dir/apt.log): skipping what needs Mesa 26" >&2
		exit 3
	fi
	local lib=$root/usr/lib/x86_64-linux-gnu json name
	if [ ! -x "$lib/ld-linux-x86-64.so.2" ] || [ ! -e "$lib/libvulkan_lvp.so" ]; then
		echo "mesa26.sh: the packages of $suite lack the loader or lavapipe: skipping what needs Mesa 26" >&2
		exit 3
	fi
	# ICD manifests naming the extracted drivers by absolute path.
	for json in "$root"/usr/share/vulkan/icd.d/*.json; do
		name=$(basename "$json" .json)
		sed -E "s#\"library_path\": *\"([^\"]*/)?([^/\"]+)\"#\"library_path\": \"$lib/\\2\"#" "$json" >"$dir/${name%.x86_64}.json"
	done
	echo "$dir"
}

# fetch_tools fetches the tools of testing once (into $dir/tools, with a
# validation layer manifest naming its library by absolute path in
# $dir/tools/layers) and prints the directory; 1 where it cannot.
fetch_tools() {
	mkdir -p "$dir/tools"
	local d
	d=$(cd "$dir/tools" && pwd)
	if ! get "$d" "$tools_suite" "${tools_packages[@]}"; then
		echo "mesa26.sh: cannot fetch ${tools_packages[*]} from Debian's $tools_suite (see $d/apt.log)" >&2
		return 1
	fi
	if [ ! -e "$d/layers/VkLayer_khronos_validation.json" ]; then
		mkdir -p "$d/layers"
		sed -E "s#\"library_path\": *\"([^\"]*/)?([^/\"]+)\"#\"library_path\": \"$d/root/usr/lib/x86_64-linux-gnu/\\2\"#" \
			"$d/root/usr/share/vulkan/explicit_layer.d/VkLayer_khronos_validation.json" >"$d/layers/VkLayer_khronos_validation.json"
	fi
	echo "$d"
}

# tool runs a program of the pinned shader tools (glslc, spirv-val).
tool() {
	local name=$1 d
	shift
	d=$(fetch_tools) || {
		echo "mesa26.sh: skipping what needs $name" >&2
		exit 3
	}
	local lib=$d/root/usr/lib/x86_64-linux-gnu
	exec "$lib/ld-linux-x86-64.so.2" --library-path "$lib" "$d/root/usr/bin/$name" "$@"
}

run() {
	local target=$1
	shift
	dir=$(fetch)
	local lib=$dir/root/usr/lib/x86_64-linux-gnu icd shim=()
	case $target in
	lvp) icd=lvp_icd ;;
	nvk:*) icd=nouveau_icd shim=(--preload "$lib/libnouveau_noop_drm_shim.so") && export NOUVEAU_CHIPSET=${target#nvk:} ;;
	radv:*) icd=radeon_icd shim=(--preload "$lib/libamdgpu_noop_drm_shim.so") && export AMDGPU_GPU_ID=${target#radv:} ;;
	turnip:*) icd=freedreno_icd shim=(--preload "$lib/libfreedreno_noop_drm_shim.so") && export FD_GPU_ID=${target#turnip:} ;;
	apple) icd=asahi_icd shim=(--preload "$lib/libasahi_noop_drm_shim.so") ;;
	*)
		echo "mesa26.sh: unknown target $target (scripts/mesa26.sh targets lists them)" >&2
		exit 2
		;;
	esac
	# Its own validation layer, which knows the extensions of Mesa 26 (the
	# system's predates VK_KHR_cooperative_matrix): testing's, which knows
	# VK_KHR_shader_bfloat16 too, else trixie's.
	local layers=$dir/root/usr/share/vulkan/explicit_layer.d tools
	if tools=$(fetch_tools 2>/dev/null); then
		layers=$tools/layers
	else
		echo "mesa26.sh: Debian testing's validation layer could not be fetched; trixie's (1.4.309) does not know VK_KHR_shader_bfloat16" >&2
	fi
	export VK_DRIVER_FILES=$dir/$icd.json VK_LAYER_PATH=$layers XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
	# A program found on PATH (go test -exec hands over a path already).
	local prog=$1
	shift
	[[ $prog == */* ]] || prog=$(command -v "$prog")
	exec "$lib/ld-linux-x86-64.so.2" "${shim[@]}" --library-path "$lib" "$prog" "$@"
}

case ${1:-} in
fetch) fetch ;;
tools) fetch_tools || exit 3 ;;
run)
	shift
	[ $# -ge 2 ] || {
		echo "usage: scripts/mesa26.sh run TARGET CMD [ARGS...]" >&2
		exit 2
	}
	run "$@"
	;;
glslc | spirv-val)
	cmd=$1
	shift
	tool "$cmd" "$@"
	;;
targets) sed -n '/^# TARGET is one of/,/^#$/p' "$0" | sed 's/^# \{0,1\}//' ;;
*)
	sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
	exit 2
	;;
esac
