package engine

import (
	"unsafe"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/shaders"
)

// GemmInt8 computes C = op(A)·op(B) exactly, int8 A and B, int32 C
// overwritten (gpu.Device.GemmInt8).
func (d *Device) GemmInt8(tA, tB blas.Transpose, m, n, k int, a []int8, lda int, b []int8, ldb int, c []int32, ldc int) error {
	if err := gemm.CheckInt8Args(tA, tB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc); err != nil {
		return err
	}
	if err := d.lock(); err != nil {
		return err
	}
	defer d.mu.Unlock()
	if m == 0 || n == 0 {
		return nil
	}
	if k == 0 {
		for i := range m {
			clear(c[i*ldc : i*ldc+n])
		}
		return nil
	}
	p := problem{tA: gemm.Transposed(tA), tB: gemm.Transposed(tB), m: m, n: n, k: k,
		a8: a, lda: lda, b8: b, ldb: ldb, c: int32s(c), ldc: ldc}
	d.coopUsable(shaders.Int8) // the self-check, on the first product
	_, err := d.run(&p, d.kernelFor(shaders.Int8, m, n, k, 1))
	return d.finish(err)
}

// packInt8 packs rows r0..r0+rows of an operand by k into dst, values
// p0..p0+depth of each, rows ld = depth rounded up to align apart, zero
// padded: row r of op(A) (byK false: A stored as m×k with ld src, row r of
// it; byK true: A stored k×m, column r of it). It returns ld.
func packInt8(dst, src []int8, lds int, byK bool, r0, rows, p0, depth, align int) int {
	ld := padTo(depth, align)
	for r := range rows {
		row := dst[r*ld : r*ld+ld]
		if !byK {
			copy(row, src[(r0+r)*lds+p0:(r0+r)*lds+p0+depth])
		} else {
			for q := range depth {
				row[q] = src[(p0+q)*lds+r0+r]
			}
		}
		clear(row[depth:])
	}
	return ld
}

// int8s views a block buffer's float32s as four times as many int8s.
func int8s(f []float32) []int8 {
	if len(f) == 0 {
		return nil
	}
	return unsafe.Slice((*int8)(unsafe.Pointer(&f[0])), 4*len(f))
}

// int32s views int32s as the float32 words the packing copies.
func int32s(x []int32) []float32 {
	if len(x) == 0 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&x[0])), len(x))
}
