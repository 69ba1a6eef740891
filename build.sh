#!/usr/bin/env bash
# vkgemm's one entry point. Usage: ./build.sh [command] (see `./build.sh help`).
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
BIN="$ROOT/bin"
export PATH="$PATH:/usr/local/go/bin:$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin"

# Debian packages each part needs. Tests need all of them.
PKGS_VULKAN="libvulkan1 libvulkan-dev mesa-vulkan-drivers vulkan-validationlayers"
PKGS_SHADERS="glslc spirv-tools"
PKGS_DESKTOP="libx11-dev libxrandr-dev libxxf86vm-dev libxi-dev libxcursor-dev libxinerama-dev libgl1-mesa-dri"
PKGS_TEST="xvfb xauth chromium"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }

# need_pkgs installs the Debian packages that are missing, or says how to.
need_pkgs() {
	local missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		log "installing ${missing[*]}"
		apt-get update -qq >/dev/null
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	else
		die "missing packages: ${missing[*]}
run:  sudo apt-get install -y ${missing[*]}"
	fi
}

deps() {
	need_pkgs $PKGS_VULKAN $PKGS_SHADERS $PKGS_DESKTOP "$@"
	go mod download
}

shaders() {
	need_pkgs $PKGS_SHADERS
	log "compiling GLSL to SPIR-V"
	go generate ./shaders
}

build() {
	mkdir -p "$BIN"
	log "building into bin/"
	go build -o "$BIN/" ./cmd/...
}

# --- test: everything CI runs. Device tests must not skip here. ---
# Tests that need X or a browser carry the build tags display and e2e and
# run in test_visualizer; everything else runs here on both drivers.
LAVAPIPE=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json
SWIFTSHADER=/usr/lib/chromium/vk_swiftshader_icd.json

test_go() {
	log "go vet"
	go vet ./...
	# A missing device fails instead of skipping, and every device test runs
	# on both CPU drivers with the validation layer on: any message fails.
	export VKGEMM_REQUIRE_DEVICE=1 VKGEMM_VALIDATION=1
	log "go test on Mesa lavapipe"
	VK_DRIVER_FILES=$LAVAPIPE go test -count=1 ./...
	log "go test on SwiftShader"
	VK_DRIVER_FILES=$SWIFTSHADER go test -count=1 ./gpu/... ./cmd/vkgemm/...
	log "go test -race on lavapipe"
	VK_DRIVER_FILES=$LAVAPIPE go test -count=1 -race ./...
	unset VKGEMM_REQUIRE_DEVICE VKGEMM_VALIDATION
}

# test_isa compiles every default and built-in GPU kernel with AMD's production
# compiler, no GPU needed (RADV's null device, one process per chip: gfx9,
# gfx10.3, gfx11), and fails when one spills, uses scratch memory, or runs
# fewer than 4 waves per SIMD on gfx10.3 or gfx11. Then every module goes
# through MoltenVK's translator to Metal Shading Language.
test_isa() {
	need_pkgs mesa-vulkan-drivers spirv-cross
	build
	local radv=/usr/share/vulkan/icd.d/radeon_icd.x86_64.json fam waves spv
	for fam in vega10 navi21 gfx1100; do
		waves=4
		[ "$fam" = vega10 ] && waves=0 # 64 KiB of LDS per CU caps 128x128 tiles at 2
		log "vkgemm isa on RADV's null device for $fam"
		RADV_FORCE_FAMILY=$fam MESA_SHADER_CACHE_DISABLE=true VK_DRIVER_FILES=$radv \
			"$BIN/vkgemm" isa -validation -roles default,builtin -check -min-waves "$waves"
	done
	log "spirv-cross: every module to Metal Shading Language"
	for spv in shaders/spirv/*.spv; do
		spirv-cross --msl --msl-version 20100 "$spv" >/dev/null || die "spirv-cross cannot translate $spv to MSL"
	done
}

test_all() {
	deps $PKGS_TEST
	test_go
	test_isa
	# >>> visualizer tests (viz, wasm, Xvfb, Chromium) are added here
	test_visualizer
	# <<<
	log "all tests passed"
}

bench() {
	build
	"$BIN/vkgemm" bench "$@"
}

# --- the visualizer: desktop and browser ---
run_visualizer() {
	need_pkgs $PKGS_VULKAN $PKGS_DESKTOP
	mkdir -p "$BIN"
	log "building bin/visualizer"
	go build -o "$BIN/visualizer" ./cmd/visualizer
	# ebiten panics at start-up without a display: say what to do instead.
	if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
		die "no display (DISPLAY is not set): run this in a desktop session, or headless with
  xvfb-run -a -s '-screen 0 1280x720x24' ./build.sh run -shot out.png"
	fi
	"$BIN/visualizer" "$@"
}

# web writes the self-contained browser build into dist/.
web() {
	local out="$ROOT/dist"
	mkdir -p "$out"
	log "building the browser version into dist/"
	GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w" -o "$out/main.wasm" ./wasm
	# wasm_exec.js must come from the toolchain that built main.wasm.
	cp "$(go env GOROOT)/lib/wasm/wasm_exec.js" wasm/index.html "$out/"
	for f in main.wasm wasm_exec.js index.html; do gzip -9 -k -f "$out/$f"; done
}

serve() {
	web
	go run ./cmd/serve -dir "$ROOT/dist" "$@"
}

test_visualizer() {
	local art="$ROOT/out/test"
	mkdir -p "$art"
	command -v node >/dev/null || need_pkgs nodejs
	log "visualizer model under GOOS=js GOARCH=wasm (node)"
	PATH="$(go env GOROOT)/lib/wasm:$PATH" GOOS=js GOARCH=wasm go test -count=1 ./viz ./wasm/webgpu
	log "desktop drawing and the desktop app under Xvfb (screenshots in out/test)"
	VK_DRIVER_FILES=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json VKGEMM_ARTIFACTS="$art" \
		xvfb-run -a -s "-screen 0 1280x720x24" go test -tags display -count=1 -timeout 5m ./viz/view ./cmd/visualizer
	log "browser end to end in headless Chromium (screenshots in out/test)"
	web
	VKGEMM_DIST="$ROOT/dist" VKGEMM_ARTIFACTS="$art" go test -tags e2e -count=1 -timeout 8m ./wasm/e2e
}

usage() {
	cat <<'USAGE'
usage: ./build.sh [command] [args]

  (none)    install what is missing, build bin/, run `vkgemm verify` on the chosen device
  deps      install Debian packages (as root) and Go modules
  shaders   regenerate shaders/glsl from shaders/variants.go (gen.go), then shaders/spirv with glslc
  build     build the commands into bin/
  test      run every test, on Mesa lavapipe and SwiftShader, with validation
  run       the desktop visualizer: Vulkan vs CPU, live (args go to it, e.g. -max 2048)
  web       build the browser visualizer into dist/ (wasm, wasm_exec.js, index.html, .gz)
  serve     build dist/ and serve it on http://127.0.0.1:8080/ (args go to cmd/serve)
  bench     GFLOPS of the Vulkan engine against the CPU engine (args go to `vkgemm bench`)
  help      this text
USAGE
}

cmd=${1:-main}
[ $# -gt 0 ] && shift
case "$cmd" in
main) deps; build; "$BIN/vkgemm" devices; "$BIN/vkgemm" verify ;;
deps) deps ;;
shaders) shaders ;;
build) deps; build ;;
test) test_all ;;
bench) deps; bench "$@" ;;
run) run_visualizer "$@" ;;
web) web ;;
serve) serve "$@" ;;
help | -h | --help) usage ;;
*) usage; exit 2 ;;
esac
