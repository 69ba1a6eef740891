package view

import (
	"image"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/vkgemm/vkgemm/viz"
)

// Game is the ebiten game of the visualizer: it draws the runner's state and
// turns keys and clicks into its commands. The runner works on its own
// goroutine; the game never waits for it.
type Game struct {
	Runner *viz.Runner
	// Banner is shown after the status line.
	Banner string
	// AfterDraw, if set, is called after every frame with the screen, the
	// frames drawn so far and the state drawn; it can read the screen's
	// pixels (to save a screenshot) and return true to end the game.
	AfterDraw func(screen *ebiten.Image, frames int, s viz.Snapshot) (quit bool)
	// MaxFPS caps the frame rate by sleeping after a frame drawn early: where
	// vsync does not hold the loop back (Xvfb), frames beyond what a person
	// sees would take CPU from the engines. 0: no cap (the browser, where
	// requestAnimationFrame paces frames).
	MaxFPS float64

	last  time.Time
	paint Painter // redraws what changed: the screen is kept between frames

	help   bool
	frames int
	quit   bool
	hover  viz.Action
	w, h   int
}

// Painted is the share of the screen's pixels the last frame redrew.
func (g *Game) Painted() float64 { return g.paint.Painted }

// Frames is the number of frames drawn so far.
func (g *Game) Frames() int { return g.frames }

// Update handles input.
func (g *Game) Update() error {
	if g.quit {
		return ebiten.Termination
	}
	for _, b := range keyBindings {
		for _, key := range b.keys {
			if inpututil.IsKeyJustPressed(key) {
				g.Do(b.action)
			}
		}
	}
	if g.help && inpututil.IsKeyJustPressed(ebiten.KeyEscape) {
		g.help = false
	}
	x, y := ebiten.CursorPosition()
	l := viz.NewLayout(float64(g.w), float64(g.h), len(g.Runner.Snapshot().Lanes))
	g.hover = l.ButtonAt(float64(x), float64(y))
	if inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft) {
		g.Click(image.Pt(x, y))
	}
	for _, id := range inpututil.AppendJustPressedTouchIDs(nil) {
		g.Click(image.Pt(ebiten.TouchPosition(id)))
	}
	return nil
}

var keyBindings = []struct {
	keys   []ebiten.Key
	action viz.Action
}{
	{[]ebiten.Key{ebiten.KeySpace, ebiten.KeyP}, viz.Pause},
	{[]ebiten.Key{ebiten.KeyR}, viz.Rerun},
	{[]ebiten.Key{ebiten.KeyArrowUp, ebiten.KeyEqual, ebiten.KeyNumpadAdd}, viz.Larger},
	{[]ebiten.Key{ebiten.KeyArrowDown, ebiten.KeyMinus, ebiten.KeyNumpadSubtract}, viz.Smaller},
	{[]ebiten.Key{ebiten.KeyArrowLeft}, viz.FocusLeft},
	{[]ebiten.Key{ebiten.KeyArrowRight}, viz.FocusRight},
	{[]ebiten.Key{ebiten.KeyF}, viz.Follow},
	{[]ebiten.Key{ebiten.KeyD}, viz.Device},
	{[]ebiten.Key{ebiten.KeyDigit1, ebiten.KeyNumpad1}, viz.ToggleGPU},
	{[]ebiten.Key{ebiten.KeyDigit2, ebiten.KeyNumpad2}, viz.ToggleCPU},
	{[]ebiten.Key{ebiten.KeyM}, viz.NextMode},
	{[]ebiten.Key{ebiten.KeyH, ebiten.KeySlash, ebiten.KeyF1}, viz.Help},
}

// Click does what a click at p on the screen means.
func (g *Game) Click(p image.Point) {
	if g.help {
		g.help = false
		return
	}
	s := g.Runner.Snapshot()
	l := viz.NewLayout(float64(g.w), float64(g.h), len(s.Lanes))
	if a := l.ButtonAt(float64(p.X), float64(p.Y)); a != viz.None {
		g.Do(a)
		return
	}
	if i := l.SizeAt(float64(p.X), float64(p.Y), s.Sizes); i >= 0 {
		g.Runner.FocusSize(i)
	}
}

// Do carries out an action.
func (g *Game) Do(a viz.Action) {
	r := g.Runner
	switch a {
	case viz.Pause:
		r.TogglePause()
	case viz.Rerun:
		r.Rerun()
	case viz.Larger:
		r.SetMaxSize(+1)
	case viz.Smaller:
		r.SetMaxSize(-1)
	case viz.FocusLeft:
		r.MoveFocus(-1)
	case viz.FocusRight:
		r.MoveFocus(+1)
	case viz.Follow:
		r.Follow()
	case viz.Device:
		r.SwitchDevice(r.Snapshot().Role("GPU"))
	case viz.ToggleGPU:
		r.ToggleLane(r.Snapshot().Role("GPU"))
	case viz.ToggleCPU:
		r.ToggleLane(r.Snapshot().Role("CPU"))
	case viz.NextMode:
		r.NextMode()
	case viz.Help:
		g.help = !g.help
	}
}

// HelpShown reports whether the help overlay is up.
func (g *Game) HelpShown() bool { return g.help }

// Draw draws one frame.
func (g *Game) Draw(screen *ebiten.Image) {
	if g.MaxFPS > 0 {
		if d := time.Duration(float64(time.Second)/g.MaxFPS) - time.Since(g.last); d > 0 {
			time.Sleep(d)
		}
		g.last = time.Now()
	}
	s := g.Runner.Snapshot()
	if ebiten.IsScreenClearedEveryFrame() {
		g.paint.Invalidate()
	}
	g.paint.Draw(screen, s, Frame{FPS: ebiten.ActualFPS(), Help: g.help, Hover: g.hover, Now: time.Now(), Banner: g.Banner})
	g.frames++
	if g.AfterDraw != nil && g.AfterDraw(screen, g.frames, s) {
		g.quit = true
	}
}

// Layout is ebiten's integer layout; LayoutF takes precedence over it.
func (g *Game) Layout(outsideWidth, outsideHeight int) (int, int) {
	w, h := g.LayoutF(float64(outsideWidth), float64(outsideHeight))
	return int(w), int(h)
}

// LayoutF uses the window's size in device pixels, so text stays sharp.
func (g *Game) LayoutF(outsideWidth, outsideHeight float64) (float64, float64) {
	s := ebiten.Monitor().DeviceScaleFactor()
	g.w, g.h = int(outsideWidth*s), int(outsideHeight*s)
	return float64(g.w), float64(g.h)
}
