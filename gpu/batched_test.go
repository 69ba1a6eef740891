package gpu_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/gpu"
)

// batchCase is one strided-batched product: gemmtest.Case's sizes and padded
// leading dimensions, plus the gaps between matrices (0 for a stride of 0).
type batchCase struct {
	gemmtest.Case
	batch            int
	gapA, gapB, gapC int  // elements between one matrix's end and the next's start
	shareA, shareB   bool // stride 0: one matrix for every product
	interleaveC      bool // C matrices side by side in one wide matrix (ldc = batch*ldc)
}

func (c batchCase) String() string {
	return fmt.Sprintf("%v batch=%d gaps=%d/%d/%d share=%v/%v interleave=%v", c.Case, c.batch, c.gapA, c.gapB, c.gapC, c.shareA, c.shareB, c.interleaveC)
}

// batchArgs are the slices, leading dimensions and strides of a batchCase.
type batchArgs struct {
	a, b, c                []float32
	lda, ldb, ldc          int
	strideA, strideB, strC int
}

func newBatch(c batchCase, seed uint64) batchArgs {
	rng := rand.New(rand.NewPCG(seed, 11))
	ar, ac := gemm.Shape(c.TA, c.M, c.K)
	br, bc := gemm.Shape(c.TB, c.K, c.N)
	x := batchArgs{lda: ac + c.PadA, ldb: bc + c.PadB, ldc: c.N + c.PadC}
	x.strideA, x.strideB = ar*x.lda+c.gapA, br*x.ldb+c.gapB
	if c.shareA {
		x.strideA = 0
	}
	if c.shareB {
		x.strideB = 0
	}
	x.strC = c.M*x.ldc + c.gapC
	if c.interleaveC {
		x.strC, x.ldc = x.ldc, c.batch*x.ldc
	}
	fill := func(n int, nan bool) []float32 {
		s := make([]float32, n)
		for i := range s {
			s[i] = rng.Float32()*2 - 1
			if nan {
				s[i] = float32(math.NaN())
			}
		}
		return s
	}
	x.a = fill((c.batch-1)*x.strideA+ar*x.lda, false)
	x.b = fill((c.batch-1)*x.strideB+br*x.ldb, false)
	x.c = fill((c.batch-1)*x.strC+c.M*x.ldc, c.NaNC)
	return x
}

// batchedGemmer is a Device or a Group.
type batchedGemmer interface {
	SgemmStridedBatched(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda, strideA int,
		b []float32, ldb, strideB int, beta float32, c []float32, ldc, strideC int, batch int) error
}

// checkBatch runs c on d and compares every product with the float64
// reference, and every element outside the products' C with what was there.
func checkBatch(t *testing.T, d batchedGemmer, c batchCase) {
	x := newBatch(c, uint64(c.M*c.N+c.K))
	before := append([]float32(nil), x.c...)
	require.NoError(t, d.SgemmStridedBatched(c.TA, c.TB, c.M, c.N, c.K, c.Alpha, x.a, x.lda, x.strideA, x.b, x.ldb, x.strideB,
		c.Beta, x.c, x.ldc, x.strC, c.batch))
	inside := make([]bool, len(x.c))
	for g := range c.batch {
		want, scale := gemmtest.Reference(c.TA, c.TB, c.M, c.N, c.K, c.Alpha, x.a[g*x.strideA:], x.lda, x.b[g*x.strideB:], x.ldb,
			c.Beta, before[g*x.strC:], x.ldc)
		r := gemmtest.Compare(c.M, c.N, c.K, x.c[g*x.strC:], x.ldc, want, scale)
		require.True(t, r.OK, "product %d: max rel err %g at %d", g, r.MaxRelErr, r.Worst)
		for i := range c.M {
			for j := range c.N {
				inside[g*x.strC+i*x.ldc+j] = true
			}
		}
	}
	for i := range x.c {
		if !inside[i] && math.Float32bits(x.c[i]) != math.Float32bits(before[i]) {
			t.Fatalf("element %d of c, outside every product, changed from %v to %v", i, before[i], x.c[i])
		}
	}
}

func transposes() [][2]blas.Transpose {
	return [][2]blas.Transpose{{blas.NoTrans, blas.NoTrans}, {blas.Trans, blas.NoTrans}, {blas.NoTrans, blas.Trans}, {blas.Trans, blas.Trans}}
}

// Every transpose, odd sizes, padded rows, gaps between matrices, shared A
// or B (stride 0), C interleaved in one wide matrix, beta 0 over NaN.
func TestSgemmStridedBatched(t *testing.T) {
	d := openDevice(t, gpu.Config{})
	for _, tt := range transposes() {
		for _, c := range []batchCase{
			{Case: gemmtest.Case{M: 13, N: 7, K: 9, Alpha: 1, Beta: 0, NaNC: true}, batch: 5},
			{Case: gemmtest.Case{M: 33, N: 17, K: 65, Alpha: -0.5, Beta: 2, PadA: 3, PadB: 1, PadC: 2}, batch: 3, gapA: 5, gapB: 7, gapC: 1},
			{Case: gemmtest.Case{M: 8, N: 12, K: 5, Alpha: 1, Beta: 1}, batch: 4, shareA: true},
			{Case: gemmtest.Case{M: 6, N: 9, K: 31, Alpha: 2, Beta: 0.5}, batch: 6, shareB: true, gapA: 2},
			{Case: gemmtest.Case{M: 5, N: 3, K: 4, Alpha: 1, Beta: -1}, batch: 3, interleaveC: true},
			{Case: gemmtest.Case{M: 1, N: 1, K: 1, Alpha: 1, Beta: 0}, batch: 1},
		} {
			c.TA, c.TB = tt[0], tt[1]
			t.Run(c.String(), func(t *testing.T) { checkBatch(t, d, c) })
		}
	}
}

