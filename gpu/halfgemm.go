package gpu

import (
	"fmt"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"github.com/vkgemm/vkgemm/half"
	"github.com/vkgemm/vkgemm/shaders"
)

// HalfFormat is the 16-bit format of GemmHalf's inputs.
type HalfFormat = half.Format

// The half-precision formats GemmHalf reads; package half converts to and
// from float32.
const (
	F16  = half.F16  // IEEE 754 binary16
	BF16 = half.BF16 // bfloat16
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
func (d *Device) GemmHalf(f HalfFormat, tA, tB blas.Transpose, m, n, k int, alpha float32,
	a []uint16, lda int, b []uint16, ldb int, beta float32, c []float32, ldc int) error {
	if !f.Valid() {
		return fmt.Errorf("gpu: %w: half format %v is neither gpu.F16 nor gpu.BF16", ErrBadArgument, f)
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
	p := problem{tA: gemm.Transposed(tA), tB: gemm.Transposed(tB), m: m, n: n, k: k, alpha: alpha, beta: beta,
		ah: a, lda: lda, bh: b, ldb: ldb, c: c, ldc: ldc}
	_, err := d.run(&p, d.halfKernelFor(f, m, n, k))
	return d.finish(err)
}

// halfKernel is the kernel for half-precision inputs closest to kern, the
// float32 kernel of the shape: the same direct, subgroup or block (GPU)
// kernel, or the default direct kernel for the tiled family, which has no
// half module. Where kern reads texels and the device has uvec4 texel
// views as large as its storage buffers, it is the direct 12×16 texel
// kernel whose modules read 8 values of k a step
// (shaders.DirectTexelBF16x8 and F16x8, the only half texel modules): on
// lavapipe, BF16 at 1024³, 113-120 ms against 192-204 ms and 221-241 ms
// for the direct 8×8 and subgroup 24×8 texel modules that fetched a texel
// per 4 values of k (since removed).
// Slices of k are rounded up to a multiple of 8: half-precision blocks are
// packed in texels of 8 along k (problem.packing).
func halfKernel(kern Kernel, f HalfFormat, p *vk.Properties) Kernel {
	if kern.Family != kernelDirect && kern.Family != kernelSubgroup && kern.Family != kernelBlock {
		kern = defaultDirect
	}
	if kern.Texel {
		kern = Kernel{Family: kernelDirect, WGX: 8, WGY: 1, TM: 12, TN: 16, TK: 4, KChunk: kern.KChunk, Texel: true}
	}
	kern.Precision = shaders.PrecisionBF16
	if f == F16 {
		kern.Precision = shaders.PrecisionF16
	}
	kern.KChunk = uint32(padTo(int(kern.KChunk), 8))
	if kern.Texel && kern.fits(p) != nil {
		kern.Texel = false
	}
	return kern
}
