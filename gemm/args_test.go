package gemm

import (
	"errors"
	"math"
	"math/big"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// fits reports, in exact arithmetic, whether a slice of n elements holds a
// rows×cols matrix with leading dimension ld.
func fits(n, rows, cols, ld int) bool {
	if rows == 0 || cols == 0 {
		return true
	}
	need := new(big.Int).Mul(big.NewInt(int64(rows-1)), big.NewInt(int64(ld)))
	need.Add(need, big.NewInt(int64(cols)))
	return need.Cmp(big.NewInt(int64(n))) <= 0
}

// FuzzCheckArgs: the checker never panics, every refusal wraps
// ErrBadArgument, and whatever it accepts really fits in the slices, in
// exact arithmetic: no size wraps around.
func FuzzCheckArgs(f *testing.F) {
	f.Add(uint8(0), uint8(0), 2, 2, 2, 4, 2, 4, 2, 4, 2)
	f.Add(uint8(0), uint8(0), 2, 2, 2, 4, math.MaxInt, 4, 2, 4, 2)
	f.Add(uint8(1), uint8(1), 1<<32, 1<<32, 3, math.MaxInt, 1<<32, math.MaxInt, 3, math.MaxInt, 1<<32)
	f.Add(uint8(0), uint8(1), math.MaxInt, 1, 1, math.MaxInt, 1, 1, 1, math.MaxInt, math.MaxInt)
	f.Fuzz(func(t *testing.T, ta, tb uint8, m, n, k, lenA, lda, lenB, ldb, lenC, ldc int) {
		trans := []blas.Transpose{blas.NoTrans, blas.Trans, blas.ConjTrans, 0}
		tA, tB := trans[int(ta)%len(trans)], trans[int(tb)%len(trans)]
		if lenA < 0 || lenB < 0 || lenC < 0 {
			t.Skip("slice lengths are never negative")
		}
		err := CheckArgs(tA, tB, m, n, k, lenA, lda, lenB, ldb, lenC, ldc)
		if err != nil {
			if !errors.Is(err, ErrBadArgument) {
				t.Fatalf("error does not wrap ErrBadArgument: %v", err)
			}
			return
		}
		if m == 0 || n == 0 {
			return
		}
		aRows, aCols := Shape(tA, m, k)
		bRows, bCols := Shape(tB, k, n)
		if !fits(lenA, aRows, aCols, lda) || !fits(lenB, bRows, bCols, ldb) || !fits(lenC, m, n, ldc) {
			t.Fatalf("accepted m=%d n=%d k=%d lenA=%d lda=%d lenB=%d ldb=%d lenC=%d ldc=%d, which do not fit", m, n, k, lenA, lda, lenB, ldb, lenC, ldc)
		}
	})
}

func TestMinLenSaturates(t *testing.T) {
	if got := MinLen(2, 2, math.MaxInt); got != math.MaxInt {
		t.Errorf("MinLen(2, 2, MaxInt) = %d, want math.MaxInt", got)
	}
	if got := MinLen(3, 2, 5); got != 12 {
		t.Errorf("MinLen(3, 2, 5) = %d, want 12", got)
	}
	err := CheckArgs(blas.NoTrans, blas.NoTrans, 2, 2, 2, 4, math.MaxInt, 4, 2, 4, 2)
	if !errors.Is(err, ErrBadArgument) {
		t.Fatalf("lda = MaxInt: %v", err)
	}
}
