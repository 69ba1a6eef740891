package gpu

import (
	"slices"
	"strings"

	"github.com/vkgemm/vkgemm/gpu/internal/vk"
)

// Block shapes of the GPU family (kernelBlock), named by the tile of C one
// workgroup computes.
var (
	block128x128 = Kernel{Family: kernelBlock, WGX: 16, WGY: 16, TM: 8, TN: 8, TK: 16}
	block64x128  = Kernel{Family: kernelBlock, WGX: 16, WGY: 16, TM: 4, TN: 8, TK: 16}
	block64x64   = Kernel{Family: kernelBlock, WGX: 16, WGY: 16, TM: 4, TN: 4, TK: 16}
	block32x32   = Kernel{Family: kernelBlock, WGX: 8, WGY: 8, TM: 4, TN: 4, TK: 16}
)

// gpuArch is one row of the per-vendor built-ins: the GPUs it matches and
// their kernel per shape class, in order of preference (the first the
// device runs is used). No GPU has run these yet: they follow public
// tuning tables, until a tuning run on the device replaces them.
type gpuArch struct {
	name    string
	matches func(p *vk.Properties) bool
	kernels map[string][]Kernel
}

// PCI vendor ids.
const (
	vendorAMD      = 0x1002
	vendorApple    = 0x106B
	vendorARM      = 0x13B5
	vendorNVIDIA   = 0x10DE
	vendorIntel    = 0x8086
	vendorQualcomm = 0x5143
)

// largeTiles gives the large shape classes 128×128 tiles and small products
// 32×32 ones, so that a 128³ product still spreads over many workgroups.
func largeTiles() map[string][]Kernel {
	big := []Kernel{block128x128, block64x128, block64x64, block32x32}
	return map[string][]Kernel{
		ShapeSquare: big, ShapeTall: big, ShapeWide: big,
		ShapeSmallK: {block64x128, block64x64, block32x32},
		ShapeSmall:  {block32x32},
	}
}

// mediumTiles is largeTiles capped at 64×64.
func mediumTiles() map[string][]Kernel {
	mid := []Kernel{block64x64, block32x32}
	return map[string][]Kernel{ShapeSquare: mid, ShapeTall: mid, ShapeWide: mid, ShapeSmallK: mid, ShapeSmall: {block32x32}}
}

// smallTiles is 32×32 everywhere.
func smallTiles() map[string][]Kernel {
	s := []Kernel{block32x32}
	return map[string][]Kernel{ShapeSquare: s, ShapeTall: s, ShapeWide: s, ShapeSmallK: s, ShapeSmall: s}
}

func vendor(id uint32) func(*vk.Properties) bool {
	return func(p *vk.Properties) bool { return p.VendorID == id }
}

// vendorKernels: the first row that matches a GPU gives its built-ins.
var vendorKernels = []gpuArch{
	// NVIDIA: ggml's Vulkan backend (ggml-vulkan.cpp, l_warptile) uses
	// 128×128 tiles with k-tiles of 16 on NVIDIA, 64×64 (m_warptile) and
	// 32×32 (s_warptile) for smaller products; the published CUDA SGEMM
	// warptiling kernels use 128×128 per 256 threads, 8×8 per thread.
	{"NVIDIA", vendor(vendorNVIDIA), largeTiles()},
	// AMD GCN and CDNA (gfx6-gfx9, MI100/MI200): 64-wide waves and 256
	// VGPRs per lane, so 128×128 tiles (about 100 VGPRs) leave 2 waves per
	// SIMD. ggml's GCN warptiles are 256 invocations on 64×64; CLBlast's
	// database has 16×16 workgroups of 4×4 (64×64) for gfx9 devices.
	{"AMD GCN/CDNA", func(p *vk.Properties) bool { return p.VendorID == vendorAMD && amdGCN(p.Name) }, mediumTiles()},
	// AMD RDNA (gfx10+): ggml uses 256 invocations on 128×128 tiles, k-tiles
	// of 16 (l_warptile on RDNA3); CLBlast's gfx1010 entry 16×16 workgroups.
	{"AMD RDNA", vendor(vendorAMD), largeTiles()},
	// Intel: ggml disables its large tiles on Intel GPUs and uses the
	// medium 64×64 ones; subgroups are 8 to 32 wide.
	{"Intel", vendor(vendorIntel), mediumTiles()},
	// Apple (MoltenVK): 32 KiB of threadgroup memory, which a double-buffered
	// 128×128 tile would fill; ggml's medium tiles.
	{"Apple", vendor(vendorApple), mediumTiles()},
	// Mali: small register files per thread; ggml's small 32×32 tiles.
	{"Mali", vendor(vendorARM), smallTiles()},
	// Adreno: 64- or 128-wide waves, 32 KiB of shared memory; medium tiles.
	{"Adreno", vendor(vendorQualcomm), mediumTiles()},
}

// amdGCN tells GCN and CDNA chips from RDNA ones by the names drivers give
// them (RADV: "(RADV VEGA10)", AMD's: "Radeon RX Vega", "Instinct MI210").
func amdGCN(name string) bool {
	n := strings.ToUpper(name)
	for _, chip := range []string{"TAHITI", "PITCAIRN", "VERDE", "OLAND", "HAINAN", "BONAIRE", "HAWAII", "KAVERI", "KABINI",
		"TONGA", "ICELAND", "CARRIZO", "FIJI", "STONEY", "POLARIS", "VEGAM", "VEGA", "RAVEN", "RENOIR", "ARCTURUS",
		"ALDEBARAN", "GFX9", "INSTINCT", "RADEON VII", "RX 4", "RX 5"} {
		if strings.Contains(n, chip) && !strings.Contains(n, "RX 5500") && !strings.Contains(n, "RX 5600") && !strings.Contains(n, "RX 5700") {
			return true
		}
	}
	return false
}

// builtinFor is the built-in kernel list per shape class for a device: by
// driver for the CPU drivers measured here, else by GPU vendor and
// architecture; nil for others.
func builtinFor(p *vk.Properties) map[string][]Kernel {
	if ks, ok := builtinKernels[p.DriverID]; ok {
		return ks
	}
	if deviceType(p.Type) == TypeCPU {
		return nil
	}
	for _, a := range vendorKernels {
		if a.matches(p) {
			return a.kernels
		}
	}
	return nil
}

// builtinGPUKernels lists every built-in GPU kernel of every vendor, each once.
func builtinGPUKernels() []Kernel {
	var out []Kernel
	for _, a := range vendorKernels {
		for _, c := range ShapeClasses {
			for _, k := range a.kernels[c] {
				if !slices.Contains(out, k) {
					out = append(out, k)
				}
			}
		}
	}
	return out
}
