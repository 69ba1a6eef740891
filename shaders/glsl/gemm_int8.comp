#version 450
// vkgemm: int8 GEMM with exact int32 sums, for every device: C = op(A)·op(B), C overwritten
// (or added to on later slices of k). Hand-written; the int8 member of the direct family: no
// shared memory, no barriers, no optional feature (the int8 values are 32-bit words unpacked by
// shifts, so no 8-bit storage or integer-dot-product feature is needed).
//
// The host packs both operands with k contiguous, four int8 values to a uint word, the first in
// the low byte, rows zero-padded to whole words:
//   op(A)(i, p) = byte p%4 of a[offA + i*lda + p/4]       (lda in words)
//   op(B)(p, j) = byte p%4 of b[offB + j*ldb + p/4]       (op(B) stored by columns; ldb in words)
//   C(i, j)     = c[offC + i*ldc + j]                      (int32)
// so one word of A's row and one of B's column give four products: every load is used TN or TM
// times. The padding is zeros, so the last word needs no mask.
//
// Each invocation computes a TM×TN block of C: rows (gl_GlobalInvocationID.y)*TM.., columns
// (gl_GlobalInvocationID.x)*TN... Rows and columns past M and N are clamped for loading (their
// results are discarded) and never stored.
//
// Push constants: the block every kernel declares; alpha is unused, beta is 1 on later slices
// of k (where the sum is added to C) and 0 otherwise; the batch strides are unused.
// Spec constants: workgroup size (0, 1), TM (2) and TN (3) up to 8; TK and the transposes are
// unused (the host has already laid both operands out by k).
//
// The declarations and main are in int8_main.glsl, shared with gemm_int8_dot.comp, which sums
// the four products of a word with one packed dot product where the device has them.
#extension GL_GOOGLE_include_directive : require

// dot4 is the sum of the products of the four int8 values of x and y.
int dot4(uint x, uint y) {
    ivec4 s = ivec4(int(x) << 24, int(x) << 16, int(x) << 8, int(x)) >> 24;
    ivec4 t = ivec4(int(y) << 24, int(y) << 16, int(y) << 8, int(y)) >> 24;
    return s.x * t.x + s.y * t.y + s.z * t.z + s.w * t.w;
}

#include "int8_main.glsl"
