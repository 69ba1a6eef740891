#!/usr/bin/env bash
# mesa26.sh: Mesa 26 from Debian's packages, next to the system's Mesa and
# without installing it, and programs run on it. Mesa 26 brings lavapipe 26
# and, through its no-op drm shims, the GPU drivers of four vendors opening
# a fake device: their real compilers, no GPU needed.
#
#   scripts/mesa26.sh fetch              download and extract once; prints the directory
#   scripts/mesa26.sh run TARGET CMD...  run CMD on TARGET
#   scripts/mesa26.sh glslc ARGS...      Debian 13's glslc (glslang 15), which compiles
#                                        GL_KHR_cooperative_matrix; Debian 12's cannot
#   scripts/mesa26.sh spirv-val ARGS...  the SPIRV-Tools validator that goes with it
#   scripts/mesa26.sh targets            list the targets
#
# TARGET is one of
#   lvp              lavapipe 26 (runs kernels, on the CPU)
#   nvk:CHIPSET      NVIDIA through NVK (compiler NAK): 0x162 Turing TU102, 0x172 Ampere GA102, ...
#   radv:CHIP        AMD through RADV (compiler ACO): navi31 (RDNA3), gfx1201 (RDNA4), ...
#   turnip:GPU       Qualcomm Adreno through turnip (compiler ir3): 660, 740, ...
#   apple            Apple M1 through Honeykrisp (compiler AGX)
#
# The packages (mesa-vulkan-drivers, libvulkan1, mesa-drm-shim, glslc,
# spirv-tools and vulkan-validationlayers from trixie-backports and trixie,
# with every dependency down to glibc) go into
# $VKGEMM_MESA26 (default: out/mesa26 beside this script's repository), with
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
packages=(mesa-vulkan-drivers libvulkan1 mesa-drm-shim glslc spirv-tools vulkan-validationlayers)

fetch() {
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	local root=$dir/root
	# .done names what was fetched: another list fetches again.
	if [ "$(cat "$dir/.done" 2>/dev/null)" = "${packages[*]}" ]; then
		echo "$dir"
		return 0
	fi
	rm -rf "$root" "$dir/lists" "$dir/cache"
	mkdir -p "$dir"/lists/partial "$dir"/cache/archives/partial "$root"
	cat >"$dir/sources.list" <<EOF
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian ${suite%%-*} main
EOF
	: >"$dir/status"
	local o=(-o Dir::Etc::sourcelist="$dir/sources.list" -o Dir::Etc::sourceparts=- -o Dir::State::Lists="$dir/lists"
		-o Dir::Cache="$dir/cache" -o Dir::State::status="$dir/status" -o Debug::NoLocking=1
		-o APT::Default-Release="${suite%%-*}")
	# With an empty status every dependency is downloaded, glibc included.
	if ! apt-get "${o[@]}" update -qq >"$dir/apt.log" 2>&1 ||
		! apt-get "${o[@]}" install --download-only -y -qq -t "$suite" "${packages[@]}" >>"$dir/apt.log" 2>&1; then
		echo "mesa26.sh: cannot fetch ${packages[*]} from Debian's $suite (see $dir/apt.log): skipping what needs Mesa 26" >&2
		exit 3
	fi
	local deb
	for deb in "$dir"/cache/archives/*.deb; do
		dpkg -x "$deb" "$root"
	done
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
	echo "${packages[*]}" >"$dir/.done"
	echo "$dir"
}

# tool runs a program of the extracted packages' own (glslc, spirv-val).
tool() {
	local name=$1
	shift
	dir=$(fetch)
	local lib=$dir/root/usr/lib/x86_64-linux-gnu
	exec "$lib/ld-linux-x86-64.so.2" --library-path "$lib" "$dir/root/usr/bin/$name" "$@"
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
	# system's predates VK_KHR_cooperative_matrix).
	export VK_DRIVER_FILES=$dir/$icd.json VK_LAYER_PATH=$dir/root/usr/share/vulkan/explicit_layer.d XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp}
	# A program found on PATH (go test -exec hands over a path already).
	local prog=$1
	shift
	[[ $prog == */* ]] || prog=$(command -v "$prog")
	exec "$lib/ld-linux-x86-64.so.2" "${shim[@]}" --library-path "$lib" "$prog" "$@"
}

case ${1:-} in
fetch) fetch ;;
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
