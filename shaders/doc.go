// Package shaders holds vkgemm's GPU kernels: GLSL compute sources under
// glsl/, compiled to the SPIR-V under spirv/ that is committed and embedded,
// and the WGSL kernels the browser's WebGPU engine runs. One tiling family:
// tile sizes and per-thread blocks are specialization constants (GLSL) or
// override constants (WGSL), not separate sources.
//
// Regenerate the SPIR-V with `./build.sh shaders` (go generate, which runs
// glslc) after editing a GLSL source; a test fails when the committed SPIR-V
// differs from what the sources compile to.
package shaders
