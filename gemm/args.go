package gemm

import (
	"errors"
	"fmt"

	"gonum.org/v1/gonum/blas"
)

// ErrBadArgument is wrapped by every error that reports an invalid GEMM
// argument: a negative size, a leading dimension too small, a slice too short
// or an unknown transpose flag. Test for it with errors.Is.
var ErrBadArgument = errors.New("bad GEMM argument")

func badArg(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadArgument, fmt.Sprintf(format, args...))
}

// Shape returns the rows and columns of a matrix as it is stored, given the
// rows and columns of op(X) and the transpose flag.
func Shape(t blas.Transpose, rows, cols int) (storedRows, storedCols int) {
	if Transposed(t) {
		return cols, rows
	}
	return rows, cols
}

// Transposed reports whether t asks for the transpose (blas.Trans and
// blas.ConjTrans are the same thing for real matrices).
func Transposed(t blas.Transpose) bool { return t == blas.Trans || t == blas.ConjTrans }

// MinLen is the shortest slice that holds a rows×cols row-major matrix with
// leading dimension ld.
func MinLen(rows, cols, ld int) int {
	if rows == 0 || cols == 0 {
		return 0
	}
	return (rows-1)*ld + cols
}

// CheckArgs checks the arguments of Sgemm as gonum does, in the same order,
// but returns an error wrapping ErrBadArgument instead of panicking. As in
// gonum, slice lengths are not checked when m == 0 or n == 0.
func CheckArgs(tA, tB blas.Transpose, m, n, k int, lenA, lda, lenB, ldb, lenC, ldc int) error {
	for _, t := range []struct {
		name string
		v    blas.Transpose
	}{{"tA", tA}, {"tB", tB}} {
		switch t.v {
		case blas.NoTrans, blas.Trans, blas.ConjTrans:
		default:
			return badArg("%s is %d, not blas.NoTrans, blas.Trans or blas.ConjTrans", t.name, t.v)
		}
	}
	if m < 0 || n < 0 || k < 0 {
		return badArg("negative size m=%d n=%d k=%d", m, n, k)
	}
	aRows, aCols := Shape(tA, m, k)
	bRows, bCols := Shape(tB, k, n)
	if lda < max(1, aCols) {
		return badArg("lda=%d is less than the %d columns of A as stored", lda, aCols)
	}
	if ldb < max(1, bCols) {
		return badArg("ldb=%d is less than the %d columns of B as stored", ldb, bCols)
	}
	if ldc < max(1, n) {
		return badArg("ldc=%d is less than n=%d", ldc, n)
	}
	if m == 0 || n == 0 {
		return nil
	}
	if need := MinLen(aRows, aCols, lda); lenA < need {
		return badArg("A has %d elements; a %d×%d matrix with lda=%d needs %d", lenA, aRows, aCols, lda, need)
	}
	if need := MinLen(bRows, bCols, ldb); lenB < need {
		return badArg("B has %d elements; a %d×%d matrix with ldb=%d needs %d", lenB, bRows, bCols, ldb, need)
	}
	if need := MinLen(m, n, ldc); lenC < need {
		return badArg("C has %d elements; a %d×%d matrix with ldc=%d needs %d", lenC, m, n, ldc, need)
	}
	return nil
}
