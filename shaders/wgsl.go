package shaders

import (
	_ "embed"
	"strings"

	"github.com/vkgemm/vkgemm/half"
)

// WGSLKernel is one WGSL GEMM kernel of the browser's WebGPU engine. Every
// kernel computes C = alpha*A*B on packed, zero-padded, row-major matrices
// (rows padded to a multiple of 4, vec4 columns) with the same bindings: A,
// B (0, 1) as arrays of vec4<f32>, or of vec2<u32> for 16-bit inputs
// (Inputs), C (2) as an array of vec4<f32>, the uniform Params (3), and a
// range of rows [row0, row_end) per dispatch. Its shape is set through WGSL
// override constants, so one source serves every shape.
type WGSLKernel struct {
	Name   string // "direct" or "tiled"
	Source string
	// For says which adapters the family is for.
	For string
	// Software: the family the engine picks on software/fallback adapters.
	Software bool
	// GroupX×GroupY invocations per workgroup (<= 256, WebGPU's default
	// maxComputeInvocationsPerWorkgroup), each computing BlockM×BlockN
	// elements of C: a workgroup covers a TileM×TileN block.
	GroupX, GroupY, BlockM, BlockN int
	// Constants are the override constants the engine sets.
	Constants map[string]int
	// WorkgroupBytes is the workgroup memory it declares (<= 16 KiB, the
	// WebGPU default maxComputeWorkgroupStorageSize).
	WorkgroupBytes int
	// Feature is the WebGPU feature the kernel needs ("" for none).
	Feature string
	// ShapeConstants: the override constants N4 and K4 (vec4 columns of C
	// and of A) are set per product, one pipeline per shape.
	ShapeConstants bool
	// Inputs is the format of A and B: 0 for float32, or half.BF16 or
	// half.F16, two values to a u32 word, widened to float32 in the kernel.
	Inputs half.Format
}

// TileM is the rows of C a workgroup computes.
func (k WGSLKernel) TileM() int { return k.GroupY * k.BlockM }

// TileN is the columns of C a workgroup computes.
func (k WGSLKernel) TileN() int { return k.GroupX * k.BlockN }

// gemmParams declares Params and the bindings of C and Params.
//
//go:embed sgemm_common.wgsl
var gemmParams string

// inputsF32 declares A and B as vec4<f32>, and readA/readB.
//
//go:embed sgemm_inputs_f32.wgsl
var inputsF32 string

// sgemmCommon declares Params and every binding of the float32 kernels,
// whose Source starts with it (after any enable directive).
var sgemmCommon = gemmParams + inputsF32

// inputsHalf declares A and B as vec2<u32> (16-bit values, two to a word)
// and readA/readB, which widen them with the format's widen.
//
//go:embed sgemm_inputs_half.wgsl
var inputsHalf string

//go:embed sgemm_widen_bf16.wgsl
var widenBF16 string

//go:embed sgemm_widen_f16.wgsl
var widenF16 string

//go:embed sgemm_direct.wgsl
var sgemmDirect string

// WGSLDirect is the family for software adapters (SwiftShader): no
// workgroup memory and no barriers, each invocation a 4×4 block of C read as
// vec4 straight from the buffers.
var WGSLDirect = WGSLKernel{
	Name: "direct", Source: sgemmCommon + sgemmDirect, For: "software adapters (SwiftShader)", Software: true,
	GroupX: 16, GroupY: 16, BlockM: 4, BlockN: 4,
	Constants: map[string]int{"WG_X": 16, "WG_Y": 16},
}

// WGSLDirectBF16 is the direct family with bfloat16 inputs, widened by
// shifts and masks of their u32 words, float32 accumulate: BF16 on every
// WebGPU adapter.
var WGSLDirectBF16 = directHalf(half.BF16, widenBF16)

// WGSLDirectF16 is the direct family with binary16 inputs, widened by
// unpack2x16float (core WGSL: no shader-f16 feature needed).
var WGSLDirectF16 = directHalf(half.F16, widenF16)

func directHalf(f half.Format, widen string) WGSLKernel {
	k := WGSLDirect
	k.Name = "direct-" + strings.ToLower(f.String())
	k.Source = gemmParams + widen + inputsHalf + sgemmDirect
	k.For = "every adapter: " + f.String() + " inputs"
	k.Software = false
	k.Inputs = f
	return k
}

// WGSLHalf returns the kernel for 16-bit inputs of format f.
func WGSLHalf(f half.Format) (WGSLKernel, bool) {
	for _, k := range WGSLHalfKernels() {
		if k.Inputs == f {
			return k, true
		}
	}
	return WGSLKernel{}, false
}

// WGSLHalfKernels lists the kernels for 16-bit inputs.
func WGSLHalfKernels() []WGSLKernel { return []WGSLKernel{WGSLDirectBF16, WGSLDirectF16} }

//go:embed sgemm_tiled.wgsl
var sgemmTiled string

// WGSLTiled is the family for real GPUs: k-tiles of A and B staged in
// workgroup memory (double-buffered, one barrier per tile), 8×8 elements of
// C per invocation, 128×128 per workgroup of 16×16.
var WGSLTiled = WGSLKernel{
	Name: "tiled", Source: sgemmCommon + sgemmTiled, For: "GPUs",
	GroupX: 16, GroupY: 16, BlockM: 8, BlockN: 8,
	Constants: map[string]int{"WG_X": 16, "WG_Y": 16, "TK": 8},
	// Two stages of a TK×128 tile of A and of B.
	WorkgroupBytes: 2 * 4 * 8 * (128 + 128),
}

// WGSLKernels lists the families, those for software adapters first, in
// the order the engine prefers them where the adapter has their feature.
func WGSLKernels() []WGSLKernel { return []WGSLKernel{WGSLSubgroup, WGSLDirect, WGSLTiled} }
