package kernel

import (
	"fmt"

	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"github.com/vkgemm/vkgemm/shaders"
)

var (
	// Direct is the default for CPU drivers, which emulate barriers and
	// shared memory: the direct family, which uses neither, is much faster
	// there. 8x8 compiles several times faster than larger blocks, so it is
	// the default for unknown CPU drivers; slices of k keep what a core
	// streams in its cache (docs/kernels.md).
	Direct = Kernel{Family: shaders.FamilyDirect, Element: shaders.F32, WGX: 8, WGY: 1, TM: 8, TN: 8, TK: 4, KChunk: 512}
	// blockDefault is the default for GPUs, which want shared-memory tiles:
	// a 128x128 block of C per workgroup of 16x16 invocations (SwiftShader's
	// maximum of 256), 8x8 outputs each, k-tiles of 16 (32 KiB of shared
	// memory, double-buffered): the shape of ggml's and CLBlast's large
	// tiles. Per-vendor built-ins refine it; tune on the device to do better.
	blockDefault = block128x128
	// tiledDefault is the first shared-memory kernel, forced by name only.
	tiledDefault = Kernel{Family: shaders.FamilyTiled, Element: shaders.F32, WGX: 16, WGY: 16, TM: 8, TN: 8, TK: 16}

	// subgroupKernels are the subgroup family's defaults per subgroup width.
	subgroupKernels = map[uint32]Kernel{
		8: {Family: shaders.FamilySubgroup, Element: shaders.F32, WGX: 8, WGY: 1, TM: 24, TN: 8, TK: 4, KChunk: 512},
		4: {Family: shaders.FamilySubgroup, Element: shaders.F32, WGX: 4, WGY: 1, TM: 16, TN: 8, TK: 4, KChunk: 512},
	}
)

// Default is the kernel for a device, or for the family forced on it
// (empty: none); an error says why the device cannot run the forced family.
func Default(p *vk.Properties, forced shaders.Family) (Kernel, error) {
	k := blockDefault
	if p.Type == vk.TypeCPU {
		k = Direct
	}
	switch forced {
	case "":
	case shaders.FamilyDirect:
		k = Direct
	case shaders.FamilySubgroup:
		k = subgroupKernels[8]
		if sk, ok := subgroupKernels[p.SubgroupSize]; ok {
			k = sk
		}
		texel := k
		texel.Texel = true
		if texel.Fits(p) == nil {
			k = texel // texel loads where the device has them
		}
	case shaders.FamilyTiled:
		k = tiledDefault
	case shaders.FamilyBlock:
		k = blockDefault
	default:
		return k, fmt.Errorf("unknown kernel family %q: use %q, %q, %q or %q", forced,
			shaders.FamilyDirect, shaders.FamilySubgroup, shaders.FamilyBlock, shaders.FamilyTiled)
	}
	// Shrink the workgroup to what the device runs.
	for k.Fits(p) != nil && k.WGY > 1 && k.Family != shaders.FamilySubgroup {
		k.WGY /= 2
	}
	if err := k.Fits(p); err != nil {
		return k, fmt.Errorf("%s cannot run the %s kernel family (%v): %w; choose another family or none", p.Name, k.Family, err, vk.ErrUnsupported)
	}
	return k, nil
}

// Half is the kernel for inputs of element type e (F16 or BF16) closest to
// kern, the float32 kernel of the shape: the same direct, subgroup or block
// (GPU) kernel, or the default direct kernel for the tiled family, which has
// no half module. Where kern reads texels and the device has uvec4 texel
// views as large as its storage buffers, it is the direct 12×16 texel
// kernel whose modules read 8 values of k a step (the only half texel
// modules; on lavapipe, BF16 at 1024³, 113-120 ms against 192-204 ms and
// 221-241 ms for the 8×8 and subgroup 24×8 texel modules that fetched a
// texel per 4 values of k, since removed). Slices of k are rounded up to a
// multiple of 8: half-precision blocks are packed in texels of 8 along k.
func Half(kern Kernel, e shaders.Element, p *vk.Properties) Kernel {
	if kern.Family != shaders.FamilyDirect && kern.Family != shaders.FamilySubgroup && kern.Family != shaders.FamilyBlock {
		kern = Direct
	}
	if kern.Texel {
		kern = Kernel{Family: shaders.FamilyDirect, WGX: 8, WGY: 1, TM: 12, TN: 16, TK: 4, KChunk: kern.KChunk, Texel: true}
	}
	kern.Element = e
	kern.KChunk = (kern.KChunk + 7) &^ 7
	if kern.Texel && kern.Fits(p) != nil {
		kern.Texel = false
	}
	return kern
}

var (
	// float64Direct is the float64 kernel on devices without uint texel
	// buffers; its block is fixed by the module.
	float64Direct = Kernel{Family: shaders.FamilyDirect, Element: shaders.F64, WGX: 8, WGY: 1, TM: 8, TN: 8, TK: 4}
	// float64Texel is the float64 kernel of CPU drivers that read texels:
	// the block that measured fastest on lavapipe among those that compile
	// in seconds; slices of k gained nothing that held (docs/perf.md).
	float64Texel = Kernel{Family: shaders.FamilyDirect, Element: shaders.F64, WGX: 8, WGY: 1, TM: 12, TN: 8, TK: 4, Texel: true}
	// float64GPU is the float64 kernel of GPUs: 4×4 doubles per invocation
	// in workgroups of 256. Larger blocks spill on the GPU compilers that
	// have float64 (12×8: 58 registers spilled on NVK for Ampere, 49 on
	// RADV for RDNA3; 8×8: 11 and 2-10), while 4×4 takes 112 registers and
	// 16 warps per SM on NVK, 108 registers and 14 waves per SIMD on RADV
	// (`vkgemm isa`, docs/isa.md).
	float64GPU = Kernel{Family: shaders.FamilyDirect, Element: shaders.F64, WGX: 16, WGY: 16, TM: 4, TN: 4, TK: 4, Texel: true}
)

// Float64 is the kernel of Dgemm on a device with float64 in shaders: on a
// GPU, small blocks that keep to registers; on a CPU driver, texel loads
// where it has uint texel buffers as large as its storage buffers.
func Float64(p *vk.Properties) Kernel {
	if p.Type != vk.TypeCPU && float64GPU.Fits(p) == nil {
		return float64GPU
	}
	if float64Texel.Fits(p) == nil {
		return float64Texel
	}
	return float64Direct
}

// int8Kernel is GemmInt8's kernel: 4×4 int32 sums per invocation in 8×8
// workgroups, whole subgroups on every device.
var int8Kernel = Kernel{Family: shaders.FamilyDirect, Element: shaders.Int8, WGX: 8, WGY: 8, TM: 4, TN: 4, TK: 4}

// Int8 is the kernel of GemmInt8 on a device: int8Kernel, its workgroup
// shrunk to what the device runs.
func Int8(p *vk.Properties) Kernel {
	k := int8Kernel
	for k.Fits(p) != nil && k.WGY > 1 {
		k.WGY /= 2
	}
	return k
}

// Peak is the FMA-throughput shader of element type e (F32 or F64) with
// workgroups of wgx invocations.
func Peak(e shaders.Element, wgx uint32) Kernel {
	return Kernel{Family: shaders.FamilyPeak, Element: e, WGX: wgx, WGY: 1, TM: 1, TN: 1, TK: 1}
}
