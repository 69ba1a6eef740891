package cpu

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/vkgemm/vkgemm/gemm/gemmtest"
)

// countLibraryCalls stands a library that counts its calls in for the one
// the engine loads, and returns the count. The calls go on to OpenBLAS
// where it is installed, so results are OpenBLAS's, and to gonum's code
// elsewhere, so the choice is tested on every machine.
func countLibraryCalls(t *testing.T) *int {
	t.Helper()
	var impl gonum.Implementation
	sgemm, dgemm := gemmFunc[float32](impl.Sgemm), gemmFunc[float64](impl.Dgemm)
	if l, err := loadedBLAS(); err == nil {
		sgemm, dgemm = l.sgemm, l.dgemm
	}
	calls := new(int)
	counting := &cblas{
		name:    "counting",
		threads: func() int { return 1 },
		maxDim:  math.MaxInt32,
		sgemm: func(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
			*calls++
			sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		},
		dgemm: func(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
			*calls++
			dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		},
	}
	loaded := loadedBLAS
	loadedBLAS = func() (*cblas, error) { return counting, nil }
	t.Cleanup(func() { loadedBLAS = loaded })
	return calls
}

// Each side of each rule, in every transpose, with padded leading
// dimensions, views inside larger slices, alpha and beta: the library runs
// where the rule says, gonum's code elsewhere, and both agree with the
// reference.
func TestEngineChoosesBySize(t *testing.T) {
	calls := countLibraryCalls(t)
	type shape struct{ m, n, k int }
	const N, T = blas.NoTrans, blas.Trans
	for _, tc := range []struct {
		shape
		gonumIn [][2]blas.Transpose // the transposes gonum's code runs
	}{
		{shape{31, 32, 33}, [][2]blas.Transpose{{N, N}, {N, T}, {T, N}, {T, T}}}, // just under 32³
		{shape{32, 32, 32}, nil},
		{shape{15, 200, 100}, [][2]blas.Transpose{{N, T}}}, // C of 15 rows: a thin A·Bᵀ
		{shape{200, 15, 100}, [][2]blas.Transpose{{N, T}}}, // 15 columns
		{shape{1, 1, 32768}, [][2]blas.Transpose{{N, T}}},  // a dot product
		{shape{16, 200, 100}, nil},                         // 16 rows: not thin
	} {
		for _, tA := range []blas.Transpose{N, T} {
			for _, tB := range []blas.Transpose{N, T} {
				c := gemmtest.Case{TA: tA, TB: tB, M: tc.m, N: tc.n, K: tc.k, Alpha: -1.5, Beta: 0.5, PadA: 1, PadB: 2, PadC: 3, Offset: 5}
				want := 1
				for _, g := range tc.gonumIn {
					if g == [2]blas.Transpose{tA, tB} {
						want = 0
					}
				}
				t.Run(c.String(), func(t *testing.T) {
					*calls = 0
					r, err := gemmtest.Verify(Engine{}, gemmtest.NewProblem(c, 1))
					require.NoError(t, err)
					assert.True(t, r.OK, "float32: %+v", r)
					r, err = gemmtest.Verify64(Engine{}, gemmtest.NewProblem64(c, 2))
					require.NoError(t, err)
					assert.True(t, r.OK, "float64: %+v", r)
					assert.Equal(t, 2*want, *calls, "library calls for Sgemm and Dgemm")
				})
			}
		}
	}
}

// Each band is a product of its own, and the rule applies to it.
func TestEngineChoosesPerBand(t *testing.T) {
	calls := countLibraryCalls(t)
	for _, tc := range []struct {
		e        Engine
		tB       blas.Transpose
		k, calls int
	}{
		{Engine{}, blas.NoTrans, 64, 1},
		{Engine{RowsPerStep: 8}, blas.NoTrans, 64, 8}, // 8×64×64 is 32³
		{Engine{RowsPerStep: 4}, blas.NoTrans, 64, 0}, // 4×64×64 is half of it
		{Engine{RowsPerStep: 8}, blas.Trans, 4096, 0}, // 8-row bands of A·Bᵀ are thin
		{Engine{RowsPerStep: 16}, blas.Trans, 4096, 4},
		{Engine{PureGo: true}, blas.NoTrans, 64, 0},
	} {
		c := gemmtest.Case{TA: blas.NoTrans, TB: tc.tB, M: 64, N: 64, K: tc.k, Alpha: 1, Beta: -1, PadB: 1}
		t.Run(fmt.Sprintf("%+v", tc.e)+" "+c.String(), func(t *testing.T) {
			*calls = 0
			r, err := gemmtest.Verify(tc.e, gemmtest.NewProblem(c, 3))
			require.NoError(t, err)
			assert.True(t, r.OK, "%+v", r)
			assert.Equal(t, tc.calls, *calls)
		})
	}
}
