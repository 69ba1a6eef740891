package view

import (
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/text/v2"
)

// Text drawn glyph by glyph costs a draw call per glyph every frame, which
// software GL and WebAssembly both feel. Labels are rendered once, white,
// into small images (which ebiten packs into one atlas) and drawn with a
// color scale; most labels repeat from frame to frame.
type labelKey struct {
	s    string
	size float64
	bold bool
}

type label struct {
	s    string // the text, for tests
	img  *ebiten.Image
	w, h float64
	used int // frame it was last drawn in
}

// maxLabels bounds the cache; labels unused for a frame go first.
const maxLabels = 400

type labelCache struct {
	m     map[labelKey]*label
	frame int
}

var labels = labelCache{m: map[labelKey]*label{}}

func (c *labelCache) nextFrame() {
	c.frame++
	if len(c.m) <= maxLabels {
		return
	}
	for k, l := range c.m {
		if l.used < c.frame-1 {
			l.img.Deallocate()
			delete(c.m, k)
		}
	}
}

func (c *labelCache) get(s string, f *text.GoTextFace, isBold bool) *label {
	k := labelKey{s, f.Size, isBold}
	if l, ok := c.m[k]; ok {
		l.used = c.frame
		return l
	}
	w, h := text.Measure(s, f, 0)
	l := &label{s: s, w: w, h: h, used: c.frame}
	if w >= 1 && h >= 1 {
		l.img = ebiten.NewImage(int(math.Ceil(w))+1, int(math.Ceil(h))+1)
		op := &text.DrawOptions{}
		op.ColorScale.ScaleWithColor(color.White)
		text.Draw(l.img, s, f, op)
	}
	c.m[k] = l
	return l
}

// draw puts the label with its top-left corner at x, y.
func (l *label) draw(dst *ebiten.Image, x, y float64, c color.Color) {
	if l.img == nil {
		return
	}
	op := &ebiten.DrawImageOptions{}
	op.GeoM.Translate(x, y)
	op.ColorScale.ScaleWithColor(c)
	dst.DrawImage(l.img, op)
}
