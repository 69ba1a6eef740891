package gpu_test

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/gpu"
)

// BenchmarkOverlap compares a host-slice product run serially (pack,
// submit, wait, unpack, block after block) with the pipelined path (the
// host packs the next block while the device computes this one), reporting
// wall and kernel seconds. Meant for the staging path and large sizes:
//
//	VKGEMM_FORCE_STAGING=1 go test ./gpu -run '^$' -bench Overlap -benchtime 1x -count 3
func BenchmarkOverlap(b *testing.B) {
	d := openDevice(b, gpu.Config{})
	for _, n := range []int{2048, 4096} {
		c := gemmtest.Case{TA: blas.NoTrans, TB: blas.NoTrans, M: n, N: n, K: n, Alpha: 1, Beta: 1}
		p := gemmtest.NewProblem(c, 1)
		for _, depth := range []int{1, 2} {
			name := map[int]string{1: "serial", 2: "pipelined"}[depth]
			b.Run(fmt.Sprintf("n=%d/path=%s", n, name), func(b *testing.B) {
				gpu.SetDepth(d, depth)
				defer gpu.SetDepth(d, 2)
				var wall, kernel float64
				for b.Loop() {
					tm, err := gpu.SgemmTimed(d, c.TA, c.TB, n, n, n, 1, p.A, p.LDA, p.B, p.LDB, 1, p.C, p.LDC)
					if err != nil {
						b.Fatal(err)
					}
					wall += tm.Wall.Seconds()
					kernel += tm.GPU.Seconds()
				}
				b.ReportMetric(wall/float64(b.N), "wall-s")
				b.ReportMetric(kernel/float64(b.N), "kernel-s")
				b.ReportMetric(wall/kernel, "wall/kernel")
			})
		}
	}
}
