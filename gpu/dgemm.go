package gpu

import (
	"fmt"
	"math"
	"unsafe"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
)

// The float64 member of the direct family (shaders/glsl/gemm_direct_f64.comp):
// an 8×8 block per invocation, storage-buffer loads.
const (
	kernelDirect64 = "direct64"
	shaderDirect64 = "gemm_direct_f64"
)

// direct64 is the float64 kernel on every device that has float64 in
// shaders; its block is fixed by the shader.
var direct64 = Kernel{Family: kernelDirect64, WGX: 8, WGY: 1, TM: 8, TN: 8, TK: 4}

// Dgemm computes C = alpha*op(A)*op(B) + beta*C in float64 on the device, with
// Sgemm's argument convention and errors; results are within gemm.Bound64.
// On a device without float64 in shaders (shaderFloat64: SwiftShader, most
// phones) it returns an error wrapping ErrUnsupported; the BLAS adapter then
// uses the CPU path by itself.
func (d *Device) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int,
	b []float64, ldb int, beta float64, c []float64, ldc int) error {
	if err := gemm.CheckArgs(tA, tB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc); err != nil {
		return err
	}
	if err := d.float64Support(); err != nil {
		return err
	}
	if err := d.lock(); err != nil {
		return err
	}
	defer d.mu.Unlock()
	if noProduct(m, n, k, alpha, beta, c, ldc) {
		return nil
	}
	p := problem{tA: gemm.Transposed(tA), tB: gemm.Transposed(tB), m: m, n: n, k: k,
		a: words(a), lda: lda, b: words(b), ldb: ldb, c: words(c), ldc: ldc,
		words: 2, alpha: 1, alpha64: alpha, beta64: beta}
	if beta != 0 {
		p.beta = 1 // only whether C is read
	}
	_, err := d.run(&p, direct64)
	return d.finish(err)
}

// float64Support says why the device cannot run Dgemm, or nil.
func (d *Device) float64Support() error {
	if !d.dev.Properties().ShaderFloat64 {
		return fmt.Errorf("gpu: %w: %s has no float64 in shaders (shaderFloat64), so Dgemm cannot run on it; use the CPU path (gemm.CPU.Dgemm), as gpu.NewBLAS does by itself",
			ErrUnsupported, d.info.Name)
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
// float64 kernel reads them: the words the float32 kernels keep offA, offB,
// offC and alpha in (the host path passes no offsets, nor k slices: the
// kernel's KChunk is 0). Later slices of k add to C: beta is 1 there.
func (pc *pushConstants) setFloat64Scalars(alpha, beta float64, firstSlice bool) {
	if !firstSlice {
		beta = 1
	}
	ab, bb := math.Float64bits(alpha), math.Float64bits(beta)
	pc.OffA, pc.OffB = uint32(ab), uint32(ab>>32)
	pc.OffC = uint32(bb)
	*(*uint32)(unsafe.Pointer(&pc.Alpha)) = uint32(bb >> 32)
}
