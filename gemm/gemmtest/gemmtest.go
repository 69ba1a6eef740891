package gemmtest

import (
	"errors"
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
)

// Correctness runs every case of Cases(short) on e as a subtest.
func Correctness(t *testing.T, e gemm.Engine, short bool) {
	t.Helper()
	correctness(t, short, Bound, func(c Case, seed uint64) (Comparison, error) {
		return Verify(e, NewProblem(c, seed))
	})
}

// Correctness64 is Correctness for a float64 GEMM, held to Bound64.
func Correctness64(t *testing.T, e gemm.Dgemmer, short bool) {
	t.Helper()
	correctness(t, short, Bound64, func(c Case, seed uint64) (Comparison, error) {
		return Verify64(e, NewProblem64(c, seed))
	})
}

func correctness(t *testing.T, short bool, bound func(int, float64) float64, verify func(Case, uint64) (Comparison, error)) {
	t.Helper()
	for i, c := range Cases(short) {
		t.Run(c.String(), func(t *testing.T) {
			r, err := verify(c, uint64(i))
			if err != nil {
				t.Fatalf("the engine failed: %v", err)
			}
			if r.Outside != 0 {
				t.Errorf("%d elements outside the view of C were written", r.Outside)
			}
			if !r.OK {
				t.Errorf("result outside the error bound: max abs err %g, max rel err %g at element %d (bound for k=%d is %g relative)",
					r.MaxAbsErr, r.MaxRelErr, r.Worst, c.K, bound(c.K, 1))
			}
		})
	}
}

// BadArguments checks that e reports every kind of bad argument as an error
// wrapping gemm.ErrBadArgument, without panicking and without touching C.
func BadArguments(t *testing.T, e gemm.Engine) {
	t.Helper()
	badArguments(t, e.Sgemm)
}

// BadArguments64 is BadArguments for a float64 GEMM.
func BadArguments64(t *testing.T, e gemm.Dgemmer) {
	t.Helper()
	badArguments(t, e.Dgemm)
}

func badArguments[T float32 | float64](t *testing.T, gemmFunc func(tA, tB blas.Transpose, m, n, k int, alpha T, a []T, lda int,
	b []T, ldb int, beta T, c []T, ldc int) error) {
	t.Helper()
	a := make([]T, 12)
	b := make([]T, 12)
	c := make([]T, 12)
	for i := range c {
		c[i] = T(i)
	}
	const N, T_ = blas.NoTrans, blas.Trans
	cases := []struct {
		name          string
		tA, tB        blas.Transpose
		m, n, k       int
		lda, ldb, ldc int
		a, b, c       []T
	}{
		{"negative m", N, N, -1, 3, 4, 4, 3, 3, a, b, c},
		{"negative n", N, N, 3, -1, 4, 4, 3, 3, a, b, c},
		{"negative k", N, N, 3, 3, -4, 4, 3, 3, a, b, c},
		{"lda too small", N, N, 3, 3, 4, 3, 3, 3, a, b, c},
		{"lda too small transposed", T_, N, 3, 3, 4, 2, 3, 3, a, b, c},
		{"ldb too small", N, N, 3, 3, 4, 4, 2, 3, a, b, c},
		{"ldb too small transposed", N, T_, 3, 3, 4, 4, 3, 3, a, b, c},
		{"ldc too small", N, N, 3, 3, 4, 4, 3, 2, a, b, c},
		{"A too short", N, N, 3, 3, 4, 4, 3, 3, a[:11], b, c},
		{"B too short", N, N, 3, 3, 4, 4, 3, 3, a, b[:11], c},
		{"C too short", N, N, 3, 3, 4, 4, 3, 3, a, b, c[:8]},
		{"nil C", N, N, 3, 3, 4, 4, 3, 3, a, b, nil},
		{"bad transpose", blas.Transpose('x'), N, 3, 3, 4, 4, 3, 3, a, b, c},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := append([]T(nil), c...)
			err := callWithoutPanic(t, func() error {
				return gemmFunc(tc.tA, tc.tB, tc.m, tc.n, tc.k, 1, tc.a, tc.lda, tc.b, tc.ldb, 0, tc.c, tc.ldc)
			})
			if !errors.Is(err, gemm.ErrBadArgument) {
				t.Errorf("error %v does not wrap gemm.ErrBadArgument", err)
			}
			if !slices.Equal(before, c) {
				t.Errorf("C changed on a rejected call: %v, was %v", c, before)
			}
		})
	}
}

// callWithoutPanic runs f and fails the test if it panics.
func callWithoutPanic(t *testing.T, f func() error) (err error) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("panicked on a bad argument: %v", r)
		}
	}()
	return f()
}

// Equal reports whether two float32 slices hold the same bits (NaNs equal).
func Equal(x, y []float32) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if math.Float32bits(x[i]) != math.Float32bits(y[i]) {
			return false
		}
	}
	return true
}
