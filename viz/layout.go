package viz

import "math"

// Rect is an axis-aligned rectangle in screen pixels.
type Rect struct{ X, Y, W, H float64 }

// Right and Bottom are the far edges.
func (r Rect) Right() float64  { return r.X + r.W }
func (r Rect) Bottom() float64 { return r.Y + r.H }

// Contains reports whether the point is inside r.
func (r Rect) Contains(x, y float64) bool {
	return x >= r.X && x < r.Right() && y >= r.Y && y < r.Bottom()
}

// Inset shrinks r by d on every side.
func (r Rect) Inset(d float64) Rect { return Rect{r.X + d, r.Y + d, r.W - 2*d, r.H - 2*d} }

// Overlaps reports whether r and o share any area.
func (r Rect) Overlaps(o Rect) bool {
	return r.X < o.Right() && o.X < r.Right() && r.Y < o.Bottom() && o.Y < r.Bottom()
}

func (r Rect) scale(sx, sy float64) Rect { return Rect{r.X * sx, r.Y * sy, r.W * sx, r.H * sy} }

// Action is what a key or a button does.
type Action int

// The actions of the keys and buttons.
const (
	None       Action = iota
	Pause             // pause or resume the sweep
	Rerun             // clear the results and sweep again
	Smaller           // halve the largest size
	Larger            // double the largest size
	Device            // switch the GPU path to its next device
	Help              // show or hide the help overlay
	FocusLeft         // show a smaller size in the bars
	FocusRight        // show a larger size in the bars
	Follow            // let the bars follow the sweep
	ToggleGPU         // take the GPU path out of the race or back in
	ToggleCPU         // the same for the CPU path
	NextMode          // race the next Mode: float32, batched, BF16, F16, int8
)

// Key is one entry of the help overlay.
type Key struct {
	Keys, What string
	Action     Action
}

// Keys lists every key binding, in the order the help overlay shows them.
var Keys = []Key{
	{"Space, P", "pause or resume the sweep", Pause},
	{"R", "rerun the sweep from the smallest size", Rerun},
	{"↑ / ↓, + / −", "double or halve the largest size", Larger},
	{"← / →, click chart", "show another size in the bars", FocusRight},
	{"F", "let the bars follow the sweep again", Follow},
	{"D", "switch the GPU path to its next device", Device},
	{"1 / 2", "take the GPU / CPU path out of the race or back in", ToggleGPU},
	{"M", "race float32, batched, BF16, F16 or int8 products", NextMode},
	{"H, ?, F1", "show or hide this help", Help},
}

// Button is a clickable control.
type Button struct {
	Action Action
	Label  string
	Rect   Rect
}

// Card is the panel of one engine: its names, its bar and its status.
type Card struct {
	Box Rect // the whole panel
	Bar Rect // the track the bar fills
}

// Layout places everything on a screen. Positions are designed for
// 1280×720 and stretched to the real size; Scale says how much, for text.
type Layout struct {
	W, H     float64
	Scale    float64
	Header   Rect
	Cards    []Card
	Speedup  Rect
	Chart    Rect // the chart panel
	Plot     Rect // the axes area inside it
	Progress Rect
	Buttons  []Button
	Help     Rect
}

// Design size of the layout.
const (
	DesignW = 1280
	DesignH = 720
)

// NewLayout lays out a w×h screen for lanes engines.
func NewLayout(w, h float64, lanes int) Layout {
	sx, sy := w/DesignW, h/DesignH
	l := Layout{W: w, H: h, Scale: math.Min(sx, sy)}
	const m = 24.0
	l.Header = Rect{m, 12, DesignW - 2*m, 64}.scale(sx, sy)

	left := Rect{m, 88, 500, 512}
	lanes = max(lanes, 1)
	const gap = 14.0
	speedH := 112.0
	cardH := math.Min(150, (left.H-speedH-gap*float64(lanes))/float64(lanes))
	y := left.Y
	for range lanes {
		box := Rect{left.X, y, left.W, cardH}
		bar := Rect{box.X + 16, box.Y + cardH*0.42, box.W - 32, cardH * 0.26}
		l.Cards = append(l.Cards, Card{Box: box.scale(sx, sy), Bar: bar.scale(sx, sy)})
		y += cardH + gap
	}
	l.Speedup = Rect{left.X, y, left.W, left.Bottom() - y}.scale(sx, sy)

	chart := Rect{left.Right() + m, left.Y, DesignW - m - (left.Right() + m), left.H}
	l.Chart = chart.scale(sx, sy)
	l.Plot = Rect{chart.X + 72, chart.Y + 64, chart.W - 72 - 24, chart.H - 64 - 60}.scale(sx, sy)

	l.Progress = Rect{m, 616, DesignW - 2*m, 18}.scale(sx, sy)
	bx := m
	for _, b := range []struct {
		a     Action
		label string
	}{{Pause, "Pause  [Space]"}, {Rerun, "Rerun  [R]"}, {Smaller, "Max size −  [↓]"}, {Larger, "Max size +  [↑]"}, {Device, "Device  [D]"}, {Help, "Help  [H]"}} {
		l.Buttons = append(l.Buttons, Button{Action: b.a, Label: b.label, Rect: Rect{bx, 652, 150, 40}.scale(sx, sy)})
		bx += 160
	}
	l.Help = Rect{DesignW/2 - 330, DesignH/2 - 200, 660, 400}.scale(sx, sy)
	return l
}

// ButtonAt returns the action of the button under the point, or None.
func (l Layout) ButtonAt(x, y float64) Action {
	for _, b := range l.Buttons {
		if b.Rect.Contains(x, y) {
			return b.Action
		}
	}
	return None
}

// SizeScale is the chart's x axis: matrix size, logarithmic.
func (l Layout) SizeScale(sizes []int) LogScale {
	lo, hi := 64.0, 1024.0
	if len(sizes) > 0 {
		lo, hi = float64(sizes[0]), float64(sizes[len(sizes)-1])
	}
	if hi <= lo {
		lo, hi = lo/2, hi*2
	}
	// A little room on both sides so the end points are not on the frame.
	pad := l.Plot.W * 0.04
	return LogScale{Lo: lo, Hi: hi, P0: l.Plot.X + pad, P1: l.Plot.Right() - pad}
}

// RateScale is the chart's y axis: GFLOPS, logarithmic over whole decades.
func (l Layout) RateScale(s Snapshot) LogScale {
	var vs []float64
	for _, ln := range s.Lanes {
		for _, r := range ln.Results {
			vs = append(vs, r.GFLOPS)
		}
	}
	lo, hi := DecadeRange(vs...)
	return LogScale{Lo: lo, Hi: hi, P0: l.Plot.Bottom(), P1: l.Plot.Y}
}

// SizeAt returns the index of the size whose column of the chart holds x,
// or -1 when x is outside the plot.
func (l Layout) SizeAt(x, y float64, sizes []int) int {
	if !l.Plot.Contains(x, y) || len(sizes) == 0 {
		return -1
	}
	sc := l.SizeScale(sizes)
	best, dist := -1, math.Inf(1)
	for i, n := range sizes {
		if d := math.Abs(sc.Map(float64(n)) - x); d < dist {
			best, dist = i, d
		}
	}
	return best
}

// BarMax is the end of the bars' linear GFLOPS axis: every result and live
// estimate so far fits, so bars of different sizes compare.
func BarMax(s Snapshot) float64 {
	m := 0.0
	for _, l := range s.Lanes {
		for _, r := range l.Results {
			m = max(m, r.GFLOPS)
		}
		if l.Running {
			m = max(m, l.Live)
		}
	}
	return NiceMax(m)
}
