package kernel

import (
	"slices"
	"strings"

	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"github.com/vkgemm/vkgemm/shaders"
)

// Block shapes of the GPU family (shaders.FamilyBlock), named by the tile of C one
// workgroup computes.
var (
	block128x128 = Kernel{Family: shaders.FamilyBlock, Element: shaders.F32, WGX: 16, WGY: 16, TM: 8, TN: 8, TK: 16}
	block64x128  = Kernel{Family: shaders.FamilyBlock, Element: shaders.F32, WGX: 16, WGY: 16, TM: 4, TN: 8, TK: 16}
	block64x64   = Kernel{Family: shaders.FamilyBlock, Element: shaders.F32, WGX: 16, WGY: 16, TM: 4, TN: 4, TK: 16}
	block32x32   = Kernel{Family: shaders.FamilyBlock, Element: shaders.F32, WGX: 8, WGY: 8, TM: 4, TN: 4, TK: 16}
)

// gpuArch is one row of the per-vendor built-ins: the GPUs it matches and
// their kernel per shape class, in order of preference (the first the
// device runs is used). No GPU has run these yet: they follow public
// tuning tables, until a tuning run on the device replaces them.
type gpuArch struct {
	name    string
	matches func(p *vk.Properties) bool
	kernels map[Class][]Kernel
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
func largeTiles() map[Class][]Kernel {
	big := []Kernel{block128x128, block64x128, block64x64, block32x32}
	return map[Class][]Kernel{
		Square: big, Tall: big, Wide: big,
		SmallK: {block64x128, block64x64, block32x32},
		Small:  {block32x32},
	}
}

// mediumTiles is largeTiles capped at 64×64.
func mediumTiles() map[Class][]Kernel {
	mid := []Kernel{block64x64, block32x32}
	return map[Class][]Kernel{Square: mid, Tall: mid, Wide: mid, SmallK: mid, Small: {block32x32}}
}

// smallTiles is 32×32 everywhere.
func smallTiles() map[Class][]Kernel {
	s := []Kernel{block32x32}
	return map[Class][]Kernel{Square: s, Tall: s, Wide: s, SmallK: s, Small: s}
}

func vendor(id uint32) func(*vk.Properties) bool {
	return func(p *vk.Properties) bool { return p.VendorID == id }
}

// vendorKernels: the first row that matches a GPU gives its built-ins.
var vendorKernels = []gpuArch{
	// NVIDIA: ggml's Vulkan backend (ggml-vulkan.cpp, l_warptile) uses
	// 128×128 tiles with k-tiles of 16 on NVIDIA, 64×64 (m_warptile) and
	// 32×32 (s_warptile) for smaller products; the published CUDA SGEMM
	// warptiling kernels use 128×128 per 256 threads, 8×8 per thread. NAK
	// (NVK's compiler, for Turing and Ampere) gives the 128×128 kernel 128
	// registers and 16 warps per SM, two workgroups, no spills: the trade
	// such SGEMMs make (docs/isa.md).
	{"NVIDIA", vendor(vendorNVIDIA), largeTiles()},
	// AMD GCN and CDNA (gfx6-gfx9, MI100/MI200): 64-wide waves and 256
	// VGPRs per lane, so 128×128 tiles (about 100 VGPRs) leave 2 waves per
	// SIMD. ggml's GCN warptiles are 256 invocations on 64×64; CLBlast's
	// database has 16×16 workgroups of 4×4 (64×64) for gfx9 devices.
	{"AMD GCN/CDNA", func(p *vk.Properties) bool { return p.VendorID == vendorAMD && amdGCN(p.Name) }, mediumTiles()},
	// AMD RDNA (gfx10+): ggml uses 256 invocations on 128×128 tiles, k-tiles
	// of 16 (l_warptile on RDNA3); CLBlast's gfx1010 entry 16×16 workgroups.
	// ACO keeps every tile at 8 waves per SIMD or more, no spills, on
	// navi21, gfx1100, navi31 and gfx1201 (docs/isa.md).
	{"AMD RDNA", vendor(vendorAMD), largeTiles()},
	// Intel: ggml disables its large tiles on Intel GPUs and uses the
	// medium 64×64 ones; subgroups are 8 to 32 wide.
	{"Intel", vendor(vendorIntel), mediumTiles()},
	// Apple, through MoltenVK (Apple's PCI id) or Honeykrisp (Asahi Linux,
	// which reports Mesa's): 32 KiB of threadgroup memory, which a
	// double-buffered 128×128 tile would fill; ggml's medium tiles. AGX
	// (Honeykrisp's compiler, for M1) spills the 128×128 kernel's 8×8 per
	// invocation (17 registers, 68 bytes of scratch) and keeps 64×64 at 111
	// registers, no spills (`vkgemm isa`, docs/isa.md).
	{"Apple", func(p *vk.Properties) bool { return p.VendorID == vendorApple || p.DriverID == driverHoneykrisp }, mediumTiles()},
	// Mali: small register files per thread; ggml's small 32×32 tiles.
	{"Mali", vendor(vendorARM), smallTiles()},
	// Adreno: 64- or 128-wide waves, 32 KiB of shared memory; medium tiles.
	// ir3 (turnip's compiler) runs them at 4-8 waves per core on the 660
	// and 740, no spills, while 8×8 per invocation spills 55 registers on
	// the 660 (docs/isa.md).
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

// Builtin is the built-in kernel list per shape class for a device, in
// order of preference (the first the device runs is used): by driver for
// the CPU drivers measured here, else by GPU vendor and architecture; nil
// for others.
func Builtin(p *vk.Properties) map[Class][]Kernel {
	if p.DriverID == driverLavapipe && mesaMajor(p) >= 26 {
		return lavapipe26
	}
	if ks, ok := cpuDriverKernels[p.DriverID]; ok {
		return ks
	}
	if p.Type == vk.TypeCPU {
		return nil
	}
	for _, a := range vendorKernels {
		if a.matches(p) {
			return a.kernels
		}
	}
	return nil
}

// BuiltinGPU lists every built-in GPU kernel of every vendor, each once.
func BuiltinGPU() []Kernel {
	var out []Kernel
	for _, a := range vendorKernels {
		for _, c := range Classes {
			for _, k := range a.kernels[c] {
				if !slices.Contains(out, k) {
					out = append(out, k)
				}
			}
		}
	}
	return out
}

// cpuDriverKernels are the kernels for the CPU drivers vkgemm has been
// measured on, used where no tuning file exists: per driver id (VkDriverId)
// and shape class, in order of preference, the first the device can run.
// The measurements are in docs/kernels.md.
var cpuDriverKernels = map[uint32]map[Class][]Kernel{
	// lavapipe compiles a texel fetch into a gather and a storage-buffer load
	// into a loop over the SIMD lanes, so texel loads win, in large blocks,
	// small products included. Where a kernel does not fit (no texel buffers
	// as large as storage buffers; subgroups not 8 wide under
	// LP_NATIVE_VECTOR_WIDTH) the next one in the list applies.
	driverLavapipe: {
		Square: {lavapipeTexel, lavapipeSubgroup, lavapipeDirect}, Tall: {lavapipeTexel, lavapipeSubgroup, lavapipeDirect},
		Wide: {lavapipeTexel, lavapipeSubgroup, lavapipeDirect}, SmallK: {lavapipeTexel, lavapipeSubgroup, lavapipeDirect},
		Small: {lavapipeTexel, Direct},
	},
	// SwiftShader (Subzero JIT, 4-wide subgroups): the 4-wide subgroup
	// kernel, frozen (see Kernel.freezes), won every class.
	driverSwiftShader: {
		Square: {swiftShaderSubgroup, Direct}, Tall: {swiftShaderSubgroup, Direct},
		Wide: {swiftShaderSubgroup, Direct}, SmallK: {swiftShaderSubgroup, Direct},
		Small: {swiftShaderSubgroup, Direct},
	},
}

// lavapipe26 is lavapipe's table from Mesa 26 (LLVM 19) on: there the
// 8-wide subgroup kernel with texel loads ran 1.3-1.75× the direct texel
// kernel at 1024³ and 2048³ and won every class (1.04-1.5× wall time), where
// on Mesa 22.3 (LLVM 15) it ran at 0.45× (docs/perf.md). Mesa 23 to 25 were
// not measured and keep Mesa 22.3's table.
var lavapipe26 = map[Class][]Kernel{
	Square: {lavapipeSubgroupTexel, lavapipeTexel, lavapipeDirect}, Tall: {lavapipeSubgroupTexel, lavapipeTexel, lavapipeDirect},
	Wide: {lavapipeSubgroupTexel, lavapipeTexel, lavapipeDirect}, SmallK: {lavapipeSubgroupTexel, lavapipeTexel, lavapipeDirect},
	Small: {lavapipeSubgroupTexel, lavapipeTexel, Direct},
}

// mesaMajor is the Mesa release of a Mesa driver: its driver version
// packs it as Vulkan versions are packed.
func mesaMajor(p *vk.Properties) uint32 { return p.DriverVersion >> 22 }

var (
	lavapipeTexel         = Kernel{Family: shaders.FamilyDirect, Element: shaders.F32, WGX: 8, WGY: 1, TM: 12, TN: 16, TK: 4, KChunk: 512, Texel: true}
	lavapipeSubgroup      = subgroupKernels[8]
	lavapipeSubgroupTexel = Kernel{Family: shaders.FamilySubgroup, Element: shaders.F32, WGX: 8, WGY: 1, TM: 24, TN: 8, TK: 4, KChunk: 512, Texel: true}
	lavapipeDirect        = Kernel{Family: shaders.FamilyDirect, Element: shaders.F32, WGX: 8, WGY: 1, TM: 12, TN: 16, TK: 4, KChunk: 512}

	swiftShaderSubgroup = subgroupKernels[4]
)

// Vulkan driver ids (VkDriverId) of the drivers matched by id.
const (
	driverSwiftShader = 10
	driverLavapipe    = 13
	driverHoneykrisp  = 26
)
