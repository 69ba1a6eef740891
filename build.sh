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
# The CPU path calls OpenBLAS where installed (loaded at run time): without it
# every race is against gonum's pure-Go code, 5-10x slower.
PKGS_CPU="libopenblas0-pthread"

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
	need_pkgs $PKGS_VULKAN $PKGS_SHADERS $PKGS_DESKTOP $PKGS_CPU "$@"
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
	# go vet ran in test_checks. A missing device fails instead of skipping, and every device test runs
	# on both CPU drivers with the validation layer on: any message fails.
	export VKGEMM_REQUIRE_DEVICE=1 VKGEMM_VALIDATION=1 VKGEMM_REQUIRE_OPENBLAS=1
	log "go test on Mesa lavapipe"
	VK_DRIVER_FILES=$LAVAPIPE go test -count=1 -timeout 25m ./...
	log "go test on SwiftShader"
	VK_DRIVER_FILES=$SWIFTSHADER go test -count=1 -timeout 25m ./gpu/... ./cmd/vkgemm/...
	log "go test -run Group on lavapipe and SwiftShader together: a group of two devices"; VK_DRIVER_FILES=$LAVAPIPE:$SWIFTSHADER go test -count=1 -timeout 25m -run 'Group' ./gpu/ ./cmd/vkgemm/
	# Races are in the host code, not in the sizes: the short sweeps suffice.
	log "go test -race -short on lavapipe"
	VK_DRIVER_FILES=$LAVAPIPE go test -count=1 -timeout 25m -race -short ./...
	unset VKGEMM_REQUIRE_DEVICE VKGEMM_VALIDATION VKGEMM_REQUIRE_OPENBLAS
}

