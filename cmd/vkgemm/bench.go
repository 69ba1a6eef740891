package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gemm/cpu"
	"github.com/vkgemm/vkgemm/gpu"
	"github.com/vkgemm/vkgemm/gpu/tune"
	"github.com/vkgemm/vkgemm/shaders"
)

// benchRow is one size of a benchmark run. Times are medians over the
// repetitions; Min and Max give their spread.
type benchRow struct {
	Shape         string  `json:"shape"`            // "square" or a shape class
	Format        string  `json:"format,omitempty"` // "F16" or "BF16" for GemmHalf; float32 where empty
	Batch         int     `json:"batch,omitempty"`  // products of one strided-batched call (m, n, k are one product's)
	M             int     `json:"m"`
	N             int     `json:"n"`
	K             int     `json:"k"`
	PeakPercent   float64 `json:"peak_percent,omitempty"` // kernel GFLOPS / measured peak
	VulkanGPUms   float64 `json:"vulkan_gpu_ms"`          // kernel time from timestamps
	VulkanWallms  float64 `json:"vulkan_wall_ms"`         // whole call, copies included
	VulkanWallMin float64 `json:"vulkan_wall_min_ms"`
	VulkanWallMax float64 `json:"vulkan_wall_max_ms"`
	VulkanGFLOPS  float64 `json:"vulkan_gflops"`      // from GPU time
	VulkanWallGF  float64 `json:"vulkan_wall_gflops"` // from wall time
	CPUms         float64 `json:"cpu_ms,omitempty"`
	CPUMin        float64 `json:"cpu_min_ms,omitempty"`
	CPUMax        float64 `json:"cpu_max_ms,omitempty"`
	CPUGFLOPS     float64 `json:"cpu_gflops,omitempty"`
	Ratio         float64 `json:"vulkan_over_cpu,omitempty"` // Vulkan wall GFLOPS / CPU GFLOPS
	// OverFloat32 is a GemmHalf row's wall GFLOPS over Sgemm's on the same
	// shape in the same run.
	OverFloat32 float64 `json:"vulkan_over_float32,omitempty"`
	// LoopWallms is a batch as a loop of Sgemm calls; OverLoop the batched
	// call's wall GFLOPS over the loop's.
	LoopWallms float64 `json:"vulkan_loop_wall_ms,omitempty"`
	OverLoop   float64 `json:"vulkan_over_loop,omitempty"`
	// Kernel is the kernel that ran the row's device products, and Family
	// its family: "coopmat" for cooperative matrices (tensor cores), else
	// one of the FMA kernels' (direct, subgroup, block, tiled).
	Kernel string `json:"kernel,omitempty"`
	Family string `json:"family,omitempty"`
	// An int8 row (Format "int8", GemmInt8) counts integer operations:
	// GOPS = 2mnk / time, in these fields instead of the GFLOPS ones (its
	// ratios compare GOPS with the float32 row's GFLOPS and the CPU's GOPS).
	// Exact is true once the device's C matched the CPU engine's exact one
	// (checked once, untimed; a mismatch fails the run).
	VulkanGOPS     float64 `json:"vulkan_gops,omitempty"` // from kernel time
	VulkanWallGOPS float64 `json:"vulkan_wall_gops,omitempty"`
	CPUGOPS        float64 `json:"cpu_gops,omitempty"`
	Exact          *bool   `json:"exact,omitempty"`
}

type benchReport struct {
	Date            string     `json:"date"`
	Device          string     `json:"device"`
	Kernel          string     `json:"kernel"`
	CPU             string     `json:"cpu,omitempty"`
	Reps            int        `json:"reps"`
	PeakGFLOPS      float64    `json:"peak_gflops,omitempty"`
	RoundTripUS     float64    `json:"round_trip_us"`     // empty submit + wait
	EmptyDispatchUS float64    `json:"empty_dispatch_us"` // one invocation of a do-nothing shader
	DispatchUS      float64    `json:"dispatch_us"`       // 1×1×1 product on device matrices
	Rows            []benchRow `json:"results"`
}

