package view

import (
	"cmp"
	"fmt"
	"image/color"
	"math"
	"strings"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"

	"github.com/vkgemm/vkgemm/viz"
)

// Frame is everything one frame shows besides the runner's state.
type Frame struct {
	FPS    float64
	Help   bool
	Hover  viz.Action // the button under the mouse
	Now    time.Time  // drives the animation of running bars
	Banner string     // an extra line under the title, e.g. the build
}

// Draw paints the whole screen for s.
// Every call draws everything; a Painter redraws only what changed.
func Draw(dst *ebiten.Image, s viz.Snapshot, f Frame) {
	var pt Painter
	pt.Draw(dst, s, f)
}

// painter records a frame's drawing operations.
type painter struct {
	k   float64 // text scale
	ops []op
}

func (p *painter) rect(r viz.Rect, c color.Color) {
	p.ops = append(p.ops, op{kind: opRect, x: float32(r.X), y: float32(r.Y), w: float32(r.W), h: float32(r.H), col: rgba(c)})
}

func (p *painter) frame(r viz.Rect, c color.Color) {
	p.ops = append(p.ops, op{kind: opFrame, x: float32(r.X), y: float32(r.Y), w: float32(r.W), h: float32(r.H), stroke: float32(max(1, p.k)), col: rgba(c)})
}

func (p *painter) line(x0, y0, x1, y1, width float64, c color.Color) {
	p.ops = append(p.ops, op{kind: opLine, x: float32(x0), y: float32(y0), x1: float32(x1), y1: float32(y1), stroke: float32(width), col: rgba(c)})
}

func (p *painter) disc(x, y, r float64, c color.Color) {
	p.ops = append(p.ops, op{kind: opDisc, x: float32(x), y: float32(y), r: float32(r), col: rgba(c)})
}

func (p *painter) ring(x, y, r, width float64, c color.Color) {
	p.ops = append(p.ops, op{kind: opRing, x: float32(x), y: float32(y), r: float32(r), stroke: float32(width), col: rgba(c)})
}

// text draws s with its left edge (align < 0), center (0) or right edge (> 0)
// at x and its top at y, and returns its width.
func (p *painter) text(s string, x, y, size float64, isBold bool, c color.Color, align int) float64 {
	l := labels.get(s, face(size, p.k, isBold), isBold)
	switch {
	case align == 0:
		x -= l.w / 2
	case align > 0:
		x -= l.w
	}
	// Whole pixels, so text stays as sharp as drawn directly.
	p.ops = append(p.ops, op{kind: opText, x: float32(math.Round(x)), y: float32(math.Round(y)), col: rgba(c), label: l})
	return l.w
}

// measure returns the width text would take.
func (p *painter) measure(s string, size float64, isBold bool) float64 {
	w, _ := text.Measure(s, face(size, p.k, isBold), 0)
	return w
}

// fit shortens s with an ellipsis until it is at most width wide.
func (p *painter) fit(s string, size, width float64, isBold bool) string {
	f := face(size, p.k, isBold)
	if w, _ := text.Measure(s, f, 0); w <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 1 {
		r = r[:len(r)-1]
		if w, _ := text.Measure(string(r)+"…", f, 0); w <= width {
			return string(r) + "…"
		}
	}
	return "…"
}

// wrap splits s into at most lines lines no wider than width.
func (p *painter) wrap(s string, size, width float64, lines int) []string {
	f := face(size, p.k, false)
	var out []string
	cur := ""
	for _, word := range splitWords(s) {
		next := word
		if cur != "" {
			next = cur + " " + word
		}
		if w, _ := text.Measure(next, f, 0); w <= width || cur == "" {
			cur = next
			continue
		}
		out = append(out, cur)
		cur = word
	}
	if cur != "" {
		out = append(out, cur)
	}
	if len(out) > lines {
		out = out[:lines]
		out[lines-1] = p.fit(out[lines-1]+" …", size, width, false)
	}
	return out
}

