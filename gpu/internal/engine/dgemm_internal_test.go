package engine

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gemm/cpu"
	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/gpu/internal/kernel"
	"github.com/vkgemm/vkgemm/gpu/internal/tuning"
	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"github.com/vkgemm/vkgemm/shaders"
)

// dgemmCandidates are the float64 kernels BenchmarkDgemmKernel compares:
// storage-buffer loads, and texel loads over a range of blocks and slices
// of k. Larger blocks (8×16, 12×16, 16×16) took 3 to 8 times as long as 8×8
// to compile cold on lavapipe (docs/perf.md), so they are left out.
var dgemmCandidates = []kernel.Kernel{
	direct64,
	{Family: shaders.FamilyDirect, Element: shaders.F64, WGX: 8, WGY: 1, TM: 8, TN: 8, TK: 4, Texel: true},
	{Family: shaders.FamilyDirect, Element: shaders.F64, WGX: 8, WGY: 1, TM: 8, TN: 12, TK: 4, Texel: true},
	direct64Texel,
	{Family: shaders.FamilyDirect, Element: shaders.F64, WGX: 8, WGY: 1, TM: 12, TN: 12, TK: 4, Texel: true},
}

// The float64 kernels: storage-buffer loads, and texel loads (the default
// where the device has uint texel buffers as large as its storage buffers).
var (
	direct64      = kernel.Kernel{Family: shaders.FamilyDirect, Element: shaders.F64, WGX: 8, WGY: 1, TM: 8, TN: 8, TK: 4}
	direct64Texel = kernel.Kernel{Family: shaders.FamilyDirect, Element: shaders.F64, WGX: 8, WGY: 1, TM: 12, TN: 8, TK: 4, Texel: true}
)

// Both float64 modules are correct in every transpose, whatever the device's
// default: storage loads, and texel loads with slices of k (one dispatch
// each, the offsets moving along k, beta 1 after the first), on odd sizes
// with padded leading dimensions. Other texel blocks are the same module
// with other constants; each costs a compile of seconds on lavapipe, so
// only the default block is used here (slices of k do not change the
// module); the GPUs' kernel, 4×4 in workgroups of 16×16, runs too.
func TestDgemmKernels(t *testing.T) {
	d := openForTest(t, Config{})
	t.Cleanup(func() { require.NoError(t, d.Close()) })
	if err := d.Float64Support(); err != nil {
		require.NotContains(t, d.Describe(), "llvmpipe", "lavapipe has float64")
		t.Skip(err)
	}
	kernels := []kernel.Kernel{direct64}
	if kernel.Float64(d.props) == direct64Texel {
		sliced := direct64Texel
		sliced.KChunk = 128
		// The GPUs' kernel: 4×4 per invocation, 16×16 workgroups, texel loads.
		gpu := *d.props
		gpu.Type = vk.TypeDiscrete
		kernels = append(kernels, sliced, kernel.Float64(&gpu))
	} else {
		t.Logf("%s: no uint texel buffers as large as its storage buffers: storage loads only", d.Describe())
	}
	const m, n, k = 37, 45, 601
	for _, kern := range kernels {
		for _, tr := range [][2]blas.Transpose{{blas.NoTrans, blas.NoTrans}, {blas.Trans, blas.NoTrans}, {blas.NoTrans, blas.Trans}, {blas.Trans, blas.Trans}} {
			c := gemmtest.Case{TA: tr[0], TB: tr[1], M: m, N: n, K: k, Alpha: -0.75, Beta: 1.5, PadA: 3, PadB: 1, PadC: 2}
			q := gemmtest.NewProblem64(c, 3)
			alpha, beta := float64(c.Alpha), float64(c.Beta)
			want, scale := gemmtest.Reference64(c.TA, c.TB, m, n, k, alpha, q.A, q.LDA, q.B, q.LDB, beta, q.C, q.LDC)
			p := problem64(c.TA, c.TB, m, n, k, alpha, q.A, q.LDA, q.B, q.LDB, beta, q.C, q.LDC)
			d.mu.Lock()
			tm, err := d.run(&p, kern)
			d.mu.Unlock()
			require.NoError(t, err, "%v", kern)
			dispatches := 1
			if kern.KChunk > 0 {
				dispatches = (k + int(kern.KChunk) - 1) / int(kern.KChunk)
			}
			assert.Equal(t, dispatches, tm.Dispatches, "%v", kern)
			r := gemmtest.Compare64(m, n, k, q.C, q.LDC, want, scale)
			assert.True(t, r.OK, "%v, %s: max rel err %g, %d outside", kern, c, r.MaxRelErr, r.Outside)
		}
	}
}

