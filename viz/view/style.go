package view

import (
	"bytes"
	"image/color"
	"sync"

	"github.com/hajimehoshi/ebiten/v2/text/v2"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// Colors of the dark theme.
var (
	Background = color.RGBA{0x0e, 0x13, 0x1f, 0xff}
	Panel      = color.RGBA{0x17, 0x1f, 0x30, 0xff}
	Track      = color.RGBA{0x22, 0x2c, 0x42, 0xff}
	Grid       = color.RGBA{0x2b, 0x36, 0x4f, 0xff}
	Ink        = color.RGBA{0xe8, 0xec, 0xf3, 0xff}
	Muted      = color.RGBA{0x93, 0x9d, 0xb3, 0xff}
	Good       = color.RGBA{0x4c, 0xd0, 0x7d, 0xff}
	Bad        = color.RGBA{0xff, 0x5c, 0x5c, 0xff}
	Warn       = color.RGBA{0xff, 0xc8, 0x57, 0xff}
)

// LaneColors color the lanes in order: GPU orange, CPU blue, then violet.
var LaneColors = []color.RGBA{
	{0xff, 0x8a, 0x3d, 0xff},
	{0x4d, 0xa3, 0xff, 0xff},
	{0xb3, 0x88, 0xff, 0xff},
}

// LaneColor returns the color of lane i.
func LaneColor(i int) color.RGBA { return LaneColors[i%len(LaneColors)] }

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
