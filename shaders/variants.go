package shaders

// Element is the type of the values a kernel reads from A and B: the one
// spelling of an element type that the engine, the tuner and the generator
// share. C is float32 in every kernel but the float64 ones, where it is F64,
// and the int8 one, where it is int32.
type Element string

// Element types of A and B.
const (
	F32  Element = "f32"
	F64  Element = "f64"
	F16  Element = "f16"  // IEEE 754 binary16, read as 32-bit words and widened to float32
	BF16 Element = "bf16" // bfloat16, the high half of a float32; read and widened as F16
	// Int8 is signed 8-bit integers, four to a 32-bit word, multiplied and
	// summed exactly in int32; C is int32.
	Int8 Element = "int8"
)

// Half says whether e is a 16-bit format.
func (e Element) Half() bool { return e == F16 || e == BF16 }

// Family is a kernel family: how a kernel spreads C over workgroups and
// where it keeps its tiles. Config.Kernel and VKGEMM_KERNEL name one.
type Family string

// Kernel families.
const (
	FamilyDirect   Family = "direct"   // no shared memory, no barriers: each invocation reads its own A and B
	FamilySubgroup Family = "subgroup" // direct, A shared within a 4- or 8-wide subgroup by subgroupBroadcast
	FamilyBlock    Family = "block"    // shared-memory block tiles, double-buffered: the family for GPUs
	FamilyTiled    Family = "tiled"    // the first shared-memory kernel, kept to compare with
	// FamilyCoopmat multiplies on the device's matrix units (tensor cores)
	// through VK_KHR_cooperative_matrix, tiles staged in shared memory.
	FamilyCoopmat Family = "coopmat"
	FamilyPeak    Family = "peak" // not a GEMM: dependent FMAs that measure a device's throughput
)

// GEMM says whether the family multiplies matrices (every family but FamilyPeak).
func (f Family) GEMM() bool {
	switch f {
	case FamilyDirect, FamilySubgroup, FamilyBlock, FamilyTiled, FamilyCoopmat:
		return true
	}
	return false
}

// Variant is one row of the table every kernel module comes from: the
// generator writes its GLSL (unless it is HandWritten), the freshness tests
// recompile it, and the engine picks the module of a kernel from it.
type Variant struct {
	Name   string // module name: glsl/Name.comp, spirv/Name.spv
	Family Family
	Texel  bool   // A and B read as uniform texel buffers (bindings 3 and 4)
	Lanes  uint32 // subgroup width the module is written for (subgroup family), else 0
	MaxM   uint32 // largest TM (rows per invocation) the module unrolls
	MaxN   uint32 // largest TN (columns per invocation) the module unrolls
	// Element is the type of A and B. F16 and BF16 are read as 32-bit
	// words (four halves to a uvec2, or eight to a uvec4 texel in the KStep
	// 8 modules) and widened to float32 as they load, so no 16-bit storage
	// feature is needed; C is float32 in every module but the F64 ones.
	Element Element
	// Exact: the module runs only a MaxM×MaxN block, TM and TN being
	// constants rather than specialization constants, so glslc drops the
	// unused parts of the unrolled block. lavapipe spends most of a pipeline
	// creation translating the module, with Mesa's shader cache warm or not:
	// the exact module of its default kernel is built in about a third of
	// the time.
	Exact bool
	// KStep is the values of k a step of the kernel consumes: 8 for the
	// half-precision texel modules that use every texel of eight halves
	// whole (exact blocks only), which need k padded with
	// zeros to a multiple of 8; 0 means 4.
	KStep uint32
	// HandWritten modules are written in glsl/ by hand; the generator
	// writes the others from the templates.
	HandWritten bool
	// Coopmat modules use cooperative matrices: they are compiled for
	// Vulkan 1.1 with SPIR-V 1.3 by glslc 2026.4 (glslang 16, through
	// scripts/mesa26.sh glslc), and never optimized (spirv-opt miscompiled such
	// modules in some versions).
	Coopmat bool
	// IntegerDot modules use packed integer dot products
	// (VK_KHR_shader_integer_dot_product), a device feature: ModuleFor
	// never names them; IntegerDotTwin names one in place of its twin.
	IntegerDot bool
}

