package gemm

import (
	"math"
	"math/bits"
	"strings"

	"gonum.org/v1/gonum/blas"
)

// CheckStridedArgs checks the arguments of a strided-batched GEMM (cuBLAS's
// SgemmStridedBatched on gonum's row-major convention): batch products,
// product g reading A at g*strideA, B at g*strideB and writing C at
// g*strideC. A stride of 0 for A or B shares one matrix among all products;
// C matrices that overlap are refused, since the products would race on
// them. Errors wrap ErrBadArgument, whatever the sizes (no overflow).
func CheckStridedArgs(tA, tB blas.Transpose, m, n, k int, lenA, lda, strideA, lenB, ldb, strideB, lenC, ldc, strideC, batch int) error {
	if batch < 0 {
		return badArg("negative batch %d", batch)
	}
	if strideA < 0 || strideB < 0 || strideC < 0 {
		return badArg("negative stride strideA=%d strideB=%d strideC=%d", strideA, strideB, strideC)
	}
	// Lengths are checked below, over the whole batch.
	if err := CheckArgs(tA, tB, m, n, k, math.MaxInt, lda, math.MaxInt, ldb, math.MaxInt, ldc); err != nil {
		return err
	}
	if m == 0 || n == 0 || batch == 0 {
		return nil
	}
	aRows, aCols := Shape(tA, m, k)
	bRows, bCols := Shape(tB, k, n)
	for _, x := range []struct {
		name                    string
		n, rows, cols, ld, step int
	}{{"A", lenA, aRows, aCols, lda, strideA}, {"B", lenB, bRows, bCols, ldb, strideB}, {"C", lenC, m, n, ldc, strideC}} {
		if err := checkBatchLen(x.name, x.n, x.rows, x.cols, x.ld, x.step, batch); err != nil {
			return err
		}
	}
	if j, ok := overlap(m, n, ldc, strideC, batch); ok {
		return badArg("C matrices 0 and %d of the batch overlap (m=%d n=%d ldc=%d strideC=%d): make strideC at least (m-1)*ldc+n=%d", j, m, n, ldc, strideC, (m-1)*ldc+n)
	}
	return nil
}

// checkBatchLen reports a slice too short for batch matrices stride apart.
func checkBatchLen(name string, n, rows, cols, ld, stride, batch int) error {
	one, ok := minLen(rows, cols, ld)
	hi, off := bits.Mul64(uint64(batch-1), uint64(stride))
	if !ok || hi != 0 || off > uint64(math.MaxInt-one) {
		return badArg("%d matrices %s of %d×%d, ld=%d, %d apart have more elements than an int can count", batch, name, rows, cols, ld, stride)
	}
	if need := int(off) + one; one > 0 && n < need {
		return badArg("%s has %d elements; %d %d×%d matrices with ld%s=%d, %d apart, need %d", name, n, batch, rows, cols, strings.ToLower(name), ld, stride, need)
	}
	return nil
}

// overlap finds a product j whose m×n matrix, j*stride elements on, shares
// an element with product 0's (and so product i+j with product i's).
// Element (r, c) is at r*ld + c, so the two share one when j*stride + d*ld
// lies in (-n, n) for a row difference |d| < m: only the two d nearest to
// -j*stride/ld can.
func overlap(m, n, ld, stride, batch int) (int, bool) {
	if stride >= (m-1)*ld+n { // the common case, checked without a loop
		return 0, false
	}
	for j := 1; j < batch; j++ {
		o := j * stride // no overflow: checkBatchLen bounded it
		if o >= (m-1)*ld+n {
			break // product j and later ones start past product 0's last element
		}
		q := o / ld
		if q <= m-1 && o-q*ld < n {
			return j, true
		}
		if q+1 <= m-1 && (q+1)*ld-o < n {
			return j, true
		}
	}
	return 0, false
}