func splitWords(s string) []string {
	var words []string
	start := -1
	for i, r := range s {
		if r == ' ' || r == '\n' {
			if start >= 0 {
				words = append(words, s[start:i])
			}
			start = -1
		} else if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		words = append(words, s[start:])
	}
	return words
}

func (p *painter) header(l viz.Layout, s viz.Snapshot, f Frame) {
	r := l.Header
	p.text("vkgemm", r.X, r.Y, 28, true, Ink, -1)
	p.text(s.Mode.Title()+"  ·  GPU vs CPU  ·  M switches", r.X+120*l.Scale, r.Y+8*l.Scale, 18, false, Muted, -1)
	status := statusLine(s)
	if f.Banner != "" {
		status += "  ·  " + f.Banner
	}
	p.text(fmt.Sprintf("%.0f FPS", f.FPS), r.Right(), r.Y+6*l.Scale, 15, false, Muted, 1)
	// The latest event on the right, in the room the status line leaves.
	right := 0.0
	if s.Paused {
		right = p.text("PAUSED", r.Right(), r.Y+36*l.Scale, 16, true, Warn, 1) + 16*l.Scale
	} else if room := min(420*l.Scale, r.W-p.measure(status, 15, false)-16*l.Scale); s.Message != "" && room > 80*l.Scale {
		right = p.text(p.fit(s.Message, 14, room, false), r.Right(), r.Y+38*l.Scale, 14, false, Muted, 1) + 16*l.Scale
	}
	p.text(p.fit(status, 15, r.W-right, false), r.X, r.Y+38*l.Scale, 15, false, Ink, -1)
}

// statusLine says where the sweep is.
func statusLine(s viz.Snapshot) string {
	switch {
	case s.Total == 0:
		return "no engine is racing: press 1 or 2 to let one in"
	case s.Finished:
		return fmt.Sprintf("sweep done: %d products, sizes %d to %d. R reruns, ↑ adds a larger size", s.Total, s.Sizes[0], s.Sizes[len(s.Sizes)-1])
	}
	for _, l := range s.Lanes {
		if l.Running {
			return fmt.Sprintf("sweep %d of %d · %s %s on %s (%s)", s.Done+1, s.Total, l.Phase, s.Mode.Size(s.Sizes[min(l.Size, len(s.Sizes)-1)]), l.Name, l.Role)
		}
	}
	return fmt.Sprintf("sweep %d of %d", s.Done, s.Total)
}

