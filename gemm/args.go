package gemm

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strings"

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
// leading dimension ld (all non-negative). Where that length overflows an
// int it returns math.MaxInt, which no slice reaches, so a length check
// against it fails instead of wrapping around.
func MinLen(rows, cols, ld int) int {
	n, ok := minLen(rows, cols, ld)
	if !ok {
		return math.MaxInt
	}
	return n
}

// minLen is MinLen with ok = false on overflow.
func minLen(rows, cols, ld int) (int, bool) {
	if rows == 0 || cols == 0 {
		return 0, true
	}
	if rows < 0 || cols < 0 || ld < 0 {
		return 0, false
	}
	hi, lo := bits.Mul64(uint64(rows-1), uint64(ld))
	if hi != 0 || lo > uint64(math.MaxInt-cols) {
		return 0, false
	}
	return int(lo) + cols, true
}

// checkLen reports a slice too short for its matrix, or a matrix whose
// length overflows an int.
func checkLen(name string, n, rows, cols, ld int) error {
	need, ok := minLen(rows, cols, ld)
	if !ok {
		return badArg("a %d×%d matrix %s with leading dimension %d has more elements than an int can count", rows, cols, name, ld)
	}
	if n < need {
		return badArg("%s has %d elements; a %d×%d matrix with ld%s=%d needs %d", name, n, rows, cols, strings.ToLower(name), ld, need)
	}
	return nil
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
	if err := checkLen("A", lenA, aRows, aCols, lda); err != nil {
		return err
	}
	if err := checkLen("B", lenB, bRows, bCols, ldb); err != nil {
		return err
	}
	return checkLen("C", lenC, m, n, ldc)
}
