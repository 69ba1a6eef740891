package engine

import (
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/shaders"
)

// SgemmStridedBatched computes batch products C_g = alpha*op(A_g)*op(B_g) +
// beta*C_g, g = 0..batch-1, with A_g at a[g*strideA:], B_g at b[g*strideB:]
// and C_g at c[g*strideC:] (cuBLAS's cublasSgemmStridedBatched on gonum's
// row-major convention). A stride of 0 for A or B uses one matrix for every
// product; C matrices that overlap are an error wrapping ErrBadArgument.
//
// Small products share dispatches: each product is one layer of workgroups
// (gl_WorkGroupID.z), as many per dispatch as the device's grid, one
// storage-buffer binding and one submission's work cap allow.
func (d *Device) SgemmStridedBatched(tA, tB blas.Transpose, m, n, k int, alpha float32,
	a []float32, lda, strideA int, b []float32, ldb, strideB int, beta float32,
	c []float32, ldc, strideC int, batch int) error {
	if err := gemm.CheckStridedArgs(tA, tB, m, n, k, len(a), lda, strideA, len(b), ldb, strideB, len(c), ldc, strideC, batch); err != nil {
		return err
	}
	if err := d.lock(); err != nil {
		return err
	}
	defer d.mu.Unlock()
	if m == 0 || n == 0 || batch == 0 {
		return nil
	}
	if alpha == 0 || k == 0 {
		for g := range batch {
			scaleC(m, n, beta, c[g*strideC:], ldc)
		}
		return nil
	}
	p := problem{tA: gemm.Transposed(tA), tB: gemm.Transposed(tB), m: m, n: n, k: k, alpha: alpha, beta: beta,
		a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, batch: batch, sA: strideA, sB: strideB, sC: strideC}
	_, err := d.run(&p, d.kernelFor(shaders.F32, m, n, k, batch))
	return d.finish(err)
}
