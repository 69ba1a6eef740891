package engine

import (
	"fmt"
	"math"
	"unsafe"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/shaders"
)

// Dgemm computes C = alpha*op(A)*op(B) + beta*C in float64 on the device, with
// Sgemm's argument convention and errors; results are within gemmtest.Bound64.
// On a device without float64 in shaders (shaderFloat64: SwiftShader, most
// phones) it returns an error wrapping ErrUnsupported; the BLAS adapter then
// uses the CPU path by itself.
func (d *Device) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int,
	b []float64, ldb int, beta float64, c []float64, ldc int) error {
	if err := gemm.CheckArgs(tA, tB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc); err != nil {
		return err
	}
	if err := d.lock(); err != nil {
		return err
	}
	defer d.mu.Unlock()
	if err := d.Float64Support(); err != nil {
		return err
	}
	if noProduct(m, n, k, alpha, beta, c, ldc) {
		return nil
	}
	p := problem64(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	_, err := d.run(&p, d.kernelFor(shaders.F64, m, n, k, 1))
	return d.finish(err)
}

// problem64 is a float64 product with its arguments already checked.
func problem64(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int,
	b []float64, ldb int, beta float64, c []float64, ldc int) problem {
	p := problem{tA: gemm.Transposed(tA), tB: gemm.Transposed(tB), m: m, n: n, k: k,
		a: words(a), lda: lda, b: words(b), ldb: ldb, c: words(c), ldc: ldc,
		words: 2, alpha: 1, alpha64: alpha, beta64: beta}
	if beta != 0 {
		p.beta = 1 // only whether C is read
	}
	return p
}

// Float64Support says why the device cannot run Dgemm, or nil.
func (d *Device) Float64Support() error {
	if !d.props.ShaderFloat64 {
		return fmt.Errorf("gpu: %w: %s has no float64 in shaders (shaderFloat64), so Dgemm cannot run on it; use the CPU path (cpu.Engine.Dgemm), as gpu.NewBLAS does by itself",
			ErrUnsupported, d.name)
	}
	return nil
}

// words views float64s as the pairs of 4-byte words the packing copies.
func words(x []float64) []float32 {
	if len(x) == 0 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&x[0])), 2*len(x))
}

// setFloat64Scalars stores alpha and beta as float64 bit patterns where the
// float64 kernels read them: beta's low word where the float32 kernels keep
// alpha, alpha in the batch strides' first two words (Dgemm has no
// batches), beta's high word in the third. The float32 beta's word is a
// flag the kernels read as beta = 1: recordProduct sets it to 1 on later
// slices of k, as it does for float32 kernels. Later blocks of k (not
// firstSlice) add to C too.
func (pc *pushConstants) setFloat64Scalars(alpha, beta float64, firstSlice bool) {
	if !firstSlice {
		beta = 1
	}
	ab, bb := math.Float64bits(alpha), math.Float64bits(beta)
	*(*uint32)(unsafe.Pointer(&pc.Alpha)) = uint32(bb)
	pc.Beta = 0
	pc.StrideA, pc.StrideB = uint32(ab), uint32(ab>>32)
	pc.StrideC = uint32(bb >> 32)
}
