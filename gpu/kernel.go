package gpu

import (
	"fmt"

	"github.com/vkgemm/vkgemm/gpu/internal/spirv"
	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"github.com/vkgemm/vkgemm/shaders"
)

// Kernel family names, as Config.Kernel and VKGEMM_KERNEL take them.
const (
	kernelDirect   = "direct"
	kernelSubgroup = "subgroup" // direct, with the rows of A shared through subgroupBroadcast
	kernelTiled    = "tiled"    // the first shared-memory kernel, kept to compare with
	kernelBlock    = "block"    // the GPU family: double-buffered block tiles
	kernelPeak     = "peak"     // not a GEMM: the FMA-throughput shader
)

// The subgroup family is written for one subgroup per workgroup, 8 wide
// (lavapipe on AVX2) or 4 wide (SwiftShader). Per width, subgroupMaxRows
// is the largest TM its modules unroll and subgroupKernels the default.
var subgroupMaxRows = func() map[uint32]uint32 {
	rows := map[uint32]uint32{}
	for _, v := range shaders.Variants {
		if v.Family == shaders.FamilySubgroup {
			rows[v.Lanes] = max(rows[v.Lanes], v.MaxM)
		}
	}
	return rows
}()

var subgroupKernels = map[uint32]Kernel{
	8: {Family: kernelSubgroup, WGX: 8, WGY: 1, TM: 24, TN: 8, TK: 4, KChunk: 512},
	4: {Family: kernelSubgroup, WGX: 4, WGY: 1, TM: 16, TN: 8, TK: 4, KChunk: 512},
}

// module is the SPIR-V module k runs: the hand-written tiled kernel, or the
// smallest generated variant (shaders.Variants) that unrolls k's block.
func (k Kernel) module() (string, error) {
	switch k.Family {
	case kernelTiled:
		return shaders.Tiled, nil
	case kernelBlock:
		if k.Precision != "" {
			if name := shaders.ModuleForPrecision(k.Precision, k.Family, false, 0, k.TM, k.TN); name != "" && !k.Texel {
				return name, nil
			}
			return "", fmt.Errorf("gpu: no %s %s module for %v", k.Precision, k.Family, k)
		}
		return shaders.Block, nil
	case kernelPeak:
		return shaders.Peak, nil
	case kernelPeak64:
		return shaderPeak64, nil // peak.go
	case kernelDirect64:
		return k.direct64Module(), nil // dgemm.go
	}
	lanes := uint32(0)
	if k.Family == kernelSubgroup {
		lanes = k.WGX
	}
	if k.Precision != "" {
		if name := shaders.ModuleForPrecision(k.Precision, k.Family, k.Texel, lanes, k.TM, k.TN); name != "" {
			return name, nil
		}
		return "", fmt.Errorf("gpu: no %s %s module for %v", k.Precision, k.Family, k)
	}
	if name := shaders.ModuleFor(k.Family, k.Texel, lanes, k.TM, k.TN); name != "" {
		return name, nil
	}
	return "", fmt.Errorf("gpu: no %s module for %v", k.Family, k)
}

// Kernel is one configuration of a kernel family: the workgroup shape, the
// block of C each invocation computes and the k-step. Each becomes a
// pipeline through specialization constants, so trying one costs a
// pipeline build, not a recompile.
type Kernel struct {
	Family string `json:"family"` // "direct", "subgroup", "block" or "tiled"
	WGX    uint32 `json:"wgx"`    // workgroup size along columns of C
	WGY    uint32 `json:"wgy"`    // workgroup size along rows of C
	TM     uint32 `json:"tm"`     // rows of C per invocation
	TN     uint32 `json:"tn"`     // columns of C per invocation
	TK     uint32 `json:"tk"`     // k-step
	// KChunk > 0 cuts the inner dimension into slices of that many, one
	// dispatch each, so a CPU driver's caches hold what it streams.
	KChunk uint32 `json:"kchunk,omitempty"`
	// Texel reads A and B as uniform texel buffers rather than storage
	// buffers (the direct and 8-wide subgroup families): lavapipe compiles a
	// texel fetch into a gather, a storage-buffer load into a loop over the
	// lanes.
	Texel bool `json:"texel,omitempty"`
	// Precision of A and B: "" for float32, else shaders.PrecisionF16 or
	// shaders.PrecisionBF16 (the direct and subgroup families; see
	// halfgemm.go).
	Precision string `json:"precision,omitempty"`
}

