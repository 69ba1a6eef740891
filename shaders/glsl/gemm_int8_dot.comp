#version 450
// vkgemm: gemm_int8.comp (int8 GEMM, exact int32 sums) with the four products of a word of A
// and a word of B summed by one packed dot product, OpSDot on 4x8-bit packed vectors
// (VK_KHR_shader_integer_dot_product: dp4a on NVIDIA, v_dot4_i32_i8 on AMD), instead of
// unpacking them by shifts. Hand-written; the engine takes it in gemm_int8's place where the
// device says such dot products are accelerated. Compiled by glslang 16
// (GL_EXT_integer_dot_product; Debian 12's glslang lacks it), through scripts/mesa26.sh.
#extension GL_EXT_integer_dot_product : require
#extension GL_GOOGLE_include_directive : require

// dot4 is the sum of the products of the four int8 values of x and y.
int dot4(uint x, uint y) {
    return dotPacked4x8EXT(int(x), int(y));
}

#include "int8_main.glsl"