// BenchmarkDgemmKernel compares the float64 kernels (and the device's float32
// kernel for square products, for the cost of float64 on the device) on square products by kernel timestamps and wall time. The
// kernels take turns within each iteration, after one warm-up call each
// (which compiles them), so the ratios of one run hold on a loaded machine:
//
//	go test ./gpu -run '^$' -bench DgemmKernel -benchtime 3x
//
// VKGEMM_DGEMM_SIZES (e.g. "256,1024") chooses the sizes; 512 by default.
func BenchmarkDgemmKernel(b *testing.B) {
	d := openFloat64Bench(b)
	type candidate struct {
		k kernel.Kernel
		w int
	}
	var cands []candidate
	for _, k := range dgemmCandidates {
		if k.Texel && kernel.Float64(d.props) != direct64Texel {
			continue // no uint texels as large as storage buffers
		}
		cands = append(cands, candidate{k, 2})
	}
	if kernel.Float64(d.props) == direct64Texel {
		for _, kc := range []uint32{128, 512} {
			k := direct64Texel
			k.KChunk = kc
			cands = append(cands, candidate{k, 2})
		}
	}
	cands = append(cands, candidate{d.kernels[tuning.Key{Element: shaders.F32, Class: kernel.Square}], 1})
	label := func(c candidate) string {
		s := fmt.Sprintf("f%d-%s-%dx%d-wg%dx%d", 32*c.w, c.k.Family, c.k.TM, c.k.TN, c.k.WGX, c.k.WGY)
		if c.k.Texel {
			s += "-texel"
		}
		if c.k.KChunk > 0 {
			s += fmt.Sprintf("-kc%d", c.k.KChunk)
		}
		return s
	}
	for _, n := range dgemmBenchSizes(b) {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			probs := make([]problem, len(cands))
			for i, c := range cands {
				a, bm, cm := make([]float32, n*n*c.w), make([]float32, n*n*c.w), make([]float32, n*n*c.w)
				probs[i] = problem{m: n, n: n, k: n, alpha: 1, a: a, lda: n, b: bm, ldb: n, c: cm, ldc: n, words: c.w, alpha64: 1, timed: true}
			}
			gpu, wall := make([]time.Duration, len(cands)), make([]time.Duration, len(cands))
			run := func(i int) {
				start := time.Now()
				d.mu.Lock()
				t, err := d.run(&probs[i], cands[i].k)
				d.mu.Unlock()
				if err != nil {
					b.Fatal(err)
				}
				wall[i] += time.Since(start)
				gpu[i] += t.GPU
			}
			for i := range cands {
				run(i) // warm-up: compiles the pipeline
			}
			clear(gpu)
			clear(wall)
			for b.Loop() {
				for i := range cands {
					run(i)
				}
			}
			flops := gemm.Flops(n, n, n) * float64(b.N)
			for i, c := range cands {
				b.ReportMetric(flops/gpu[i].Seconds()/1e9, label(c)+"-kernel-GFLOPS")
				b.ReportMetric(flops/wall[i].Seconds()/1e9, label(c)+"-wall-GFLOPS")
			}
		})
	}
}

// BenchmarkDgemm states Dgemm's speed against the device's float64 FMA peak
// (measured before and after the products, and averaged) and against the
// CPU path's Dgemm (OpenBLAS where installed), which takes turns with it in
// each iteration:
//
//	go test ./gpu -run '^$' -bench 'Dgemm$' -benchtime 3x
//
// VKGEMM_DGEMM_SIZES chooses the sizes (256 and 1024 by default).
func BenchmarkDgemm(b *testing.B) {
	d := openFloat64Bench(b)
	var cpu cpu.Engine
	b.Logf("device: %s; float64 kernel: %v; CPU path: %s", d.Describe(), kernel.Float64(d.props), cpu.Describe())
	sizes := []int{256, 1024}
	if os.Getenv("VKGEMM_DGEMM_SIZES") != "" {
		sizes = dgemmBenchSizes(b)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			q := gemmtest.NewProblem64(gemmtest.Case{M: n, N: n, K: n, Alpha: 1}, 1)
			p := problem64(blas.NoTrans, blas.NoTrans, n, n, n, 1, q.A, n, q.B, n, 0, q.C, n)
			p.timed = true
			cpuC := make([]float64, n*n)
			var kernelT, wall, cpuTime time.Duration
			device := func() {
				start := time.Now()
				d.mu.Lock()
				t, err := d.run(&p, kernel.Float64(d.props))
				d.mu.Unlock()
				if err != nil {
					b.Fatal(err)
				}
				wall += time.Since(start)
				kernelT += t.GPU
			}
			device() // warm-up: compiles the pipeline
			before, err := d.MeasurePeak(true)
			if err != nil {
				b.Fatal(err)
			}
			kernelT, wall = 0, 0
			for b.Loop() {
				device()
				start := time.Now()
				if err := cpu.Dgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, q.A, n, q.B, n, 0, cpuC, n); err != nil {
					b.Fatal(err)
				}
				cpuTime += time.Since(start)
			}
			after, err := d.MeasurePeak(true)
			if err != nil {
				b.Fatal(err)
			}
			peak := (before.GFLOPS + after.GFLOPS) / 2
			flops := gemm.Flops(n, n, n) * float64(b.N)
			b.ReportMetric(flops/kernelT.Seconds()/1e9, "kernel-GFLOPS")
			b.ReportMetric(flops/wall.Seconds()/1e9, "wall-GFLOPS")
			b.ReportMetric(flops/cpuTime.Seconds()/1e9, "cpu-GFLOPS")
			b.ReportMetric(peak, "peak64-GFLOPS")
			b.ReportMetric(100*flops/kernelT.Seconds()/1e9/peak, "%peak64(kernel)")
		})
	}
}

// dgemmBenchSizes is VKGEMM_DGEMM_SIZES, a comma-separated list, or 512.
func dgemmBenchSizes(b *testing.B) []int {
	env := os.Getenv("VKGEMM_DGEMM_SIZES")
	if env == "" {
		return []int{512}
	}
	var sizes []int
	for _, f := range strings.Split(env, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			b.Fatalf("VKGEMM_DGEMM_SIZES=%q: %q is not a size", env, f)
		}
		sizes = append(sizes, n)
	}
	return sizes
}

// openFloat64Bench opens the default device for a benchmark, skipping it
// where there is none or it has no float64 kernels.
func openFloat64Bench(b *testing.B) *Device {
	d, err := openFirst(Config{})
	if err != nil {
		b.Skip(err)
	}
	b.Cleanup(func() { d.Close() })
	if err := d.Float64Support(); err != nil {
		b.Skip(err)
	}
	return d
}
