package gpu

import (
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/shaders"
)

// A Target is what NewBLAS sends gonum's GEMMs to: a *Device, or a *Group
// of devices (OpenAll). Only this package's types are Targets.
type Target interface {
	Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int,
		b []float32, ldb int, beta float32, c []float32, ldc int) error
	Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int,
		b []float64, ldb int, beta float64, c []float64, ldc int) error
	// lead is the device whose crossovers and pipelines decide whether an
	// m×n×k product of e leaves the CPU path; nil where there is none.
	lead(e shaders.Element, m, n, k int) *Device
}

var (
	_ Target = (*Device)(nil)
	_ Target = (*Group)(nil)
)

func (d *Device) lead(shaders.Element, int, int, int) *Device { return d }

// lead is, of the devices still taking part (with float64 for F64), the
// one the group deems fastest for m×n×k products of e: the group is at
// least as fast as that device, so its crossover is the group's too. Nil
// where no device is left.
func (g *Group) lead(e shaders.Element, m, n, k int) *Device {
	if g == nil || len(g.devs) == 0 {
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	var live []int
	for i, d := range g.devs {
		if g.retired[i] == nil && (e != shaders.F64 || !d.float64Unsupported()) {
			live = append(live, i)
		}
	}
	if len(live) == 0 {
		return nil
	}
	key := statKey{elem: e, bucket: bucketOf(gemm.Flops(m, n, k))}
	return g.devs[g.fastest(key, live)]
}

// closedNow says whether g has been closed.
func (g *Group) closedNow() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.closed
}
