#!/usr/bin/env bash
# gpu-check.sh: vkgemm on a real GPU, against cuBLAS (through PyTorch) in the same run.
#
# Runs on a Linux x86-64 machine with a GPU and no network, given binaries built elsewhere:
#
#   scripts/gpu-check.sh [BIN_DIR] [OUT_DIR]
#
# BIN_DIR holds `vkgemm` (default: bin/), and optionally `gpu.test` (`go test -c -o bin/gpu.test
# ./gpu`), the gpu package's tests, which then run on the GPU too. If the machine has no Vulkan loader, put
# libvulkan1's .deb (or libvulkan.so.1 itself) in $VULKAN_LOADER_DIR (default: .gl/ beside
# this repo's root): it is unpacked under OUT_DIR, not into /. The NVIDIA ICD is found where
# headless NVIDIA machines keep it if the loader finds no driver by itself.
#
# It runs `vkgemm devices`, `verify -full`, `isa`, `peak`, `tune` (short budget) and `bench` at
# SIZES (default 1024,2048,4096,8192) on the device named by DEVICE (default: NVIDIA), `verify` and
# `bench` at STAGED_SIZES (default 4096) through staging with uploads on the transfer queue and
# without it, then
# times torch.matmul in float32 with TF32 off at the same sizes where PyTorch with CUDA is
# installed, and writes OUT_DIR/gpu-check.json and a table with the ratio vkgemm/cuBLAS.
# Every step has a time limit; the whole run stays under 8 minutes.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$here/bin}
OUT=${2:-$here/out/gpu-check}
SIZES=${SIZES:-1024,2048,4096,8192}
STAGED_SIZES=${STAGED_SIZES:-4096}
DEVICE=${DEVICE:-NVIDIA}
TUNE_BUDGET=${TUNE_BUDGET:-60s}
LOADER_DIR=${VULKAN_LOADER_DIR:-$here/.gl}
mkdir -p "$OUT"
log() { printf '==> %s\n' "$*" >&2; }
[ -x "$BIN/vkgemm" ] || { echo "gpu-check: no $BIN/vkgemm: build it with ./build.sh build and pass its folder" >&2; exit 2; }

# The Vulkan loader, if the system has none.
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1'; then
	lib=$(find "$LOADER_DIR" -name 'libvulkan.so.1*' 2>/dev/null | head -1)
	if [ -z "$lib" ]; then
		for deb in "$LOADER_DIR"/libvulkan1*.deb; do
			[ -f "$deb" ] && dpkg -x "$deb" "$OUT/loader"
		done
		lib=$(find "$OUT/loader" -name 'libvulkan.so.1*' 2>/dev/null | head -1)
	fi
	[ -n "$lib" ] || { echo "gpu-check: no Vulkan loader: install libvulkan1 or put its .deb in $LOADER_DIR" >&2; exit 2; }
	export VKGEMM_VULKAN_LIBRARY=$lib
	log "Vulkan loader: $lib"
fi
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ] && ! ls /usr/share/vulkan/icd.d/nvidia* /etc/vulkan/icd.d/nvidia* >/dev/null 2>&1; then
	for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/nvidia/vulkan/icd.d/nvidia_icd.json; do
		[ -f "$icd" ] && { export VK_DRIVER_FILES=$icd; log "NVIDIA ICD: $icd"; break; }
	done
fi
export VKGEMM_CACHE_DIR=$OUT/cache
vk="$BIN/vkgemm"
step() { # step NAME SECONDS COMMAND...: runs with a limit, keeps its output
	local name=$1 secs=$2; shift 2
	log "$name"
	timeout "$secs" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"
	local rc=$?
	cat "$OUT/$name.out"
	[ $rc -eq 0 ] || { echo "gpu-check: $name failed (exit $rc):" >&2; tail -20 "$OUT/$name.err" >&2; }
	return $rc
}
status=0
step devices 60 "$vk" devices || exit 1
step verify 120 "$vk" verify -full -device "$DEVICE" || status=1
# The driver compiler's registers, spills and occupancy of the default and built-in kernels
# (NVIDIA's driver reports them through VK_KHR_pipeline_executable_properties).
step isa 60 "$vk" isa -roles default,builtin -device "$DEVICE" || status=1
step peak 60 "$vk" peak -json -device "$DEVICE" || status=1
step tune 150 "$vk" tune -budget "$TUNE_BUDGET" -device "$DEVICE" || status=1
step bench 180 "$vk" bench -json -cpu=false -reps 5 -sizes "$SIZES" -device "$DEVICE" || status=1
# Strided batches and half-precision inputs against float32, in one run.
step bench-batched-half 90 "$vk" bench -json -cpu=false -reps 3 -sizes 2048 -classes batched -half f16,bf16 -device "$DEVICE" || status=1
# The gpu package's own tests (conformance of Sgemm, Dgemm, GemmHalf and batches, faults, the
# transfer queue), where BIN_DIR holds the test binary: `go test -c -o bin/gpu.test ./gpu`.
if [ -x "$BIN/gpu.test" ]; then
	step gpu-tests 180 env VKGEMM_REQUIRE_DEVICE=1 VKGEMM_DEVICE="$DEVICE" "$BIN/gpu.test" -test.short -test.timeout 170s || status=1