# test_platforms: the library packages build and vet without cgo and for
# macOS and Windows (where cgo is off when cross-compiling, so the stand-ins
# of gpu/internal/vk/nocgo.go are what builds), and without cgo Open says
# how to build.
test_platforms() {
	log "builds without cgo, and for darwin and windows"
	CGO_ENABLED=0 go build ./gemm/... ./gpu/...
	CGO_ENABLED=0 go test -count=1 -run NoCgo ./gpu/
	local target
	for target in darwin/arm64 darwin/amd64 windows/amd64; do
		GOOS=${target%/*} GOARCH=${target#*/} go vet ./gemm/... ./gpu/...
	done
	# Windows with cgo: MinGW compiles and links the command. The system's
	# Vulkan headers are searched after MinGW's own and after the older
	# ones vulkan-go brings.
	log "cmd/vkgemm for windows/amd64 with cgo (MinGW)"
	need_pkgs gcc-mingw-w64-x86-64 libvulkan-dev
	local inc="$ROOT/out/vkinc"
	mkdir -p "$inc"
	cp -r /usr/include/vulkan /usr/include/vk_video "$inc/"
	CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc CGO_CFLAGS="-idirafter $inc" \
		go build -o /dev/null ./cmd/vkgemm
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
	log "spirv-cross: every float32, half and int8 module but the cooperative-matrix and dot-product ones to Metal Shading Language"
	for spv in shaders/spirv/*.spv; do
		# Metal has no float64 (MoltenVK offers no shaderFloat64, so Dgemm
		# refuses there): the float64 kernels are not for it.
		case "$spv" in *_f64.spv) continue ;; esac
		# Nor the cooperative-matrix kernels: MoltenVK lists no cooperative
		# matrices (Debian 12's spirv-cross cannot translate them either), so
		# GemmHalf and GemmInt8 keep their other kernels on Apple.
		case "$spv" in *_coopmat_*.spv) continue ;; esac
		# Nor the packed-dot-product twin of the int8 kernel (OpSDot), which
		# Debian 12's spirv-cross cannot translate: the engine takes it only
		# where a device says such dot products are accelerated, and nothing
		# here shows MoltenVK saying so; its shifts twin is translated.
		case "$spv" in *_dot.spv) continue ;; esac
		spirv-cross --msl --msl-version 20100 "$spv" >/dev/null || die "spirv-cross cannot translate $spv to MSL"
	done
}

# The GPU compilers of Mesa 26, each for a chip of its vendor on a fake
# device (scripts/mesa26.sh), and the occupancy each default and built-in
# kernel must keep there, in the compiler's own unit; docs/isa.md says why
# each floor is what it is.
MESA26_TARGETS="nvk:0x162:16 nvk:0x172:16 radv:navi31:4 radv:gfx1201:4 turnip:660:4 turnip:740:4 apple:512"
# The targets with matrix units (tensor cores, WMMA) that Mesa 26 exposes as
# cooperative matrices: GemmHalf's coopmat kernel must compile there to the
# matrix instructions (HMMA, V_WMMA).
MATRIX_TARGETS="nvk:0x162 nvk:0x172 radv:navi31 radv:gfx1201"

# test_vendors compiles every kernel a GPU runs by default, and its vendor's
# built-ins, with the compilers of NVIDIA's (NVK), AMD's (RADV), Qualcomm's
# (turnip) and Apple's (Honeykrisp) GPUs as Mesa 26 ships them, and fails on
# a spill, scratch memory or an occupancy under the vendor's floor; then it
# runs the gpu packages' tests on Mesa 26's lavapipe, validation on, the
# cooperative-matrix ones required. Mesa 26 comes from Debian's
# trixie-backports into out/mesa26; where it cannot be fetched both are
# skipped, with the reason.
test_vendors() {
	local m26="$ROOT/scripts/mesa26.sh" t target floor matrix
	if [ "${VKGEMM_NO_MESA26:-}" = 1 ] || ! "$m26" fetch >/dev/null; then
		log "SKIPPED: the vendors' compilers and Mesa 26 lavapipe (scripts/mesa26.sh could not fetch Mesa 26; see above)"
		return 0
	fi
	build
	go test -c -o "$BIN/engine.test" ./gpu/internal/engine
	for t in $MESA26_TARGETS; do
		target=${t%:*} floor=${t##*:} matrix=()
		case " $MATRIX_TARGETS " in *" $target "*) matrix=(-require-matrix) ;; esac
		log "vkgemm isa with Mesa 26's compiler for $target: no spills, occupancy at least $floor${matrix:+, matrix instructions}; its plans fit"
		MESA_SHADER_CACHE_DISABLE=true "$m26" run "$target" "$BIN/vkgemm" isa -validation -roles default,builtin \
			-check -min-occupancy "$floor" "${matrix[@]}" >/dev/null
		VKGEMM_REQUIRE_DEVICE=1 "$m26" run "$target" "$BIN/engine.test" -test.run '^TestPlansFitTheDevice$' >/dev/null
	done
	log "go test ./gpu/... on Mesa 26 lavapipe, validation on, cooperative matrices required"
	VKGEMM_REQUIRE_DEVICE=1 VKGEMM_VALIDATION=1 VKGEMM_REQUIRE_COOPMAT=1 go test -count=1 -timeout 20m -exec "$m26 run lvp" ./gpu/...
}

# test_mpi runs examples/summa, one product across MPI ranks with SUMMA
# (docs/summa.md), under Debian's Open MPI on this machine: the MPI
# wrapper's tests on 3 ranks, then C = A·B at 1024³ on 4 ranks (a 2×2 grid),
# C on the host and on the device (-resident), and on 1 rank, every rank on
# lavapipe with validation, each checked against the float64 reference; and
# a run whose rank 2 alters its block of C must fail.
# As root Open MPI needs --allow-run-as-root; --oversubscribe lets 4 ranks
# share 2 cores. Each mpirun is bounded so a stuck rank cannot hang the run.
test_mpi() {
	need_pkgs libopenmpi-dev openmpi-bin
	local mpirun=(timeout 120 mpirun --allow-run-as-root --oversubscribe) out np run args
	log "examples/summa with -tags mpi: go vet, the MPI wrapper's tests on 3 ranks"
	go vet -tags mpi ./examples/summa/...
	mkdir -p "$BIN"
	go build -tags mpi -o "$BIN/summa" ./examples/summa
	go test -c -tags mpi -o "$BIN/mpi.test" ./examples/summa/internal/mpi
	out=$("${mpirun[@]}" -np 3 "$BIN/mpi.test" -test.count=1 2>&1) || { printf '%s\n' "$out"; die "the MPI wrapper's tests failed on 3 ranks"; }
	for run in "4" "4 -resident" "1"; do
		np=${run%% *} args=(${run#"$np"})
		log "SUMMA on $np rank(s), lavapipe, validation on: mpirun -np $np bin/summa -n 1024 ${args[*]}"
		out=$(VK_DRIVER_FILES=$LAVAPIPE VKGEMM_VALIDATION=1 "${mpirun[@]}" -np "$np" "$BIN/summa" -n 1024 "${args[@]}" 2>&1) ||
			{ printf '%s\n' "$out"; die "summa failed on $np rank(s)"; }
		printf '%s\n' "$out"
		grep -q '^C is right' <<<"$out" || die "summa on $np rank(s) did not verify its product"
	done
	log "SUMMA with one rank's block of C altered must fail"
	if out=$(VK_DRIVER_FILES=$LAVAPIPE "${mpirun[@]}" -np 4 "$BIN/summa" -n 256 -corrupt 2 2>&1); then
		printf '%s\n' "$out"
		die "summa passed with a wrong block of C"
	fi
	grep -q '^C is WRONG' <<<"$out" || { printf '%s\n' "$out"; die "summa failed, but not for the wrong block"; }
}

# isa_table remakes docs/isa.md: what every vendor's compiler makes of the
# kernels each device runs, from `vkgemm isa -markdown` on every target.
isa_table() {
	local m26="$ROOT/scripts/mesa26.sh" t target out="$ROOT/docs/isa.md" radv=/usr/share/vulkan/icd.d/radeon_icd.x86_64.json fam
	"$m26" fetch >/dev/null || die "Mesa 26 could not be fetched"
	need_pkgs mesa-vulkan-drivers
	build
	{
		sed -n '1,/^<!-- tables -->$/p' "$out"
		echo
		echo "Made $(date -u +%F) by \`./build.sh isa-table\` (roles default and builtin; the worst of the four transposes)."
		for t in $MESA26_TARGETS; do
			target=${t%:*}
			echo
			echo "### $target (Mesa 26), floor ${t##*:}"
			echo
			echo "\`scripts/mesa26.sh run $target bin/vkgemm isa -roles default,builtin -markdown\`"
			echo
			"$m26" run "$target" "$BIN/vkgemm" isa -roles default,builtin -markdown 2>/dev/null
		done
		for fam in vega10 navi21 gfx1100; do
			echo
			echo "### radv:$fam (Mesa 22.3, RADV's null device)"
			echo
			echo "\`RADV_FORCE_FAMILY=$fam VK_DRIVER_FILES=$radv bin/vkgemm isa -roles default,builtin -markdown\`"
			echo
			RADV_FORCE_FAMILY=$fam VK_DRIVER_FILES=$radv "$BIN/vkgemm" isa -roles default,builtin -markdown 2>/dev/null
		done
	} >"$out.new"
	mv "$out.new" "$out"
	log "docs/isa.md remade"
}

test_all() {
	deps $PKGS_TEST
	# Mesa 26 first: the shaders' freshness test compiles the
	# cooperative-matrix source with its glslc. Without it those steps are
	# left out, loudly, and the rest still runs.
	if ! "$ROOT/scripts/mesa26.sh" fetch >/dev/null; then
		log "WARNING: Mesa 26 could not be fetched (see above): its lavapipe and the vendors' compilers are SKIPPED"
		export VKGEMM_NO_MESA26=1
	fi
	if ! "$ROOT/scripts/mesa26.sh" tools >/dev/null; then
		log "WARNING: glslc 2026.4 could not be fetched (see above): the cooperative-matrix shaders' freshness and validity checks are SKIPPED"
		export VKGEMM_NO_MESA26_TOOLS=1
	fi
	test_checks
	test_go
	test_platforms
	test_isa
	test_vendors
	test_mpi
	# >>> visualizer tests (viz, wasm, Xvfb, Chromium) are added here
	test_visualizer
	# <<<
	log "all tests passed"
}

# --- test_checks: static checks, no device needed ---
STATICCHECK=honnef.co/go/tools/cmd/staticcheck@v0.8.2

# wasm_packages lists the packages that build for GOOS=js: all but those
# that reach the Vulkan binding (package gpu) or drive a browser (chromedp),
# tests included.
wasm_packages() {
	GOOS=js GOARCH=wasm go list -e -f '{{.ImportPath}} {{join .Deps " "}} {{join .TestImports " "}} {{join .XTestImports " "}}' ./... |
		grep -Ev 'github.com/vulkan-go/vulkan|vkgemm/gpu( |$)|github.com/chromedp/chromedp( |$)' | cut -d' ' -f1
}

test_checks() {
	log "gofmt"
	local out
	out=$(gofmt -l $(git ls-files '*.go'))
	[ -z "$out" ] || die "not gofmt'ed (run gofmt -w): $out"
	log "go mod tidy -diff"
	go mod tidy -diff || die "go.mod or go.sum is not tidy: run go mod tidy"
	log "go vet, with every build tag, and for GOOS=js GOARCH=wasm"
	go vet ./...
	go vet -tags display ./...
	go vet -tags e2e ./...
	GOOS=js GOARCH=wasm go vet $(wasm_packages)
	log "staticcheck ($STATICCHECK)"
	# Installed for the host, then run once more with GOOS=js for the browser's files.
	GOBIN="$ROOT/out/tools" go install "$STATICCHECK"
	local sc="$ROOT/out/tools/staticcheck"
	"$sc" -tags display,e2e ./...
	GOOS=js GOARCH=wasm "$sc" $(wasm_packages)
}

bench() {
	build
	"$BIN/vkgemm" bench "$@"
}

# --- the visualizer: desktop and browser ---
run_visualizer() {
	need_pkgs $PKGS_VULKAN $PKGS_DESKTOP $PKGS_CPU
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
	log "the desktop app racing a group of two devices (lavapipe and SwiftShader)"
	VK_DRIVER_FILES=$LAVAPIPE:$SWIFTSHADER VKGEMM_REQUIRE_DEVICE=1 VKGEMM_ARTIFACTS="$art" \
		xvfb-run -a -s "-screen 0 1280x720x24" go test -tags display -count=1 -timeout 5m -run Group ./cmd/visualizer
	log "browser end to end in headless Chromium (screenshots in out/test)"
	web
	VKGEMM_DIST="$ROOT/dist" VKGEMM_ARTIFACTS="$art" go test -tags e2e -count=1 -timeout 8m ./wasm/e2e
}

# screenshots remakes docs/desktop.png, docs/desktop-batched.png and
# docs/browser.png from the current build: the desktop app under Xvfb (Vulkan
# on lavapipe) and the browser build in headless Chromium (WebGPU on SwiftShader).
screenshots() {
	need_pkgs $PKGS_VULKAN $PKGS_DESKTOP $PKGS_TEST
	local art="$ROOT/out/screenshots"
	rm -rf "$art"
	mkdir -p "$art" "$BIN"
	log "docs/desktop.png: bin/visualizer at its default 960×540 under Xvfb, sizes 64..1024"
	go build -o "$BIN/visualizer" ./cmd/visualizer
	VK_DRIVER_FILES=$LAVAPIPE xvfb-run -a -s "-screen 0 1280x720x24" \
		"$BIN/visualizer" -max 1024 -shot "$art/desktop.png"
	log "docs/desktop-batched.png: the same, racing batches of 64 products (-race batched)"
	VK_DRIVER_FILES=$LAVAPIPE xvfb-run -a -s "-screen 0 1280x720x24" \
		"$BIN/visualizer" -race batched -max 1024 -shot "$art/desktop-batched.png"
	log "docs/browser.png: dist/ in headless Chromium at 1280×720, sizes 64..512"
	web
	VKGEMM_DIST="$ROOT/dist" VKGEMM_ARTIFACTS="$art" VKGEMM_E2E_SIZE=1280x720 VKGEMM_E2E_MAX=512 \
		go test -tags e2e -count=1 -timeout 8m -run '^TestBrowserRacesWebGPUAgainstCPU$' ./wasm/e2e
	cp "$art/desktop.png" docs/desktop.png
	cp "$art/desktop-batched.png" docs/desktop-batched.png
	cp "$art/browser-webgpu.png" docs/browser.png
	log "docs/desktop.png, docs/desktop-batched.png and docs/browser.png made $(date -u +%F): put the date in docs/visualizer.md"
}

# bench_web races the browser engines (vkgemm's WebGPU engine, tfjs-webgpu,
# jax-js) in one headless Chromium page and prints the table. The npm
# packages are pinned by wasm/benchweb/package-lock.json and installed into
# out/bench-web/node_modules, never into dist/. Args go to the driver, e.g.
# -query 'sizes=128,256&family=tiled'.
bench_web() {
	need_pkgs chromium
	command -v npm >/dev/null || need_pkgs npm
	local out="$ROOT/out/bench-web" site="$ROOT/out/bench-web/site"
	mkdir -p "$site"
	cp wasm/benchweb/package.json wasm/benchweb/package-lock.json "$out/"
	if ! cmp -s wasm/benchweb/package-lock.json "$out/node_modules/.package-lock.json.vkgemm" 2>/dev/null; then
		log "installing tfjs and jax-js (pinned) into out/bench-web/node_modules"
		(cd "$out" && npm ci --no-audit --no-fund --loglevel=error)
		cp wasm/benchweb/package-lock.json "$out/node_modules/.package-lock.json.vkgemm"
	fi
	log "building the benchmark page into out/bench-web/site"
	GOOS=js GOARCH=wasm go build -trimpath -ldflags="-s -w" -o "$site/engine.wasm" ./wasm/benchweb/engine
	cp "$(go env GOROOT)/lib/wasm/wasm_exec.js" wasm/benchweb/page/index.html wasm/benchweb/page/bench.js "$site/"
	ln -sfn ../node_modules "$site/node_modules"
	go run ./wasm/benchweb -site "$site" "$@"
}

usage() {
	cat <<'USAGE'
usage: ./build.sh [command] [args]

  (none)    install what is missing, build bin/, run `vkgemm verify` on the chosen device
  deps      install Debian packages (as root) and Go modules
  shaders   regenerate shaders/glsl from shaders/variants.go (gen.go), then shaders/spirv with glslc
  build     build the commands into bin/
  test      run every test, on Mesa lavapipe and SwiftShader, with validation; the MPI example under mpirun
  checks    only the static checks of `test`: gofmt, go mod tidy -diff, go vet (every tag, wasm), staticcheck
  run       the desktop visualizer: Vulkan vs CPU, live (args go to it, e.g. -max 2048)
  web       build the browser visualizer into dist/ (wasm, wasm_exec.js, index.html, .gz)
  serve     build dist/ and serve it on http://127.0.0.1:8080/ (args go to cmd/serve)
  bench     GFLOPS of the Vulkan engine against the CPU engine (args go to `vkgemm bench`)
  screenshots  remake docs/desktop.png and docs/browser.png from the current build (Xvfb, Chromium)
  isa-table remake docs/isa.md: every vendor's compiler on the kernels (Mesa 26 drm shims, RADV's null device)
  bench-web the browser engines (vkgemm WebGPU, tfjs, jax-js) in one headless Chromium page
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
checks) test_checks ;;
screenshots) screenshots ;;
isa-table) isa_table ;;
bench) deps; bench "$@" ;;
bench-web) bench_web "$@" ;;
run) run_visualizer "$@" ;;
web) web ;;
serve) serve "$@" ;;
help | -h | --help) usage ;;
*) usage; exit 2 ;;
esac
