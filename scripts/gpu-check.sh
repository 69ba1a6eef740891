#!/usr/bin/env bash
# gpu-check.sh: vkgemm on a real GPU, against cuBLAS (through PyTorch) in the same run.
#
# Runs on a Linux x86-64 machine with a GPU and no network, given binaries built elsewhere:
#
#   scripts/gpu-check.sh [--no-torch] [--allow-cpu] [--only STEPS] [BIN_DIR] [OUT_DIR]
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
#
# Tensor-core inputs, in the same run (step bench-half-int8, then torch-half-int8): GemmHalf F16
# and BF16 (`bench -half f16,bf16`, which names the kernel family that ran: coopmat on cooperative
# matrices) against torch.matmul in float16 and bfloat16 (fp32 accumulation: reduced-precision
# reductions off), and GemmInt8 (`bench -int8`, each C checked exactly; coopmat too where the GPU
# lists s8×s8→s32) against torch._int_mm
# (int8 -> int32; needs m > 16, k and n multiples of 8), at HALF_SIZES (default 1024,2048,4096).
# Both are timed both ways: the kernels alone (vkgemm's timestamps, torch's CUDA events on device
# tensors) and host to host (inputs copied in, product, C copied out, synchronized), with a
# ratio for each. F16 is also given as a percentage of the device's dense FP16 tensor peak,
# FP16_PEAK_TFLOPS (default 989: H100 SXM, and H200; H100 PCIe is 756), from kernel times.
#
# Several GPUs (step bench-group, where `vkgemm devices` lists two or more): the group of them
# (`vkgemm bench -device all`) against each alone at GROUP_SIZES (default 2048,4096), in one run;
# issue 21's target on two equal GPUs is the group at 1.7x one or more.
#
# Without PyTorch with CUDA, or without a GPU (DEVICE naming no device, or a CPU driver), it stops
# at once with exit status 2 and says which. Options, for trying it elsewhere:
#   --no-torch    time vkgemm alone: no PyTorch needed, no reference, no ratios
#   --allow-cpu   let DEVICE be a CPU driver (lavapipe, SwiftShader: correctness, not speed)
#   --only STEPS  run only these comma-separated steps (devices always runs), e.g.
#                 --only bench-half-int8,torch-half-int8; the others: verify, isa, peak, tune, bench,
#                 bench-batched-half, gpu-tests, verify-transfer, bench-staged, bench-group, torch
# VKGEMM_WRAP, where set, is a command that runs vkgemm, e.g. on lavapipe from Mesa 26 with its
# cooperative matrices on:
#   DEVICE=llvmpipe HALF_SIZES=128,256 VKGEMM_COOPMAT=1 VKGEMM_WRAP="scripts/mesa26.sh run lvp" \
#     scripts/gpu-check.sh --no-torch --allow-cpu --only bench-half-int8
# Every step has a time limit; the whole run stays under 10 minutes.
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
no_torch=0 allow_cpu=0 only=
while [ $# -gt 0 ]; do
	case $1 in
	--no-torch) no_torch=1 ;;
	--allow-cpu) allow_cpu=1 ;;
	--only)
		[ $# -ge 2 ] || { echo "gpu-check: --only needs a comma-separated list of steps" >&2; exit 2; }
		only=$2
		shift
		;;
	--only=*) only=${1#--only=} ;;
	-h | --help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	-*) echo "gpu-check: unknown option $1 (--no-torch, --allow-cpu, --only STEPS; -h for help)" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
