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
layout(local_size_x = 8, local_size_y = 8, local_size_z = 1, local_size_x_id = 0, local_size_y_id = 1) in;
layout(constant_id = 2) const uint TM = 4;
layout(constant_id = 3) const uint TN = 4;
layout(constant_id = 4) const uint TK = 4;
layout(constant_id = 5) const bool TRANS_A = false;
layout(constant_id = 6) const bool TRANS_B = false;

layout(set = 0, binding = 0) readonly buffer BufA { uint a[]; };
layout(set = 0, binding = 1) readonly buffer BufB { uint b[]; };
layout(set = 0, binding = 2) buffer BufC { int c[]; };

layout(push_constant) uniform Push {
    uint M, N, K;
    uint lda, ldb, ldc;
    uint offA, offB, offC;
    float alpha, beta;
    uint strideA, strideB, strideC;
} pc;

// dot4 is the sum of the products of the four int8 values of x and y.
int dot4(uint x, uint y) {
    ivec4 s = ivec4(int(x) << 24, int(x) << 16, int(x) << 8, int(x)) >> 24;
    ivec4 t = ivec4(int(y) << 24, int(y) << 16, int(y) << 8, int(y)) >> 24;
    return s.x * t.x + s.y * t.y + s.z * t.z + s.w * t.w;
}

void main() {
    uint i0 = gl_GlobalInvocationID.y * TM;
    uint j0 = gl_GlobalInvocationID.x * TN;
    if (i0 >= pc.M || j0 >= pc.N) {
        return;
    }
    uint rowA[8];
    uint colB[8];
    for (uint r = 0u; r < TM; r++) {
        rowA[r] = pc.offA + min(i0 + r, pc.M - 1u) * pc.lda;
    }
    for (uint s = 0u; s < TN; s++) {
        colB[s] = pc.offB + min(j0 + s, pc.N - 1u) * pc.ldb;
    }
    int acc[8][8];
    for (uint r = 0u; r < TM; r++) {
        for (uint s = 0u; s < TN; s++) {
            acc[r][s] = 0;
        }
    }
    uint words = (pc.K + 3u) >> 2;
    for (uint w = 0u; w < words; w++) {
        uint av[8];
        uint bv[8];
        for (uint r = 0u; r < TM; r++) {
            av[r] = a[rowA[r] + w];
        }
        for (uint s = 0u; s < TN; s++) {
            bv[s] = b[colB[s] + w];
        }
        for (uint r = 0u; r < TM; r++) {
            for (uint s = 0u; s < TN; s++) {
                acc[r][s] += dot4(av[r], bv[s]);
            }
        }
    }
    bool add = pc.beta != 0.0;
    for (uint r = 0u; r < TM; r++) {
        uint i = i0 + r;
        if (i >= pc.M) {
            break;
        }
        for (uint s = 0u; s < TN; s++) {
            uint j = j0 + s;
            if (j < pc.N) {
                uint idx = pc.offC + i * pc.ldc + j;
                c[idx] = add ? c[idx] + acc[r][s] : acc[r][s];
            }
        }
    }
}
