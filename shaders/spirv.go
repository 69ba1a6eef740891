package shaders

import (
	"embed"
	"fmt"
)

//go:embed spirv/*.spv
var spirvFiles embed.FS

// PeakFlopsPerIteration is what one invocation of a FamilyPeak module
// computes per iteration: eight vec4 (or dvec4) fused multiply-adds.
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
	// The coopmat family's: the cooperative matrices' shape, the subgroups
	// of a workgroup along M and N, and their size.
	SpecMatrixM      = 7
	SpecMatrixN      = 8
	SpecMatrixK      = 9
	SpecSubgroupsM   = 10
	SpecSubgroupsN   = 11
	SpecSubgroupSize = 12
)

// PushConstantsSize is the size in bytes of the push-constant block every
// GEMM kernel declares: M, N, K, lda, ldb, ldc, offA, offB, offC as uint32,
// alpha and beta as float32, then strideA, strideB, strideC as uint32: the
// elements between consecutive products of a batch, which the kernels index
// by gl_WorkGroupID.z.
const PushConstantsSize = 14 * 4

// SPIRV returns the compiled SPIR-V of a module of Variants, by its name.
func SPIRV(name string) ([]byte, error) {
	b, err := spirvFiles.ReadFile("spirv/" + name + ".spv")
	if err != nil {
		return nil, fmt.Errorf("shaders: no SPIR-V module %q", name)
	}
	return b, nil
}
