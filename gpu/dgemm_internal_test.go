package gpu

import (
	"fmt"
	"testing"

	"github.com/vkgemm/vkgemm/gemm"
)

// BenchmarkDgemmKernel compares, by kernel timestamps, the float64 kernel with
// the float32 direct kernel of the same 8×8 block and storage-buffer loads on
// one 512³ product, so the cost of float64 on a device shows apart from its
// copies:
//
//	go test ./gpu -run '^$' -bench DgemmKernel
func BenchmarkDgemmKernel(b *testing.B) {
	d, err := Open(Config{})
	if err != nil {
		b.Skip(err)
	}
	defer d.Close()
	if err := d.float64Support(); err != nil {
		b.Skip(err)
	}
	const n = 512
	for _, kc := range []struct {
		k Kernel
		w int
	}{{direct64, 2}, {Kernel{Family: kernelDirect, WGX: 8, WGY: 1, TM: 8, TN: 8, TK: 4}, 1}} {
		b.Run(fmt.Sprintf("%s/words=%d", kc.k.Family, kc.w), func(b *testing.B) {
			a, bm, c := make([]float32, n*n*kc.w), make([]float32, n*n*kc.w), make([]float32, n*n*kc.w)
			p := problem{m: n, n: n, k: n, alpha: 1, a: a, lda: n, b: bm, ldb: n, c: c, ldc: n, words: kc.w, alpha64: 1, timed: true}
			var secs float64
			for b.Loop() {
				d.mu.Lock()
				t, err := d.run(&p, kc.k)
				d.mu.Unlock()
				if err != nil {
					b.Fatal(err)
				}
				secs += t.GPU.Seconds()
			}
			b.ReportMetric(gemm.Flops(n, n, n)*float64(b.N)/secs/1e9, "kernel-GFLOPS")
		})
	}
}
