package webgpu

import (
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
)

// Round4 rounds n up to a multiple of 4, the vec4 width of the kernel.
func Round4(n int) int { return (n + 3) &^ 3 }

// Round16 rounds n up to a multiple of 16: the int8 kernel's k, four int8
// to a u32 word and a vec4<u32> of words a step.
func Round16(n int) int { return (n + 15) &^ 15 }

// Flip is the transpose flag of op(X)ᵀ: packing op(B) with Flip(tB) as an
// n×k matrix lays out its columns as rows, k-contiguous, as the int8
// kernel reads B.
func Flip(t blas.Transpose) blas.Transpose {
	if gemm.Transposed(t) {
		return blas.NoTrans
	}
	return blas.Trans
}

// Pack copies op(X), a rows×cols matrix stored in x with leading dimension
// ld (transposed when t says so), into a new row-major rowsP×colsP slice,
// zero-padded on the right and at the bottom. T is float32, uint16 for
// the bit patterns of 16-bit inputs (whose zero is 0.0 in both formats), or
// int8.
func Pack[T float32 | uint16 | int8](t blas.Transpose, rows, cols int, x []T, ld int, rowsP, colsP int) []T {
	out := make([]T, rowsP*colsP)
	packInto(out, t, rows, cols, x, ld, colsP)
	return out
}

// packInto is Pack into out, zeroed and at least rowsP*colsP long.
func packInto[T float32 | uint16 | int8](out []T, t blas.Transpose, rows, cols int, x []T, ld int, colsP int) {
	if gemm.Transposed(t) {
		for j := 0; j < cols; j++ {
			src := x[j*ld : j*ld+rows]
			for i, v := range src {
				out[i*colsP+j] = v
			}
		}
		return
	}
	for i := 0; i < rows; i++ {
		copy(out[i*colsP:i*colsP+cols], x[i*ld:i*ld+cols])
	}
}

// PackBatch packs count matrices of a strided batch, the g-th at
// x[g*stride:], into one slice, the g-th packed at g*step; with stride 0
// (one matrix shared by every product) it packs that one alone.
func PackBatch[T float32 | uint16 | int8](t blas.Transpose, rows, cols int, x []T, ld, stride int, rowsP, colsP, count, step int) []T {
	if stride == 0 || count <= 1 {
		return Pack(t, rows, cols, x, ld, rowsP, colsP)
	}
	out := make([]T, (count-1)*step+rowsP*colsP)
	for g := range count {
		packInto(out[g*step:], t, rows, cols, x[g*stride:], ld, colsP)
	}
	return out
}

// Packed is Pack, except that it returns x itself (no copy) when x already
// has the packed layout: not transposed, no padding, and ld == cols.
func Packed[T float32 | uint16 | int8](t blas.Transpose, rows, cols int, x []T, ld int, rowsP, colsP int) []T {
	if !gemm.Transposed(t) && rows == rowsP && cols == colsP && ld == cols {
		return x[:rows*cols]
	}
	return Pack(t, rows, cols, x, ld, rowsP, colsP)
}

// Unpack writes the m×n product held in out (row-major, leading dimension
// np) into c as out + beta*c; when beta is 0, c is not read, so NaNs there
// do not survive. T is float32, or int32 for int8 products (beta 0).
func Unpack[T float32 | int32](m, n int, out []T, np int, beta T, c []T, ldc int) {
	for i := 0; i < m; i++ {
		row, src := c[i*ldc:i*ldc+n], out[i*np:i*np+n]
		if beta == 0 {
			copy(row, src)
			continue
		}
		for j := range row {
			row[j] = src[j] + beta*row[j]
		}
	}
}

// ScaleC sets the m×n matrix c to beta*c, as a GEMM with alpha == 0 or
// k == 0 does; beta == 0 writes zeros without reading c.
func ScaleC(m, n int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		for j := range row {
			if beta == 0 {
				row[j] = 0
			} else {
				row[j] *= beta
			}
		}
	}
}

// Band is a range of rows of C that one dispatch computes.
type Band struct{ Row0, RowEnd int }

// Bands splits the m4 rows (a multiple of 4) of an m4×n4×k product into
// dispatches of about flops floating-point operations each, every band a
// whole number of workgroup rows (rowsPerGroup), so that no single dispatch
// holds a software adapter (and the page's frames) for long.
func Bands(m4, n, k, rowsPerGroup int, flops float64) []Band {
	if m4 <= 0 {
		return nil
	}
	perRow := gemm.Flops(1, max(n, 1), max(k, 1))
	groups := max(1, int(flops/(perRow*float64(rowsPerGroup))))
	step := groups * rowsPerGroup
	var bs []Band
	for r := 0; r < m4; r += step {
		bs = append(bs, Band{Row0: r, RowEnd: min(m4, r+step)})
	}
	return bs
}
