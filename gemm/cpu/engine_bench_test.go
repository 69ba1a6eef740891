package cpu_test

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gemm/cpu"
	"github.com/vkgemm/vkgemm/gemm/gemmtest"
)

// BenchmarkCPU races the CPU engine's implementations on square products in
// one run, so their ratio is fair even on a loaded machine:
//
//	go test -run '^$' -bench CPU ./gemm/cpu
func BenchmarkCPU(b *testing.B) {
	engines := []cpu.Engine{{PureGo: true}}
	if _, err := cpu.OpenBLAS(); err == nil {
		engines = append(engines, cpu.Engine{})
	}
	for _, n := range []int{16, 64, 256, 1024} {
		for _, e := range engines {
			b.Run(fmt.Sprintf("n=%d/%s/float32", n, e.Describe()), func(b *testing.B) {
				p := gemmtest.NewProblem(gemmtest.Case{M: n, N: n, K: n, TA: blas.NoTrans, TB: blas.NoTrans}, 1)
				for b.Loop() {
					if err := e.Sgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, p.A, n, p.B, n, 0, p.C, n); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(gemm.Flops(n, n, n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
			})
			b.Run(fmt.Sprintf("n=%d/%s/float64", n, e.Describe()), func(b *testing.B) {
				p := gemmtest.NewProblem(gemmtest.Case{M: n, N: n, K: n, TA: blas.NoTrans, TB: blas.NoTrans}, 1)
				a, bm, c := widen(p.A), widen(p.B), widen(p.C)
				for b.Loop() {
					if err := e.Dgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, bm, n, 0, c, n); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(gemm.Flops(n, n, n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
			})
		}
	}
}
