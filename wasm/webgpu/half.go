//go:build js && wasm

package webgpu

import (
	"fmt"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/half"
	"github.com/vkgemm/vkgemm/shaders"
)

// GemmHalf computes C = alpha*op(A)*op(B) + beta*C like Sgemm, with A and B
// holding the bit patterns of f's values (half.BF16 or half.F16) and C in
// float32, as gpu.Device.GemmHalf does. The kernel (shaders.WGSLHalf) reads
// them as u32 words and widens them exactly to float32, where it multiplies
// and sums: the result meets Sgemm's error bound with the inputs taken as
// exact. Both formats run on every adapter: bfloat16 is widened by shifts,
// binary16 by unpack2x16float, neither needing the optional shader-f16.
// BF16 subnormals are float32 subnormals, which a device that flushes them
// (SwiftShader) reads as zero, as it does in Sgemm.
func (e *Engine) GemmHalf(f half.Format, tA, tB blas.Transpose, m, n, k int, alpha float32,
	a []uint16, lda int, b []uint16, ldb int, beta float32, c []float32, ldc int) (err error) {
	kernel, ok := shaders.WGSLHalf(f)
	if !ok {
		return fmt.Errorf("%w: half format %v is neither half.F16 nor half.BF16", gemm.ErrBadArgument, f)
	}
	if done, err := e.noProduct(tA, tB, m, n, k, len(a), lda, len(b), ldb, alpha, beta, c, ldc, 2); done || err != nil {
		return err
	}
	defer catch(&err)
	ps := e.halves[f]
	if ps == nil {
		if ps, err = e.compile(kernel); err != nil {
			return err
		}
		if e.halves == nil {
			e.halves = map[half.Format]*pipelines{}
		}
		e.halves[f] = ps
	}
	d := floatDims(m, n, k, 2)
	ap := Packed(tA, m, k, a, lda, d.m4, d.kp)
	bp := Packed(tB, k, n, b, ldb, d.kp, d.n4)
	return product(e, ps, bytesOf(ap), bytesOf(bp), d, alpha, beta, c, ldc, single)
}