// A batch takes one dispatch when it fits one binding and one submission,
// and is split into several layers' worth when it does not: by the binding
// limit, and by one product exceeding the binding on its own.
func TestSgemmStridedBatchedSplits(t *testing.T) {
	d := openDevice(t, gpu.Config{})
	c := batchCase{Case: gemmtest.Case{TA: blas.NoTrans, TB: blas.NoTrans, M: 16, N: 16, K: 16, Alpha: 1, Beta: 1}, batch: 40}
	gpu.ResetCounts(d)
	checkBatch(t, d, c)
	assert.Equal(t, 1, gpu.Counts(d).Submits, "a batch of 40 small products is one submission")

	small := openDevice(t, gpu.Config{MaxBindingBytes: 8 << 10}) // 8 KiB: 8 products of 1 KiB each per binding
	gpu.ResetCounts(small)
	checkBatch(t, small, c)
	assert.Equal(t, 5, gpu.Counts(small).Submits, "40 products, 8 per binding")

	big := batchCase{Case: gemmtest.Case{TA: blas.Trans, TB: blas.NoTrans, M: 70, N: 40, K: 50, Alpha: 1, Beta: 0.5}, batch: 3, gapC: 3}
	gpu.ResetCounts(small)
	checkBatch(t, small, big)
	assert.Greater(t, gpu.Counts(small).Submits, 3, "each product is split into blocks")

	gpu.SetWorkCap(d, float64(gemm.Flops(16, 16, 16))*3) // 3 products per submission
	gpu.ResetCounts(d)
	checkBatch(t, d, c)
	assert.Equal(t, 14, gpu.Counts(d).Submits, "40 products, 3 per submission")
}

// alpha = 0 or k = 0 scales every C by beta without the device; batch 0 and
// empty products do nothing.
func TestSgemmStridedBatchedNoProduct(t *testing.T) {
	d := openDevice(t, gpu.Config{})
	c := []float32{1, 2, 9, 3, 4}
	require.NoError(t, d.SgemmStridedBatched(blas.NoTrans, blas.NoTrans, 1, 2, 0, 1, nil, 1, 0, nil, 2, 0, 2, c, 2, 3, 2))
	assert.Equal(t, []float32{2, 4, 9, 6, 8}, c)
	require.NoError(t, d.SgemmStridedBatched(blas.NoTrans, blas.NoTrans, 1, 2, 1, 0, []float32{1, 1}, 1, 1, []float32{1, 1}, 2, 0, 0, c, 2, 3, 2))
	assert.Equal(t, []float32{0, 0, 9, 0, 0}, c)
	require.NoError(t, d.SgemmStridedBatched(blas.NoTrans, blas.NoTrans, 1, 2, 1, 1, nil, 1, 1, nil, 2, 2, 0, nil, 2, 3, 0))
}

// Bad arguments are errors wrapping ErrBadArgument, never panics: overlapping
// C matrices, negative or overflowing strides and batches, short slices.
func TestSgemmStridedBatchedBadArguments(t *testing.T) {
	d := openDevice(t, gpu.Config{})
	a, b, c := make([]float32, 64), make([]float32, 64), make([]float32, 64)
	n := blas.NoTrans
	for _, tc := range []struct {
		name                            string
		m, nn, k, lda, sA, ldb, sB, ldc int
		sC, batch                       int
		c                               []float32
	}{
		{"C shared by every product", 2, 2, 2, 2, 4, 2, 4, 2, 0, 2, c},
		{"C rows overlap the next product", 3, 3, 1, 1, 3, 3, 3, 3, 6, 2, c},
		{"C interleaved too tightly", 2, 3, 1, 1, 2, 3, 3, 4, 2, 2, c},
		{"negative strideA", 2, 2, 2, 2, -4, 2, 4, 2, 4, 2, c},
		{"negative strideC", 2, 2, 2, 2, 4, 2, 4, 2, -4, 2, c},
		{"negative batch", 2, 2, 2, 2, 4, 2, 4, 2, 4, -1, c},
		{"strideA overflows", 2, 2, 2, 2, math.MaxInt, 2, 4, 2, 4, 3, c},
		{"strideC overflows", 2, 2, 2, 2, 4, 2, 4, 2, math.MaxInt / 2, 3, c},
		{"C too short for the batch", 2, 2, 2, 2, 4, 2, 4, 2, 4, 20, c},
		{"lda too small", 2, 2, 2, 1, 4, 2, 4, 2, 4, 2, c},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := d.SgemmStridedBatched(n, n, tc.m, tc.nn, tc.k, 1, a, tc.lda, tc.sA, b, tc.ldb, tc.sB, 0, tc.c, tc.ldc, tc.sC, tc.batch)
			require.ErrorIs(t, err, gpu.ErrBadArgument)
			t.Log(err)
		})
	}
	assert.Equal(t, make([]float32, 64), c, "a refused call leaves C alone")
}
