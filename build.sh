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
# The engine's packages; the visualizer's packages (which need X and a
# browser) are tested in test_all's visualizer block.
CORE_PKGS="./gemm/... ./gpu/... ./shaders/... ./cmd/vkgemm/..."
LAVAPIPE=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json
SWIFTSHADER=/usr/lib/chromium/vk_swiftshader_icd.json

test_go() {
	log "go vet"
	go vet ./...
	# A missing device fails instead of skipping, and every device test runs
	# on both CPU drivers with the validation layer on: any message fails.
	export VKGEMM_REQUIRE_DEVICE=1 VKGEMM_VALIDATION=1
	log "go test on Mesa lavapipe"
	VK_DRIVER_FILES=$LAVAPIPE go test -count=1 $CORE_PKGS
	log "go test on SwiftShader"
	VK_DRIVER_FILES=$SWIFTSHADER go test -count=1 ./gpu/... ./cmd/vkgemm/...
	log "go test -race (short sizes) on lavapipe"
	VK_DRIVER_FILES=$LAVAPIPE go test -count=1 -race -short $CORE_PKGS
	unset VKGEMM_REQUIRE_DEVICE VKGEMM_VALIDATION
}

test_all() {
	deps $PKGS_TEST
	test_go
	# >>> visualizer tests (viz, wasm, Xvfb, Chromium) are added here
	# <<<
	log "all tests passed"
}

bench() {
	build
	"$BIN/vkgemm" bench "$@"
}

usage() {
	cat <<'USAGE'
usage: ./build.sh [command] [args]

  (none)    install what is missing, build bin/, run `vkgemm verify` on the chosen device
  deps      install Debian packages (as root) and Go modules
  shaders   regenerate shaders/spirv/*.spv from shaders/glsl with glslc
  build     build the commands into bin/
  test      run every test, on Mesa lavapipe and SwiftShader, with validation
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
help | -h | --help) usage ;;
*) usage; exit 2 ;;
esac