func runBench(args []string, stdout, stderr io.Writer) (retErr error) {
	fs, df := newFlags("bench", "Measures single-precision GEMM on square n×n matrices, and on the products that stand for\n"+
		"shape classes: GFLOPS of the Vulkan engine (from kernel timestamps, and from wall time with copies)\n"+
		"and of the CPU engine (OpenBLAS where installed, else gonum) in the same run, as medians of\n"+
		"repetitions after a warm-up, with their spread. The batched class is a strided batch of small\n"+
		"products in one call, against a loop of Sgemm calls; -half adds GemmHalf at every size, against\n"+
		"float32, naming the kernel family that ran it (coopmat: cooperative matrices, tensor cores);\n"+
		"-int8 adds GemmInt8 (int8 A and B, exact int32 C) at every size in GOPS, against float32 and the\n"+
		"CPU engine's int8 GEMM, each result checked exactly against the CPU engine's once (untimed), also\n"+
		"naming its kernel family. Cooperative matrices run where the device lists their shapes: on GPUs\n"+
		"by default, on CPU drivers (lavapipe 26) with VKGEMM_COOPMAT=1.\n"+
		"Progress goes to stderr.", stderr)
	sizes := fs.String("sizes", "256,512,1024,2048", "comma-separated square matrix `sizes` (empty for none)")
	classes := fs.String("classes", "", "comma-separated shape `classes` to add ("+strings.Join(classNames(), ", ")+")")
	halves := fs.String("half", "", "comma-separated half `formats` (f16, bf16) to time with GemmHalf at every size but the batch")
	withInt8 := fs.Bool("int8", false, "also time GemmInt8 (int8 inputs, exact int32 C) at every size but the batch, in GOPS")
	withPeak := fs.Bool("peak", false, "measure the device's FMA peak first and give each result as a percentage of it")
	reps := fs.Int("reps", 5, "timed repetitions per size and engine (the median is reported)")
	withCPU := fs.Bool("cpu", true, "also time the CPU engine")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	fs.Lookup("device").Usage = "device `index or name` substring (default: $VKGEMM_DEVICE, else the best device); \"all\" or a list\n" +
		"such as 0,2: the group of those devices (gpu.OpenAll) against each device alone, float32 square sizes only"
	if err := parse(fs, args); err != nil {
		return err
	}
	cls, formats, err := parseClassesAndHalf(*classes, *halves, stderr)
	if err != nil {
		return err
	}
	var ns []int
	if *sizes != "" {
		if ns, err = parseSizes(*sizes); err != nil {
			fmt.Fprintln(stderr, err)
			return errUsage
		}
	}
	if *reps < 1 {
		fmt.Fprintln(stderr, "-reps must be at least 1")
		return errUsage
	}
	if groupSelection(df.device) {
		return runGroupBench(fs, df, ns, *reps, *asJSON, stdout, stderr)
	}
	d, err := df.open()
	if err != nil {
		return err
	}
	defer closeDevice(d, &retErr)
	rep := benchReport{Date: time.Now().UTC().Format(time.RFC3339), Device: d.Describe(), Kernel: kernelText(d), Reps: *reps,
		Rows: []benchRow{}} // [] rather than null in JSON when there is nothing to measure
	if *withCPU {
		rep.CPU = cpu.Engine{}.Describe()
	}
	progress := newProgress(stderr)
	defer progress.done()

	if *withPeak {
		progress.show("peak")
		p, err := prober(d).MeasurePeak(false)
		if err != nil {
			return err
		}
		rep.PeakGFLOPS = p.GFLOPS
	}
	if rep.RoundTripUS, rep.EmptyDispatchUS, rep.DispatchUS, err = dispatchCost(d, *reps); err != nil {
		return err
	}
	type shape struct {
		name    string
		m, n, k int
	}
	var shapes []shape
	for _, n := range ns {
		shapes = append(shapes, shape{"square", n, n, n})
	}
	for _, c := range cls {
		m, n, k := tune.Shape(tune.Class(c), d.Info().Type == gpu.TypeCPU)
		shapes = append(shapes, shape{c, m, n, k})
	}
	b := bencher{d: d, reps: *reps, progress: progress, withCPU: *withCPU, peak: rep.PeakGFLOPS, rng: rand.New(rand.NewPCG(1, 1))}
	for _, sh := range shapes {
		if sh.name == string(tune.Batched) {
			row, err := b.batched(sh.m, sh.n, sh.k, tune.BatchedCount)
			if err != nil {
				return err
			}
			rep.Rows = append(rep.Rows, row)
			continue
		}
		row, err := b.single(sh.name, sh.m, sh.n, sh.k)
		if err != nil {
			return err
		}
		rep.Rows = append(rep.Rows, row)
		for _, f := range formats {
			half, err := b.half(f, sh.name, sh.m, sh.n, sh.k)
			if err != nil {
				return err
			}
			half.OverFloat32 = half.VulkanWallGF / row.VulkanWallGF
			rep.Rows = append(rep.Rows, half)
		}
		if *withInt8 {
			i8, err := b.gemmInt8(sh.name, sh.m, sh.n, sh.k)
			if err != nil {
				return err
			}
			i8.OverFloat32 = i8.VulkanWallGOPS / row.VulkanWallGF
			rep.Rows = append(rep.Rows, i8)
		}
	}
	progress.done()
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printBench(stdout, &rep, *withCPU)
	return nil
}