// Variants is the table of kernel modules: every SPIR-V module the engine
// runs is one row, found by ModuleFor from a kernel's element type, family,
// loads and block.
var Variants = []Variant{
	// The direct family (CPU drivers): blocks up to 16×16 unrolled by the
	// generator, as lavapipe keeps arrays indexed by loop counters in memory.
	{Name: "gemm_direct", Family: FamilyDirect, Element: F32, MaxM: 16, MaxN: 16},
	// The same kernel unrolled up to 8×8 only: a third of the size, so
	// drivers compile it several times faster.
	{Name: "gemm_direct_8", Family: FamilyDirect, Element: F32, MaxM: 8, MaxN: 8},
	// A and B read as uniform texel buffers (bindings 3 and 4, views of the
	// ranges of bindings 0 and 1): lavapipe compiles a texel fetch into a
	// gather, a storage-buffer load into a loop over the SIMD lanes.
	{Name: "gemm_direct_texel", Family: FamilyDirect, Element: F32, Texel: true, MaxM: 16, MaxN: 16},
	// lavapipe's default kernel, built exactly.
	{Name: "gemm_direct_texel_12x16", Family: FamilyDirect, Element: F32, Texel: true, MaxM: 12, MaxN: 16, Exact: true},
	// The subgroup family: 8-wide (lavapipe on AVX2) and 4-wide (SwiftShader).
	{Name: "gemm_subgroup", Family: FamilySubgroup, Element: F32, Lanes: 8, MaxM: 24, MaxN: 8},
	{Name: "gemm_subgroup_4", Family: FamilySubgroup, Element: F32, Lanes: 4, MaxM: 16, MaxN: 8},
	{Name: "gemm_subgroup_texel", Family: FamilySubgroup, Element: F32, Texel: true, Lanes: 8, MaxM: 24, MaxN: 8},
	// The GPU family: block tiles of C per workgroup, double-buffered shared
	// memory, the next tile's loads in flight during the FMAs.
	{Name: "gemm_block", Family: FamilyBlock, Element: F32, MaxM: 8, MaxN: 8},
	// The first shared-memory kernel, kept to compare with the block family.
	{Name: "gemm_tiled", Family: FamilyTiled, Element: F32, MaxM: 16, MaxN: 16, HandWritten: true},
	// Half-precision inputs, float32 accumulation: the direct, subgroup and
	// block kernels with A and B widened as they are loaded.
	{Name: "gemm_direct_f16", Family: FamilyDirect, Element: F16, MaxM: 16, MaxN: 16},
	{Name: "gemm_direct_bf16", Family: FamilyDirect, Element: BF16, MaxM: 16, MaxN: 16},
	{Name: "gemm_subgroup_f16", Family: FamilySubgroup, Element: F16, Lanes: 8, MaxM: 24, MaxN: 8},
	{Name: "gemm_subgroup_bf16", Family: FamilySubgroup, Element: BF16, Lanes: 8, MaxM: 24, MaxN: 8},
	{Name: "gemm_subgroup_4_f16", Family: FamilySubgroup, Element: F16, Lanes: 4, MaxM: 16, MaxN: 8},
	{Name: "gemm_subgroup_4_bf16", Family: FamilySubgroup, Element: BF16, Lanes: 4, MaxM: 16, MaxN: 8},
	{Name: "gemm_block_f16", Family: FamilyBlock, Element: F16, MaxM: 8, MaxN: 8},
	{Name: "gemm_block_bf16", Family: FamilyBlock, Element: BF16, MaxM: 8, MaxN: 8},
	// Half precision read as uvec4 texels of raw bits, eight halves each:
	// 12×16 blocks, 8 values of k a step, so each texel is fetched once and
	// used whole. Texel modules of 4 values a step kept the last texel
	// fetched, but lavapipe runs the fetch under an if whether or not it
	// hits; they were 1.7-2× slower and are gone.
	{Name: "gemm_direct_texel_f16_12x16", Family: FamilyDirect, Element: F16, Texel: true, MaxM: 12, MaxN: 16, Exact: true, KStep: 8},
	{Name: "gemm_direct_texel_bf16_12x16", Family: FamilyDirect, Element: BF16, Texel: true, MaxM: 12, MaxN: 16, Exact: true, KStep: 8},
	// Float64 (Dgemm, on devices with shaderFloat64): an 8×8 block through
	// storage buffers, or up to 16×16 through uvec4 texels of raw bits (two
	// doubles a texel).
	{Name: "gemm_direct_f64", Family: FamilyDirect, Element: F64, MaxM: 8, MaxN: 8, Exact: true, HandWritten: true},
	{Name: "gemm_direct_texel_f64", Family: FamilyDirect, Element: F64, Texel: true, MaxM: 16, MaxN: 16, HandWritten: true},
	// F16, BF16 and int8 inputs on cooperative matrices (tensor cores),
	// float32 (int32) accumulation: MaxM×MaxN is the largest workgroup
	// tile. Compiled by glslang 16 (GL_KHR_cooperative_matrix,
	// GL_EXT_bfloat16), which Debian 12's lacks.
	{Name: "gemm_coopmat_f16", Family: FamilyCoopmat, Element: F16, MaxM: 128, MaxN: 128, HandWritten: true, Coopmat: true},
	{Name: "gemm_coopmat_bf16", Family: FamilyCoopmat, Element: BF16, MaxM: 128, MaxN: 128, HandWritten: true, Coopmat: true},
	{Name: "gemm_coopmat_int8", Family: FamilyCoopmat, Element: Int8, MaxM: 128, MaxN: 128, HandWritten: true, Coopmat: true},
	// Int8 inputs, exact int32 sums (GemmInt8): both operands packed with k
	// contiguous, four values to a word, unpacked by shifts, so it needs no
	// optional feature.
	{Name: "gemm_int8", Family: FamilyDirect, Element: Int8, MaxM: 8, MaxN: 8, HandWritten: true},
	// gemm_int8 summing each word's four products with one packed dot
	// product (VK_KHR_shader_integer_dot_product), which the engine takes
	// in its place where the device accelerates those (IntegerDotTwin).
	{Name: "gemm_int8_dot", Family: FamilyDirect, Element: Int8, MaxM: 8, MaxN: 8, HandWritten: true, IntegerDot: true},
	// The FMA-throughput shaders: eight chains of dependent vec4 (dvec4)
	// fused multiply-adds per invocation, PeakFlopsPerIteration a step.
	{Name: "peak", Family: FamilyPeak, Element: F32, MaxM: 1, MaxN: 1, HandWritten: true},
	{Name: "peak_f64", Family: FamilyPeak, Element: F64, MaxM: 1, MaxN: 1, HandWritten: true},
}

// BlockMaxLoads is the most vec4s of a tile of A, and of B, that one
// invocation of the block family loads per k-tile: TM*TK/(4*WGX) and
// TN*TK/(4*WGY) at most.
const BlockMaxLoads = 8

// ModuleFor is the smallest module of the table that runs a TM×TN block of
// a family with A and B of element type e, the given loads and subgroup
// width (0 outside the subgroup family), or "" when none does. An exact
// module (Variant.Exact) runs only its own block, and is the smallest where
// it does.
func ModuleFor(e Element, family Family, texel bool, lanes, tm, tn uint32) string {
	best, size := "", uint32(0)
	for _, v := range Variants {
		if v.Element != e || v.Family != family || v.Texel != texel || v.Lanes != lanes || tm > v.MaxM || tn > v.MaxN || v.IntegerDot {
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

// IntegerDotTwin names the module that computes what module does with
// packed integer dot products (VK_KHR_shader_integer_dot_product), "" where
// there is none.
func IntegerDotTwin(module string) string {
	for _, v := range Variants {
		if v.IntegerDot && v.Name == module+"_dot" {
			return v.Name
		}
	}
	return ""
}