[ $# -le 2 ] || { echo "gpu-check: too many arguments: $* (usage: scripts/gpu-check.sh [options] [BIN_DIR] [OUT_DIR])" >&2; exit 2; }
BIN=${1:-$here/bin}
OUT=${2:-$here/out/gpu-check}
SIZES=${SIZES:-1024,2048,4096,8192}
HALF_SIZES=${HALF_SIZES:-1024,2048,4096}
FP16_PEAK_TFLOPS=${FP16_PEAK_TFLOPS:-989}
STAGED_SIZES=${STAGED_SIZES:-4096}
GROUP_SIZES=${GROUP_SIZES:-2048,4096}
DEVICE=${DEVICE:-NVIDIA}
TUNE_BUDGET=${TUNE_BUDGET:-60s}
LOADER_DIR=${VULKAN_LOADER_DIR:-$here/.gl}
log() { printf '==> %s\n' "$*" >&2; }
[ -x "$BIN/vkgemm" ] || { echo "gpu-check: no $BIN/vkgemm: build it with ./build.sh build and pass its folder" >&2; exit 2; }
for v in SIZES HALF_SIZES STAGED_SIZES; do
	[[ ${!v} =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "gpu-check: $v=${!v} is not a comma-separated list of sizes" >&2; exit 2; }
done
[[ $FP16_PEAK_TFLOPS =~ ^[0-9]+([.][0-9]+)?$ ]] && [ "${FP16_PEAK_TFLOPS//[0.]/}" != "" ] ||
	{ echo "gpu-check: FP16_PEAK_TFLOPS=$FP16_PEAK_TFLOPS is not a positive number of TFLOPS" >&2; exit 2; }
mkdir -p "$OUT"

# PyTorch with CUDA, checked first: without it there is nothing to compare with.
if [ $no_torch -eq 0 ]; then
	why=$(python3 -c 'import sys
try:
    import torch
except Exception as e:
    sys.exit(f"PyTorch cannot be imported ({e})")
if not torch.cuda.is_available():
    sys.exit(f"PyTorch {torch.__version__} sees no CUDA GPU (torch.version.cuda={torch.version.cuda})")' 2>&1) || {
		echo "gpu-check: the reference needs PyTorch with CUDA on an NVIDIA GPU: ${why:-python3 is missing}" >&2
		echo "gpu-check: install it (pip install torch), or pass --no-torch to time vkgemm alone" >&2
		exit 2
	}
fi

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
# shellcheck disable=SC2206 # VKGEMM_WRAP is a command and its arguments
vk=(${VKGEMM_WRAP:-} "$BIN/vkgemm")
# wanted NAME: whether --only leaves step NAME in (bench-staged-off and -auto are bench-staged).
wanted() { [ -z "$only" ] || [[ ,$only, == *",${1%-off}",* || ,$only, == *",${1%-auto}",* ]]; }
step() { # step NAME SECONDS COMMAND...: runs with a limit, keeps its output
	local name=$1 secs=$2; shift 2
	wanted "$name" || return 0
	log "$name"
	timeout "$secs" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"
	local rc=$?
	cat "$OUT/$name.out"
	[ $rc -eq 0 ] || { echo "gpu-check: $name failed (exit $rc):" >&2; tail -20 "$OUT/$name.err" >&2; }
	return $rc
}
status=0
only=${only:+devices,$only}
step devices 60 "${vk[@]}" devices || exit 1
# A GPU: the device DEVICE names, not a CPU driver (unless --allow-cpu).
chosen=$(timeout 60 "${vk[@]}" devices -json -device "$DEVICE" 2>&1) || {
	echo "gpu-check: no Vulkan device for DEVICE=$DEVICE (a GPU is needed; set DEVICE to a name or index that \`vkgemm devices\` lists): $chosen" >&2
	exit 2
}
if printf '%s' "$chosen" | grep -q '"type": "cpu"' && [ $allow_cpu -eq 0 ]; then
	echo "gpu-check: DEVICE=$DEVICE is a CPU driver, not a GPU: pass --allow-cpu to run on it anyway (its speed says nothing of a GPU's)" >&2
	exit 2
fi
step verify 120 "${vk[@]}" verify -full -device "$DEVICE" || status=1
# The driver compiler's registers, spills and occupancy of the default and built-in kernels
# (NVIDIA's driver reports them through VK_KHR_pipeline_executable_properties).
step isa 60 "${vk[@]}" isa -roles default,builtin -device "$DEVICE" || status=1
step peak 60 "${vk[@]}" peak -json -device "$DEVICE" || status=1
step tune 150 "${vk[@]}" tune -budget "$TUNE_BUDGET" -device "$DEVICE" || status=1
step bench 180 "${vk[@]}" bench -json -cpu=false -reps 5 -sizes "$SIZES" -device "$DEVICE" || status=1
# Strided batches and half-precision inputs against float32, in one run.
step bench-batched-half 90 "${vk[@]}" bench -json -cpu=false -reps 3 -sizes 2048 -classes batched -half f16,bf16 -device "$DEVICE" || status=1
# The gpu package's own tests (conformance of Sgemm, Dgemm, GemmHalf and batches, faults, the
# transfer queue), where BIN_DIR holds the test binary: `go test -c -o bin/gpu.test ./gpu`.
if [ -x "$BIN/gpu.test" ]; then
	step gpu-tests 180 env VKGEMM_REQUIRE_DEVICE=1 VKGEMM_DEVICE="$DEVICE" "$BIN/gpu.test" -test.short -test.timeout 170s || status=1
fi
# GemmHalf (F16, BF16) and GemmInt8 at HALF_SIZES, next to float32, each product checked (int8
# exactly, against the CPU engine); the kernel family of each row says whether F16 ran on
# cooperative matrices (the devices step says whether their self-check passed).
step bench-half-int8 240 "${vk[@]}" bench -json -cpu=false -reps 5 -sizes "$HALF_SIZES" -half f16,bf16 -int8 -device "$DEVICE" || status=1
# Staging uploads on a transfer-only queue family (NVIDIA's copy engines), the one path CPU drivers
# cannot run (they have no such family), checked, then timed against the same uploads in the compute
# submission (VKGEMM_TRANSFER_QUEUE=off).
step verify-transfer 90 env VKGEMM_FORCE_STAGING=1 VKGEMM_TRANSFER_QUEUE=auto "${vk[@]}" verify -device "$DEVICE" || status=1
# Several GPUs: the group of them (gpu.OpenAll) against each alone at GROUP_SIZES, in one run.
# Issue 21's target on two equal GPUs: the group at least 1.7x one GPU.
# (With --allow-cpu, CPU drivers count too.)
gpus=$(timeout 60 "${vk[@]}" devices -json 2>/dev/null | python3 -c 'import json, sys
print(sum(1 for d in json.load(sys.stdin) if d.get("supported", True) and (d.get("type") != "cpu" or sys.argv[1] == "1")))' "$allow_cpu" 2>/dev/null || echo 0)
if [ "${gpus:-0}" -ge 2 ]; then
	step bench-group 600 "${vk[@]}" bench -json -device all -reps 5 -sizes "$GROUP_SIZES" || status=1
else
	echo '{}' >"$OUT/bench-group.out"
	wanted bench-group && log "bench-group: skipped, ${gpus:-0} GPU(s) (it needs two or more)"
fi
for tq in off auto; do
	step "bench-staged-$tq" 60 env VKGEMM_FORCE_STAGING=1 VKGEMM_TRANSFER_QUEUE=$tq "${vk[@]}" bench -json -cpu=false -reps 3 \
		-sizes "$STAGED_SIZES" -device "$DEVICE" || status=1
done

# cuBLAS through PyTorch, float32 with TF32 off, CUDA events, median of 5 after a warm-up.
if [ $no_torch -eq 0 ] && wanted torch; then
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
	echo '{}' >"$OUT/torch.json"
fi

# torch.matmul in float16 and bfloat16, torch._int_mm in int8, at HALF_SIZES: the kernel alone
# (CUDA events on device tensors) and host to host (CPU tensors in, C out, synchronized), medians
# of 5 after a warm-up.
if [ $no_torch -eq 0 ] && wanted torch-half-int8; then
	log "torch-half-int8 (torch.matmul fp16, bf16; torch._int_mm)"
	timeout 180 python3 - "$HALF_SIZES" >"$OUT/torch-half-int8.json" 2>"$OUT/torch-half-int8.err" <<'PY' || { status=1; tail "$OUT/torch-half-int8.err" >&2; }
import json, statistics, sys, time, torch
# float32 accumulation, as GemmHalf's
torch.backends.cuda.matmul.allow_fp16_reduced_precision_reduction = False
torch.backends.cuda.matmul.allow_bf16_reduced_precision_reduction = False
def timed(f, runs=5):
    kernel, wall = [], []
    for r in range(runs + 1):
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        s.record(); f(); e.record(); torch.cuda.synchronize()
        if r: kernel.append(s.elapsed_time(e))
    return statistics.median(kernel)
def host_to_host(f, a, b, runs=5):
    times = []
    for r in range(runs + 1):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        c = f(a.cuda(), b.cuda()).cpu()
        if r: times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)
rows = []
for n in map(int, sys.argv[1].split(",")):
    for fmt, dtype in (("F16", torch.float16), ("BF16", torch.bfloat16)):
        a, b = (torch.rand(n, n) * 2 - 1).to(dtype), (torch.rand(n, n) * 2 - 1).to(dtype)
        ad, bd = a.cuda(), b.cuda()
        ms = timed(lambda: torch.matmul(ad, bd))
        rows.append({"format": fmt, "n": n, "kernel_ms": ms, "wall_ms": host_to_host(torch.matmul, a, b), "op": "torch.matmul"})
    if n > 16 and n % 8 == 0:
        a, b = torch.randint(-128, 128, (n, n), dtype=torch.int8), torch.randint(-128, 128, (n, n), dtype=torch.int8)
        ad, bd = a.cuda(), b.cuda()
        ms = timed(lambda: torch._int_mm(ad, bd))
        rows.append({"format": "int8", "n": n, "kernel_ms": ms, "wall_ms": host_to_host(torch._int_mm, a, b), "op": "torch._int_mm"})
    else:
        print(f"torch._int_mm needs m > 16 and k, n multiples of 8: {n} skipped", file=sys.stderr)
for r in rows:
    r["kernel_tops"] = 2 * r["n"]**3 / (r["kernel_ms"] * 1e9)
    r["wall_tops"] = 2 * r["n"]**3 / (r["wall_ms"] * 1e9)
print(json.dumps({"device": torch.cuda.get_device_name(), "torch": torch.__version__, "results": rows}))
PY
else
	echo '{}' >"$OUT/torch-half-int8.json"
fi

# One JSON and a table.
python3 - "$OUT" "$FP16_PEAK_TFLOPS" <<'PY' || status=1
import json, os, sys
out, fp16_peak = sys.argv[1], float(sys.argv[2])
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
# GemmHalf and GemmInt8 against torch, host to host; F16 against the dense FP16 tensor peak.
# The group of GPUs against each alone (issue 21: >= 1.7x one GPU on two equal ones).
bg = load("bench-group.out")
group = [{"n": r["n"] if "n" in r else r["m"], "group_gflops": r["group_gflops"],
          "alone_gflops": [d["gflops"] for d in r["devices"]], "shares": [d.get("share") for d in r["devices"]],
          "group_over_fastest": r["group_over_fastest"]} for r in bg.get("results", [])]
hb, ht = load("bench-half-int8.out"), load("torch-half-int8.json")
tref = {(r["format"], r["n"]): r for r in ht.get("results", [])}
f32 = {r["n"]: r["vulkan_wall_gflops"] for r in hb.get("results", []) if not r.get("format")}
half_int8 = []
for r in hb.get("results", []):
    fmt = r.get("format")
    if not fmt or r["shape"] != "square":
        continue
    wall_tops = (r.get("vulkan_wall_gops") or r.get("vulkan_wall_gflops") or 0) / 1e3
    kernel_tops = (r.get("vulkan_gops") or r.get("vulkan_gflops") or 0) / 1e3
    t = tref.get((fmt, r["n"]), {})
    row = {"format": fmt, "n": r["n"], "kernel": r.get("kernel"), "family": r.get("family"),
           "vkgemm_wall_ms": r["vulkan_wall_ms"], "vkgemm_wall_tops": wall_tops,
           "vkgemm_kernel_ms": r.get("vulkan_gpu_ms"), "vkgemm_kernel_tops": kernel_tops or None,
           "vkgemm_over_float32": r.get("vulkan_over_float32"), "exact": r.get("exact"),
           "torch_op": t.get("op"), "torch_kernel_tops": t.get("kernel_tops"), "torch_wall_tops": t.get("wall_tops"),
           "vkgemm_over_torch_wall": (wall_tops / t["wall_tops"]) if t.get("wall_tops") else None,
           "vkgemm_over_torch_kernel": (kernel_tops / t["kernel_tops"]) if kernel_tops and t.get("kernel_tops") else None}
    if fmt == "F16":
        row["vkgemm_fp16_peak_percent_kernel"] = (100 * kernel_tops / fp16_peak) if kernel_tops else None
        row["vkgemm_fp16_peak_percent_wall"] = 100 * wall_tops / fp16_peak
        row["torch_fp16_peak_percent_kernel"] = (100 * t["kernel_tops"] / fp16_peak) if t.get("kernel_tops") else None
    half_int8.append(row)
report = {"device": bench.get("device") or hb.get("device"), "kernel": bench.get("kernel") or hb.get("kernel"),
          "date": bench.get("date") or hb.get("date"),
          "peak_gflops": peak.get("gflops"), "torch": torch.get("torch") or ht.get("torch"), "results": rows,
          "staged_wall_gflops_by_transfer_queue": staged,
          "fp16_peak_tflops": fp16_peak, "half_int8": half_int8,
          "group_devices": bg.get("devices"), "group": group}
with open(os.path.join(out, "gpu-check.json"), "w") as f: json.dump(report, f, indent=2)
print(f"\ndevice: {report['device']}\nkernel: {report['kernel']}")
if peak:
    print(f"peak:   {report['peak_gflops']} GFLOPS (dependent FMA)")
if rows:
    print(f"\n{'n':>6} {'vkgemm GFLOPS':>14} {'(wall)':>10} {'cuBLAS GFLOPS':>14} {'vkgemm/cuBLAS':>14}")
for r in rows:
    c = f"{r['cublas_gflops']:.0f}" if r["cublas_gflops"] else "-"
    q = f"{r['ratio']:.2f}" if r["ratio"] else "-"
    print(f"{r['n']:>6} {r['vkgemm_gflops']:>14.0f} {r['vkgemm_wall_gflops']:>10.0f} {c:>14} {q:>14}")
for tq, rs in staged.items():
    for r in rs:
        print(f"staged, transfer queue {tq}: n={r['n']} wall {r['wall_gflops']:.0f} GFLOPS")
if half_int8:
    def f(x, spec):
        return "-" if x is None else format(x, spec)
    print(f"\nGemmHalf and GemmInt8 against torch, TFLOPS (int8: TOPS): \"kernel\" from timestamps (vkgemm) and CUDA"
          f"\nevents (torch), \"wall\" host to host (inputs copied in, C copied out); % of the dense FP16 peak ({fp16_peak:g} TFLOPS),"
          f"\nfrom kernel times. Targets (issue 20): F16 at 4096 >= 50% of the peak and >= 0.7x torch.")
    print(f"{'format':>6} {'n':>6} {'vkgemm kernel':>14} {'torch kernel':>13} {'ratio':>6} {'vkgemm wall':>12} {'torch wall':>11}"
          f" {'ratio':>6} {'vkgemm %peak':>13} {'torch %peak':>12}  kernel family")
    for r in half_int8:
        print(f"{r['format']:>6} {r['n']:>6} {f(r['vkgemm_kernel_tops'], '.4g'):>14} {f(r['torch_kernel_tops'], '.4g'):>13}"
              f" {f(r['vkgemm_over_torch_kernel'], '.3g'):>6} {r['vkgemm_wall_tops']:>12.4g} {f(r['torch_wall_tops'], '.4g'):>11}"
              f" {f(r['vkgemm_over_torch_wall'], '.3g'):>6}"
              f" {f(r.get('vkgemm_fp16_peak_percent_kernel'), '.3g'):>13} {f(r.get('torch_fp16_peak_percent_kernel'), '.3g'):>12}"
              f"  {r['family'] or '-'}{' (exact)' if r['exact'] else ''}")
if group:
    print(f"\nthe group of {len(report['group_devices'])} devices against each alone (wall GFLOPS); target on two equal GPUs: >= 1.7x one")
    for r in group:
        alone = ", ".join(f"{g:.0f} ({100 * (s or 0):.0f}% of the group's)" for g, s in zip(r["alone_gflops"], r["shares"]))
        print(f"n={r['n']}: group {r['group_gflops']:.0f}, alone {alone}: {r['group_over_fastest']:.2f}x the fastest")
PY
exit $status
