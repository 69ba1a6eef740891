package shaders

// Variant is one row of the table every kernel module comes from: the
// generator (gen.go) writes its GLSL, the freshness tests recompile it, and
// the gpu package picks the module for a kernel from it.
type Variant struct {
	Name   string // module name: glsl/Name.comp, spirv/Name.spv
	Family string // FamilyDirect, FamilySubgroup or FamilyBlock
	Texel  bool   // A and B read as uniform texel buffers (bindings 3 and 4)
	Lanes  uint32 // subgroup width the module is written for (subgroup family), else 0
	MaxM   uint32 // largest TM (rows per invocation) the module unrolls
	MaxN   uint32 // largest TN (columns per invocation) the module unrolls
	// Precision is the element type of A and B: PrecisionF32, or
	// PrecisionF16 or PrecisionBF16 read as 32-bit words (four halves to a
	// uvec2, or eight to a uvec4 texel in the KStep 8 modules) and widened
	// to float32 as they load (no 16-bit storage feature needed). C is
	// float32 in every module.
	Precision string
	// Exact: the module runs only a MaxM×MaxN block, TM and TN being
	// constants rather than specialization constants, so glslc drops the
	// unused parts of the unrolled block. lavapipe spends most of a pipeline
	// creation translating the module, with Mesa's shader cache warm or not:
	// the exact module of its default kernel is built in about a third of
	// the time (docs/perf.md).
	Exact bool
	// KStep is the values of k a step of the kernel consumes: 8 for the
	// half-precision texel modules that use every texel of eight halves
	// whole (half8.comp.tmpl; exact blocks only), which need k padded with
	// zeros to a multiple of 8; 0 means 4.
	KStep uint32
}

// Element types of A and B.
const (
	PrecisionF32  = "f32"
	PrecisionF16  = "f16"  // IEEE 754 binary16
	PrecisionBF16 = "bf16" // bfloat16: the high half of a float32
)

// Kernel families of the generated modules.
const (
	FamilyDirect   = "direct"   // no shared memory: each invocation reads its own A and B
	FamilySubgroup = "subgroup" // direct, A shared within a subgroup by subgroupBroadcast
	FamilyBlock    = "block"    // shared-memory block tiles for GPUs
)

// Variants is the table of generated modules. Hand-written ones (gemm_tiled,
// peak) are not in it.
var Variants = []Variant{
	{Name: Direct, Family: FamilyDirect, MaxM: 16, MaxN: 16, Precision: "f32"},
	// Direct8: the same kernel unrolled up to 8×8 only; a third of the size,
	// so drivers compile it several times faster.
	{Name: Direct8, Family: FamilyDirect, MaxM: 8, MaxN: 8, Precision: "f32"},
	{Name: DirectTexel, Family: FamilyDirect, Texel: true, MaxM: 16, MaxN: 16, Precision: "f32"},
	// lavapipe's default kernel (gpu/tuning.go), built exactly.
	{Name: DirectTexel12x16, Family: FamilyDirect, Texel: true, MaxM: 12, MaxN: 16, Precision: "f32", Exact: true},
	{Name: Subgroup, Family: FamilySubgroup, Lanes: 8, MaxM: 24, MaxN: 8, Precision: "f32"},
	{Name: Subgroup4, Family: FamilySubgroup, Lanes: 4, MaxM: 16, MaxN: 8, Precision: "f32"},
	{Name: SubgroupTexel, Family: FamilySubgroup, Texel: true, Lanes: 8, MaxM: 24, MaxN: 8, Precision: "f32"},
	{Name: Block, Family: FamilyBlock, MaxM: 8, MaxN: 8, Precision: "f32"},
	// Half-precision inputs, float32 accumulation: the same direct and
	// subgroup kernels with A and B widened as they are loaded.
	{Name: DirectF16, Family: FamilyDirect, MaxM: 16, MaxN: 16, Precision: PrecisionF16},
	{Name: DirectBF16, Family: FamilyDirect, MaxM: 16, MaxN: 16, Precision: PrecisionBF16},
	{Name: SubgroupF16, Family: FamilySubgroup, Lanes: 8, MaxM: 24, MaxN: 8, Precision: PrecisionF16},
	{Name: SubgroupBF16, Family: FamilySubgroup, Lanes: 8, MaxM: 24, MaxN: 8, Precision: PrecisionBF16},
	{Name: Subgroup4F16, Family: FamilySubgroup, Lanes: 4, MaxM: 16, MaxN: 8, Precision: PrecisionF16},
	{Name: Subgroup4BF16, Family: FamilySubgroup, Lanes: 4, MaxM: 16, MaxN: 8, Precision: PrecisionBF16},
	// The GPU family with half-precision inputs, widened as the tiles are
	// loaded; shared memory and the FMAs stay float32.
	{Name: BlockF16, Family: FamilyBlock, MaxM: 8, MaxN: 8, Precision: PrecisionF16},
	{Name: BlockBF16, Family: FamilyBlock, MaxM: 8, MaxN: 8, Precision: PrecisionBF16},
	// Half precision read as uvec4 texels of raw bits, eight halves each
	// (lavapipe's fast loads, see DirectTexel): 12×16 blocks, 8 values of k
	// a step, so each texel is fetched once and used whole. Texel modules
	// of 4 values a step kept the last texel fetched, but lavapipe runs
	// the fetch under an if whether or not it hits; they were 1.7-2× slower
	// and are gone (docs/perf.md).
	{Name: DirectTexelF16x8, Family: FamilyDirect, Texel: true, MaxM: 12, MaxN: 16, Precision: PrecisionF16, Exact: true, KStep: 8},
	{Name: DirectTexelBF16x8, Family: FamilyDirect, Texel: true, MaxM: 12, MaxN: 16, Precision: PrecisionBF16, Exact: true, KStep: 8},
}

// BlockMaxLoads is the most vec4s of a tile of A, and of B, that one
// invocation of the block family loads per k-tile: TM*TK/(4*WGX) and
// TN*TK/(4*WGY) at most.
const BlockMaxLoads = 8

// ModuleFor is the smallest generated float32 module of a family that runs a
// TM×TN block with the given texel loads and subgroup width (0 outside the
// subgroup family), or "" when none does. An exact module (Variant.Exact)
// runs only its own block, and is the smallest where it does.
func ModuleFor(family string, texel bool, lanes, tm, tn uint32) string {
	return ModuleForPrecision(PrecisionF32, family, texel, lanes, tm, tn)
}

// ModuleForPrecision is ModuleFor for A and B of the given precision.
func ModuleForPrecision(precision, family string, texel bool, lanes, tm, tn uint32) string {
	best, size := "", uint32(0)
	for _, v := range Variants {
		if v.Precision != precision || v.Family != family || v.Texel != texel || v.Lanes != lanes || tm > v.MaxM || tn > v.MaxN {
			continue
		}
		if v.Exact && (tm != v.MaxM || tn != v.MaxN) {
			continue
		}
		if best == "" || v.MaxM*v.MaxN < size {
			best, size = v.Name, v.MaxM*v.MaxN
		}
	}
	return best
}