// bencher times the products of one bench run.
type bencher struct {
	d        *gpu.Device
	cpu      cpu.Engine
	reps     int
	progress *progress
	withCPU  bool
	peak     float64
	rng      *rand.Rand
}

// repeat calls f once to warm up (pipelines, buffers, caches) and reps
// times timed, and returns the kernel times f reports and the wall times,
// in milliseconds.
func (b *bencher) repeat(label string, f func() (kernel time.Duration, err error)) (kernelT, wallT []float64, err error) {
	for r := -1; r < b.reps; r++ {
		b.progress.show("%s %d/%d", label, r+1, b.reps)
		start := time.Now()
		t, err := f()
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", label, err)
		}
		if r >= 0 {
			kernelT = append(kernelT, ms(t))
			wallT = append(wallT, ms(time.Since(start)))
		}
	}
	return kernelT, wallT, nil
}

// vulkan fills row's Vulkan figures from kernel and wall times of
// products of flops each (kernel times may be zero: not measured).
func (b *bencher) vulkan(row *benchRow, flops float64, kernelT, wallT []float64) {
	row.VulkanGPUms, row.VulkanWallms = median(kernelT), median(wallT)
	row.VulkanWallMin, row.VulkanWallMax = slices.Min(wallT), slices.Max(wallT)
	row.VulkanGFLOPS, row.VulkanWallGF = gflopsOf(flops, row.VulkanGPUms), gflopsOf(flops, row.VulkanWallms)
	if b.peak > 0 {
		row.PeakPercent = 100 * row.VulkanGFLOPS / b.peak
	}
}

// cpuPath times f, the same work on the CPU path, into row, unless the
// run leaves the CPU out.
func (b *bencher) cpuPath(row *benchRow, label string, flops float64, f func() error) error {
	if !b.withCPU {
		return nil
	}
	_, cpuT, err := b.repeat(label, func() (time.Duration, error) { return 0, f() })
	if err != nil {
		return err
	}
	row.CPUms, row.CPUMin, row.CPUMax = median(cpuT), slices.Min(cpuT), slices.Max(cpuT)
	row.CPUGFLOPS = gflopsOf(flops, row.CPUms)
	row.Ratio = row.VulkanWallGF / row.CPUGFLOPS
	return nil
}

