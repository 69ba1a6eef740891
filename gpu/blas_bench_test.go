package gpu_test

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gemm/cpu"
	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/gpu"
	"github.com/vkgemm/vkgemm/shaders"
)

// BenchmarkAdapter races, in one run, the CPU path, the BLAS adapter with
// its default crossovers, and the adapter with every product on the device
// (VKGEMM_CPU_BELOW=0), on square float32 and float64 products:
//
//	go test ./gpu -run '^$' -bench Adapter
//
// The default adapter must keep up with the CPU path at every size.
func BenchmarkAdapter(b *testing.B) {
	d := openDevice(b, gpu.Config{})
	hybrid := gpu.NewBLAS(d)
	b.Setenv("VKGEMM_CPU_BELOW", "0")
	device := gpu.NewBLAS(d)
	var cpu cpu.Engine
	for _, n := range []int{16, 64, 128, 1024} {
		p := gemmtest.NewProblem(gemmtest.Case{M: n, N: n, K: n}, 1)
		a64, b64, c64 := make([]float64, n*n), make([]float64, n*n), make([]float64, n*n)
		for i := range a64 {
			a64[i], b64[i] = float64(p.A[i]), float64(p.B[i])
		}
		paths := []struct {
			name string
			s    func()
			d    func()
		}{
			{"cpu", func() { must(b, cpu.Sgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, p.A, n, p.B, n, 0, p.C, n)) },
				func() { must(b, cpu.Dgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a64, n, b64, n, 0, c64, n)) }},
			{"adapter", func() { hybrid.Sgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, p.A, n, p.B, n, 0, p.C, n) },
				func() { hybrid.Dgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a64, n, b64, n, 0, c64, n) }},
			{"device", func() { device.Sgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, p.A, n, p.B, n, 0, p.C, n) },
				func() { device.Dgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a64, n, b64, n, 0, c64, n) }},
		}
		for _, prec := range []shaders.Element{shaders.F32, shaders.F64} {
			for _, path := range paths {
				f := path.s
				if prec == shaders.F64 {
					f = path.d
				}
				b.Run(fmt.Sprintf("%s/n=%d/%s", prec, n, path.name), func(b *testing.B) {
					f() // warm-up: pipelines and buffers
					for b.Loop() {
						f()
					}
					b.ReportMetric(gemm.Flops(n, n, n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
				})
			}
		}
	}
}

func must(b *testing.B, err error) {
	if err != nil {
		b.Fatal(err)
	}
}
