package view

import (
	"image"
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"github.com/vkgemm/vkgemm/viz"
)

// A frame is first recorded as a list of drawing operations, then drawn.
// Comparing the list with the previous frame's tells which parts of the
// screen changed: a Painter redraws only those (the screen is not cleared
// between frames), since on software GL every pixel drawn costs, and most of
// the picture stays the same from one frame to the next.

type opKind uint8

const (
	opRect opKind = iota
	opFrame
	opLine
	opText
	opDisc
	opRing
)

// op is one drawing operation; ops are comparable, so frames can be diffed.
type op struct {
	kind opKind
	// rect and frame: x, y, w, h; line: x0, y0, x1, y1, width in w;
	// text: x, y; disc: cx, cy, r in c; ring: cx, cy, r in c, width in w.
	a, b, c, d, w float32
	col           color.RGBA
	label         *label
}

func rgba(c color.Color) color.RGBA {
	if v, ok := c.(color.RGBA); ok {
		return v
	}
	r, g, b, a := c.RGBA()
	return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), uint8(a >> 8)}
}

// bounds is the area an op may touch, with a pixel to spare.
func (o op) bounds() image.Rectangle {
	var x0, y0, x1, y1 float32
	switch o.kind {
	case opRect, opFrame:
		x0, y0, x1, y1 = o.a, o.b, o.a+o.c, o.b+o.d
		if o.kind == opFrame {
			x0, y0, x1, y1 = x0-o.w, y0-o.w, x1+o.w, y1+o.w
		}
	case opLine:
		x0, y0 = min(o.a, o.c)-o.w, min(o.b, o.d)-o.w
		x1, y1 = max(o.a, o.c)+o.w, max(o.b, o.d)+o.w
	case opText:
		if o.label == nil {
			return image.Rectangle{}
		}
		x0, y0 = o.a, o.b
		x1, y1 = o.a+float32(o.label.w)+1, o.b+float32(o.label.h)+1
	case opDisc, opRing:
		r := o.c + o.w
		x0, y0, x1, y1 = o.a-r, o.b-r, o.a+r, o.b+r
	}
	return image.Rect(int(math.Floor(float64(x0)))-2, int(math.Floor(float64(y0)))-2,
		int(math.Ceil(float64(x1)))+2, int(math.Ceil(float64(y1)))+2)
}

func (o op) draw(dst *ebiten.Image) {
	switch o.kind {
	case opRect:
		vector.DrawFilledRect(dst, o.a, o.b, o.c, o.d, o.col, false)
	case opFrame:
		vector.StrokeRect(dst, o.a, o.b, o.c, o.d, o.w, o.col, false)
	case opLine:
		vector.StrokeLine(dst, o.a, o.b, o.c, o.d, o.w, o.col, false)
	case opText:
		o.label.draw(dst, float64(o.a), float64(o.b), o.col)
	case opDisc:
		vector.DrawFilledCircle(dst, o.a, o.b, o.c, o.col, false)
	case opRing:
		vector.StrokeCircle(dst, o.a, o.b, o.c, o.w, o.col, false)
	}
}

// record paints the frame into a list of ops.
func record(ops []op, w, h int, s viz.Snapshot, f Frame) []op {
	l := viz.NewLayout(float64(w), float64(h), len(s.Lanes))
	labels.nextFrame()
	p := &painter{k: l.Scale, ops: ops[:0]}
	p.header(l, s, f)
	for i := range s.Lanes {
		p.card(l, s, i, f)
	}
	p.speedup(l, s)
	p.chart(l, s, f)
	p.progress(l, s)
	p.buttons(l, s, f)
	if f.Help {
		p.help(l)
	}
	return p.ops
}

// Painter draws frames into a screen that keeps its pixels between frames
// (ebiten.SetScreenClearedEveryFrame(false)), redrawing only the areas that
// differ from the frame it drew last.
type Painter struct {
	prev, cur []op
	size      image.Point
	dst       *ebiten.Image
	// Painted is the share of the screen's pixels the last frame redrew.
	Painted float64
}

// Invalidate makes the next frame redraw everything.
func (pt *Painter) Invalidate() { pt.dst = nil }

// Draw draws s into dst.
func (pt *Painter) Draw(dst *ebiten.Image, s viz.Snapshot, f Frame) {
	b := dst.Bounds()
	pt.cur = record(pt.cur, b.Dx(), b.Dy(), s, f)
	if pt.dst != dst || pt.size != b.Size() {
		pt.dst, pt.size = dst, b.Size()
		dst.Fill(Background)
		for _, o := range pt.cur {
			o.draw(dst)
		}
		pt.Painted = 1
		pt.prev, pt.cur = pt.cur, pt.prev
		return
	}
	dirty := changed(pt.prev, pt.cur, b)
	area := 0
	for _, r := range dirty {
		area += r.Dx() * r.Dy()
		sub := dst.SubImage(r).(*ebiten.Image)
		sub.Fill(Background)
		for _, o := range pt.cur {
			if o.bounds().Overlaps(r) {
				o.draw(sub)
			}
		}
	}
	pt.Painted = float64(area) / float64(b.Dx()*b.Dy())
	pt.prev, pt.cur = pt.cur, pt.prev
}

// changed returns the areas of the screen where the ops of two frames
// differ, merged into a few disjoint rectangles clipped to the screen.
func changed(prev, cur []op, screen image.Rectangle) []image.Rectangle {
	count := make(map[op]int, len(prev))
	for _, o := range prev {
		count[o]++
	}
	var rs []image.Rectangle
	for _, o := range cur {
		if count[o] > 0 {
			count[o]--
			continue
		}
		rs = append(rs, o.bounds())
	}
	for o, n := range count {
		if n > 0 {
			rs = append(rs, o.bounds())
		}
	}
	// The order of ops matters where they overlap: ops that stayed but
	// moved in the list (one appeared before them) are caught by the
	// rectangles of the ops that did change, which overlap them.
	return merge(rs, screen)
}

// merge unites overlapping rectangles (and ones so close that one
// rectangle costs less than two) until none overlap.
func merge(rs []image.Rectangle, screen image.Rectangle) []image.Rectangle {
	var out []image.Rectangle
	for _, r := range rs {
		r = r.Intersect(screen)
		if !r.Empty() {
			out = append(out, r)
		}
	}
	for again := true; again; {
		again = false
		for i := 0; i < len(out) && !again; i++ {
			for j := i + 1; j < len(out); j++ {
				u := out[i].Union(out[j])
				if out[i].Overlaps(out[j]) || area(u) <= area(out[i])+area(out[j])+16*16 {
					out[i] = u
					out = append(out[:j], out[j+1:]...)
					again = true
					break
				}
			}
		}
	}
	return out
}

func area(r image.Rectangle) int { return r.Dx() * r.Dy() }
