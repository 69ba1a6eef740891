//go:build js && wasm

package webgpu

import (
	"fmt"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
)

// SgemmStridedBatched computes batch products C_g = alpha*op(A_g)*op(B_g) +
// beta*C_g with A_g at a[g*strideA:], B_g at b[g*strideB:] and C_g at
// c[g*strideC:], as gpu.Device.SgemmStridedBatched does (a stride of 0 for
// A or B shares one matrix; overlapping C matrices are an error wrapping
// gemm.ErrBadArgument). The packed matrices of all products lie in one
// buffer each, at aligned offsets; every product is a dispatch with its own
// bind group, all recorded into as few submissions as the dispatch limits
// allow, and C comes back with one readback: a loop of Sgemm calls pays a
// round trip to the GPU process per product.
func (e *Engine) SgemmStridedBatched(tA, tB blas.Transpose, m, n, k int, alpha float32,
	a []float32, lda, strideA int, b []float32, ldb, strideB int, beta float32,
	c []float32, ldc, strideC int, count int) (err error) {
	if err := gemm.CheckStridedArgs(tA, tB, m, n, k, len(a), lda, strideA, len(b), ldb, strideB, len(c), ldc, strideC, count); err != nil {
		return err
	}
	if m == 0 || n == 0 || count == 0 {
		return nil
	}
	if k == 0 || alpha == 0 {
		for g := range count {
			ScaleC(m, n, beta, c[g*strideC:], ldc)
		}
		return nil
	}
	m4, k4, n4 := Round4(m), Round4(k), Round4(n)
	step := func(elems, stride int) int {
		if stride == 0 {
			return 0
		}
		return (4*elems + e.align - 1) / e.align * e.align
	}
	bt := batch{count: count, stepA: step(m4*k4, strideA), stepB: step(k4*n4, strideB), stepC: step(m4*n4, 1), strideC: strideC}
	for _, x := range []struct {
		name        string
		step, elems int
	}{{"A", bt.stepA, m4 * k4}, {"B", bt.stepB, k4 * n4}, {"C", bt.stepC, m4 * n4}} {
		if 4*int64(x.elems) > e.maxBinding {
			return fmt.Errorf("a %d×%d×%d product needs a %d MiB buffer, more than the %d MiB this WebGPU device binds: split it", m, n, k, 4*int64(x.elems)>>20, e.maxBinding>>20)
		}
		if sz := int64(count-1)*int64(x.step) + 4*int64(x.elems); sz > e.maxBuffer {
			return fmt.Errorf("a batch of %d %d×%d×%d products needs a %d MiB buffer for %s, more than the %d MiB this WebGPU device allows: split the batch", count, m, n, k, sz>>20, x.name, e.maxBuffer>>20)
		}
	}
	defer catch(&err)
	ap := PackBatch(tA, m, k, a, lda, strideA, m4, k4, count, bt.stepA/4)
	bp := PackBatch(tB, k, n, b, ldb, strideB, k4, n4, count, bt.stepB/4)
	return product(e, e.pipelines, bytesOf(ap), bytesOf(bp), floatDims(m, n, k, 4), alpha, beta, c, ldc, bt)
}
