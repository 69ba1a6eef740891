package gpu

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vkgemm/vkgemm/gemm"
)

// dgemmCandidates are the float64 kernels BenchmarkDgemmKernel compares:
// storage-buffer loads, and texel loads over a range of blocks and slices
// of k. Larger blocks (8×16, 12×16, 16×16) took 3 to 8 times as long as 8×8
// to compile cold on lavapipe (docs/perf.md), so they are left out.
var dgemmCandidates = []Kernel{
	direct64,
	{Family: kernelDirect64, WGX: 8, WGY: 1, TM: 8, TN: 8, TK: 4, Texel: true},
	{Family: kernelDirect64, WGX: 8, WGY: 1, TM: 8, TN: 12, TK: 4, Texel: true},
	{Family: kernelDirect64, WGX: 8, WGY: 1, TM: 12, TN: 8, TK: 4, Texel: true},
	{Family: kernelDirect64, WGX: 8, WGY: 1, TM: 12, TN: 12, TK: 4, Texel: true},
}

// BenchmarkDgemmKernel compares the float64 kernels (and the float32
// direct kernel of the same 8×8 block and loads, for the cost of float64 on
// the device) on square products by kernel timestamps and wall time. The
// kernels take turns within each iteration, after one warm-up call each
// (which compiles them), so the ratios of one run hold on a loaded machine:
//
//	go test ./gpu -run '^$' -bench DgemmKernel -benchtime 3x
//
// VKGEMM_DGEMM_SIZES (e.g. "256,1024") chooses the sizes; 512 by default.
func BenchmarkDgemmKernel(b *testing.B) {
	d, err := Open(Config{})
	if err != nil {
		b.Skip(err)
	}
	defer d.Close()
	if err := d.float64Support(); err != nil {
		b.Skip(err)
	}
	type candidate struct {
		k Kernel
		w int
	}
	var cands []candidate
	for _, k := range dgemmCandidates {
		if k.Texel && d.kernel64() != direct64Texel {
			continue // no uint texels as large as storage buffers
		}
		cands = append(cands, candidate{k, 2})
	}
	if d.kernel64() == direct64Texel {
		for _, kc := range []uint32{256, 512} {
			k := direct64Texel
			k.KChunk = kc
			cands = append(cands, candidate{k, 2})
		}
	}
	cands = append(cands, candidate{Kernel{Family: kernelDirect, WGX: 8, WGY: 1, TM: 8, TN: 8, TK: 4}, 1})
	label := func(c candidate) string {
		s := fmt.Sprintf("f%d-%dx%d", 32*c.w, c.k.TM, c.k.TN)
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
