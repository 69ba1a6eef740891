//go:build ignore

// gen writes the GLSL of every generated kernel module, one per row of
// shaders.Variants, from the templates beside it. Run by `go generate
// ./shaders` (./build.sh shaders), which then compiles the GLSL to SPIR-V.
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/template"

	"github.com/vkgemm/vkgemm/shaders"
)

// templateOf is the template of each generated family.
var templateOf = map[shaders.Family]string{
	shaders.FamilyDirect:   "direct.comp.tmpl",
	shaders.FamilySubgroup: "direct.comp.tmpl",
	shaders.FamilyBlock:    "block.comp.tmpl",
}

// variant is what a template sees: the table row and the text derived from it.
type variant struct {
	shaders.Variant
	Subgroup bool
	WG       uint32 // default local_size_x
	MaxLoads uint32 // vec4s of a tile of A or B one invocation loads (block family)
}

// LoadA is a vec4 read of A at a vec4 index: a storage-buffer or texel load.
func (v variant) LoadA(index string) string { return v.load("a4", "aT", index) }

// LoadB is LoadA for B.
func (v variant) LoadB(index string) string { return v.load("b4", "bT", index) }

func (v variant) load(buf, texels, index string) string {
	if v.Half() {
		return fmt.Sprintf("widen(%s[%s])", buf, index)
	}
	if v.Texel {
		return fmt.Sprintf("texelFetch(%s, int(%s))", texels, index)
	}
	return fmt.Sprintf("%s[%s]", buf, index)
}

// Half says whether A and B hold 16-bit values, four to a uvec2.
func (v variant) Half() bool { return v.Element.Half() }

// RowChoices lists the values TM may take.
func (v variant) RowChoices() string {
	step := uint32(4)
	if v.Subgroup {
		step = v.Lanes
	}
	var s []string
	for r := step; r <= v.MaxM; r += step {
		s = append(s, fmt.Sprint(r))
	}
	return strings.Join(s, ", ")
}

// ColChoices lists the values TN may take.
func (v variant) ColChoices() string {
	var s []string
	for n := uint32(4); n <= v.MaxN; n += 4 {
		s = append(s, fmt.Sprint(n))
	}
	return strings.Join(s, ", ")
}

// window is the argument of half8.comp.tmpl's template of that name: Size
// values of stored rows k..k+7 from column Base of an operand stored across
// k, Dst0 and Dst1 the arrays they go to.
type window struct {
	Dst, Tex, Off, LD, Base, Limit string
	Size                           uint32
}

// Shifted says whether Base, a multiple of Size, may start in a texel's
// second half.
func (w window) Shifted() bool { return w.Size%8 != 0 }

// Texels is how many texels a stored row's window spans.
func (w window) Texels() uint32 {
	if w.Shifted() {
		return (w.Size + 4 + 7) / 8
	}
	return w.Size / 8
}

// transposed is the argument of the template of that name.
type transposed struct {
	Dst, Load, Base, Size string
	Count                 uint32
}

var funcs = template.FuncMap{
	"seq": func(n uint32) []uint32 {
		s := make([]uint32, n)
		for i := range s {
			s[i] = uint32(i)
		}
		return s
	},
	"add":  func(a, b uint32) uint32 { return a + b },
	"mul":  func(a, b uint32) uint32 { return a * b },
	"div":  func(a, b uint32) uint32 { return a / b },
	"mod":  func(a, b uint32) uint32 { return a % b },
	"xyzw": func(i uint32) string { return "xyzw"[i : i+1] },
	"transposed": func(dst, load, base, size string, count uint32) transposed {
		return transposed{dst, load, base, size, count}
	},
	"window": func(dst, tex, off, ld, base, limit string, size uint32) window {
		return window{dst, tex, off, ld, base, limit, size}
	},
}

// usage: go run gen.go [DIR]   writes DIR/NAME.comp (default DIR: glsl)
func main() {
	dir := "glsl"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	if err := generate(dir); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func generate(dir string) error {
	for _, row := range shaders.Variants {
		if row.HandWritten {
			continue
		}
		file := templateOf[row.Family]
		if row.KStep == 8 {
			file = "half8.comp.tmpl"
		}
		t, err := template.New(file).Funcs(funcs).ParseFiles(file, "common.comp.tmpl")
		if err != nil {
			return err
		}
		v := variant{Variant: row, Subgroup: row.Family == shaders.FamilySubgroup, WG: 8, MaxLoads: shaders.BlockMaxLoads}
		if v.Subgroup {
			v.WG = row.Lanes
		}
		var out bytes.Buffer
		if err := t.Execute(&out, v); err != nil {
			return fmt.Errorf("%s: %w", row.Name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, row.Name+".comp"), out.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}
