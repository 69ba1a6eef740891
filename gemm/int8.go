package gemm

import "gonum.org/v1/gonum/blas"

// Int8Engine is an engine with an int8 GEMM for quantized inference:
// C = op(A)·op(B) with A and B of int8 and C of int32, overwritten, in the
// convention of Sgemm otherwise (row-major, leading dimensions, transposes).
// Products and sums are exact: k is at most MaxInt8K, so no sum can leave
// int32's range.
type Int8Engine interface {
	GemmInt8(tA, tB blas.Transpose, m, n, k int, a []int8, lda int, b []int8, ldb int, c []int32, ldc int) error
}

// MaxInt8K is the largest inner dimension an int8 GEMM takes: k products of
// at most 128·128 (= -128·-128) sum to at most 2³¹-1 only for k ≤ 131071,
// so a larger k could wrap around, and is refused.
const MaxInt8K = (1<<31 - 1) / (128 * 128)

// CheckInt8Args checks the arguments of GemmInt8 as CheckArgs does those of
// Sgemm, and that k is at most MaxInt8K.
func CheckInt8Args(tA, tB blas.Transpose, m, n, k int, lenA, lda, lenB, ldb, lenC, ldc int) error {
	if err := CheckArgs(tA, tB, m, n, k, lenA, lda, lenB, ldb, lenC, ldc); err != nil {
		return err
	}
	if k > MaxInt8K {
		return badArg("k=%d is more than %d (MaxInt8K): sums of that many int8 products can leave int32's range; split k and add the parts in int64", k, MaxInt8K)
	}
	return nil
}
