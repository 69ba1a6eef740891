//go:build display

package view_test

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/gemm/cpu"
	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/viz"
	"github.com/vkgemm/vkgemm/viz/view"
)

// TestMain runs the tests inside ebiten's game loop, where images can be
// drawn and read back, as ebiten's own tests do.
func TestMain(m *testing.M) {
	g := &testGame{m: m}
	ebiten.SetWindowSize(320, 240)
	if err := ebiten.RunGame(g); err != nil && !errors.Is(err, ebiten.Termination) {
		fmt.Fprintln(os.Stderr, "ebiten:", err)
		os.Exit(2)
	}
	os.Exit(g.code)
}

type testGame struct {
	m    *testing.M
	code int
}

func (g *testGame) Update() error {
	g.code = g.m.Run()
	return ebiten.Termination
}
func (g *testGame) Draw(*ebiten.Image)         {}
func (g *testGame) Layout(int, int) (int, int) { return 320, 240 }

// race is a state in the middle of a sweep: both paths done at two sizes,
// the CPU path at 256 running, and the GPU's second result wrong.
func race() viz.Snapshot {
	res := func(n int, g float64, ok bool) viz.Result {
		return viz.Result{N: n, Runs: 3, Best: time.Millisecond, GFLOPS: g, MaxRelErr: 1e-7, Bound: gemmtest.Bound(n, 1), CheckedRows: n, OK: ok}
	}
	return viz.Snapshot{
		Sizes: []int{64, 128, 256, 512},
		Lanes: []viz.Lane{
			{Role: "GPU", Name: "Vulkan", Device: "llvmpipe (LLVM 15.0.6, 256 bits) (Vulkan, CPU driver)", Available: true, Enabled: true,
				Results: []viz.Result{res(64, 2, true), res(128, 4, true), res(256, 8, true), {}}},
			{Role: "CPU", Name: "CPU", Device: "gonum Sgemm (linux/amd64, 2 threads)", Available: true, Enabled: true,
				Results: []viz.Result{res(64, 1, true), res(128, 1.5, true), res(256, 1, true), {}},
				Running: true, Phase: "timing", Size: 3, Fraction: 0.5, Live: 1.2},
		},
		Focus: 2, Following: true, Done: 6, Total: 8,
	}
}

func drawn(t *testing.T, s viz.Snapshot, f view.Frame) *image.RGBA {
	t.Helper()
	img := ebiten.NewImage(viz.DesignW, viz.DesignH)
	defer img.Deallocate()
	view.Draw(img, s, f)
	out := image.NewRGBA(image.Rect(0, 0, viz.DesignW, viz.DesignH))
	img.ReadPixels(out.Pix)
	if dir := os.Getenv("VKGEMM_ARTIFACTS"); dir != "" {
		require.NoError(t, os.MkdirAll(dir, 0o755))
		fh, err := os.Create(filepath.Join(dir, t.Name()+".png"))
		require.NoError(t, err)
		require.NoError(t, png.Encode(fh, out))
		require.NoError(t, fh.Close())
	}
	return out
}