// texels is how k reads A and B: vec4 texels of float32, uvec4 texels of
// raw bits for half-precision and float64 inputs, or storage buffers.
func (k Kernel) texels() vk.Texels {
	switch {
	case !k.Texel:
		return vk.NoTexels
	case k.Precision != "" || k.Family == kernelDirect64:
		return vk.UintTexels
	}
	return vk.FloatTexels
}

// block is the tile of C one workgroup computes.
func (k Kernel) block() (rows, cols int) { return int(k.WGY * k.TM), int(k.WGX * k.TN) }

func (k Kernel) String() string {
	s := fmt.Sprintf("%s %dx%d workgroup, %dx%d per invocation, k-step %d", k.Family, k.WGX, k.WGY, k.TM, k.TN, k.TK)
	if k.KChunk > 0 {
		s += fmt.Sprintf(", k in slices of %d", k.KChunk)
	}
	if k.Texel {
		s += ", texel loads"
	}
	if k.Precision != "" {
		s += ", " + k.Precision + " inputs"
	}
	return s
}

// sharedBytes is the workgroup memory a kernel declares: a BM×TK tile of A
// and a TK×BN tile of B, twice in the block family (double-buffered).
func (k Kernel) sharedBytes() int {
	bm, bn := k.block()
	switch k.Family {
	case kernelTiled:
		return 4 * int(k.TK) * (bm + bn)
	case kernelBlock:
		return 2 * 4 * int(k.TK) * (bm + bn)
	}
	return 0
}

