// Package shaders holds vkgemm's GPU kernels: GLSL compute sources under
// glsl/, compiled to the SPIR-V under spirv/ that is committed and embedded,
// and the WGSL kernels the browser's WebGPU engine runs. Block sizes are
// specialization constants (GLSL) or override constants (WGSL), so one
// module serves many configurations; a family has several modules only where
// the source itself must differ (texel loads, subgroup width, how large a
// block is unrolled). Those modules are generated: one row each in the table
// Variants (variants.go), written by gen.go from the templates *.comp.tmpl.
//
// The families, each with the same bindings (A, B, C storage buffers; the
// texel variants add A and B as texel buffers) and push constants (M, N, K,
// leading dimensions, offsets, alpha, beta):
//
//   - gemm_direct: no shared memory, no barriers; each invocation computes a
//     TM×TN block (multiples of 4 up to 16) in registers from vec4 loads. The
//     fast family on CPU drivers, where every buffer load costs a loop over
//     the SIMD lanes, so more FMAs per load win. The block loops are unrolled
//     by the generator (lavapipe keeps arrays indexed by loop counters in
//     memory); gemm_direct_8 unrolls only up to 8×8, a third of the size, for
//     faster compiles.
//   - gemm_subgroup: gemm_direct for 8-wide subgroups (lavapipe on AVX2).
//     The 8 invocations of a workgroup compute the same TM rows (8, 16 or
//     24), so each loads only TM/8 of the A values a step needs and
//     subgroupBroadcast (a register shuffle there) hands them to the others:
//     per step, TM/8 + TN loads per lane instead of TM + TN.
//     gemm_subgroup_4 is the same for 4-wide subgroups (SwiftShader), up to
//     16 rows. The lanes are unrolled in the text because subgroupBroadcast
//     needs a constant lane under Vulkan 1.1.
//   - gemm_direct_texel and gemm_subgroup_texel: gemm_direct (up to 16×16)
//     and gemm_subgroup (8 wide) reading A and B through uniform texel
//     buffers of vec4 (bindings 3 and 4, views of the same ranges as 0 and
//     1). lavapipe compiles a texel fetch into a gather without branches,
//     where a storage-buffer load is a loop over the lanes with a bounds
//     check per element.
//   - gemm_tiled: k-tiles of A and B staged in shared memory, the next tile
//     fetched into registers while the current one is multiplied; for GPUs.
//   - peak: not a GEMM; dependent FMAs to measure a device's throughput.
//
// Host guarantees every kernel relies on: leading dimensions and offsets
// are multiples of 4 elements, and each buffer holds whole padded rows.
//
// Regenerate with `./build.sh shaders` (go generate: gen.go, then glslc and
// spirv-val) after editing the table, a template or a source; tests fail
// when the committed GLSL or SPIR-V differs from what they produce.
package shaders