func (p *painter) card(l viz.Layout, s viz.Snapshot, i int, f Frame) {
	c := l.Cards[i]
	ln := s.Lanes[i]
	k := l.Scale
	col := LaneColor(i)
	p.rect(c.Box, Panel)
	p.rect(viz.Rect{X: c.Box.X, Y: c.Box.Y, W: 5 * k, H: c.Box.H}, col)
	x := c.Box.X + 16*k
	y := c.Box.Y + 10*k
	wRole := p.text(ln.Role, x, y, 20, true, col, -1)
	name := ln.Title()
	if ln.Name == "" {
		name = ln.Role + " path"
	}
	wName := 0.0
	if name != "" {
		wName = p.text(name, x+wRole+10*k, y+1*k, 19, true, Ink, -1) + 10*k
	}
	state := laneState(s, ln)
	wState := p.text(state, c.Box.Right()-14*k, y+3*k, 14, false, Muted, 1)
	// How the engine runs what is raced, between its name and its state.
	if room := c.Box.W - 32*k - wRole - 10*k - wName - wState - 12*k; ln.Method != "" && room > 40*k {
		p.text(p.fit(ln.Method, 13, room, false), x+wRole+10*k+wName, y+5*k, 13, false, Muted, -1)
	}
	p.deviceLine(ln, x, y+30*k, c.Box.W-32*k)

	bar := c.Bar
	if !ln.Available || ln.Unsupported != "" {
		p.rect(bar, Track)
		who := cmp.Or(name, ln.Role)
		why := ln.Why
		switch {
		case ln.Available:
			why = fmt.Sprintf("%s cannot race %s: %s", who, s.Mode.Title(), ln.Unsupported)
		case !strings.HasPrefix(why, who+" unavailable"):
			why = who + " unavailable: " + why
		}
		lines := p.wrap(why, 14, bar.W-20*k, 3)
		for j, t := range lines {
			p.text(t, bar.X+10*k, bar.Y+4*k+float64(j)*18*k, 14, j == 0, Bad, -1)
		}
		p.text("the other path keeps running", x, c.Box.Bottom()-26*k, 13, false, Muted, -1)
		return
	}
	p.rect(bar, Track)
	top := viz.BarMax(s)
	res, done := s.Result(i, s.Focus)
	val, live := 0.0, false
	if done {
		val = res.GFLOPS
	} else if ln.Running && ln.Size == s.Focus {
		val, live = ln.Live, true
	}
	fill := bar
	fill.W = bar.W * math.Min(1, val/top)
	if live {
		// A running product: a lighter bar that breathes, since its value is
		// an estimate from the rows done so far.
		a := 0.55 + 0.25*math.Sin(float64(f.Now.UnixMilli())/180)
		p.rect(fill, withAlpha(col, a))
	} else {
		p.rect(fill, col)
	}
	for _, q := range []float64{0.25, 0.5, 0.75} {
		gx := bar.X + bar.W*q
		p.line(gx, bar.Y, gx, bar.Bottom(), 1, withAlpha(Background, 0.5))
	}
	label := viz.Rate(val, s.Mode.Unit())
	switch {
	case ln.Running && ln.Size == s.Focus && !done && ln.Live == 0:
		label = fmt.Sprintf("running… %s", viz.Duration(ln.Elapsed))
	case !done && !live:
		label = "waiting"
		if res.Err != "" {
			label = "failed"
		}
	case live:
		label = "≈ " + label
	}
	if res.Err != "" {
		label = "failed"
	}
	p.text(label, bar.X+10*k, bar.Y+(bar.H-22*k)/2, 19, true, Ink, -1)
	if done && res.Err == "" {
		p.text(fmt.Sprintf("best of %d in %s", res.Runs, viz.Duration(res.Best)), bar.Right()-10*k, bar.Y+(bar.H-16*k)/2, 13, false, Ink, 1)
	}
	p.text("0", bar.X, bar.Bottom()+2*k, 11, false, Muted, -1)
	p.text(viz.Number(top), bar.Right(), bar.Bottom()+2*k, 11, false, Muted, 1)

	info := fmt.Sprintf("%s: ", s.Mode.Size(s.Sizes[s.Focus]))
	colInfo := Muted
	switch {
	case res.Err != "":
		info += res.Err
		colInfo = Bad
	case done && s.Mode.Exact() && res.Wrong == 0:
		info += "exact vs int64 "
	case done && s.Mode.Exact():
		info += fmt.Sprintf("%d elements wrong ", res.Wrong)
		colInfo = Bad
	case done:
		info += "max rel err " + viz.RelErr(res.MaxRelErr) + " "
	default:
		info += "not run yet"
	}
	yi := c.Box.Bottom() - 26*k
	verdict := ""
	if done && res.Err == "" {
		verdict = viz.Verdict(res)
	}
	wv := p.measure(verdict, 14, true)
	wi := p.text(p.fit(info, 14, c.Box.W-32*k-wv, false), x, yi, 14, false, colInfo, -1)
	if verdict != "" {
		vc := Good
		if !res.OK {
			vc = Bad
		}
		p.text(verdict, x+wi+4*k, yi, 14, true, vc, -1)
	}
}