// fits says whether the device can run k, and if not, why.
func (k Kernel) fits(p *vk.Properties) error {
	switch {
	case k.Family != kernelDirect && k.Family != kernelSubgroup && k.Family != kernelTiled && k.Family != kernelBlock:
		return fmt.Errorf("unknown kernel family %q", k.Family)
	case k.WGX == 0 || k.WGY == 0 || k.TM == 0 || k.TN == 0 || k.TK == 0:
		return fmt.Errorf("kernel %v has a zero size", k)
	case k.Family == kernelSubgroup && (subgroupMaxRows[k.WGX] == 0 || k.WGY != 1 || k.TM%k.WGX != 0 || k.TM > subgroupMaxRows[k.WGX] || k.TN%4 != 0 || k.TN > 8):
		return fmt.Errorf("kernel %v: the subgroup family takes a 4x1 or 8x1 workgroup, a multiple of it up to 16 or 24 rows and 4 or 8 columns per invocation", k)
	case k.Texel && k.Family != kernelDirect && (k.Family != kernelSubgroup || k.WGX != 8):
		return fmt.Errorf("kernel %v: texel loads exist for the direct family and the 8-wide subgroup family only", k)
	case k.Texel && (!p.Texels(k.texels()) || uint64(p.MaxTexelElements)*16 < uint64(p.MaxStorageBufferRange)):
		return fmt.Errorf("kernel %v: the device has no %v as large as its storage buffers", k, k.texels())
	case k.Family == kernelSubgroup && (p.SubgroupSize != k.WGX || !p.SubgroupBroadcast):
		return fmt.Errorf("kernel %v: the subgroup family needs %d-wide subgroups with subgroupBroadcast in compute shaders; the device has %d-wide subgroups%s",
			k, k.WGX, p.SubgroupSize, map[bool]string{false: " without broadcast", true: ""}[p.SubgroupBroadcast])
	case k.Family == kernelBlock && (k.TM%4 != 0 || k.TN%4 != 0 || k.TM > 8 || k.TN > 8 || k.TK%4 != 0 || k.TK > 32):
		return fmt.Errorf("kernel %v: the block family takes 4 or 8 rows and columns per invocation and a k-step that is a multiple of 4 up to 32", k)
	case k.Family == kernelBlock && (k.TM*k.TK > 4*shaders.BlockMaxLoads*k.WGX || k.TN*k.TK > 4*shaders.BlockMaxLoads*k.WGY):
		return fmt.Errorf("kernel %v: each invocation would load more than %d vec4s of a tile; use a wider workgroup or a smaller k-step", k, shaders.BlockMaxLoads)
	case k.Family != kernelSubgroup && (k.TM%4 != 0 || k.TN%4 != 0 || k.TM > 16 || k.TN > 16):
		// The kernels keep blocks as vec4s in arrays sized for 16.
		return fmt.Errorf("kernel %v: per-invocation blocks are multiples of 4 up to 16x16", k)
	case k.KChunk%4 != 0:
		return fmt.Errorf("kernel %v: k slices are multiples of 4", k)
	case k.Precision != "" && k.KChunk%8 != 0:
		// Half-precision blocks are packed in texels of 8 along k, and
		// the step-8 modules read k to the next multiple of 8.
		return fmt.Errorf("kernel %v: k slices of half-precision kernels are multiples of 8", k)
	case k.Family == kernelTiled && (k.TK%4 != 0 || k.TK > 64):
		return fmt.Errorf("kernel %v: the k-step of the tiled family is a multiple of 4 up to 64", k)
	case k.WGX*k.WGY > p.MaxInvocations:
		return fmt.Errorf("kernel %v: %d invocations, the device runs at most %d per workgroup", k, k.WGX*k.WGY, p.MaxInvocations)
	case k.WGX > p.MaxWorkGroupSize[0] || k.WGY > p.MaxWorkGroupSize[1]:
		return fmt.Errorf("kernel %v: workgroup larger than the device's %dx%d", k, p.MaxWorkGroupSize[0], p.MaxWorkGroupSize[1])
	case k.sharedBytes() > int(p.MaxSharedMemory):
		return fmt.Errorf("kernel %v: %d bytes of shared memory, the device has %d", k, k.sharedBytes(), p.MaxSharedMemory)
	}
	return nil
}

var (
	// CPU drivers emulate barriers and shared memory; the direct family,
	// which uses neither, is much faster there. 8x8 compiles several times
	// faster than larger blocks, so it is the default for unknown CPU
	// drivers; slices of k keep what a core streams in its cache (see
	// docs/kernels.md).
	defaultDirect = Kernel{Family: kernelDirect, WGX: 8, WGY: 1, TM: 8, TN: 8, TK: 4, KChunk: 512}
	// GPUs want shared-memory tiles: a 128x128 block of C per workgroup of
	// 16x16 invocations (SwiftShader's maximum of 256), 8x8 outputs each,
	// k-tiles of 16 (32 KiB of shared memory, double-buffered): the shape of
	// ggml's and CLBlast's large tiles. Per-vendor built-ins (builtin.go)
	// refine it; tune on the device to do better.
	defaultBlock = Kernel{Family: kernelBlock, WGX: 16, WGY: 16, TM: 8, TN: 8, TK: 16}
	// defaultTiled is the first shared-memory kernel, forced by name only.
	defaultTiled = Kernel{Family: kernelTiled, WGX: 16, WGY: 16, TM: 8, TN: 8, TK: 16}
)

