package kernel

import (
	"fmt"

	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"github.com/vkgemm/vkgemm/shaders"
)

// Kernel is one configuration of a kernel family: the element type of A
// and B, the workgroup shape, the block of C each invocation computes and
// the k-step. Its constants are specialization constants of its module, so
// trying another configuration costs a pipeline build, not a recompile.
type Kernel struct {
	Family  shaders.Family  `json:"family"`
	Element shaders.Element `json:"element"`
	WGX     uint32          `json:"wgx"` // workgroup size along columns of C
	WGY     uint32          `json:"wgy"` // workgroup size along rows of C
	TM      uint32          `json:"tm"`  // rows of C per invocation
	TN      uint32          `json:"tn"`  // columns of C per invocation
	TK      uint32          `json:"tk"`  // k-step
	// KChunk > 0 cuts the inner dimension into slices of that many, one
	// dispatch each, so a CPU driver's caches hold what it streams.
	KChunk uint32 `json:"kchunk,omitempty"`
	// Texel reads A and B as uniform texel buffers rather than storage
	// buffers (the direct and 8-wide subgroup families): lavapipe compiles a
	// texel fetch into a gather, a storage-buffer load into a loop over the
	// lanes.
	Texel bool `json:"texel,omitempty"`
	// Matrix is the cooperative matrices' shape, M, N and K, of the coopmat
	// family, whose workgroup tile is then TM×TN of C, TK of k a step,
	// computed by 2×2 subgroups of WGX/4 invocations each.
	Matrix [3]uint32 `json:"matrix,omitempty"`
}

// Module is the SPIR-V module k runs (a row of shaders.Variants), or an
// error when the table has none.
func (k Kernel) Module() (string, error) {
	lanes := uint32(0)
	if k.Family == shaders.FamilySubgroup {
		lanes = k.WGX
	}
	if name := shaders.ModuleFor(k.Element, k.Family, k.Texel, lanes, k.TM, k.TN); name != "" {
		return name, nil
	}
	return "", fmt.Errorf("no %s %s module for %v", k.Element, k.Family, k)
}

// Texels is how k reads A and B: vec4 texels of float32, uvec4 texels of
// raw bits for half-precision and float64 inputs, or storage buffers.
func (k Kernel) Texels() vk.Texels {
	switch {
	case !k.Texel:
		return vk.NoTexels
	case k.Element != shaders.F32:
		return vk.UintTexels
	}
	return vk.FloatTexels
}

// Block is the tile of C one workgroup computes.
func (k Kernel) Block() (rows, cols int) {
	if k.Family == shaders.FamilyCoopmat {
		return int(k.TM), int(k.TN)
	}
	return int(k.WGY) * int(k.TM), int(k.WGX) * int(k.TN)
}

func (k Kernel) String() string {
	s := fmt.Sprintf("%s %dx%d workgroup, %dx%d per invocation, k-step %d", k.Family, k.WGX, k.WGY, k.TM, k.TN, k.TK)
	if k.KChunk > 0 {
		s += fmt.Sprintf(", k in slices of %d", k.KChunk)
	}
	if k.Texel {
		s += ", texel loads"
	}
	if k.Element != shaders.F32 {
		s += ", " + string(k.Element) + " inputs"
	}
	if k.Family == shaders.FamilyCoopmat {
		s = fmt.Sprintf("coopmat %dx%dx%d matrices, %d invocations, %dx%d tile, k-step %d, %s inputs",
			k.Matrix[0], k.Matrix[1], k.Matrix[2], k.WGX, k.TM, k.TN, k.TK, k.Element)
	}
	return s
}

// SharedBytes is the workgroup memory a kernel declares: a BM×TK tile of A
// and a TK×BN tile of B, twice in the block family (double-buffered).
func (k Kernel) SharedBytes() int64 {
	bm, bn := k.Block()
	tile := 4 * int64(k.TK) * int64(bm+bn)
	switch k.Family {
	case shaders.FamilyTiled:
		return tile
	case shaders.FamilyBlock:
		return 2 * tile
	case shaders.FamilyCoopmat:
		if k.Element == shaders.Int8 {
			// int8 tiles of A by rows and B by columns, padded by 16
			// bytes, and the int32 tile of C, rows padded by 4.
			return int64(bm+bn)*int64(k.TK+16) + 4*int64(bm)*int64(bn+4)
		}
		// The module's float16 tiles of A and B and float32 tile of C,
		// rows padded by 8 halves and 4 floats.
		return 2*int64(bm)*int64(k.TK+8) + 2*int64(k.TK)*int64(bn+8) + 4*int64(bm)*int64(bn+4)
	}
	return 0
}

// mul multiplies two sizes without overflow, so that a message about a
// kernel read from a tuning file quotes the real product.
func mul(a, b uint32) uint64 { return uint64(a) * uint64(b) }

// subgroupMaxRows is, per subgroup width, the largest TM the subgroup
// family's modules unroll: the family is written for one subgroup per
// workgroup, 8 wide (lavapipe on AVX2) or 4 wide (SwiftShader).
var subgroupMaxRows = func() map[uint32]uint32 {
	rows := map[uint32]uint32{}
	for _, v := range shaders.Variants {
		if v.Family == shaders.FamilySubgroup {
			rows[v.Lanes] = max(rows[v.Lanes], v.MaxM)
		}
	}
	return rows
}()