// deviceLine names the lane's device under its heading, after the lane's
// note (a "GPU" that is a CPU driver) in a warning color.
func (p *painter) deviceLine(ln viz.Lane, x, y, width float64) {
	if ln.Note != "" {
		w := p.text(p.fit(ln.Note, 14, width, true), x, y, 14, true, Warn, -1)
		x, width = x+w+8*p.k, width-w-8*p.k
	}
	if ln.Device != "" && width > 0 {
		p.text(p.fit(ln.Device, 14, width, false), x, y, 14, false, Muted, -1)
	}
}

// laneState is the short state in a card's corner.
func laneState(s viz.Snapshot, ln viz.Lane) string {
	switch {
	case !ln.Available:
		return "unavailable"
	case ln.Unsupported != "":
		return "sits this race out"
	case !ln.Enabled:
		return "left out (press 1/2)"
	case ln.Running && ln.Fraction > 0 && ln.Fraction < 1:
		return fmt.Sprintf("%s %d (%.0f%%)", ln.Phase, s.Sizes[min(ln.Size, len(s.Sizes)-1)], 100*ln.Fraction)
	case ln.Running:
		return fmt.Sprintf("%s %d", ln.Phase, s.Sizes[min(ln.Size, len(s.Sizes)-1)])
	}
	if r, ok := ln.Latest(); ok && s.Finished {
		return fmt.Sprintf("done up to %d", r.N)
	}
	return "waiting for its turn"
}

func withAlpha(c color.RGBA, a float64) color.RGBA {
	// ebiten colors are premultiplied.
	return color.RGBA{uint8(float64(c.R) * a), uint8(float64(c.G) * a), uint8(float64(c.B) * a), uint8(255 * a)}
}

func (p *painter) speedup(l viz.Layout, s viz.Snapshot) {
	r := l.Speedup
	k := l.Scale
	p.rect(r, Panel)
	x, y := r.X+16*k, r.Y+10*k
	p.text("Speedup GPU / CPU", x, y, 16, true, Ink, -1)
	g, c := s.Role("GPU"), s.Role("CPU")
	if g < 0 || c < 0 || !s.Lanes[g].Available || !s.Lanes[c].Available || s.Lanes[g].Unsupported != "" || s.Lanes[c].Unsupported != "" {
		why := "needs both paths"
		switch {
		case g >= 0 && !s.Lanes[g].Available:
			why = "the GPU path is unavailable, so only the CPU runs"
		case g >= 0 && s.Lanes[g].Unsupported != "":
			why = "the GPU path cannot race this: M switches to another race"
		}
		p.text(why, x, y+34*k, 15, false, Muted, -1)
		return
	}
	gr, gok := s.Result(g, s.Focus)
	cr, cok := s.Result(c, s.Focus)
	if gok && cok && gr.GFLOPS > 0 && cr.GFLOPS > 0 {
		ratio := gr.GFLOPS / cr.GFLOPS
		col := Good
		if ratio < 1 {
			col = LaneColor(c)
		}
		w := p.text(fmt.Sprintf("%.2f×", ratio), x, y+26*k, 40, true, col, -1)
		p.text("at "+s.Mode.Size(s.Sizes[s.Focus]), x+w+14*k, y+32*k, 14, false, Muted, -1)
		p.text(viz.Speedup(gr.GFLOPS, cr.GFLOPS)[len(fmt.Sprintf("%.2f× ", ratio)):], x+w+14*k, y+50*k, 14, false, Ink, -1)
	} else {
		p.text(fmt.Sprintf("at %s: waiting for both results", s.Mode.Size(s.Sizes[s.Focus])), x, y+34*k, 15, false, Muted, -1)
	}
	best, at := 0.0, 0
	for i := range s.Sizes {
		a, aok := s.Result(g, i)
		b, bok := s.Result(c, i)
		if aok && bok && b.GFLOPS > 0 && a.GFLOPS/b.GFLOPS > best {
			best, at = a.GFLOPS/b.GFLOPS, s.Sizes[i]
		}
	}
	if best > 0 {
		p.text(fmt.Sprintf("best so far: %.2f× at %d", best, at), x, r.Bottom()-24*k, 14, false, Muted, -1)
	}
	// Every size's ratio, in a row under the big number.
	cw := math.Min(80*k, (r.W-32*k)/float64(max(1, len(s.Sizes))))
	for i, n := range s.Sizes {
		cx := x + float64(i)*cw
		p.text(fmt.Sprint(n), cx, y+92*k, 12, false, Muted, -1)
		ratio := "–"
		a, aok := s.Result(g, i)
		b, bok := s.Result(c, i)
		if aok && bok && a.GFLOPS > 0 && b.GFLOPS > 0 {
			ratio = fmt.Sprintf("%.2g×", a.GFLOPS/b.GFLOPS)
		}
		col := Ink
		if i == s.Focus {
			col = LaneColor(g)
		}
		p.text(ratio, cx, y+110*k, 14, true, col, -1)
	}
}

