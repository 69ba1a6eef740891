package view

import (
	"bytes"
	"image/color"
	"sync"

	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/vkgemm/vkgemm/viz"
)

// The theme's colors, from package viz.
var (
	Background = viz.Background
	Panel      = viz.Panel
	Track      = viz.Track
	Grid       = viz.Grid
	Ink        = viz.Ink
	Muted      = viz.Muted
	Good       = viz.Good
	Bad        = viz.Bad
	Warn       = viz.Warn
)

// LaneColor returns the color of lane i.
func LaneColor(i int) color.RGBA { return viz.LaneColor(i) }

var (
	fontsOnce       sync.Once
	regular, bold   *text.GoTextFaceSource
	errFontsMissing error
)

func loadFonts() {
	fontsOnce.Do(func() {
		regular, errFontsMissing = text.NewGoTextFaceSource(bytes.NewReader(goregular.TTF))
		if errFontsMissing == nil {
			bold, errFontsMissing = text.NewGoTextFaceSource(bytes.NewReader(gobold.TTF))
		}
		if errFontsMissing != nil {
			panic("view: the embedded Go fonts do not parse: " + errFontsMissing.Error())
		}
	})
}

// face returns the regular or bold Go font at a size in design pixels,
// scaled like the layout.
func face(size, scale float64, isBold bool) *text.GoTextFace {
	loadFonts()
	src := regular
	if isBold {
		src = bold
	}
	return &text.GoTextFace{Source: src, Size: size * scale}
}