// Fits says whether the device can run k, and if not, why.
func (k Kernel) Fits(p *vk.Properties) error {
	if k.Family == shaders.FamilyCoopmat {
		return k.fitsCoopmat(p)
	}
	switch {
	case !k.Family.GEMM():
		return fmt.Errorf("unknown kernel family %q", k.Family)
	case k.Element != shaders.F32 && k.Element != shaders.F64 && k.Element != shaders.Int8 && !k.Element.Half():
		return fmt.Errorf("unknown element type %q", k.Element)
	case k.Element == shaders.Int8 && (k.KChunk != 0 || k.Texel):
		// Its operands are packed by k into words; it reads no slices.
		return fmt.Errorf("kernel %v: the int8 kernel takes no slices of k and no texel loads", k)
	case k.WGX == 0 || k.WGY == 0 || k.TM == 0 || k.TN == 0 || k.TK == 0:
		return fmt.Errorf("kernel %v has a zero size", k)
	case k.Family == shaders.FamilySubgroup && (subgroupMaxRows[k.WGX] == 0 || k.WGY != 1 || k.TM%k.WGX != 0 || k.TM > subgroupMaxRows[k.WGX] || k.TN%4 != 0 || k.TN > 8):
		return fmt.Errorf("kernel %v: the subgroup family takes a 4x1 or 8x1 workgroup, a multiple of it up to 16 or 24 rows and 4 or 8 columns per invocation", k)
	case k.Texel && k.Family != shaders.FamilyDirect && (k.Family != shaders.FamilySubgroup || k.WGX != 8):
		return fmt.Errorf("kernel %v: texel loads exist for the direct family and the 8-wide subgroup family only", k)
	case k.Texel && (!p.Texels(k.Texels()) || uint64(p.MaxTexelElements)*16 < uint64(p.MaxStorageBufferRange)):
		return fmt.Errorf("kernel %v: the device has no %v as large as its storage buffers", k, k.Texels())
	case k.Family == shaders.FamilySubgroup && (p.SubgroupSize != k.WGX || !p.SubgroupBroadcast):
		return fmt.Errorf("kernel %v: the subgroup family needs %d-wide subgroups with subgroupBroadcast in compute shaders; the device has %d-wide subgroups%s",
			k, k.WGX, p.SubgroupSize, map[bool]string{false: " without broadcast", true: ""}[p.SubgroupBroadcast])
	case k.Family == shaders.FamilyBlock && (k.TM%4 != 0 || k.TN%4 != 0 || k.TM > 8 || k.TN > 8 || k.TK%4 != 0 || k.TK > 32):
		return fmt.Errorf("kernel %v: the block family takes 4 or 8 rows and columns per invocation and a k-step that is a multiple of 4 up to 32", k)
	case k.Family == shaders.FamilyBlock && (mul(k.TM, k.TK) > 4*shaders.BlockMaxLoads*uint64(k.WGX) || mul(k.TN, k.TK) > 4*shaders.BlockMaxLoads*uint64(k.WGY)):
		return fmt.Errorf("kernel %v: each invocation would load more than %d vec4s of a tile; use a wider workgroup or a smaller k-step", k, shaders.BlockMaxLoads)
	case k.Family != shaders.FamilySubgroup && (k.TM%4 != 0 || k.TN%4 != 0 || k.TM > 16 || k.TN > 16):
		// The kernels keep blocks as vec4s in arrays sized for 16.
		return fmt.Errorf("kernel %v: per-invocation blocks are multiples of 4 up to 16x16", k)
	case k.KChunk%4 != 0:
		return fmt.Errorf("kernel %v: k slices are multiples of 4", k)
	case k.Element.Half() && k.KChunk%8 != 0:
		// Half-precision blocks are packed in texels of 8 along k, and
		// the step-8 modules read k to the next multiple of 8.
		return fmt.Errorf("kernel %v: k slices of half-precision kernels are multiples of 8", k)
	case k.Element == shaders.F64 && !k.Texel && k.KChunk != 0:
		// The float64 storage-buffer kernel reads no offsets into A and B.
		return fmt.Errorf("kernel %v: the float64 kernel without texel loads takes no slices of k", k)
	case k.Element == shaders.F64 && !p.ShaderFloat64:
		return fmt.Errorf("kernel %v: the device has no float64 in shaders (shaderFloat64)", k)
	case k.Family == shaders.FamilyTiled && (k.TK%4 != 0 || k.TK > 64):
		return fmt.Errorf("kernel %v: the k-step of the tiled family is a multiple of 4 up to 64", k)
	case mul(k.WGX, k.WGY) > uint64(p.MaxInvocations):
		return fmt.Errorf("kernel %v: %d invocations, the device runs at most %d per workgroup", k, mul(k.WGX, k.WGY), p.MaxInvocations)
	case k.WGX > p.MaxWorkGroupSize[0] || k.WGY > p.MaxWorkGroupSize[1]:
		return fmt.Errorf("kernel %v: workgroup larger than the device's %dx%d", k, p.MaxWorkGroupSize[0], p.MaxWorkGroupSize[1])
	case k.SharedBytes() > int64(p.MaxSharedMemory):
		return fmt.Errorf("kernel %v: %d bytes of shared memory, the device has %d", k, k.SharedBytes(), p.MaxSharedMemory)
	}
	_, err := k.Module()
	return err
}

// Freezes says whether k's constants are frozen into its module (package
// gpu/internal/spirv) rather than passed as specialization info.
// SwiftShader keeps every test on a specialization constant as a run-time
// branch, so frozen kernels run several times faster there; but its
// compiler takes minutes over the direct family's larger blocks frozen, so
// those stay as they were (docs/kernels.md). Mesa's lavapipe and GPU
// drivers fold specialization constants themselves: it makes no difference
// there. The float64 kernels are frozen as every family but the direct
// one is; so are the cooperative-matrix ones, whose matrices' shapes the
// validation layer checks only as constants.
func (k Kernel) Freezes() bool {
	return k.Family != shaders.FamilyDirect || k.Element == shaders.F64 || k.TM*k.TN <= 64
}
