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
// Each kind uses the fields its comment names; the others stay zero.
type op struct {
	kind   opKind
	x, y   float32 // rect, frame, text: top-left corner; line: start; disc, ring: center
	w, h   float32 // rect, frame: size
	x1, y1 float32 // line: end
	r      float32 // disc, ring: radius
	stroke float32 // frame, line, ring: line width
	col    color.RGBA
	label  *label // text
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
	case opRect:
		x0, y0, x1, y1 = o.x, o.y, o.x+o.w, o.y+o.h
	case opFrame:
		x0, y0, x1, y1 = o.x-o.stroke, o.y-o.stroke, o.x+o.w+o.stroke, o.y+o.h+o.stroke
	case opLine:
		x0, y0 = min(o.x, o.x1)-o.stroke, min(o.y, o.y1)-o.stroke
		x1, y1 = max(o.x, o.x1)+o.stroke, max(o.y, o.y1)+o.stroke
	case opText:
		if o.label == nil {
			return image.Rectangle{}
		}
		x0, y0 = o.x, o.y
		x1, y1 = o.x+float32(o.label.w)+1, o.y+float32(o.label.h)+1
	case opDisc, opRing:
		r := o.r + o.stroke
		x0, y0, x1, y1 = o.x-r, o.y-r, o.x+r, o.y+r
	}
	return image.Rect(int(math.Floor(float64(x0)))-2, int(math.Floor(float64(y0)))-2,
		int(math.Ceil(float64(x1)))+2, int(math.Ceil(float64(y1)))+2)
}

func (o op) draw(dst *ebiten.Image) {
	switch o.kind {
	case opRect:
		vector.DrawFilledRect(dst, o.x, o.y, o.w, o.h, o.col, false)
	case opFrame:
		vector.StrokeRect(dst, o.x, o.y, o.w, o.h, o.stroke, o.col, false)
	case opLine:
		vector.StrokeLine(dst, o.x, o.y, o.x1, o.y1, o.stroke, o.col, false)
	case opText:
		o.label.draw(dst, float64(o.x), float64(o.y), o.col)
	case opDisc:
		vector.DrawFilledCircle(dst, o.x, o.y, o.r, o.col, false)
	case opRing:
		vector.StrokeCircle(dst, o.x, o.y, o.r, o.stroke, o.col, false)
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