// defaultKernel picks the kernel for a device, or the forced family; an
// error says why the device cannot run the forced family.
func defaultKernel(p *vk.Properties, forced string) (Kernel, error) {
	k := defaultBlock
	if deviceType(p.Type) == TypeCPU {
		k = defaultDirect
	}
	switch forced {
	case kernelDirect:
		k = defaultDirect
	case kernelSubgroup:
		k = subgroupKernels[8]
		if sk, ok := subgroupKernels[p.SubgroupSize]; ok {
			k = sk
		}
		texel := k
		texel.Texel = true
		if texel.fits(p) == nil {
			k = texel // texel loads where the device has them
		}
	case kernelTiled:
		k = defaultTiled
	case kernelBlock:
		k = defaultBlock
	}
	// Shrink the workgroup to what the device runs.
	for k.fits(p) != nil && k.WGY > 1 && k.Family != kernelSubgroup {
		k.WGY /= 2
	}
	if err := k.fits(p); err != nil {
		return k, fmt.Errorf("gpu: %s cannot run the %s kernel family (%v): %w; choose another family or none", p.Name, k.Family, err, ErrUnsupported)
	}
	return k, nil
}

// Shape classes: the tuner picks a kernel for each, and a product uses the
// kernel of its class.
const (
	ShapeSmall  = "small"  // under 256³ multiply-adds: dispatch cost dominates
	ShapeSmallK = "smallk" // k ≤ 64: the output is large, the inner loop short
	ShapeTall   = "tall"   // m ≥ 4n
	ShapeWide   = "wide"   // n ≥ 4m
	ShapeSquare = "square" // the rest
)

// ShapeClasses lists the classes in the order the tuner visits them.
var ShapeClasses = []string{ShapeSquare, ShapeSmall, ShapeSmallK, ShapeTall, ShapeWide}

// ShapeClass says which class an m×n×k product belongs to.
func ShapeClass(m, n, k int) string {
	switch {
	case float64(m)*float64(n)*float64(k) < 256*256*256:
		return ShapeSmall
	case k <= 64:
		return ShapeSmallK
	case m >= 4*n:
		return ShapeTall
	case n >= 4*m:
		return ShapeWide
	}
	return ShapeSquare
}

type pipeKey struct {
	Kernel
	transA, transB bool
}

// pipeline returns the pipeline of k for the transposes, creating it on
// first use. The caller holds d.mu.
func (d *Device) pipeline(k Kernel, transA, transB bool) (*vk.Pipeline, error) {
	key := pipeKey{k, transA, transB}
	if p, ok := d.pipes[key]; ok {
		return p, nil
	}
	p, err := d.newPipeline(k, transA, transB)
	if err != nil {
		return nil, err
	}
	d.pipes[key] = p
	d.built.markReady(key)
	return p, nil
}

// newPipeline builds the pipeline of k for the transposes.
func (d *Device) newPipeline(k Kernel, transA, transB bool) (*vk.Pipeline, error) {
	name, err := k.module()
	if err != nil {
		return nil, err
	}
	module, err := shaders.SPIRV(name)
	if err != nil {
		return nil, err
	}
	spec := map[uint32]uint32{
		shaders.SpecWorkgroupX: k.WGX,
		shaders.SpecWorkgroupY: k.WGY,
		shaders.SpecTM:         k.TM,
		shaders.SpecTN:         k.TN,
		shaders.SpecTK:         k.TK,
		shaders.SpecTransA:     b2u(transA),
		shaders.SpecTransB:     b2u(transB),
	}
	if k.freezes() {
		if module, err = spirv.Freeze(module, spec); err != nil {
			return nil, fmt.Errorf("gpu: specializing the %s module: %w", name, err)
		}
		spec = nil
	}
	p, err := d.dev.NewPipeline(module, spec, k.texels())
	if err != nil {
		return nil, fmt.Errorf("gpu: building the %s pipeline: %w", k, err)
	}
	return p, nil
}

// freezes says whether k's constants are frozen into its module (see
// package spirv) rather than passed as specialization info. SwiftShader
// keeps every test on a specialization constant as a run-time branch, so
// frozen kernels run several times faster there; but its compiler takes
// minutes over the direct family's larger blocks frozen, so those stay as
// they were (docs/kernels.md). Mesa's lavapipe and GPU drivers fold
// specialization constants themselves: it makes no difference there.
func (k Kernel) freezes() bool {
	return k.Family != kernelDirect || k.TM*k.TN <= 64
}

func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}
