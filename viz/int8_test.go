package viz_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm/cpu"
	"github.com/vkgemm/vkgemm/viz"
)

// int8er is a fake engine with GemmInt8: the CPU engine's, counting its
// calls, noting the range of the inputs it sees, and, if told, off by one
// in the last element.
type int8er struct {
	fake
	calls  *int
	lo, hi *int8
	wrong  bool
}

func (e int8er) GemmInt8(tA, tB blas.Transpose, m, n, k int, a []int8, lda int, b []int8, ldb int, c []int32, ldc int) error {
	*e.calls++
	for _, x := range [][]int8{a, b} {
		for _, v := range x {
			*e.lo, *e.hi = min(*e.lo, v), max(*e.hi, v)
		}
	}
	err := cpu.Engine{}.GemmInt8(tA, tB, m, n, k, a, lda, b, ldb, c, ldc)
	if e.wrong {
		c[(m-1)*ldc+n-1]++
	}
	return err
}

func TestRunnerRacesInt8Exactly(t *testing.T) {
	calls := 0
	var lo, hi int8
	gpuLane := int8er{fake: fake{name: "Int8er"}, calls: &calls, lo: &lo, hi: &hi}
	r := viz.NewRunner(quick(16, 64, 128), viz.Contender{Role: "GPU", Engine: gpuLane}, viz.Contender{Role: "CPU", Engine: cpu.Engine{}})
	r.SetMode(viz.Int8)
	start(t, r)
	s := waitFor(t, r, "the int8 sweep finishes", finished)
	assert.Equal(t, viz.Int8, s.Mode)
	assert.Equal(t, "GemmInt8, int32 accumulate", s.Lanes[0].Method)
	assert.Equal(t, "GemmInt8 in pure Go, no BLAS", s.Lanes[1].Method)
	for i, l := range s.Lanes {
		for si, res := range l.Results {
			n := s.Sizes[si]
			assert.True(t, res.OK, "lane %d n=%d: %+v", i, n, res)
			assert.Zero(t, res.Wrong)
			assert.Zero(t, res.Bound, "no error bound: equality")
			assert.Zero(t, res.MaxRelErr)
			assert.Positive(t, res.GFLOPS, "2·n³ operations a run")
			assert.Equal(t, n, res.Rows)
		}
	}
	assert.Equal(t, 16, s.Lanes[0].Results[0].CheckedRows, "n=16: every row")
	assert.Equal(t, 4, s.Lanes[0].Results[2].CheckedRows, "n=128: sampled rows")
	assert.Positive(t, calls)
	assert.Equal(t, [2]int8{-128, 127}, [2]int8{lo, hi}, "operands over the whole int8 range")
}

// TestInt8IsCheckedForEquality: a result off by one in one element, far
// inside any float32 bound at these sizes, is wrong.
func TestInt8IsCheckedForEquality(t *testing.T) {
	calls := 0
	var lo, hi int8
	r := viz.NewRunner(quick(16, 128), viz.Contender{Role: "GPU", Engine: int8er{fake: fake{name: "OffByOne"}, calls: &calls, lo: &lo, hi: &hi, wrong: true}})
	r.SetMode(viz.Int8)
	start(t, r)
	s := waitFor(t, r, "the sweep finishes", finished)
	for _, res := range s.Lanes[0].Results {
		assert.False(t, res.OK, "n=%d: the last row is always checked", res.N)
		assert.Equal(t, 1, res.Wrong, "n=%d", res.N)
	}
}

// TestEngineWithoutInt8SitsOut: an engine without GemmInt8 (the Vulkan
// engine before it has one) says so on its card, and the CPU races alone.
func TestEngineWithoutInt8SitsOut(t *testing.T) {
	r := viz.NewRunner(quick(16, 32), viz.Contender{Role: "GPU", Engine: fake{name: "Vulkan"}}, viz.Contender{Role: "CPU", Engine: cpu.Engine{}})
	r.SetMode(viz.Int8)
	start(t, r)
	s := waitFor(t, r, "the CPU's int8 sweep finishes", finished)
	assert.Equal(t, "the Vulkan engine in this build has no int8 GEMM", s.Lanes[0].Unsupported)
	assert.False(t, s.Lanes[0].Racing())
	assert.Equal(t, 2, s.Total, "only the CPU lane counts")
	for _, res := range s.Lanes[1].Results {
		assert.True(t, res.OK, "CPU n=%d: %+v", res.N, res)
	}
	assert.Contains(t, s.Message, "now racing int8 inputs, int32 accumulate (exact)")

	_, err := viz.Method(viz.Int8, fake{name: "Plain"})
	require.Error(t, err)
	m, err := viz.Method(viz.Int8, int8er{})
	require.NoError(t, err)
	assert.Equal(t, "GemmInt8, int32 accumulate", m)
}
