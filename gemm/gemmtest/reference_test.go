package gemmtest_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm/cpu"
	"github.com/vkgemm/vkgemm/gemm/gemmtest"
)

func TestCompareCatchesWrongResults(t *testing.T) {
	c := gemmtest.Case{TA: blas.NoTrans, TB: blas.NoTrans, M: 8, N: 8, K: 100, Alpha: 1}
	p := gemmtest.NewProblem(c, 1)
	want, scale := gemmtest.Reference(c.TA, c.TB, c.M, c.N, c.K, c.Alpha, p.A, p.LDA, p.B, p.LDB, c.Beta, p.C, p.LDC)
	require.NoError(t, cpu.Engine{}.Sgemm(c.TA, c.TB, c.M, c.N, c.K, c.Alpha, p.A, p.LDA, p.B, p.LDB, c.Beta, p.C, p.LDC))
	r := gemmtest.Compare(c.M, c.N, c.K, p.C, p.LDC, want, scale)
	require.True(t, r.OK, "gonum's own result must be within the bound")
	assert.Less(t, r.MaxRelErr, gemmtest.Bound(c.K, 1))

	// One element off by a few bounds' worth is caught and located.
	p.C[3*p.LDC+5] += float32(4 * gemmtest.Bound(c.K, scale[3*8+5]))
	r = gemmtest.Compare(c.M, c.N, c.K, p.C, p.LDC, want, scale)
	assert.False(t, r.OK)
	assert.Equal(t, 3*8+5, r.Worst)

	// A NaN where the reference is finite is never within the bound.
	p.C[0] = float32(math.NaN())
	assert.False(t, gemmtest.Compare(c.M, c.N, c.K, p.C, p.LDC, want, scale).OK)
}

func TestVerifyCatchesWritesOutsideTheView(t *testing.T) {
	c := gemmtest.Case{TA: blas.NoTrans, TB: blas.NoTrans, M: 4, N: 4, K: 4, Alpha: 1, PadC: 2}
	r, err := gemmtest.Verify(sloppy{}, gemmtest.NewProblem(c, 1))
	require.NoError(t, err)
	assert.False(t, r.OK)
	assert.Equal(t, 2, r.Outside)
}

// sloppy computes the right product and also zeroes the padding after the
// first row of C, as a kernel without edge guards would.
type sloppy struct{ cpu.Engine }

func (s sloppy) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) error {
	err := s.Engine.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	for j := n; j < ldc; j++ {
		c[j] = 0
	}
	return err
}

func TestBoundGrowsWithK(t *testing.T) {
	assert.Less(t, gemmtest.Bound(1, 1), gemmtest.Bound(64, 1))
	assert.Less(t, gemmtest.Bound(64, 1), gemmtest.Bound(4096, 1))
	assert.InEpsilon(t, 4098*gemmtest.Unit, gemmtest.Bound(4096, 1), 1e-3)
}
