package shaders

import (
	"embed"
	"fmt"
)

//go:embed spirv/*.spv
var spirvFiles embed.FS

// The GEMM kernel families, by the name of their source in glsl/.
const (
	// Direct reads A and B straight from the buffers, without shared memory or
	// barriers: the fast family on CPU drivers (lavapipe, SwiftShader), where
	// barriers are emulated.
	Direct = "gemm_direct"
	// Direct8 is Direct unrolled for blocks up to 8x8 only: a third of the
	// size, so drivers compile it several times faster.
	Direct8 = "gemm_direct_8"
	// Subgroup is Direct for CPU drivers with 8-wide subgroups: the 8
	// invocations of a workgroup work on the same rows and share the loads
	// of A through subgroupBroadcast.
	Subgroup = "gemm_subgroup"
	// Subgroup4 is Subgroup for 4-wide subgroups (SwiftShader).
	Subgroup4 = "gemm_subgroup_4"
	// SubgroupTexel is Subgroup reading A and B as uniform texel buffers
	// (bindings 3 and 4: the same ranges as bindings 0 and 1, as vec4s).
	SubgroupTexel = "gemm_subgroup_texel"
	// DirectTexel is Direct reading A and B as uniform texel buffers.
	DirectTexel = "gemm_direct_texel"
	// DirectTexel12x16 is DirectTexel built for 12×16 blocks only.
	DirectTexel12x16 = "gemm_direct_texel_12x16"
	// DirectF16, DirectBF16, SubgroupF16, SubgroupBF16, Subgroup4F16 and
	// Subgroup4BF16 are Direct, Subgroup and Subgroup4 with A and B in half
	// precision, widened to float32 as they are loaded.
	DirectF16     = "gemm_direct_f16"
	DirectBF16    = "gemm_direct_bf16"
	SubgroupF16   = "gemm_subgroup_f16"
	SubgroupBF16  = "gemm_subgroup_bf16"
	Subgroup4F16  = "gemm_subgroup_4_f16"
	Subgroup4BF16 = "gemm_subgroup_4_bf16"
	// DirectTexelF16x8 and DirectTexelBF16x8 are DirectTexel12x16 with A and
	// B in half precision, read as uvec4 texels of eight halves, eight
	// values of k a step (half8.comp.tmpl).
	DirectTexelF16x8  = "gemm_direct_texel_f16_12x16"
	DirectTexelBF16x8 = "gemm_direct_texel_bf16_12x16"
	// Block is the GPU family: block tiles of C per workgroup, double-buffered
	// shared memory, the next tile's loads in flight during the FMAs,
	// registers unrolled by the generator.
	Block = "gemm_block"
	// BlockF16 and BlockBF16 are Block with A and B in half precision,
	// widened to float32 as the tiles are loaded.
	BlockF16  = "gemm_block_f16"
	BlockBF16 = "gemm_block_bf16"
	// Tiled stages tiles of A and B in workgroup shared memory: the family for
	// real GPUs.
	Tiled = "gemm_tiled"
	// Peak is not a GEMM: it measures a device's FMA throughput with
	// dependent fused multiply-adds, 64 flops per invocation and iteration.
	Peak = "peak"
)

// PeakFlopsPerIteration is what one invocation of Peak computes per
// iteration: eight vec4 fused multiply-adds.
const PeakFlopsPerIteration = 8 * 4 * 2

// Specialization constant ids shared by every GEMM kernel.
const (
	SpecWorkgroupX = 0 // local_size_x
	SpecWorkgroupY = 1 // local_size_y
	SpecTM         = 2 // rows of C per invocation
	SpecTN         = 3 // columns of C per invocation
	SpecTK         = 4 // k-step
	SpecTransA     = 5 // op(A) = A^T
	SpecTransB     = 6 // op(B) = B^T
)

// PushConstantsSize is the size in bytes of the push-constant block every
// GEMM kernel declares: M, N, K, lda, ldb, ldc, offA, offB, offC as uint32,
// alpha and beta as float32, then strideA, strideB, strideC as uint32: the
// elements between consecutive products of a batch, which the kernels index
// by gl_WorkGroupID.z.
const PushConstantsSize = 14 * 4

// SPIRV returns the compiled SPIR-V of a kernel family.
func SPIRV(name string) ([]byte, error) {
	b, err := spirvFiles.ReadFile("spirv/" + name + ".spv")
	if err != nil {
		return nil, fmt.Errorf("shaders: no SPIR-V for kernel %q", name)
	}
	return b, nil
}
