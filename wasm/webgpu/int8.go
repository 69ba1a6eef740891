//go:build js && wasm

package webgpu

import (
	"fmt"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/shaders"
)

var _ gemm.Int8Engine = (*Engine)(nil)

// int8Kernel holds the pipelines of shaders.WGSLInt8 once compiled: the
// engine and the copies WithYield and WithKernel make share one, so the
// kernel is compiled once per device.
type int8Kernel struct {
	ps *pipelines
}

// GemmInt8 computes C = op(A)·op(B) exactly, with A and B of int8 and C of
// int32, overwritten, as gemm.Int8Engine says: the arguments of Sgemm
// otherwise, and k at most gemm.MaxInt8K (bad arguments are errors wrapping
// gemm.ErrBadArgument, C untouched). WebGPU has no 8-bit storage, so op(A)
// and op(B)ᵀ are packed on the host four int8 to a u32 word along k,
// zero-padded to a multiple of 16, and the kernel (shaders.WGSLInt8)
// unpacks the words with shifts and sums in i32, which cannot overflow at
// that k. It needs no optional WebGPU feature: it runs on every adapter.
func (e *Engine) GemmInt8(tA, tB blas.Transpose, m, n, k int, a []int8, lda int, b []int8, ldb int, c []int32, ldc int) (err error) {
	if err := gemm.CheckInt8Args(tA, tB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc); err != nil {
		return err
	}
	if m == 0 || n == 0 {
		return nil
	}
	if k == 0 {
		for i := range m {
			clear(c[i*ldc : i*ldc+n])
		}
		return nil
	}
	d := int8Dims(m, n, k)
	for _, x := range []struct {
		what string
		size int64
	}{{"A", int64(d.sizeA)}, {"B", int64(d.sizeB)}, {"C", 4 * int64(d.m4) * int64(d.n4)}} {
		if x.size > e.maxBinding {
			return fmt.Errorf("a %d×%d×%d int8 product needs a %d MiB buffer for %s, more than the %d MiB this WebGPU device binds: split it", m, n, k, x.size>>20, x.what, e.maxBinding>>20)
		}
	}
	defer catch(&err)
	ps, err := e.int8Pipelines()
	if err != nil {
		return err
	}
	ap := Packed(tA, m, k, a, lda, d.m4, d.kp)
	// B goes in transposed, row j holding column j of op(B), so that its
	// words hold k-values as A's do: a B stored transposed is already so.
	bp := Packed(Flip(tB), n, k, b, ldb, d.n4, d.kp)
	return product(e, ps, bytesOf(ap), bytesOf(bp), d, 1, 0, c, ldc, single)
}

// int8Dims are the dims of the int8 kernel: A m4×k16 and Bᵀ n4×k16 bytes,
// k padded to 16 (a vec4<u32> a step).
func int8Dims(m, n, k int) dims {
	m4, n4, k16 := Round4(m), Round4(n), Round16(k)
	return dims{m: m, n: n, m4: m4, n4: n4, kp: k16, steps: k16 / 16, sizeA: m4 * k16, sizeB: n4 * k16}
}

// int8Pipelines returns the int8 kernel's pipelines, compiling them on
// first use.
func (e *Engine) int8Pipelines() (*pipelines, error) {
	if e.int8 == nil {
		e.int8 = &int8Kernel{}
	}
	if e.int8.ps == nil {
		ps, err := e.compile(shaders.WGSLInt8)
		if err != nil {
			return nil, err
		}
		e.int8.ps = ps
	}
	return e.int8.ps, nil
}