func (p *painter) chart(l viz.Layout, s viz.Snapshot, f Frame) {
	k := l.Scale
	p.rect(l.Chart, Panel)
	pl := l.Plot
	titleEnd := l.Chart.X + 16*k + p.text(s.Mode.Unit()+" against size n ("+s.Mode.Product()+", log–log)", l.Chart.X+16*k, l.Chart.Y+10*k, 16, true, Ink, -1)
	xs := l.SizeScale(s.Sizes)
	ys := l.RateScale(s)

	// The size the bars show.
	if s.Focus < len(s.Sizes) {
		fx := xs.Map(float64(s.Sizes[s.Focus]))
		p.rect(viz.Rect{X: fx - 14*k, Y: pl.Y, W: 28 * k, H: pl.H}, Track)
	}
	for _, t := range ys.DecadeTicks() {
		c := Grid
		if !t.Major {
			c = withAlpha(Grid, 0.45)
		}
		p.line(pl.X, t.Pos, pl.Right(), t.Pos, 1, c)
		if t.Label != "" {
			p.text(t.Label, pl.X-8*k, t.Pos-8*k, 13, false, Muted, 1)
		}
	}
	for _, t := range xs.SizeTicks(s.Sizes) {
		p.line(t.Pos, pl.Bottom(), t.Pos, pl.Bottom()+5*k, 1, Muted)
		p.text(t.Label, t.Pos, pl.Bottom()+8*k, 13, false, Muted, 0)
	}
	p.line(pl.X, pl.Y, pl.X, pl.Bottom(), 1.5, Muted)
	p.line(pl.X, pl.Bottom(), pl.Right(), pl.Bottom(), 1.5, Muted)
	p.text(s.Mode.Unit(), pl.X-8*k, pl.Y-30*k, 13, true, Muted, 1)
	p.text("matrix size n", pl.X+pl.W/2, pl.Bottom()+30*k, 13, true, Muted, 0)

	// Legend, top right; shorter names where the long ones would reach the
	// title.
	legend := func(short bool) []string {
		names := make([]string, len(s.Lanes))
		for i, ln := range s.Lanes {
			names[i] = ln.Role
			if t := ln.Title(); t != "" && !short {
				names[i] = t + " (" + ln.Role + ")"
			}
			switch {
			case ln.Available && ln.Unsupported == "":
			case short:
				names[i] += " (off)"
			case ln.Available:
				names[i] += " – sits out"
			default:
				names[i] += " – unavailable"
			}
		}
		return names
	}
	names := legend(false)
	width := 0.0
	for _, n := range names {
		w, _ := text.Measure(n, face(13, k, false), 0)
		width += w + 8*k + 36*k
	}
	if l.Chart.Right()-16*k-(width-18*k) < titleEnd+8*k {
		names = legend(true)
	}
	lx := l.Chart.Right() - 16*k
	for i := len(s.Lanes) - 1; i >= 0; i-- {
		w := p.text(names[i], lx, l.Chart.Y+12*k, 13, false, Ink, 1)
		lx -= w + 8*k
		p.line(lx-18*k, l.Chart.Y+21*k, lx, l.Chart.Y+21*k, 3*k, LaneColor(i))
		lx -= 18*k + 18*k
	}

	for i, ln := range s.Lanes {
		col := LaneColor(i)
		var px, py float64
		have := false
		for si, r := range ln.Results {
			if !r.Done() || r.GFLOPS <= 0 {
				continue
			}
			x, y := xs.Map(float64(s.Sizes[si])), ys.Map(r.GFLOPS)
			if have {
				p.line(px, py, x, y, 2.5*k, col)
			}
			px, py, have = x, y, true
		}
		for si, r := range ln.Results {
			if !r.Done() || r.GFLOPS <= 0 {
				continue
			}
			x, y := xs.Map(float64(s.Sizes[si])), ys.Map(r.GFLOPS)
			p.disc(x, y, 5*k, col)
			if !r.OK {
				p.ring(x, y, 9*k, 2*k, Bad)
			}
		}
		if ln.Running && ln.Live > 0 && ln.Size < len(s.Sizes) {
			x, y := xs.Map(float64(s.Sizes[ln.Size])), ys.Map(ln.Live)
			rr := (6 + 2*math.Sin(float64(f.Now.UnixMilli())/150)) * k
			p.ring(x, y, rr, 2*k, col)
		}
	}
}

