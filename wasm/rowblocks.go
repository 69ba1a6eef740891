//go:build js && wasm

package main

import (
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/wasm/webgpu"
)

// rowBlocks runs Sgemm as a strided batch of blocks of rows of C, so that
// gemmtest.Verify checks SgemmStridedBatched on every correctness case: product
// g is rows [g*mb, (g+1)*mb) of C, from the same rows of op(A) (strideA
// mb*lda, or mb when A is transposed) and all of op(B), shared (strideB 0).
// Up to 4 products, as many as divide m.
type rowBlocks struct{ e *webgpu.Engine }

func (r rowBlocks) Backend() string  { return r.e.Backend() }
func (r rowBlocks) Describe() string { return r.e.Describe() + ", as a strided batch of row blocks" }

func (r rowBlocks) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) error {
	count := 1
	for _, d := range []int{4, 3, 2} {
		if m > 0 && m%d == 0 {
			count = d
			break
		}
	}
	mb := m / count
	strideA := mb * lda
	if gemm.Transposed(tA) {
		strideA = mb
	}
	return r.e.SgemmStridedBatched(tA, tB, mb, n, k, alpha, a, lda, strideA, b, ldb, 0, beta, c, ldc, mb*ldc, count)
}