// single times one float32 m×n×k product on the device and the CPU path.
func (b *bencher) single(shape string, m, n, k int) (benchRow, error) {
	row := benchRow{Shape: shape, M: m, N: n, K: k}
	x, y, c := randSlice(b.rng, m*k), randSlice(b.rng, k*n), make([]float32, m*n)
	kernelT, wallT, err := b.repeat(dims(m, n, k)+" Vulkan", func() (time.Duration, error) {
		return prober(b.d).SgemmTimed(blas.NoTrans, blas.NoTrans, m, n, k, 1, x, k, y, n, 0, c, n)
	})
	if err != nil {
		return row, err
	}
	flops := gemm.Flops(m, n, k)
	b.vulkan(&row, flops, kernelT, wallT)
	b.kernel(&row, shaders.F32, 1)
	return row, b.cpuPath(&row, dims(m, n, k)+" CPU", flops, func() error {
		return b.cpu.Sgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, x, k, y, n, 0, c, n)
	})
}

// half times GemmHalf of format f on an m×n×k product, kernels (from
// timestamps) and wall. The CPU path has no half precision.
func (b *bencher) half(f gpu.HalfFormat, shape string, m, n, k int) (benchRow, error) {
	row := benchRow{Shape: shape, Format: f.String(), M: m, N: n, K: k}
	x, y, c := make([]uint16, m*k), make([]uint16, k*n), make([]float32, m*n)
	f.Encode(x, randSlice(b.rng, m*k))
	f.Encode(y, randSlice(b.rng, k*n))
	kernelT, wallT, err := b.repeat(fmt.Sprintf("%s %v Vulkan", dims(m, n, k), f), func() (time.Duration, error) {
		return prober(b.d).KernelTime(func() error { return b.d.GemmHalf(f, blas.NoTrans, blas.NoTrans, m, n, k, 1, x, k, y, n, 0, c, n) })
	})
	if err != nil {
		return row, err
	}
	b.vulkan(&row, gemm.Flops(m, n, k), kernelT, wallT)
	// After the first F16 product, which ran the cooperative-matrix
	// self-check where the device has that kernel.
	b.kernel(&row, map[gpu.HalfFormat]shaders.Element{gpu.F16: shaders.F16, gpu.BF16: shaders.BF16}[f], 1)
	return row, nil
}

// kernel records in row the kernel that runs its products of element type
// e, batch of them in a strided batch.
func (b *bencher) kernel(row *benchRow, e shaders.Element, batch int) {
	k := tune.KernelFor(b.d, e, row.M, row.N, row.K, batch)
	row.Kernel, row.Family = k.String(), string(k.Family)
}

// gemmInt8 times GemmInt8 on an m×n×k product of random int8 (the whole
// range, -128 to 127), and the CPU engine's int8 GEMM unless the run leaves
// the CPU out, and checks the device's C against the CPU engine's, which is
// exact, once: any difference fails the run.
func (b *bencher) gemmInt8(shape string, m, n, k int) (benchRow, error) {
	row := benchRow{Shape: shape, Format: "int8", M: m, N: n, K: k}
	x, y := randInt8(b.rng, m*k), randInt8(b.rng, k*n)
	c, want := make([]int32, m*n), make([]int32, m*n)
	label := dims(m, n, k) + " int8"
	kernelT, wallT, err := b.repeat(label+" Vulkan", func() (time.Duration, error) {
		return prober(b.d).KernelTime(func() error { return b.d.GemmInt8(blas.NoTrans, blas.NoTrans, m, n, k, x, k, y, n, c, n) })
	})
	if err != nil {
		return row, err
	}
	ops := gemm.Flops(m, n, k)
	b.vulkan(&row, ops, kernelT, wallT)
	b.kernel(&row, shaders.Int8, 1)
	exact := func() error { return b.cpu.GemmInt8(blas.NoTrans, blas.NoTrans, m, n, k, x, k, y, n, want, n) }
	if b.withCPU {
		if err := b.cpuPath(&row, label+" CPU", ops, exact); err != nil {
			return row, err
		}
		row.CPUGOPS, row.CPUGFLOPS = row.CPUGFLOPS, 0
	} else {
		b.progress.show("%s check", label)
		if err := exact(); err != nil {
			return row, fmt.Errorf("%s CPU: %w", label, err)
		}
	}
	// The same numbers, in the fields whose names say what they count.
	row.VulkanWallGOPS, row.VulkanWallGF = row.VulkanWallGF, 0
	row.VulkanGOPS, row.VulkanGFLOPS, row.PeakPercent = row.VulkanGFLOPS, 0, 0 // the peak is float32 FMA
	if wrong := int8Mismatch(c, want, n); wrong != "" {
		return row, fmt.Errorf("%s: GemmInt8 is not exact: %s", label, wrong)
	}
	exactTrue := true
	row.Exact = &exactTrue
	return row, nil
}

