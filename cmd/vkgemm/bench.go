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
	"github.com/vkgemm/vkgemm/gpu"
)

// benchRow is one size of a benchmark run. Times are medians over the
// repetitions; Min and Max give their spread.
type benchRow struct {
	Shape         string  `json:"shape"` // "square" or a shape class
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
		"and of the CPU engine (gonum) in the same run, as medians of repetitions after a warm-up, with\n"+
		"their spread. Progress goes to stderr.", stderr)
	sizes := fs.String("sizes", "256,512,1024,2048", "comma-separated square matrix `sizes` (empty for none)")
	classes := fs.String("classes", "", "comma-separated shape `classes` to add ("+strings.Join(gpu.ShapeClasses, ", ")+")")
	withPeak := fs.Bool("peak", false, "measure the device's FMA peak first and give each result as a percentage of it")
	reps := fs.Int("reps", 5, "timed repetitions per size and engine (the median is reported)")
	withCPU := fs.Bool("cpu", true, "also time the CPU engine")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := parse(fs, args); err != nil {
		return err
	}
	cls, err := parseClasses(*classes, gpu.ShapeClasses, stderr)
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
	d, err := df.open()
	if err != nil {
		return err
	}
	defer closeDevice(d, &retErr)
	rep := benchReport{Date: time.Now().UTC().Format(time.RFC3339), Device: d.Describe(), Kernel: d.Kernel(), Reps: *reps,
		Rows: []benchRow{}} // [] rather than null in JSON when there is nothing to measure
	cpu := gemm.CPU{}
	if *withCPU {
		rep.CPU = cpu.Describe()
	}
	progress := newProgress(stderr)
	defer progress.done()

	if *withPeak {
		progress.show("peak")
		p, err := d.MeasurePeak()
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
		m, n, k := gpu.ClassShape(c, d.Info().Type == gpu.TypeCPU)
		shapes = append(shapes, shape{c, m, n, k})
	}
	rng := rand.New(rand.NewPCG(1, 1))
	for _, sh := range shapes {
		m, n, k := sh.m, sh.n, sh.k
		a, b, c := randSlice(rng, m*k), randSlice(rng, k*n), make([]float32, m*n)
		row := benchRow{Shape: sh.name, M: m, N: n, K: k}
		var gpuT, wallT []float64
		for r := -1; r < *reps; r++ { // r = -1 is the warm-up: pipelines, buffers, caches
			progress.show("%s Vulkan %d/%d", dims(m, n, k), r+1, *reps)
			t, err := d.SgemmTimed(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, b, n, 0, c, n)
			if err != nil {
				return fmt.Errorf("%s: %w", dims(m, n, k), err)
			}
			if r >= 0 {
				gpuT = append(gpuT, ms(t.GPU))
				wallT = append(wallT, ms(t.Wall))
			}
		}
		row.VulkanGPUms, row.VulkanWallms = median(gpuT), median(wallT)
		row.VulkanWallMin, row.VulkanWallMax = slices.Min(wallT), slices.Max(wallT)
		row.VulkanGFLOPS, row.VulkanWallGF = gflops(m, n, k, row.VulkanGPUms), gflops(m, n, k, row.VulkanWallms)
		if rep.PeakGFLOPS > 0 {
			row.PeakPercent = 100 * row.VulkanGFLOPS / rep.PeakGFLOPS
		}
		if *withCPU {
			var cpuT []float64
			for r := -1; r < *reps; r++ {
				progress.show("%s CPU %d/%d", dims(m, n, k), r+1, *reps)
				start := time.Now()
				if err := cpu.Sgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, b, n, 0, c, n); err != nil {
					return err
				}
				if r >= 0 {
					cpuT = append(cpuT, ms(time.Since(start)))
				}
			}
			row.CPUms, row.CPUMin, row.CPUMax = median(cpuT), slices.Min(cpuT), slices.Max(cpuT)
			row.CPUGFLOPS = gflops(m, n, k, row.CPUms)
			row.Ratio = row.VulkanWallGF / row.CPUGFLOPS
		}
		rep.Rows = append(rep.Rows, row)
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
		err := d.MatMul(blas.NoTrans, blas.NoTrans, 1, A, A, 0, C)
		return time.Since(start), err
	}
	// Each in a loop of its own, as a stream of small products would run:
	// alternating them lets the driver's worker threads fall asleep.
	var medians [3]float64
	for i, f := range []func() (time.Duration, error){d.RoundTrip, d.EmptyDispatch, product} {
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
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "shape\tm×n×k\tVulkan GFLOPS (kernel)\t"
	if rep.PeakGFLOPS > 0 {
		head += "of peak\t"
	}
	head += "Vulkan GFLOPS (wall)\tVulkan wall ms (min-max)\t"
	if withCPU {
		head += "CPU GFLOPS\tCPU ms (min-max)\tVulkan/CPU\t"
	}
	fmt.Fprintln(tw, head)
	for _, r := range rep.Rows {
		fmt.Fprintf(tw, "%s\t%s\t%.2f\t", r.Shape, dims(r.M, r.N, r.K), r.VulkanGFLOPS)
		if rep.PeakGFLOPS > 0 {
			fmt.Fprintf(tw, "%.0f%%\t", r.PeakPercent)
		}
		fmt.Fprintf(tw, "%.2f\t%.1f (%.1f-%.1f)\t", r.VulkanWallGF, r.VulkanWallms, r.VulkanWallMin, r.VulkanWallMax)
		if withCPU {
			fmt.Fprintf(tw, "%.2f\t%.1f (%.1f-%.1f)\t%.2fx\t", r.CPUGFLOPS, r.CPUms, r.CPUMin, r.CPUMax, r.Ratio)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nmedians of %d runs after a warm-up; GFLOPS = 2mnk / time; Vulkan/CPU compares wall times\n", rep.Reps)
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

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = rng.Float32()*2 - 1
	}
	return s
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

func gflops(m, n, k int, ms float64) float64 {
	if ms <= 0 {
		return 0
	}
	return gemm.Flops(m, n, k) / (ms * 1e6)
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
