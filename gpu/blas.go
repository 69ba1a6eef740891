package gpu

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gemm/cpu"
	"github.com/vkgemm/vkgemm/gpu/internal/kernel"
	"github.com/vkgemm/vkgemm/shaders"
)

// BLAS is gonum's BLAS with its GEMMs sent to a Vulkan device, or a group
// of them, where that is faster, and to the CPU path (package gemm/cpu: OpenBLAS where installed,
// gonum's own code for tiny products and elsewhere) where it is not. Every
// other routine is gonum's own. Use it as
//
//	blas32.Use(gpu.NewBLAS(dev))
//	blas64.Use(gpu.NewBLAS(dev))
//
// to send gonum's GEMMs (blas32.Gemm, blas64.Gemm and so mat.Dense.Mul) there.
// NewBLAS(group) sends them to a group (OpenAll): each product that leaves
// the CPU path is dealt over its devices, and the crossovers and pipelines
// that decide are those of the device the group deems fastest for the
// product (the group is never slower than that device).
//
// Dispatch is hybrid, so that using the adapter never makes a program
// slower than the CPU path. Each device has a crossover per precision and
// shape class: products of fewer flops (2·m·n·k) run on the CPU path, larger
// ones on the device. The crossover is the one package gpu/tune measured
// and saved in the device's tuning file, else a conservative built-in: on a
// CPU driver with OpenBLAS installed, never (the driver runs on the same
// cores at a fraction of OpenBLAS's speed); on a CPU driver without it,
// 512³; on a GPU 256³ in float32 and 1024³ in float64. Config.CPUBelow
// overrides every crossover. Nor does a compile make a program slower: a
// product whose pipeline is not built yet runs on the CPU path while the
// pipeline is built in the background (Device.Warm builds them all ahead),
// unless Config.CPUBelow is set. Products under 32³ multiply-adds run
// gonum's own code whatever the crossovers (unless Config.CPUBelow is set),
// as directly as blas32.Use(gonum.Implementation{}) would: no device
// dispatches in less time than such a product takes, and any check or
// lookup of the adapter's would cost a measurable share of it. Dgemm runs
// on the CPU path on devices without float64 in shaders (Device.Dgemm says
// why).
//
// As gonum's contract says, bad arguments panic, with gonum's own messages.
// blas.Float32 and blas.Float64 have no error return, so a device failure
// panics too; call Device.Sgemm or Device.Dgemm where you want to handle
// those as errors.
type BLAS struct {
	gonum.Implementation
	t   Target
	cpu cpu.Engine
}

var (
	_ blas.Float32 = BLAS{}
	_ blas.Float64 = BLAS{}
)

// NewBLAS returns the BLAS that runs GEMMs on t, a *Device or a *Group,
// above its crossovers.
func NewBLAS(t Target) BLAS { return BLAS{t: t} }

// tinyProduct is the multiply-adds (m·n·k) under which the adapter calls
// gonum's own code at once. The CPU path runs gonum's code there too (package
// gemm/cpu), and the smallest GPU dispatch measured costs more than gonum's
// whole 32³ product.
const tinyProduct = 32 * 32 * 32

// tiny says whether an m×n×k product goes straight to gonum's code. Bad
// sizes go there too, for gonum's panics.
func (b BLAS) tiny(m, n, k int) bool {
	if float64(m)*float64(n)*float64(k) >= tinyProduct {
		return false
	}
	d := b.leader(shaders.F32, m, n, k)
	return d == nil || d.cfg.CPUBelow == 0
}

// leader is the device that decides for b's target (Target.lead), nil
// where there is none.
func (b BLAS) leader(e shaders.Element, m, n, k int) *Device {
	if b.t == nil {
		return nil
	}
	return b.t.lead(e, m, n, k)
}

// onCPU says whether an m×n×k product of element type e stays on the CPU
// path: below the crossover, or, the crossover not being forced, while its
// pipeline is still being built.
func (b BLAS) onCPU(e shaders.Element, tA, tB blas.Transpose, m, n, k int) bool {
	d := b.leader(e, m, n, k)
	if d == nil {
		return false // the target's call says what is wrong
	}
	if _, err := d.engine(); err != nil {
		return false
	}
	flops := gemm.Flops(m, n, k)
	if below := d.cfg.CPUBelow; below != 0 {
		return flops < below
	}
	if flops < d.e.CPUBelow(e, kernel.ClassOf(m, n, k)) {
		return true
	}
	return !d.e.Ready(e, tA, tB, m, n, k)
}

// Sgemm computes C = alpha*op(A)*op(B) + beta*C in float32.
func (b BLAS) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int,
	bm []float32, ldb int, beta float32, c []float32, ldc int) {
	if b.tiny(m, n, k) {
		b.Implementation.Sgemm(tA, tB, m, n, k, alpha, a, lda, bm, ldb, beta, c, ldc)
		return
	}
	if gemm.CheckArgs(tA, tB, m, n, k, len(a), lda, len(bm), ldb, len(c), ldc) != nil {
		// gonum's own checks panic with gonum's messages.
		b.Implementation.Sgemm(tA, tB, m, n, k, alpha, a, lda, bm, ldb, beta, c, ldc)
		return
	}
	var err error
	if b.onCPU(shaders.F32, tA, tB, m, n, k) {
		err = b.cpu.Sgemm(tA, tB, m, n, k, alpha, a, lda, bm, ldb, beta, c, ldc)
	} else {
		err = b.target().Sgemm(tA, tB, m, n, k, alpha, a, lda, bm, ldb, beta, c, ldc)
	}
	if err != nil {
		panic("vkgemm: " + err.Error())
	}
}

// Dgemm computes C = alpha*op(A)*op(B) + beta*C in float64: on the device
// above its crossover where it has float64 kernels, else on the CPU path.
func (b BLAS) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int,
	bm []float64, ldb int, beta float64, c []float64, ldc int) {
	if b.tiny(m, n, k) {
		b.Implementation.Dgemm(tA, tB, m, n, k, alpha, a, lda, bm, ldb, beta, c, ldc)
		return
	}
	if gemm.CheckArgs(tA, tB, m, n, k, len(a), lda, len(bm), ldb, len(c), ldc) != nil {
		b.Implementation.Dgemm(tA, tB, m, n, k, alpha, a, lda, bm, ldb, beta, c, ldc)
		return
	}
	var err error
	if b.float64Unsupported(m, n, k) || b.onCPU(shaders.F64, tA, tB, m, n, k) {
		err = b.cpu.Dgemm(tA, tB, m, n, k, alpha, a, lda, bm, ldb, beta, c, ldc)
	} else {
		err = b.target().Dgemm(tA, tB, m, n, k, alpha, a, lda, bm, ldb, beta, c, ldc)
	}
	if err != nil {
		panic("vkgemm: " + err.Error())
	}
}

// target is b's target, a nil *Device (whose calls say so) where it has
// none.
func (b BLAS) target() Target {
	if b.t == nil {
		return (*Device)(nil)
	}
	return b.t
}

// float64Unsupported says whether b's target is open and has no float64
// in shaders: a device without it, or a group none of whose devices has it.
func (b BLAS) float64Unsupported(m, n, k int) bool {
	switch t := b.t.(type) {
	case *Device:
		return t.float64Unsupported()
	case *Group:
		return t != nil && !t.closedNow() && b.leader(shaders.F64, m, n, k) == nil
	}
	return false
}

// float64Unsupported says whether d is open and lacks float64 in shaders.
func (d *Device) float64Unsupported() bool {
	e, err := d.engine()
	return err == nil && e.Float64Support() != nil
}
