package viz_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gemm/cpu"
	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/half"
	"github.com/vkgemm/vkgemm/viz"
)

func TestModesParseCycleAndShape(t *testing.T) {
	seen := map[viz.Mode]bool{}
	m := viz.F32
	for range viz.Modes {
		seen[m] = true
		got, err := viz.ParseMode(m.String())
		require.NoError(t, err)
		assert.Equal(t, m, got)
		text, err := m.MarshalText()
		require.NoError(t, err)
		var back viz.Mode
		require.NoError(t, back.UnmarshalText(text))
		assert.Equal(t, m, back)
		m = m.Next()
	}
	assert.Len(t, seen, 5, "M cycles through every mode")
	assert.Equal(t, viz.F32, m, "and back to float32")
	assert.Equal(t, viz.F32, viz.Int8.Next(), "int8 is the last")
	_, err := viz.ParseMode("f8")
	assert.ErrorContains(t, err, "want one of f32, batched, bf16, f16, int8")

	batch, size := viz.Batched.Shape(1024)
	assert.Equal(t, [2]int{64, 256}, [2]int{batch, size})
	assert.Equal(t, gemm.Flops(1024, 1024, 1024), float64(batch)*gemm.Flops(size, size, size), "a batch does the work of one n³ product")
	assert.Equal(t, "64 × 256³", viz.Batched.Size(1024))
	assert.Equal(t, "1024×1024×1024", viz.BF16.Size(1024))
	assert.Equal(t, "BF16 inputs, float32 accumulate", viz.BF16.Title())
	f, ok := viz.F16.Half()
	assert.True(t, ok)
	assert.Equal(t, half.F16, f)
	_, ok = viz.Batched.Half()
	assert.False(t, ok)

	assert.Equal(t, "int8 inputs, int32 accumulate (exact)", viz.Int8.Title())
	assert.Equal(t, "n×n×n GEMM, int8 inputs", viz.Int8.Product())
	assert.Equal(t, "512×512×512", viz.Int8.Size(512))
	assert.Equal(t, [2]int{1, 512}, func() [2]int { b, s := viz.Int8.Shape(512); return [2]int{b, s} }())
	_, ok = viz.Int8.Half()
	assert.False(t, ok)
	for _, m := range viz.Modes {
		assert.Equal(t, m == viz.Int8, m.Exact(), "%v: checked for equality", m)
		want := "GFLOPS"
		if m == viz.Int8 {
			want = "GOPS"
		}
		assert.Equal(t, want, m.Unit(), "%v", m)
	}
}

// batcher is a fake engine with a strided-batched call: the CPU engine,
// product by product, counting its calls.
type batcher struct {
	fake
	batches *int
}

func (b batcher) SgemmStridedBatched(tA, tB blas.Transpose, m, n, k int, alpha float32,
	a []float32, lda, strideA int, bb []float32, ldb, strideB int, beta float32,
	c []float32, ldc, strideC int, batch int) error {
	*b.batches++
	if err := gemm.CheckStridedArgs(tA, tB, m, n, k, len(a), lda, strideA, len(bb), ldb, strideB, len(c), ldc, strideC, batch); err != nil {
		return err
	}
	for g := range batch {
		if err := b.fake.Sgemm(tA, tB, m, n, k, alpha, a[g*strideA:], lda, bb[g*strideB:], ldb, beta, c[g*strideC:], ldc); err != nil {
			return err
		}
	}
	return nil
}

// halfer is a fake engine with GemmHalf that refuses the formats in refuse.
type halfer struct {
	fake
	refuse map[half.Format]error
	used   *[]half.Format
}

func (h halfer) CanGemmHalf(f half.Format) error { return h.refuse[f] }

func (h halfer) GemmHalf(f half.Format, tA, tB blas.Transpose, m, n, k int, alpha float32,
	a []uint16, lda int, b []uint16, ldb int, beta float32, c []float32, ldc int) error {
	*h.used = append(*h.used, f)
	wa, wb := make([]float32, len(a)), make([]float32, len(b))
	f.Decode(wa, a)
	f.Decode(wb, b)
	return h.fake.Sgemm(tA, tB, m, n, k, alpha, wa, lda, wb, ldb, beta, c, ldc)
}

func TestRunnerRacesABatchInOneCallOrInALoop(t *testing.T) {
	batches, loops := 0, 0
	r := viz.NewRunner(quick(16, 64, 128),
		viz.Contender{Role: "GPU", Engine: batcher{fake: fake{name: "Batcher"}, batches: &batches}},
		viz.Contender{Role: "CPU", Engine: fake{name: "Looper", calls: &loops}})
	r.SetMode(viz.Batched)
	start(t, r)
	s := waitFor(t, r, "the sweep finishes", finished)
	assert.Equal(t, viz.Batched, s.Mode)
	assert.Equal(t, "SgemmStridedBatched, one call", s.Lanes[0].Method)
	assert.Equal(t, "a loop of 64 Sgemm calls", s.Lanes[1].Method)
	runs := 0
	for i, l := range s.Lanes {
		for si, res := range l.Results {
			n := s.Sizes[si]
			assert.True(t, res.OK, "lane %d n=%d: %+v", i, n, res)
			assert.Equal(t, 16*n, res.Rows, "64 products of n/4 rows")
			assert.Equal(t, gemmtest.Bound(n/4, 1), res.Bound, "the bound of a product of depth n/4")
			if i == 0 {
				runs += res.Runs
			}
		}
	}
	assert.Equal(t, runs, batches, "one call per run")
	assert.Positive(t, loops)
	assert.Zero(t, loops%64, "the loop makes 64 calls per run")
	assert.Equal(t, 16*16, s.Lanes[0].Results[0].CheckedRows, "n=16: all 256 rows of the 64 4×4 products")
	assert.Equal(t, 4*16, s.Lanes[0].Results[2].CheckedRows, "sampled: 16 times the rows of a full-size product, each 16 times cheaper")
}

