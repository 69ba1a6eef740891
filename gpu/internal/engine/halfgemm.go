package engine

import (
	"fmt"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/shaders"
)

// GemmHalf computes C = alpha*op(A)*op(B) + beta*C like Sgemm, with A and B
// holding the bit patterns of f's values and C in float32. The products
// and sums are float32: the product of two half-precision values is exact
// in float32, so the result meets Sgemm's error bound with the inputs taken
// as exact. NaN, Inf and subnormal inputs are widened exactly (IEEE 754);
// F16 subnormals become normal float32s, while BF16 subnormals are float32
// subnormals, which a device that flushes float32 denormals (SwiftShader)
// treats as zero, as it does in Sgemm.
//
// Both formats run on every device: the kernels load A and B as 32-bit
// words (uvec2s of four halves, or on lavapipe uvec4 texels of eight) and
// widen them to float32 as they load, so no 16-bit storage feature is
// needed.
func (d *Device) GemmHalf(e shaders.Element, tA, tB blas.Transpose, m, n, k int, alpha float32,
	a []uint16, lda int, b []uint16, ldb int, beta float32, c []float32, ldc int) error {
	if !e.Half() {
		return fmt.Errorf("gpu: %w: element type %q is not a half format", ErrBadArgument, e)
	}
	if err := gemm.CheckArgs(tA, tB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc); err != nil {
		return err
	}
	if err := d.lock(); err != nil {
		return err
	}
	defer d.mu.Unlock()
	if noProduct(m, n, k, alpha, beta, c, ldc) {
		return nil
	}
	d.coopUsable(e) // the self-check, on the first product of e where it has a coopmat kernel
	p := problem{tA: gemm.Transposed(tA), tB: gemm.Transposed(tB), m: m, n: n, k: k, alpha: alpha, beta: beta,
		ah: a, lda: lda, bh: b, ldb: ldb, c: c, ldc: ldc}
	_, err := d.run(&p, d.kernelFor(e, m, n, k, 1))
	return d.finish(err)
}
