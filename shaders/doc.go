// Package shaders holds vkgemm's GPU kernels and their vocabulary: the
// element types (Element: F32, F64, F16, BF16) and kernel families (Family)
// that the engine, the tuner and the generator all use; GLSL compute sources
// under glsl/, compiled to the SPIR-V under spirv/ that is committed and
// embedded; and the WGSL kernels the browser's WebGPU engine runs.
//
// Every SPIR-V module is one row of the table Variants, and ModuleFor finds
// the module of a kernel from its element type, family, loads and block.
// Block sizes are specialization constants (GLSL) or override constants
// (WGSL), so one module serves many configurations; a family has several
// modules only where the source itself must differ (element type, texel
// loads, subgroup width, how large a block is unrolled). Most modules are
// generated from templates by the package's generator (go generate); the
// rows marked HandWritten (the tiled and float64 kernels, the peak shaders)
// are written by hand.
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
//   - gemm_block: the GPU family; block tiles of C per workgroup in
//     double-buffered shared memory, the next tile's loads in flight during
//     the FMAs, the register block unrolled by the generator.
//   - gemm_tiled: k-tiles of A and B staged in shared memory, the next tile
//     fetched into registers while the current one is multiplied; the block
//     family's simpler predecessor, kept to compare with.
//   - the _f16 and _bf16 modules: the same kernels with A and B in half
//     precision, read as 32-bit words and widened to float32 as they load;
//     the _f64 modules: the direct kernel in float64 (Dgemm).
//   - peak and peak_f64: not GEMMs; dependent FMAs that measure a device's
//     throughput.
//
// The WGSL families of the browser (WGSLKernels, all on packed matrices with
// the same bindings and Params): subgroup (generated; the WGSL
// gemm_subgroup_4, shape as override constants) and direct for software
// adapters, tiled (double-buffered k-tiles in 16 KiB of workgroup memory,
// 8×8 per invocation) for GPUs. WGSLDirectBF16 and WGSLDirectF16 are the
// direct kernel with 16-bit inputs (WGSLHalf): A and B as u32 words, two
// values to a word, widened to float32 in the kernel, so they need no
// optional WebGPU feature. WGSLInt8 is the direct kernel's shape for int8
// A and B (four to a u32 word, B transposed so both run along k, unpacked
// with shifts) and exact int32 C: core WGSL, for every adapter.
//
// Host guarantees every kernel relies on: leading dimensions and offsets
// are multiples of 4 elements, and each buffer holds whole padded rows.
//
// Regenerate with `./build.sh shaders` (go generate: the generator, then
// glslc and spirv-val) after editing the table, a template or a source;
// tests fail when the committed GLSL or SPIR-V differs from what they
// produce.
package shaders