fi
# Staging uploads on a transfer-only queue family (NVIDIA's copy engines), the one path CPU drivers
# cannot run (they have no such family), checked, then timed against the same uploads in the compute
# submission (VKGEMM_TRANSFER_QUEUE=off).
step verify-transfer 90 env VKGEMM_FORCE_STAGING=1 VKGEMM_TRANSFER_QUEUE=auto "$vk" verify -device "$DEVICE" || status=1
for tq in off auto; do
	step "bench-staged-$tq" 60 env VKGEMM_FORCE_STAGING=1 VKGEMM_TRANSFER_QUEUE=$tq "$vk" bench -json -cpu=false -reps 3 \
		-sizes "$STAGED_SIZES" -device "$DEVICE" || status=1
done

# cuBLAS through PyTorch, float32 with TF32 off, CUDA events, median of 5 after a warm-up.
if python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
	log "cuBLAS (torch.matmul)"
	timeout 150 python3 - "$SIZES" >"$OUT/torch.json" 2>"$OUT/torch.err" <<'PY' || { status=1; tail "$OUT/torch.err" >&2; }
import json, statistics, sys, torch
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
rows = []
for n in map(int, sys.argv[1].split(",")):
    a = torch.rand(n, n, device="cuda") * 2 - 1
    b = torch.rand(n, n, device="cuda") * 2 - 1
    times = []
    for r in range(6):
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        s.record(); torch.matmul(a, b); e.record(); torch.cuda.synchronize()
        if r: times.append(s.elapsed_time(e))
    ms = statistics.median(times)
    rows.append({"n": n, "ms": ms, "gflops": 2 * n**3 / (ms * 1e6)})
print(json.dumps({"device": torch.cuda.get_device_name(), "torch": torch.__version__, "results": rows}))
PY
else
	log "PyTorch with CUDA is not installed: no cuBLAS reference"
	echo '{}' >"$OUT/torch.json"
fi

# One JSON and a table.
python3 - "$OUT" <<'PY' || status=1
import json, os, sys
out = sys.argv[1]
def load(name):
    try:
        with open(os.path.join(out, name)) as f: return json.load(f)
    except Exception: return {}
bench, peak, torch = load("bench.out"), load("peak.out"), load("torch.json")
cub = {r["n"]: r["gflops"] for r in torch.get("results", [])}
rows = []
for r in bench.get("results", []):
    c = cub.get(r["n"])
    rows.append({"n": r["n"], "vkgemm_gflops": r["vulkan_gflops"], "vkgemm_wall_gflops": r["vulkan_wall_gflops"],
                 "cublas_gflops": c, "ratio": (r["vulkan_gflops"] / c) if c else None})
staged = {tq: [{"n": r["n"], "wall_gflops": r["vulkan_wall_gflops"]} for r in load(f"bench-staged-{tq}.out").get("results", [])]
          for tq in ("off", "auto")}
report = {"device": bench.get("device"), "kernel": bench.get("kernel"), "date": bench.get("date"),
          "peak_gflops": peak.get("gflops"), "torch": torch.get("torch"), "results": rows,
          "staged_wall_gflops_by_transfer_queue": staged}
with open(os.path.join(out, "gpu-check.json"), "w") as f: json.dump(report, f, indent=2)
print(f"\ndevice: {report['device']}\nkernel: {report['kernel']}\npeak:   {report['peak_gflops']} GFLOPS (dependent FMA)\n")
print(f"{'n':>6} {'vkgemm GFLOPS':>14} {'(wall)':>10} {'cuBLAS GFLOPS':>14} {'vkgemm/cuBLAS':>14}")
for r in rows:
    c = f"{r['cublas_gflops']:.0f}" if r["cublas_gflops"] else "-"
    q = f"{r['ratio']:.2f}" if r["ratio"] else "-"
    print(f"{r['n']:>6} {r['vkgemm_gflops']:>14.0f} {r['vkgemm_wall_gflops']:>10.0f} {c:>14} {q:>14}")
for tq, rs in staged.items():
    for r in rs:
        print(f"staged, transfer queue {tq}: n={r['n']} wall {r['wall_gflops']:.0f} GFLOPS")
PY
exit $status
