package cpu_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gemm/cpu"
	"github.com/vkgemm/vkgemm/gemm/gemmtest"
)

// cpuPath is one of the engine's paths, in both precisions, and whether the
// conformance suite runs its short sweep on it.
type cpuPath struct {
	e interface {
		gemm.Engine
		gemm.Dgemmer
	}
	short bool
}

// cpuPaths: the default engine runs the whole sweep; gonum's pure-Go
// fallback, which gonum tests itself, and OpenBLAS called at every size,
// whose large products the default engine runs too, the short one (the
// float64 references of the 1000³ cases take minutes under -race).
func cpuPaths() []cpuPath {
	paths := []cpuPath{{cpu.Engine{}, testing.Short()}, {cpu.Engine{PureGo: true}, true}}
	if _, err := cpu.OpenBLAS(); err == nil {
		paths = append(paths, cpuPath{cpu.OpenBLASOnly{}, true})
	}
	return paths
}

func TestCPUConformance(t *testing.T) {
	requireOpenBLAS(t)
	for _, p := range cpuPaths() {
		t.Run(p.e.Describe(), func(t *testing.T) {
			gemmtest.Correctness(t, p.e, p.short)
			gemmtest.BadArguments(t, p.e)
		})
	}
}

// requireOpenBLAS fails where VKGEMM_REQUIRE_OPENBLAS=1 asks for OpenBLAS
// and it is missing, so CI never passes on gonum alone; elsewhere it logs
// which library runs.
func requireOpenBLAS(t *testing.T) {
	t.Helper()
	name, err := cpu.OpenBLAS()
	if err != nil && os.Getenv("VKGEMM_REQUIRE_OPENBLAS") == "1" {
		t.Fatalf("VKGEMM_REQUIRE_OPENBLAS=1: %v", err)
	}
	t.Logf("OpenBLAS: %q, %v", name, err)
}

func TestCPUNamesItsLibrary(t *testing.T) {
	requireOpenBLAS(t)
	assert.Contains(t, cpu.Engine{PureGo: true}.Describe(), "gonum, pure Go")
	if name, err := cpu.OpenBLAS(); err == nil {
		assert.Regexp(t, `^OpenBLAS \d+\.\d+\.\d+.*, \d+ threads$`, name)
		assert.Equal(t, name+"; gonum below 32³ and for thin A·Bᵀ", cpu.Engine{}.Describe())
	} else {
		assert.Contains(t, cpu.Engine{}.Describe(), "gonum, pure Go")
	}
}

// Leading dimensions past what a 32-bit BLAS integer holds are valid when
// only one row is read; the engine must not truncate them.
func TestCPUHugeLeadingDimension(t *testing.T) {
	const ld = 1<<31 + 5
	for _, e := range []cpu.Engine{{}, {PureGo: true}} {
		c32 := []float32{10}
		require.NoError(t, e.Sgemm(blas.NoTrans, blas.NoTrans, 1, 1, 1, 2, []float32{3}, ld, []float32{4}, ld, 1, c32, ld))
		assert.Equal(t, []float32{34}, c32, e.Describe())
		c64 := []float64{10}
		require.NoError(t, e.Dgemm(blas.NoTrans, blas.NoTrans, 1, 1, 1, 2, []float64{3}, ld, []float64{4}, ld, 1, c64, ld))
		assert.Equal(t, []float64{34}, c64, e.Describe())
	}
}

func TestCPUDgemmMatchesGonum(t *testing.T) {
	requireOpenBLAS(t)
	var want gonum.Implementation
	for _, e := range []cpu.Engine{{}, {PureGo: true}, {RowsPerStep: 7}} {
		for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			for _, tB := range []blas.Transpose{blas.NoTrans, blas.Trans} {
				c := gemmtest.Case{TA: tA, TB: tB, M: 37, N: 29, K: 41, PadA: 1, PadB: 2, PadC: 3}
				p := gemmtest.NewProblem(c, 3)
				a, b, got := widen(p.A), widen(p.B), widen(p.C)
				exp := widen(p.C)
				require.NoError(t, e.Dgemm(tA, tB, c.M, c.N, c.K, 1.5, a, p.LDA, b, p.LDB, -0.5, got, p.LDC))
				want.Dgemm(tA, tB, c.M, c.N, c.K, 1.5, a, p.LDA, b, p.LDB, -0.5, exp, p.LDC)
				assert.InDeltaSlice(t, exp, got, 1e-12, "%s %s", e.Describe(), c)
			}
		}
		err := e.Dgemm(blas.NoTrans, blas.NoTrans, 2, 2, 3, 1, make([]float64, 6), 2, make([]float64, 6), 2, 0, make([]float64, 4), 2)
		assert.ErrorIs(t, err, gemm.ErrBadArgument)
	}
}

func widen(x []float32) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = float64(v)
	}
	return y
}

// gonum's code sums each element in the same order whatever the band, so
// bands match the whole product bit for bit. OpenBLAS picks its blocking
// from the shape, so it is held to the error bound instead.
func TestCPUInBandsMatchesWhole(t *testing.T) {
	yields := 0
	banded := cpu.Engine{RowsPerStep: 16, Yield: func() { yields++ }, PureGo: true}
	for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
		c := gemmtest.Case{TA: tA, TB: blas.Trans, M: 100, N: 37, K: 29, Alpha: 1.5, Beta: -0.5, PadA: 2, PadC: 1, Offset: 3}
		whole, parts := gemmtest.NewProblem(c, 7), gemmtest.NewProblem(c, 7)
		o := c.Offset
		require.NoError(t, cpu.Engine{PureGo: true}.Sgemm(c.TA, c.TB, c.M, c.N, c.K, c.Alpha, whole.A[o:], whole.LDA, whole.B[o:], whole.LDB, c.Beta, whole.C[o:], whole.LDC))
		require.NoError(t, banded.Sgemm(c.TA, c.TB, c.M, c.N, c.K, c.Alpha, parts.A[o:], parts.LDA, parts.B[o:], parts.LDB, c.Beta, parts.C[o:], parts.LDC))
		assert.True(t, gemmtest.Equal(whole.C, parts.C), "banded product differs from the whole one (tA=%c)", tA)
	}
	assert.Equal(t, 2*6, yields, "100 rows in bands of 16 yield 6 times per product")
}

func TestCPUInBandsConformance(t *testing.T) {
	requireOpenBLAS(t)
	gemmtest.Correctness(t, cpu.Engine{RowsPerStep: 16}, true)
}

func TestZeroSizesTouchNothing(t *testing.T) {
	c := []float32{1, 2, 3}
	require.NoError(t, cpu.Engine{}.Sgemm(blas.NoTrans, blas.NoTrans, 0, 3, 2, 1, nil, 2, nil, 3, 0, c, 3))
	assert.Equal(t, []float32{1, 2, 3}, c)
}

func TestCPUDgemmConformance(t *testing.T) {
	requireOpenBLAS(t)
	for _, p := range cpuPaths() {
		t.Run(p.e.Describe(), func(t *testing.T) {
			gemmtest.Correctness64(t, p.e, true)
			gemmtest.BadArguments64(t, p.e)
		})
	}
}

// The CPU engine's int8 GEMM is exact over the sweep, its extremes, and in
// bands.
func TestCPUInt8(t *testing.T) {
	gemmtest.CorrectnessInt8(t, cpu.Engine{}, testing.Short())
	gemmtest.CorrectnessInt8(t, cpu.Engine{RowsPerStep: 7}, true)
	gemmtest.BadArgumentsInt8(t, cpu.Engine{})
}
