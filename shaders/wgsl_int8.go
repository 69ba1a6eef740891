package shaders

import (
	_ "embed"
)

//go:embed gemm_int8.wgsl
var gemmInt8 string

// WGSLInt8 is the browser's int8 GEMM kernel: C = A·B exactly, A and B of
// int8, C of int32 (array<vec4<i32>>), in the shape of the direct family
// (4×4 of C per invocation, no workgroup memory). WGSL has no 8-bit
// storage, so A and B come as u32 words of four int8 each, the first in the
// lowest byte, k-contiguous and zero-padded to a multiple of 16 (a
// vec4<u32> a load): A as m4 rows, B transposed, one row per column of C,
// so that a word of each holds the same 4 k-values. The kernel unpacks each
// word into four i32 with shifts (arithmetic right shifts sign-extend) and
// sums with dot: core WGSL, no optional feature or language extension, so
// it runs on every adapter. The bindings are those of WGSLKernel (A, B, C,
// Params), with Params.k4 counting vec4<u32> (16 k-values) and alpha
// unused.
var WGSLInt8 = WGSLKernel{
	Name: "direct-int8", Source: gemmInt8, For: "every adapter: int8 inputs, int32 accumulate",
	GroupX: 16, GroupY: 16, BlockM: 4, BlockN: 4,
	Constants: map[string]int{"WG_X": 16, "WG_Y": 16},
}