func (p *painter) progress(l viz.Layout, s viz.Snapshot) {
	r := l.Progress
	k := l.Scale
	p.rect(r, Track)
	frac := 0.0
	if s.Total > 0 {
		frac = float64(s.Done) / float64(s.Total)
		for _, ln := range s.Lanes {
			if ln.Running && ln.Fraction > 0 && ln.Fraction <= 1 {
				frac += ln.Fraction / float64(s.Total) * 0.9
			}
		}
	}
	f := r
	f.W = r.W * math.Min(1, frac)
	p.rect(f, Good)
	label := fmt.Sprintf("sweep %d/%d products", s.Done, s.Total)
	if len(s.Sizes) > 0 {
		label += fmt.Sprintf(" · sizes %d → %d", s.Sizes[0], s.Sizes[len(s.Sizes)-1])
	}
	p.text(label, r.X+r.W/2, r.Y+(r.H-14*k)/2-1*k, 12, true, Ink, 0)
}

func (p *painter) buttons(l viz.Layout, s viz.Snapshot, f Frame) {
	k := l.Scale
	for _, b := range l.Buttons {
		bg := Panel
		if b.Action == f.Hover {
			bg = Track
		}
		p.rect(b.Rect, bg)
		p.frame(b.Rect, Grid)
		label := b.Label
		if b.Action == viz.Pause && s.Paused {
			label = "Resume  [Space]"
		}
		p.text(label, b.Rect.X+b.Rect.W/2, b.Rect.Y+(b.Rect.H-16*k)/2-1*k, 14, false, Ink, 0)
	}
	last := l.Buttons[len(l.Buttons)-1].Rect
	p.text("←/→ size · 1/2 paths · M race", l.W-24*k, last.Y+12*k, 13, false, Muted, 1)
}

func (p *painter) help(l viz.Layout) {
	k := l.Scale
	p.rect(viz.Rect{W: l.W, H: l.H}, color.RGBA{0, 0, 0, 0xb0})
	r := l.Help
	p.rect(r, Panel)
	p.frame(r, Grid)
	p.text("Keys and mouse", r.X+24*k, r.Y+18*k, 22, true, Ink, -1)
	y := r.Y + 62*k
	for _, key := range viz.Keys {
		p.text(key.Keys, r.X+24*k, y, 16, true, LaneColor(0), -1)
		p.text(key.What, r.X+230*k, y, 16, false, Ink, -1)
		y += 30 * k
	}
	p.text("Buttons at the bottom do the same. Click the chart to show a size in the bars.", r.X+24*k, r.Bottom()-64*k, 14, false, Muted, -1)
	p.text("Press H or Esc to close.", r.X+24*k, r.Bottom()-40*k, 14, false, Muted, -1)
}
