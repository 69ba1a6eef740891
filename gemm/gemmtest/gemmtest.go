package gemmtest

import (
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
)

// Correctness runs every case of gemm.Cases(short) on e as a subtest.
func Correctness(t *testing.T, e gemm.Engine, short bool) {
	t.Helper()
	for i, c := range gemm.Cases(short) {
		t.Run(c.String(), func(t *testing.T) {
			r, err := gemm.Verify(e, gemm.NewProblem(c, uint64(i)))
			require.NoError(t, err)
			assert.Zero(t, r.Outside, "elements outside the view of C were written")
			assert.True(t, r.OK, "result outside the error bound: max abs err %g, max rel err %g at element %d (bound for k=%d is %g relative)",
				r.MaxAbsErr, r.MaxRelErr, r.Worst, c.K, gemm.Bound(c.K, 1))
		})
	}
}

// BadArguments checks that e reports every kind of bad argument as an error
// wrapping gemm.ErrBadArgument, without panicking and without touching C.
func BadArguments(t *testing.T, e gemm.Engine) {
	t.Helper()
	a := make([]float32, 12)
	b := make([]float32, 12)
	c := make([]float32, 12)
	for i := range c {
		c[i] = float32(i)
	}
	const N, T = blas.NoTrans, blas.Trans
	cases := []struct {
		name          string
		tA, tB        blas.Transpose
		m, n, k       int
		lda, ldb, ldc int
		a, b, c       []float32
	}{
		{"negative m", N, N, -1, 3, 4, 4, 3, 3, a, b, c},
		{"negative n", N, N, 3, -1, 4, 4, 3, 3, a, b, c},
		{"negative k", N, N, 3, 3, -4, 4, 3, 3, a, b, c},
		{"lda too small", N, N, 3, 3, 4, 3, 3, 3, a, b, c},
		{"lda too small transposed", T, N, 3, 3, 4, 2, 3, 3, a, b, c},
		{"ldb too small", N, N, 3, 3, 4, 4, 2, 3, a, b, c},
		{"ldb too small transposed", N, T, 3, 3, 4, 4, 3, 3, a, b, c},
		{"ldc too small", N, N, 3, 3, 4, 4, 3, 2, a, b, c},
		{"A too short", N, N, 3, 3, 4, 4, 3, 3, a[:11], b, c},
		{"B too short", N, N, 3, 3, 4, 4, 3, 3, a, b[:11], c},
		{"C too short", N, N, 3, 3, 4, 4, 3, 3, a, b, c[:8]},
		{"nil C", N, N, 3, 3, 4, 4, 3, 3, a, b, nil},
		{"bad transpose", blas.Transpose('x'), N, 3, 3, 4, 4, 3, 3, a, b, c},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := append([]float32(nil), c...)
			var err error
			require.NotPanics(t, func() {
				err = e.Sgemm(tc.tA, tc.tB, tc.m, tc.n, tc.k, 1, tc.a, tc.lda, tc.b, tc.ldb, 0, tc.c, tc.ldc)
			})
			require.Error(t, err)
			assert.True(t, errors.Is(err, gemm.ErrBadArgument), "error %q does not wrap gemm.ErrBadArgument", err)
			assert.Equal(t, before, c, "C changed on a rejected call")
		})
	}
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
