package gpu_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gemm/cpu"
	"github.com/vkgemm/vkgemm/gpu"
)

// BenchmarkSgemm races the Vulkan engine and the CPU engine on square
// products, reporting GFLOPS (wall time, copies included) as a metric.
// benchstat-ready:
//
//	go test ./gpu -run '^$' -bench Sgemm -count 6 | tee new.txt && benchstat new.txt
func BenchmarkSgemm(b *testing.B) {
	d := openDevice(b, gpu.Config{})
	for _, n := range []int{256, 512, 1024} {
		rng := rand.New(rand.NewPCG(1, uint64(n)))
		a, bb, c := make([]float32, n*n), make([]float32, n*n), make([]float32, n*n)
		for i := range a {
			a[i], bb[i] = rng.Float32(), rng.Float32()
		}
		for _, e := range []gemm.Engine{d, cpu.Engine{}} {
			b.Run(fmt.Sprintf("engine=%s/n=%d", e.Backend(), n), func(b *testing.B) {
				if err := e.Sgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, bb, n, 0, c, n); err != nil {
					b.Fatal(err) // warm-up: pipelines and buffers
				}
				for b.Loop() {
					if err := e.Sgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, bb, n, 0, c, n); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(gemm.Flops(n, n, n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
			})
		}
	}
}

// BenchmarkDispatch measures the cost of one dispatch (a 1×1×1 product on
// device matrices) against the driver's own floors on the same device: an
// empty submit-and-wait, and a dispatch of a shader that does nothing.
func BenchmarkDispatch(b *testing.B) {
	d := openDevice(b, gpu.Config{})
	x, err := d.NewMatrix(1, 1)
	if err != nil {
		b.Fatal(err)
	}
	y, _ := d.NewMatrix(1, 1)
	// Build the pipelines first: SwiftShader compiles one for a second,
	// which would otherwise land in the first iteration.
	if err := matMul(d, blas.NoTrans, blas.NoTrans, 1, x, x, 0, y); err != nil {
		b.Fatal(err)
	}
	if _, err := probe(d).EmptyDispatch(); err != nil {
		b.Fatal(err)
	}
	b.Run("op=matmul-1x1x1", func(b *testing.B) {
		for b.Loop() {
			if err := matMul(d, blas.NoTrans, blas.NoTrans, 1, x, x, 0, y); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("op=empty-submit", func(b *testing.B) {
		for b.Loop() {
			if _, err := probe(d).RoundTrip(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("op=empty-dispatch", func(b *testing.B) {
		for b.Loop() {
			if _, err := probe(d).EmptyDispatch(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkStridedBatched compares one SgemmStridedBatched call on a batch
// of 64 products of 128×128×64 (attention-head sized) with a loop of 64
// Sgemm calls on the same data, reporting GFLOPS, µs per product (a call
// of the loop) and, for the batched call, x-loop: the loop's time over the
// batched call's, from interleaved calls. loop-1x1x1 is the loop's floor:
// 64 calls of a 1×1×1 product.
//
//	go test ./gpu -run '^$' -bench StridedBatched -count 3
func BenchmarkStridedBatched(b *testing.B) {
	d := openDevice(b, gpu.Config{})
	const batch, m, n, k = 64, 128, 128, 64
	rng := rand.New(rand.NewPCG(3, 4))
	a, bb, c := make([]float32, batch*m*k), make([]float32, batch*k*n), make([]float32, batch*m*n)
	for i := range a {
		a[i] = rng.Float32()
	}
	for i := range bb {
		bb[i] = rng.Float32()
	}
	calls := map[string]func() error{
		"batched": func() error {
			return d.SgemmStridedBatched(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, m*k, bb, n, k*n, 0, c, n, m*n, batch)
		},
		"loop": func() error {
			for g := range batch {
				if err := d.Sgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a[g*m*k:], k, bb[g*k*n:], n, 0, c[g*m*n:], n); err != nil {
					return err
				}
			}
			return nil
		},
		// The loop's floor: the same number of calls with next to no work,
		// what a call costs before its kernel (docs/perf.md bounds x-loop
		// with it).
		"loop-1x1x1": func() error {
			for g := range batch {
				if err := d.Sgemm(blas.NoTrans, blas.NoTrans, 1, 1, 1, 1, a[g*m*k:], k, bb[g*k*n:], n, 0, c[g*m*n:], n); err != nil {
					return err
				}
			}
			return nil
		},
	}
	for _, name := range []string{"batched", "loop", "loop-1x1x1"} {
		b.Run("call="+name, func(b *testing.B) {
			benchAgainst(b, calls[name], calls["loop"], name == "batched", "x-loop")
			b.ReportMetric(b.Elapsed().Seconds()*1e6/float64(b.N*batch), "us/product")
			if name != "loop-1x1x1" {
				b.ReportMetric(batch*gemm.Flops(m, n, k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
			}
		})
	}
}

// benchAgainst times call in b's loop. Where compare is set, each
// iteration also runs base with the timer stopped and the metric unit
// reports base's time over call's: a ratio from interleaved calls, which
// a shared machine's changing load skews far less than two benchmarks
// run one after the other.
func benchAgainst(b *testing.B, call, base func() error, compare bool, unit string) {
	for _, f := range []func() error{call, base} {
		if err := f(); err != nil {
			b.Fatal(err) // warm-up: pipelines and buffers
		}
	}
	var spent, baseSpent time.Duration
	for b.Loop() {
		start := time.Now()
		if err := call(); err != nil {
			b.Fatal(err)
		}
		spent += time.Since(start)
		if !compare {
			continue
		}
		b.StopTimer()
		start = time.Now()
		if err := base(); err != nil {
			b.Fatal(err)
		}
		baseSpent += time.Since(start)
		b.StartTimer()
	}
	if compare {
		b.ReportMetric(baseSpent.Seconds()/spent.Seconds(), unit)
	}
}

// BenchmarkGemmHalf compares GemmHalf (F16 and BF16 inputs) with Sgemm on
// square products, reporting GFLOPS and, for the half formats, x-f32: the
// float32 call's time over the half call's, from interleaved calls:
//
//	go test ./gpu -run '^$' -bench GemmHalf -count 3
func BenchmarkGemmHalf(b *testing.B) {
	d := openDevice(b, gpu.Config{})
	for _, n := range []int{1024, 2048} {
		rng := rand.New(rand.NewPCG(5, uint64(n)))
		a, bb, c := make([]float32, n*n), make([]float32, n*n), make([]float32, n*n)
		for i := range a {
			a[i], bb[i] = rng.Float32(), rng.Float32()
		}
		calls := map[string]func() error{
			"f32": func() error { return d.Sgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, bb, n, 0, c, n) },
		}
		for _, f := range []gpu.HalfFormat{gpu.F16, gpu.BF16} {
			ah, bh := make([]uint16, n*n), make([]uint16, n*n)
			f.Encode(ah, a)
			f.Encode(bh, bb)
			calls[f.String()] = func() error { return d.GemmHalf(f, blas.NoTrans, blas.NoTrans, n, n, n, 1, ah, n, bh, n, 0, c, n) }
		}
		for _, name := range []string{"f32", "F16", "BF16"} {
			b.Run(fmt.Sprintf("in=%s/n=%d", name, n), func(b *testing.B) {
				benchAgainst(b, calls[name], calls["f32"], name != "f32", "x-f32")
				b.ReportMetric(gemm.Flops(n, n, n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
			})
		}
	}
}
