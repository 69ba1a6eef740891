package shaders

import _ "embed"

// SgemmWGSL is the WGSL kernel of the browser's WebGPU engine: C = alpha*A*B
// on packed, zero-padded, row-major matrices, 4×4 elements of C per
// invocation, workgroup shape in the override constants WG_X and WG_Y.
//
//go:embed sgemm.wgsl
var SgemmWGSL string

// WGSL override constants of SgemmWGSL and their defaults: 256 invocations,
// the most WebGPU guarantees, covering a 64×64 block of C.
const (
	WGSLWorkgroupX = 16
	WGSLWorkgroupY = 16
	// WGSLBlock is the block of C one invocation computes, per side.
	WGSLBlock = 4
)
