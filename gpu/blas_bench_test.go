package gpu_test

import (
	"fmt"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gemm/cpu"
	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/gpu"
	"github.com/vkgemm/vkgemm/shaders"
)

// BenchmarkAdapter races, in one run, the CPU path, the BLAS adapter with
// its default crossovers, and the adapter with every product on the device
// (Config.CPUBelow negative), on square float32 and float64 products:
//
//	go test ./gpu -run '^$' -bench 'Adapter$'
//
// The default adapter must keep up with the CPU path at every size.
func BenchmarkAdapter(b *testing.B) {
	hybrid := gpu.NewBLAS(openDevice(b, gpu.Config{}))
	device := gpu.NewBLAS(openDevice(b, gpu.Config{CPUBelow: -1}))
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

// BenchmarkAdapterVsGonum is what a gonum program sees when it calls
// blas32.Use(gpu.NewBLAS(dev)) or blas64.Use: the adapter against gonum's
// own code on the same square products, the two alternating within every
// iteration so that their ratio holds on a loaded machine. It reports
// "x-gonum", the adapter's speed over gonum's (≥ 0.9 at every size is the
// aim):
//
//	go test ./gpu -run '^$' -bench AdapterVsGonum -benchtime 2s -count 3
func BenchmarkAdapterVsGonum(b *testing.B) {
	adapter := gpu.NewBLAS(openDevice(b, gpu.Config{}))
	var own gonum.Implementation
	for _, n := range []int{8, 16, 32, 64, 128, 256} {
		p := gemmtest.NewProblem(gemmtest.Case{M: n, N: n, K: n}, 1)
		a64, b64, c64 := make([]float64, n*n), make([]float64, n*n), make([]float64, n*n)
		for i := range a64 {
			a64[i], b64[i] = float64(p.A[i]), float64(p.B[i])
		}
		for _, run := range []struct {
			name string
			call func(blas.Float64Level3, blas.Float32Level3)
		}{
			{"f32", func(_ blas.Float64Level3, impl blas.Float32Level3) {
				impl.Sgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, p.A, n, p.B, n, 0, p.C, n)
			}},
			{"f64", func(impl blas.Float64Level3, _ blas.Float32Level3) {
				impl.Dgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a64, n, b64, n, 0, c64, n)
			}},
		} {
			b.Run(fmt.Sprintf("%s/n=%d", run.name, n), func(b *testing.B) {
				run.call(adapter, adapter) // warm-up
				run.call(own, own)
				// Each goes first every other iteration: the second call of a
				// pair finds the operands warmer in the caches.
				var tAdapter, tGonum time.Duration
				first := true
				for b.Loop() {
					x, y, tx, ty := blas.Float32Level3(adapter), blas.Float32Level3(own), &tAdapter, &tGonum
					x64, y64 := blas.Float64Level3(adapter), blas.Float64Level3(own)
					if !first {
						x, y, tx, ty, x64, y64 = y, x, ty, tx, y64, x64
					}
					first = !first
					t0 := time.Now()
					run.call(x64, x)
					t1 := time.Now()
					run.call(y64, y)
					*tx += t1.Sub(t0)
					*ty += time.Since(t1)
				}
				b.ReportMetric(float64(tGonum)/float64(tAdapter), "x-gonum")
				b.ReportMetric(float64(tAdapter.Nanoseconds())/float64(b.N), "adapter-ns/op")
				b.ReportMetric(float64(tGonum.Nanoseconds())/float64(b.N), "gonum-ns/op")
			})
		}
	}
}

func must(b *testing.B, err error) {
	if err != nil {
		b.Fatal(err)
	}
}
