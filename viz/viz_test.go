package viz_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/viz"
)

func TestSizesDouble(t *testing.T) {
	s, err := viz.Sizes(64, 1024)
	require.NoError(t, err)
	assert.Equal(t, []int{64, 128, 256, 512, 1024}, s)
	s, err = viz.Sizes(64, 1000)
	require.NoError(t, err)
	assert.Equal(t, []int{64, 128, 256, 512}, s, "the largest size is not passed")
	for _, bad := range [][2]int{{0, 64}, {128, 64}, {64, 1 << 20}} {
		_, err := viz.Sizes(bad[0], bad[1])
		assert.Error(t, err, "%v", bad)
	}
}

func TestFormat(t *testing.T) {
	assert.Equal(t, "123 GFLOPS", viz.GFLOPS(123.4))
	assert.Equal(t, "12.3 GFLOPS", viz.GFLOPS(12.34))
	assert.Equal(t, "1.23 GFLOPS", viz.GFLOPS(1.234))
	assert.Equal(t, "0.123 GFLOPS", viz.GFLOPS(0.1234))
	assert.Equal(t, "– GFLOPS", viz.GFLOPS(math.NaN()))
	assert.Equal(t, "3.1e-08", viz.RelErr(3.14e-8))
	assert.Equal(t, "0", viz.RelErr(0))
	assert.Equal(t, "512×512×512", viz.Size(512))
	assert.Equal(t, "2.00× (GPU faster)", viz.Speedup(10, 5))
	assert.Equal(t, "0.50× (CPU 2.00× faster)", viz.Speedup(5, 10))
	assert.Equal(t, "–", viz.Speedup(0, 10))
	assert.Equal(t, "0.1", viz.Number(0.1))
	assert.Equal(t, "10k", viz.Number(10000))
	assert.Equal(t, "0.25", viz.Number(0.25))
	assert.Equal(t, "20k", viz.Number(20000))
	assert.Equal(t, "2048", viz.Number(2048))
	assert.Equal(t, "250 ms", viz.Duration(250*time.Millisecond))
	assert.Equal(t, "1.5 s", viz.Duration(1500*time.Millisecond))
	assert.Equal(t, "12 µs", viz.Duration(12*time.Microsecond))
}

func TestLogScale(t *testing.T) {
	s := viz.LogScale{Lo: 64, Hi: 1024, P0: 100, P1: 500}
	assert.InDelta(t, 100, s.Map(64), 1e-9)
	assert.InDelta(t, 500, s.Map(1024), 1e-9)
	assert.InDelta(t, 300, s.Map(256), 1e-9, "256 is halfway between 64 and 1024 on a log axis")
	assert.InDelta(t, 100, s.Map(0), 1e-9, "non-positive values clamp to the low end")
	assert.InDelta(t, 500, s.Map(1e9), 1e-9)

	// A y axis grows upwards: pixel positions fall as values rise.
	y := viz.LogScale{Lo: 0.1, Hi: 10, P0: 400, P1: 0}
	ticks := y.DecadeTicks()
	var labels []string
	for i, tk := range ticks {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
		if i > 0 {
			assert.Less(t, tk.Pos, ticks[i-1].Pos)
		}
	}
	assert.Equal(t, []string{"0.1", "1", "10"}, labels)
	assert.Len(t, ticks, 7, "0.1 0.2 0.5 1 2 5 10")

	xs := s.SizeTicks([]int{64, 128, 256, 512, 1024})
	require.Len(t, xs, 5)
	assert.Equal(t, "1024", xs[4].Label)
	assert.InDelta(t, 100, xs[1].Pos-xs[0].Pos, 1e-9, "doublings are evenly spaced")
}