// int8Mismatch describes where got, an m×n C with rows n apart, differs
// from want: the first element and the count; "" where they agree.
func int8Mismatch(got, want []int32, n int) string {
	first, count := -1, 0
	for i := range want {
		if got[i] != want[i] {
			if first < 0 {
				first = i
			}
			count++
		}
	}
	if count == 0 {
		return ""
	}
	return fmt.Sprintf("C(%d,%d) = %d where the CPU engine's exact product is %d (%d of %d elements differ)",
		first/n, first%n, got[first], want[first], count, len(want))
}

// batched times a strided batch of m×n×k products in one call and as a
// loop of Sgemm calls, on the device, and as a loop on the CPU path.
func (b *bencher) batched(m, n, k, batch int) (benchRow, error) {
	row := benchRow{Shape: string(tune.Batched), Batch: batch, M: m, N: n, K: k}
	sA, sB, sC := m*k, k*n, m*n
	x, y, c := randSlice(b.rng, batch*sA), randSlice(b.rng, batch*sB), make([]float32, batch*sC)
	label := fmt.Sprintf("%d × %s", batch, dims(m, n, k))
	loop := func(sgemm func(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) error) error {
		for g := range batch {
			if err := sgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, x[g*sA:], k, y[g*sB:], n, 0, c[g*sC:], n); err != nil {
				return err
			}
		}
		return nil
	}
	kernelT, wallT, err := b.repeat(label+" Vulkan batched", func() (time.Duration, error) {
		return 0, b.d.SgemmStridedBatched(blas.NoTrans, blas.NoTrans, m, n, k, 1, x, k, sA, y, n, sB, 0, c, n, sC, batch)
	})
	if err != nil {
		return row, err
	}
	flops := float64(batch) * gemm.Flops(m, n, k)
	b.vulkan(&row, flops, kernelT, wallT)
	b.kernel(&row, shaders.F32, batch)
	_, loopT, err := b.repeat(label+" Vulkan loop", func() (time.Duration, error) { return 0, loop(b.d.Sgemm) })
	if err != nil {
		return row, err
	}
	row.LoopWallms = median(loopT)
	row.OverLoop = row.VulkanWallGF / gflopsOf(flops, row.LoopWallms)
	return row, b.cpuPath(&row, label+" CPU", flops, func() error { return loop(b.cpu.Sgemm) })
}

// dispatchCost measures an empty submit-and-wait, the driver's own
// dispatch of a do-nothing shader, and a 1×1×1 product on device matrices:
// medians over reps (at least 100) after a warm-up.
func dispatchCost(d *gpu.Device, reps int) (roundTrip, emptyDispatch, dispatch float64, err error) {
	reps = max(reps, 100)
	A, err := d.NewMatrix(1, 1)
	if err != nil {
		return 0, 0, 0, err
	}
	defer A.Release()
	C, err := d.NewMatrix(1, 1)
	if err != nil {
		return 0, 0, 0, err
	}
	defer C.Release()
	product := func() (time.Duration, error) {
		start := time.Now()
		p, err := d.MatMulAsync(blas.NoTrans, blas.NoTrans, 1, A, A, 0, C)
		if err == nil {
			_, err = p.Wait()
		}
		return time.Since(start), err
	}
	// Each in a loop of its own, as a stream of small products would run:
	// alternating them lets the driver's worker threads fall asleep.
	var medians [3]float64
	for i, f := range []func() (time.Duration, error){prober(d).RoundTrip, prober(d).EmptyDispatch, product} {
		var ts []float64
		for r := -1; r < reps; r++ {
			t, err := f()
			if err != nil {
				return 0, 0, 0, err
			}
			if r >= 0 {
				ts = append(ts, float64(t.Microseconds()))
			}
		}
		medians[i] = median(ts)
	}
	return medians[0], medians[1], medians[2], nil
}

