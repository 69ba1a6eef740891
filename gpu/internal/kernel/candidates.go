package kernel

import (
	"slices"

	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"github.com/vkgemm/vkgemm/shaders"
)

// collector starts a list of candidates with start and returns the
// function that adds a kernel to it: one that fits the device, is not
// there yet, and on a GPU has whole subgroups per workgroup.
func collector(p *vk.Properties, start Kernel) (*[]Kernel, func(Kernel)) {
	out := []Kernel{start}
	gpu := p.Type != vk.TypeCPU
	return &out, func(k Kernel) {
		if k.Fits(p) != nil || slices.Contains(out, k) {
			return
		}
		if gpu && p.SubgroupSize > 0 && k.WGX*k.WGY%p.SubgroupSize != 0 {
			return
		}
		out = append(out, k)
	}
}

// Candidates lists the float32 kernels worth trying on a device, start
// first: those that fit it, and on a GPU only whole subgroups per workgroup
// (a workgroup of 8 invocations leaves 7/8 of a 64-wide wave idle).
func Candidates(p *vk.Properties, start Kernel) []Kernel {
	gpu := p.Type != vk.TypeCPU
	out, add := collector(p, start)
	if gpu {
		// The block family first: the built-ins of every vendor, then the
		// other workgroup shapes, blocks and k-tiles.
		for _, k := range BuiltinGPU() {
			add(k)
		}
		for _, wg := range [][2]uint32{{16, 16}, {32, 8}, {8, 32}, {16, 8}, {8, 16}, {8, 8}, {32, 4}} {
			for _, b := range [][2]uint32{{8, 8}, {4, 8}, {8, 4}, {4, 4}} {
				for _, tk := range []uint32{16, 8, 32} {
					add(Kernel{Family: shaders.FamilyBlock, Element: shaders.F32, WGX: wg[0], WGY: wg[1], TM: b[0], TN: b[1], TK: tk})
				}
			}
		}
	}
	// CPU-driver kernels, so a short budget sees them: the subgroup
	// family (4- and 8-wide subgroups only) with and without texel loads,
	// then the direct family with texel loads (where texel buffers are as
	// large as storage buffers; on lavapipe the fastest). Others fail fits.
	for _, b := range [][2]uint32{{24, 8}, {16, 8}, {12, 8}, {24, 4}, {8, 8}, {16, 4}, {4, 8}} {
		for _, kc := range []uint32{512, 0} {
			add(Kernel{Family: shaders.FamilySubgroup, Element: shaders.F32, WGX: p.SubgroupSize, WGY: 1, TM: b[0], TN: b[1], TK: 4, KChunk: kc, Texel: true})
			add(Kernel{Family: shaders.FamilySubgroup, Element: shaders.F32, WGX: p.SubgroupSize, WGY: 1, TM: b[0], TN: b[1], TK: 4, KChunk: kc})
		}
	}
	for _, b := range [][2]uint32{{12, 16}, {16, 16}, {16, 12}, {8, 8}} {
		for _, kc := range []uint32{512, 0} {
			add(Kernel{Family: shaders.FamilyDirect, Element: shaders.F32, WGX: 8, WGY: 1, TM: b[0], TN: b[1], TK: 4, KChunk: kc, Texel: true})
		}
	}
	blocks := [][2]uint32{{8, 8}, {12, 16}, {16, 16}, {16, 12}, {8, 16}, {16, 8}, {4, 8}, {8, 4}, {4, 4}}
	direct := [][2]uint32{{8, 1}, {16, 1}, {4, 1}, {32, 1}, {8, 8}}
	tiled := [][2]uint32{{16, 16}, {16, 8}, {8, 8}, {32, 8}}
	// Families alternate, so a short budget sees both.
	for i := range max(len(direct), len(tiled)) * len(blocks) {
		b := blocks[i%len(blocks)]
		if wg := i / len(blocks); wg < len(direct) {
			for _, kc := range []uint32{512, 0, 256} {
				add(Kernel{Family: shaders.FamilyDirect, Element: shaders.F32, WGX: direct[wg][0], WGY: direct[wg][1], TM: b[0], TN: b[1], TK: 4, KChunk: kc})
			}
		}
		if wg := i / len(blocks); wg < len(tiled) {
			for _, tk := range []uint32{16, 8} {
				add(Kernel{Family: shaders.FamilyTiled, Element: shaders.F32, WGX: tiled[wg][0], WGY: tiled[wg][1], TM: b[0], TN: b[1], TK: tk})
			}
		}
	}
	return *out
}

// ForElement is the kernels of ks whose family has modules for element
// type e, converted to it, that fit the device, each once.
func ForElement(ks []Kernel, e shaders.Element, p *vk.Properties) []Kernel {
	var out []Kernel
	for _, k := range ks {
		k.Element = e
		if k.Fits(p) == nil && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// Int8Candidates lists GemmInt8's kernels worth trying on a device, start
// first: the int8 direct module (gemm_int8.comp) with blocks of 2, 4 or 8
// rows and columns per invocation in workgroups of 8×8, 16×8, 8×16, 16×16
// and, on a GPU, 32×8 and 32×4; on a CPU driver, which runs a workgroup's
// subgroups one after another on one core, workgroups of one and two
// subgroups too (more, smaller workgroups to share among the cores). Only
// those that fit the device, and on a GPU only whole subgroups per
// workgroup, as Candidates. Workgroup shapes vary slowest, the default's
// first, so a short budget sees its blocks.
// (Fits keeps per-invocation blocks of every direct kernel to multiples
// of 4, so blocks of 2 are listed only where it accepts them.)
func Int8Candidates(p *vk.Properties, start Kernel) []Kernel {
	gpu := p.Type != vk.TypeCPU
	out, add := collector(p, start)
	wgs := [][2]uint32{{int8Kernel.WGX, int8Kernel.WGY}, {16, 8}, {8, 16}, {16, 16}}
	if gpu {
		wgs = append(wgs, [2]uint32{32, 8}, [2]uint32{32, 4})
	} else if p.SubgroupSize > 0 {
		wgs = append(wgs, [2]uint32{p.SubgroupSize, 1}, [2]uint32{2 * p.SubgroupSize, 1})
	}
	blocks := [][2]uint32{{8, 8}, {4, 8}, {8, 4}, {4, 4}, {2, 8}, {8, 2}, {2, 4}, {4, 2}, {2, 2}}
	for _, wg := range wgs {
		for _, b := range blocks {
			add(Kernel{Family: shaders.FamilyDirect, Element: shaders.Int8, WGX: wg[0], WGY: wg[1], TM: b[0], TN: b[1], TK: int8Kernel.TK})
		}
	}
	return *out
}
