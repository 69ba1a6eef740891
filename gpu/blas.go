package gpu

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/vkgemm/vkgemm/gemm"
)

// BLAS is gonum's single-precision BLAS with Sgemm sent to a Vulkan device.
// Every other routine is gonum's own. Use it as
//
//	blas32.Use(gpu.NewBLAS(dev))
//
// to send every gonum float32 GEMM (blas32.Gemm, mat-style callers) to the
// device.
//
// As gonum's contract says, bad arguments panic, with gonum's own messages.
// blas.Float32 has no error return, so a device failure panics too; call
// Device.Sgemm where you want to handle those as errors.
type BLAS struct {
	gonum.Implementation
	dev *Device
}

var _ blas.Float32 = BLAS{}

// NewBLAS returns the BLAS that runs Sgemm on dev.
func NewBLAS(dev *Device) BLAS { return BLAS{dev: dev} }

// Sgemm computes C = alpha*op(A)*op(B) + beta*C on the device.
func (b BLAS) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int,
	bm []float32, ldb int, beta float32, c []float32, ldc int) {
	if gemm.CheckArgs(tA, tB, m, n, k, len(a), lda, len(bm), ldb, len(c), ldc) != nil {
		// gonum's own checks panic with gonum's messages.
		b.Implementation.Sgemm(tA, tB, m, n, k, alpha, a, lda, bm, ldb, beta, c, ldc)
		return
	}
	if err := b.dev.Sgemm(tA, tB, m, n, k, alpha, a, lda, bm, ldb, beta, c, ldc); err != nil {
		panic("vkgemm: " + err.Error())
	}
}
