package cpu_test

import (
	"fmt"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gemm/cpu"
	"github.com/vkgemm/vkgemm/gemm/gemmtest"
)

// benchShapes are the products the engine's choice was measured on: cubes
// across the threshold, skinny products, the other transposes on each side
// of it, thin A·Bᵀ, and a flat product that OpenBLAS's Zen kernels lose.
func benchShapes() []gemmtest.Case {
	const N, T = blas.NoTrans, blas.Trans
	var cs []gemmtest.Case
	for _, n := range []int{4, 8, 12, 16, 24, 32, 48, 64, 96, 128} {
		cs = append(cs, gemmtest.Case{TA: N, TB: N, M: n, N: n, K: n})
	}
	for _, s := range [][3]int{{1, 256, 256}, {256, 1, 256}, {256, 256, 1}, {16, 16, 1024}, {1024, 16, 16}} {
		cs = append(cs, gemmtest.Case{TA: N, TB: N, M: s[0], N: s[1], K: s[2]})
	}
	for _, n := range []int{16, 64} {
		for _, t := range [][2]blas.Transpose{{N, T}, {T, N}, {T, T}} {
			cs = append(cs, gemmtest.Case{TA: t[0], TB: t[1], M: n, N: n, K: n})
		}
	}
	for _, s := range [][3]int{{8, 256, 256}, {1, 1024, 1024}, {4, 4, 65536}} {
		cs = append(cs, gemmtest.Case{TA: N, TB: T, M: s[0], N: s[1], K: s[2]})
	}
	return append(cs, gemmtest.Case{TA: N, TB: N, M: 2, N: 128, K: 128})
}

// BenchmarkCPU races gonum's own code, the CPU engine, and OpenBLAS called
// at every size (the engine before it chose by size), on the shapes the
// choice was measured on:
//
//	go test -run '^$' -bench CPU -benchtime 300ms ./gemm/cpu
//
// Each sub-benchmark, shape/precision, takes turns between them in batches
// of at least a millisecond, so that they share the machine's load and their
// ratios are fair on a busy machine. It reports each one's GFLOPS, the engine's and
// OpenBLAS's speed as multiples of gonum's (x-gonum-engine,
// x-gonum-openblas), and as ns/op the engine's time per product.
func BenchmarkCPU(b *testing.B) {
	var impl gonum.Implementation
	_, err := cpu.OpenBLAS()
	haveOpenBLAS := err == nil
	for _, c := range benchShapes() {
		p, p64 := gemmtest.NewProblem(c, 1), gemmtest.NewProblem64(c, 1)
		for _, prec := range []struct {
			name  string
			impls []contender
		}{
			{"float32", []contender{
				{"gonum", on(p, noError(impl.Sgemm))},
				{"engine", on(p, cpu.Engine{}.Sgemm)},
				{"openblas", on(p, cpu.OpenBLASOnly{}.Sgemm)},
			}},
			{"float64", []contender{
				{"gonum", on(p64, noError(impl.Dgemm))},
				{"engine", on(p64, cpu.Engine{}.Dgemm)},
				{"openblas", on(p64, cpu.OpenBLASOnly{}.Dgemm)},
			}},
		} {
			impls := prec.impls
			if !haveOpenBLAS {
				impls = impls[:2]
			}
			b.Run(fmt.Sprintf("%c%c_%dx%dx%d/%s", c.TA, c.TB, c.M, c.N, c.K, prec.name), func(b *testing.B) {
				race(b, gemm.Flops(c.M, c.N, c.K), impls)
			})
		}
	}
}

// contender is one implementation bound to a benchmark's product.
type contender struct {
	name string
	f    func() error
}

// race runs the contenders in turn, a batch of calls each, rotating which
// goes first, and reports their speeds; the first is the reference. Each
// batch takes at least a millisecond, so that the first call after another
// implementation (OpenBLAS's threads waking, its buffers out of the caches)
// counts little.
func race(b *testing.B, flops float64, cs []contender) {
	batch := make([]int, len(cs))
	for i, c := range cs {
		batch[i] = 1
		for timed(b, c.f, batch[i]) < time.Millisecond {
			batch[i] *= 2
		}
	}
	spent := make([]time.Duration, len(cs))
	turn := 0
	for b.Loop() {
		for i := range cs {
			j := (turn + i) % len(cs)
			spent[j] += timed(b, cs[j].f, batch[j])
		}
		turn++
	}
	speed := func(i int) float64 { return flops * float64(b.N*batch[i]) / spent[i].Seconds() }
	for i, c := range cs {
		b.ReportMetric(speed(i)/1e9, "GFLOPS-"+c.name)
		if i > 0 {
			b.ReportMetric(speed(i)/speed(0), "x-gonum-"+c.name)
		}
	}
	b.ReportMetric(float64(spent[1].Nanoseconds())/float64(b.N*batch[1]), "ns/op")
}

// timed returns how long n calls of f take.
func timed(b *testing.B, f func() error, n int) time.Duration {
	start := time.Now()
	for range n {
		if err := f(); err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start)
}

// gemmFunc is a GEMM with gonum's arguments that returns bad ones as errors.
type gemmFunc[T float32 | float64] func(tA, tB blas.Transpose, m, n, k int, alpha T, a []T, lda int,
	b []T, ldb int, beta T, c []T, ldc int) error

// on binds f to p's product, with alpha 1 and beta 0.
func on[T float32 | float64](p *gemmtest.ProblemOf[T], f gemmFunc[T]) func() error {
	return func() error { return f(p.TA, p.TB, p.M, p.N, p.K, 1, p.A, p.LDA, p.B, p.LDB, 0, p.C, p.LDC) }
}

// noError gives gonum's GEMM, which panics on bad arguments, an error result.
func noError[T float32 | float64](f func(tA, tB blas.Transpose, m, n, k int, alpha T, a []T, lda int,
	b []T, ldb int, beta T, c []T, ldc int)) gemmFunc[T] {
	return func(tA, tB blas.Transpose, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) error {
		f(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return nil
	}
}