func TestDecadeRangeAndNiceMax(t *testing.T) {
	lo, hi := viz.DecadeRange(0.3, 12, 0, math.Inf(1))
	assert.Equal(t, [2]float64{0.1, 100}, [2]float64{lo, hi})
	lo, hi = viz.DecadeRange(1)
	assert.Equal(t, [2]float64{1, 10}, [2]float64{lo, hi}, "at least one decade")
	lo, hi = viz.DecadeRange()
	assert.Equal(t, [2]float64{0.1, 10}, [2]float64{lo, hi})
	assert.Equal(t, 1.0, viz.NiceMax(0))
	assert.Equal(t, 2.0, viz.NiceMax(1.3))
	assert.Equal(t, 50.0, viz.NiceMax(21))
	assert.Equal(t, 100.0, viz.NiceMax(51))
	assert.InDelta(t, 0.5, viz.NiceMax(0.45), 1e-12)
}

func TestLayoutFitsAndDoesNotOverlap(t *testing.T) {
	for _, sz := range [][2]float64{{1280, 720}, {960, 540}, {1920, 1080}} {
		for lanes := 1; lanes <= 3; lanes++ {
			l := viz.NewLayout(sz[0], sz[1], lanes)
			screen := viz.Rect{W: sz[0], H: sz[1]}
			regions := []viz.Rect{l.Header, l.Speedup, l.Chart, l.Progress}
			for _, c := range l.Cards {
				regions = append(regions, c.Box)
				assert.True(t, inside(c.Bar, c.Box), "bar inside its card")
			}
			for _, b := range l.Buttons {
				regions = append(regions, b.Rect)
			}
			for i, a := range regions {
				assert.True(t, inside(a, screen), "region %d %+v off screen %v", i, a, sz)
				assert.Greater(t, a.W, 0.0)
				assert.Greater(t, a.H, 0.0)
				for j, b := range regions[i+1:] {
					assert.False(t, a.Overlaps(b), "regions %d and %d overlap at %v with %d lanes", i, i+1+j, sz, lanes)
				}
			}
			assert.True(t, inside(l.Plot, l.Chart))
			assert.True(t, inside(l.Help, screen))
		}
	}
}

func inside(a, b viz.Rect) bool {
	const eps = 1e-9
	return a.X >= b.X-eps && a.Y >= b.Y-eps && a.Right() <= b.Right()+eps && a.Bottom() <= b.Bottom()+eps
}

func TestLayoutHits(t *testing.T) {
	l := viz.NewLayout(1280, 720, 2)
	for _, b := range l.Buttons {
		assert.Equal(t, b.Action, l.ButtonAt(b.Rect.X+b.Rect.W/2, b.Rect.Y+b.Rect.H/2))
	}
	assert.Equal(t, viz.None, l.ButtonAt(0, 0))

	sizes := []int{64, 128, 256, 512}
	sc := l.SizeScale(sizes)
	y := l.Plot.Y + l.Plot.H/2
	assert.Equal(t, 2, l.SizeAt(sc.Map(256)+3, y, sizes))
	assert.Equal(t, 0, l.SizeAt(l.Plot.X+1, y, sizes))
	assert.Equal(t, -1, l.SizeAt(l.Plot.X-1, y, sizes))
}

func TestVerdictSaysHowMuchWasChecked(t *testing.T) {
	assert.Equal(t, "OK: all 256 rows checked", viz.Verdict(viz.Result{N: 256, CheckedRows: 256, OK: true}))
	assert.Equal(t, "OK: 16 of 1024 rows checked", viz.Verdict(viz.Result{N: 1024, CheckedRows: 16, OK: true}))
	assert.Equal(t, "WRONG: 16 of 1024 rows checked", viz.Verdict(viz.Result{N: 1024, CheckedRows: 16}))
}

func TestLaneTitleDoesNotRepeatTheRole(t *testing.T) {
	assert.Equal(t, "Vulkan", viz.Lane{Role: "GPU", Name: "Vulkan"}.Title())
	assert.Empty(t, viz.Lane{Role: "CPU", Name: "CPU"}.Title(), `no "CPU CPU"`)
}