func printBench(w io.Writer, rep *benchReport, withCPU bool) {
	fmt.Fprintf(w, "device: %s\nkernel: %s\n", rep.Device, rep.Kernel)
	if withCPU {
		fmt.Fprintf(w, "CPU:    %s\n", rep.CPU)
	}
	if rep.PeakGFLOPS > 0 {
		fmt.Fprintf(w, "peak:   %.1f GFLOPS (dependent FMA, `vkgemm peak`)\n", rep.PeakGFLOPS)
	}
	fmt.Fprintf(w, "dispatch: %.0f µs for a 1×1×1 product; the driver's empty dispatch %.0f µs; empty submit+wait %.0f µs (medians)\n\n",
		rep.DispatchUS, rep.EmptyDispatchUS, rep.RoundTripUS)
	compared := slices.ContainsFunc(rep.Rows, func(r benchRow) bool { return r.OverFloat32 > 0 || r.OverLoop > 0 })
	int8s := slices.ContainsFunc(rep.Rows, func(r benchRow) bool { return r.VulkanWallGOPS > 0 })
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "shape\tm×n×k\tVulkan GFLOPS (kernel)\t"
	if rep.PeakGFLOPS > 0 {
		head += "of peak\t"
	}
	head += "Vulkan GFLOPS (wall)\tVulkan wall ms (min-max)\t"
	if compared {
		head += "Vulkan vs\t"
	}
	if withCPU {
		head += "CPU GFLOPS\tCPU ms (min-max)\tVulkan/CPU\t"
	}
	head += "kernel\t"
	fmt.Fprintln(tw, head)
	for _, r := range rep.Rows {
		shape, size := r.Shape, dims(r.M, r.N, r.K)
		if r.Format != "" {
			shape += " " + r.Format
		}
		if r.Batch > 0 {
			size = fmt.Sprintf("%d × %s", r.Batch, size)
		}
		kernelRate := orDash(r.VulkanGFLOPS, "%.2f")
		if r.VulkanGOPS > 0 {
			kernelRate = fmt.Sprintf("%.2f GOPS", r.VulkanGOPS)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t", shape, size, kernelRate)
		if rep.PeakGFLOPS > 0 {
			fmt.Fprintf(tw, "%s\t", orDash(r.PeakPercent, "%.0f%%"))
		}
		wall := fmt.Sprintf("%.2f", r.VulkanWallGF)
		if r.VulkanWallGOPS > 0 {
			wall = fmt.Sprintf("%.2f GOPS", r.VulkanWallGOPS)
		}
		fmt.Fprintf(tw, "%s\t%.1f (%.1f-%.1f)\t", wall, r.VulkanWallms, r.VulkanWallMin, r.VulkanWallMax)
		if compared {
			switch {
			case r.OverFloat32 > 0:
				fmt.Fprintf(tw, "%.2fx float32\t", r.OverFloat32)
			case r.OverLoop > 0:
				fmt.Fprintf(tw, "%.2fx a loop of %d Sgemm\t", r.OverLoop, r.Batch)
			default:
				fmt.Fprint(tw, "\t")
			}
		}
		if withCPU {
			switch {
			case r.CPUGFLOPS > 0:
				fmt.Fprintf(tw, "%.2f\t%.1f (%.1f-%.1f)\t%.2fx\t", r.CPUGFLOPS, r.CPUms, r.CPUMin, r.CPUMax, r.Ratio)
			case r.CPUGOPS > 0:
				fmt.Fprintf(tw, "%.2f GOPS\t%.1f (%.1f-%.1f)\t%.2fx\t", r.CPUGOPS, r.CPUms, r.CPUMin, r.CPUMax, r.Ratio)
			default:
				fmt.Fprint(tw, "-\t-\t-\t")
			}
		}
		fmt.Fprintf(tw, "%s\t\n", orWord(r.Family, "-"))
	}
	tw.Flush()
	printKernels(w, rep.Rows)
	fmt.Fprintf(w, "\nmedians of %d runs after a warm-up; GFLOPS = 2mnk / time; Vulkan/CPU and \"Vulkan vs\" compare wall times;\n"+
		"batched calls report no kernel time (-)\n", rep.Reps)
	if int8s {
		fmt.Fprintln(w, "int8 rows (GemmInt8): GOPS = 2mnk / time in integer operations; each C matched the CPU engine's exact one")
	}
}

// printKernels lists the kernel of each format that ran in half or int8
// rows (the kernel line above is float32's), with the shapes it ran where a
// format ran more than one.
func printKernels(w io.Writer, rows []benchRow) {
	type use struct {
		format, kernel string
		shapes         []string
	}
	var uses []*use
	perFormat := map[string]int{}
	for _, r := range rows {
		if r.Format == "" || r.Kernel == "" {
			continue
		}
		i := slices.IndexFunc(uses, func(u *use) bool { return u.format == r.Format && u.kernel == r.Kernel })
		if i < 0 {
			uses = append(uses, &use{format: r.Format, kernel: r.Kernel})
			perFormat[r.Format]++
			i = len(uses) - 1
		}
		if !slices.Contains(uses[i].shapes, r.Shape) {
			uses[i].shapes = append(uses[i].shapes, r.Shape)
		}
	}
	if len(uses) > 0 {
		fmt.Fprintln(w)
	}
	for _, u := range uses {
		label := u.format
		if perFormat[u.format] > 1 {
			label += " (" + strings.Join(u.shapes, ", ") + ")"
		}
		fmt.Fprintf(w, "%s kernel: %s\n", label, u.kernel)
	}
}

// orWord is s, or word where s is empty.
func orWord(s, word string) string {
	if s == "" {
		return word
	}
	return s
}

// orDash formats x, or "-" where it was not measured.
func orDash(x float64, format string) string {
	if x == 0 {
		return "-"
	}
	return fmt.Sprintf(format, x)
}

func dims(m, n, k int) string {
	if m == n && n == k {
		return fmt.Sprintf("%d³", n)
	}
	return fmt.Sprintf("%d×%d×%d", m, n, k)
}

// parseClasses reads a comma-separated list of shape classes (empty for
// none); one that is not in valid is a usage error.
func parseClasses(s string, valid []string, stderr io.Writer) ([]string, error) {
	if s == "" {
		return nil, nil
	}
	cls := strings.Split(s, ",")
	for _, c := range cls {
		if !slices.Contains(valid, c) {
			fmt.Fprintf(stderr, "-classes: unknown shape class %q (classes: %s)\n", c, strings.Join(valid, ", "))
			return nil, errUsage
		}
	}
	return cls, nil
}

func parseSizes(s string) ([]int, error) {
	var ns []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 65536 {
			return nil, fmt.Errorf("-sizes: %q is not a size from 1 to 65536", f)
		}
		ns = append(ns, n)
	}
	return ns, nil
}

// randInt8 is n random int8 over the whole range.
func randInt8(rng *rand.Rand, n int) []int8 {
	s := make([]int8, n)
	for i := range s {
		s[i] = int8(rng.IntN(256) - 128)
	}
	return s
}

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = rng.Float32()*2 - 1
	}
	return s
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

// gflopsOf is the GFLOPS of flops in ms milliseconds; 0 where no time was
// measured.
func gflopsOf(flops, ms float64) float64 {
	if ms <= 0 {
		return 0
	}
	return flops / (ms * 1e6)
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