func TestRunnerCatchesAWrongProductInABatch(t *testing.T) {
	batches := 0
	r := viz.NewRunner(quick(16, 128), viz.Contender{Role: "GPU", Engine: batcher{fake: fake{name: "Wrong", wrong: true}, batches: &batches}})
	r.SetMode(viz.Batched)
	start(t, r)
	s := waitFor(t, r, "the sweep finishes", finished)
	for _, res := range s.Lanes[0].Results {
		assert.False(t, res.OK, "n=%d: the last product's last row is always checked", res.N)
	}
}

func TestRunnerRacesHalfInputs(t *testing.T) {
	var used []half.Format
	gpuLane := halfer{fake: fake{name: "Halfer"}, used: &used, refuse: map[half.Format]error{half.F16: errors.New("F16 needs shader-f16")}}
	r := viz.NewRunner(quick(16, 64), viz.Contender{Role: "GPU", Engine: gpuLane}, viz.Contender{Role: "CPU", Engine: cpu.Engine{}})
	r.SetMode(viz.BF16)
	start(t, r)
	s := waitFor(t, r, "the BF16 sweep finishes", finished)
	assert.Equal(t, "GemmHalf, widened in the kernel", s.Lanes[0].Method)
	assert.Equal(t, "widened to float32, then Sgemm", s.Lanes[1].Method)
	for i, l := range s.Lanes {
		for _, res := range l.Results {
			assert.True(t, res.OK, "lane %d n=%d: %+v", i, res.N, res)
			assert.Equal(t, gemmtest.Bound(res.N, 1), res.Bound)
		}
	}
	require.NotEmpty(t, used)
	for _, f := range used {
		assert.Equal(t, half.BF16, f)
	}

	// F16: the GPU lane says why it sits out; the CPU lane races alone.
	r.SetMode(viz.F16)
	s = waitFor(t, r, "the F16 sweep finishes", func(s viz.Snapshot) bool { return s.Mode == viz.F16 && s.Finished })
	assert.Equal(t, "F16 needs shader-f16", s.Lanes[0].Unsupported)
	assert.False(t, s.Lanes[0].Racing())
	assert.Equal(t, 2, s.Total, "only the CPU lane counts")
	for _, res := range s.Lanes[1].Results {
		assert.True(t, res.OK, "CPU n=%d: %+v", res.N, res)
	}
	assert.Contains(t, s.Message, "now racing F16 inputs, float32 accumulate")

	// Back to float32: the GPU lane races again.
	r.SetMode(viz.F32)
	s = waitFor(t, r, "the float32 sweep finishes", func(s viz.Snapshot) bool { return s.Mode == viz.F32 && s.Finished })
	assert.Empty(t, s.Lanes[0].Unsupported)
	assert.Equal(t, "Sgemm", s.Lanes[0].Method)
	assert.Equal(t, 4, s.Total)
}

// TestHalfInputsAreCheckedAgainstTheirExactValues: a BF16 race whose
// engine used the float32 inputs unrounded would be off by far more than
// the float32 bound; the check compares with the rounded inputs' product.
func TestHalfInputsAreCheckedAgainstTheirExactValues(t *testing.T) {
	r := viz.NewRunner(quick(64), viz.Contender{Role: "GPU", Engine: fakeRounder{}})
	r.SetMode(viz.BF16)
	start(t, r)
	s := waitFor(t, r, "the sweep finishes", finished)
	res := s.Lanes[0].Results[0]
	assert.False(t, res.OK, "a product of inputs not rounded to BF16 is caught: %+v", res)
}

// fakeRounder runs GemmHalf on inputs nudged off their BF16 values, as an
// engine reading them wrongly would.
type fakeRounder struct{ fake }

func (fakeRounder) GemmHalf(f half.Format, tA, tB blas.Transpose, m, n, k int, alpha float32,
	a []uint16, lda int, b []uint16, ldb int, beta float32, c []float32, ldc int) error {
	wa, wb := make([]float32, len(a)), make([]float32, len(b))
	f.Decode(wa, a)
	f.Decode(wb, b)
	for i := range wa {
		wa[i] *= 1 + 1.0/512
	}
	return cpu.Engine{}.Sgemm(tA, tB, m, n, k, alpha, wa, lda, wb, ldb, beta, c, ldc)
}