func same(a color.Color, b color.RGBA) bool {
	r, g, bb, _ := a.RGBA()
	d := func(x uint32, y uint8) int { return abs(int(x>>8) - int(y)) }
	return d(r, b.R) < 8 && d(g, b.G) < 8 && d(bb, b.B) < 8
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// count returns how many pixels in r have color c.
func count(img *image.RGBA, r viz.Rect, c color.RGBA) int {
	n := 0
	for y := int(r.Y); y < int(r.Bottom()); y++ {
		for x := int(r.X); x < int(r.Right()); x++ {
			if same(img.At(x, y), c) {
				n++
			}
		}
	}
	return n
}

// inked returns how many pixels in r are bright, as text on the dark theme is.
func inked(img *image.RGBA, r viz.Rect) int {
	n := 0
	for y := int(r.Y); y < int(r.Bottom()); y++ {
		for x := int(r.X); x < int(r.Right()); x++ {
			c := img.RGBAAt(x, y)
			if int(c.R)+int(c.G)+int(c.B) > 450 {
				n++
			}
		}
	}
	return n
}

func TestBarsShowGFLOPSInProportion(t *testing.T) {
	img := drawn(t, race(), view.Frame{FPS: 60, Now: time.Now()})
	l := viz.NewLayout(viz.DesignW, viz.DesignH, 2)
	// Bars are on a shared linear scale up to 10 GFLOPS: the GPU's 8
	// fills 80% of its track and the CPU's 1 fills 10%.
	for i, want := range []float64{0.8, 0.1} {
		bar := l.Cards[i].Bar
		mid := int(bar.Y + bar.H - 4) // under the label
		filled := 0
		for x := int(bar.X); x < int(bar.Right()); x++ {
			if same(img.At(x, mid), view.LaneColor(i)) {
				filled++
			}
		}
		assert.InDelta(t, want, float64(filled)/bar.W, 0.03, "lane %d bar length", i)
	}
	assert.Equal(t, 0, count(img, l.Cards[1].Bar, view.LaneColor(0)), "no GPU color in the CPU bar")
}

func TestLabelsAreDrawn(t *testing.T) {
	img := drawn(t, race(), view.Frame{FPS: 60, Now: time.Now()})
	l := viz.NewLayout(viz.DesignW, viz.DesignH, 2)
	assert.Greater(t, inked(img, l.Header), 500, "title and status")
	for i, c := range l.Cards {
		top := viz.Rect{X: c.Box.X, Y: c.Box.Y, W: c.Box.W, H: c.Bar.Y - c.Box.Y}
		assert.Greater(t, inked(img, top), 300, "engine %d name and device", i)
		assert.Greater(t, inked(img, c.Bar), 100, "engine %d GFLOPS label on its bar", i)
	}
	// Axis labels left of and under the plot.
	left := viz.Rect{X: l.Chart.X, Y: l.Plot.Y, W: l.Plot.X - l.Chart.X, H: l.Plot.H}
	under := viz.Rect{X: l.Plot.X, Y: l.Plot.Bottom() + 2, W: l.Plot.W, H: l.Chart.Bottom() - l.Plot.Bottom() - 2}
	assert.Greater(t, inked(img, left), 0, "GFLOPS tick labels")
	assert.Greater(t, inked(img, under), 100, "size tick labels and axis title")
	for _, b := range l.Buttons {
		assert.Greater(t, inked(img, b.Rect), 50, "button %q", b.Label)
	}
	// Both lines of the chart are drawn.
	for i := range 2 {
		assert.Greater(t, count(img, l.Plot, view.LaneColor(i)), 100, "lane %d line in the chart", i)
	}
}

func TestUnavailableEngineSaysWhy(t *testing.T) {
	s := race()
	s.Lanes[0] = viz.Lane{Role: "GPU", Why: "no Vulkan loader (libvulkan.so.1): install libvulkan1", Results: make([]viz.Result, 4)}
	img := drawn(t, s, view.Frame{Now: time.Now()})
	l := viz.NewLayout(viz.DesignW, viz.DesignH, 2)
	assert.Greater(t, count(img, l.Cards[0].Bar, view.Bad), 100, "the reason is written in red on the GPU card")
	assert.Zero(t, count(img, l.Cards[0].Bar, view.LaneColor(0)), "no GPU bar")
	assert.Greater(t, count(img, l.Cards[1].Bar, view.LaneColor(1)), 10, "the CPU bar is still drawn")
}

func TestHelpOverlayCoversTheScreen(t *testing.T) {
	plain := drawn(t, race(), view.Frame{Now: time.Now()})
	help := drawn(t, race(), view.Frame{Help: true, Now: time.Now()})
	l := viz.NewLayout(viz.DesignW, viz.DesignH, 2)
	assert.Greater(t, inked(help, l.Help), 2000, "the keys are listed")
	bar := l.Cards[0].Bar
	p, h := plain.RGBAAt(int(bar.X+5), int(bar.Bottom()-3)), help.RGBAAt(int(bar.X+5), int(bar.Bottom()-3))
	assert.Less(t, int(h.R), int(p.R), "the screen behind the overlay is dimmed")
}

func TestEmptyAndOddStatesDoNotPanic(t *testing.T) {
	for _, s := range []viz.Snapshot{
		{Sizes: []int{64}},
		{Sizes: []int{64}, Lanes: []viz.Lane{{Role: "CPU", Available: true, Enabled: true, Results: make([]viz.Result, 1)}}, Total: 1},
		{Sizes: []int{64, 128}, Lanes: []viz.Lane{{Role: "GPU", Available: true, Results: []viz.Result{{N: 64, Err: "device lost"}, {}}}}, Finished: true, Paused: true, Message: "paused"},
	} {
		assert.NotPanics(t, func() { drawn(t, s, view.Frame{Help: true, Now: time.Now()}) })
	}
}

func TestGameActionsDriveTheRunner(t *testing.T) {
	r := viz.NewRunner(viz.Config{Sizes: []int{64, 128}}, viz.Contender{Role: "CPU", Engine: cpu.Engine{}})
	g := &view.Game{Runner: r}
	g.LayoutF(viz.DesignW, viz.DesignH)
	g.Do(viz.Pause)
	assert.True(t, r.Snapshot().Paused)
	g.Do(viz.Larger)
	assert.Equal(t, []int{64, 128, 256}, r.Snapshot().Sizes)
	g.Do(viz.NextMode)
	assert.Equal(t, viz.Batched, r.Snapshot().Mode, "M: the next race")
	assert.Contains(t, r.Snapshot().Message, "now racing batched")
	g.Do(viz.Help)
	assert.True(t, g.HelpShown())
	g.Click(image.Pt(1, 1)) // a click closes the overlay
	assert.False(t, g.HelpShown())
	l := viz.NewLayout(viz.DesignW, viz.DesignH, 1)
	b := l.Buttons[0].Rect
	g.Click(image.Pt(int(b.X+b.W/2), int(b.Y+b.H/2))) // the Pause button resumes
	assert.False(t, r.Snapshot().Paused)
	sc := l.SizeScale(r.Snapshot().Sizes)
	g.Click(image.Pt(int(sc.Map(128)), int(l.Plot.Y+10)))
	assert.Equal(t, 1, r.Snapshot().Focus)
	assert.False(t, r.Snapshot().Following)
}

// TestPainterRedrawsOnlyWhatChanged draws a sequence of frames with one
// Painter into one image, as the game does, and compares each with the
// same frame drawn from scratch.
func TestPainterRedrawsOnlyWhatChanged(t *testing.T) {
	img := ebiten.NewImage(viz.DesignW, viz.DesignH)
	defer img.Deallocate()
	var pt view.Painter
	now := time.Now()
	s := race()
	help := race()
	done := race()
	done.Lanes[1].Running = false
	done.Lanes[1].Results[3] = viz.Result{N: 512, Runs: 2, Best: time.Second, GFLOPS: 0.9, Bound: 1, CheckedRows: 16, OK: true}
	done.Done = 7
	frames := []struct {
		s viz.Snapshot
		f view.Frame
	}{
		{s, view.Frame{FPS: 60, Now: now}},
		{s, view.Frame{FPS: 60, Now: now}},                             // nothing changed
		{s, view.Frame{FPS: 31, Now: now.Add(200 * time.Millisecond)}}, // FPS and the breathing bar
		{help, view.Frame{FPS: 31, Help: true, Now: now}},              // the overlay over everything
		{help, view.Frame{FPS: 30, Help: true, Now: now}},              // a change under the overlay
		{done, view.Frame{FPS: 30, Now: now}},                          // overlay gone, a result more
		{done, view.Frame{FPS: 30, Hover: viz.Rerun, Now: now}},        // a button lit
	}
	painted := make([]float64, len(frames))
	for i, fr := range frames {
		pt.Draw(img, fr.s, fr.f)
		painted[i] = pt.Painted
		got := image.NewRGBA(image.Rect(0, 0, viz.DesignW, viz.DesignH))
		img.ReadPixels(got.Pix)
		want := drawn(t, fr.s, fr.f)
		diff := 0
		for p := 0; p < len(got.Pix); p += 4 {
			for c := 0; c < 3; c++ {
				if abs(int(got.Pix[p+c])-int(want.Pix[p+c])) > 2 {
					diff++
					break
				}
			}
		}
		// The same triangles can land a pixel differently in two images
		// that sit differently in ebiten's atlas: allow a few pixels, as
		// even two drawings from scratch differ by one.
		assert.LessOrEqual(t, diff, 8, "frame %d: pixels that differ from a full redraw", i)
	}
	assert.Equal(t, 1.0, painted[0], "the first frame is drawn whole")
	assert.Zero(t, painted[1], "an unchanged frame draws nothing")
	assert.Less(t, painted[2], 0.2, "a new FPS figure and bar redraw a small part")
	t.Logf("share of the screen redrawn per frame: %.3f", painted)
}
