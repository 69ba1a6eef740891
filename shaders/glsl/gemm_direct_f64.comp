#version 450
// vkgemm: direct DGEMM (float64) for devices with shaderFloat64 (lavapipe has it,
// SwiftShader does not). Hand-written; the float64 member of the direct family.
//
// C = alpha*op(A)*op(B) + beta*C in double precision. Row-major as stored:
//   A(i,p) = a[i*lda + p] (TRANS_A: a[p*lda + i])
//   B(p,j) = b[p*ldb + j] (TRANS_B: b[j*ldb + p])
//   C(i,j) = c[i*ldc + j]
// No shared memory, no barriers. Each invocation computes an 8x8 block of C in registers,
// 16 dvec4 accumulators (row r, half h: C(i0+r, j0+4h..j0+4h+3)), reading A and B as dvec4s
// along whichever dimension is contiguous, 4 values of k per step: per step 16 dvec4 loads
// against 64 dvec4 multiply-adds (products and sums; the driver may fuse them). Written out
// without arrays or loops over the block: lavapipe keeps arrays indexed by loop counters in
// memory.
//
// Push constants: gemm_direct_texel_f64.comp's (alpha and beta as float64 bit patterns); this
// kernel reads no offsets, so it takes no slices of k within a dispatch (KChunk 0).
// Spec constants: TM and TN must be 8; TK is ignored (the k-step is 4).
// Host guarantees: leading dimensions are multiples of 4 elements; each buffer holds whole
// padded rows. Bounds: rows/columns beyond M/N are clamped for loading (results discarded);
// the last k-step zeroes the k >= K values of both operands, so padding never reaches C.
// C is read only when beta != 0 and written only inside MxN.
layout(local_size_x = 8, local_size_y = 1, local_size_z = 1, local_size_x_id = 0, local_size_y_id = 1) in;
layout(constant_id = 2) const uint TM = 8;
layout(constant_id = 3) const uint TN = 8;
layout(constant_id = 4) const uint TK = 4;
layout(constant_id = 5) const bool TRANS_A = false;
layout(constant_id = 6) const bool TRANS_B = false;

layout(set = 0, binding = 0) readonly buffer BufA { dvec4 a4[]; };
layout(set = 0, binding = 1) readonly buffer BufB { dvec4 b4[]; };
layout(set = 0, binding = 2) buffer BufC { double c[]; };

layout(push_constant) uniform Push {
    uint M, N, K;
    uint lda, ldb, ldc;
    uint offA, offB, offC;  // always 0 here
    uint betaLo;
    float laterSlice;       // 1 on later slices of k, where beta is 1
    uint alphaLo, alphaHi;
    uint betaHi;
} pc;

// keep zeroes the components k+q >= K of v.
dvec4 keep(dvec4 v, uint k) {
    uint lim = pc.K - min(k, pc.K);
    return dvec4(0u < lim ? v.x : 0.0LF, 1u < lim ? v.y : 0.0LF, 2u < lim ? v.z : 0.0LF, 3u < lim ? v.w : 0.0LF);
}

// rowA is A(i, k..k+3) from stored row i (!TRANS_A), clamped and clipped.
dvec4 rowA(uint i, uint k, bool tail) {
    dvec4 v = a4[(min(i, pc.M - 1u) * pc.lda + k) >> 2];
    return tail ? keep(v, k) : v;
}
// colA is A(i..i+3, k) from stored row k (TRANS_A).
dvec4 colA(uint i, uint k) {
    dvec4 v = a4[(min(k, pc.K - 1u) * pc.lda + min(i, (pc.M - 1u) & ~3u)) >> 2];
    return k >= pc.K ? dvec4(0.0LF) : v;
}
// colB is B(k..k+3, j) from stored row j (TRANS_B).
dvec4 colB(uint k, uint j, bool tail) {
    dvec4 v = b4[(min(j, pc.N - 1u) * pc.ldb + k) >> 2];
    return tail ? keep(v, k) : v;
}
// rowB is B(k, j..j+3) from stored row k (!TRANS_B).
dvec4 rowB(uint k, uint j) {
    dvec4 v = b4[(min(k, pc.K - 1u) * pc.ldb + min(j, (pc.N - 1u) & ~3u)) >> 2];
    return k >= pc.K ? dvec4(0.0LF) : v;
}

// store writes v = the product at row i, columns j..j+3.
void store(dvec4 v, uint i, uint j, double alpha, double beta) {
    if (i >= pc.M) {
        return;
    }
    for (uint s = 0u; s < 4u; s++) {
        if (j + s < pc.N) {
            uint idx = i * pc.ldc + j + s;
            double x = alpha * v[s];
            c[idx] = beta != 0.0LF ? fma(beta, c[idx], x) : x;
        }
    }
}

void main() {
    uint i0 = gl_GlobalInvocationID.y * 8u;
    uint j0 = gl_GlobalInvocationID.x * 8u;
    if (i0 >= pc.M || j0 >= pc.N) {
        return;
    }
    dvec4 c00 = dvec4(0.0LF), c01 = dvec4(0.0LF), c10 = dvec4(0.0LF), c11 = dvec4(0.0LF), c20 = dvec4(0.0LF), c21 = dvec4(0.0LF), c30 = dvec4(0.0LF), c31 = dvec4(0.0LF), c40 = dvec4(0.0LF), c41 = dvec4(0.0LF), c50 = dvec4(0.0LF), c51 = dvec4(0.0LF), c60 = dvec4(0.0LF), c61 = dvec4(0.0LF), c70 = dvec4(0.0LF), c71 = dvec4(0.0LF);
    for (uint k = 0u; k < pc.K; k += 4u) {
        bool tail = k + 4u > pc.K;
        // a<r> = A(i0+r, k..k+3)
        dvec4 a0, a1, a2, a3, a4, a5, a6, a7;
        if (TRANS_A) {
            dmat4 lo = transpose(dmat4(colA(i0, k), colA(i0, k + 1u), colA(i0, k + 2u), colA(i0, k + 3u)));
            dmat4 hi = transpose(dmat4(colA(i0 + 4u, k), colA(i0 + 4u, k + 1u), colA(i0 + 4u, k + 2u), colA(i0 + 4u, k + 3u)));
            a0 = lo[0]; a1 = lo[1]; a2 = lo[2]; a3 = lo[3];
            a4 = hi[0]; a5 = hi[1]; a6 = hi[2]; a7 = hi[3];
        } else {
            a0 = rowA(i0 + 0u, k, tail);
            a1 = rowA(i0 + 1u, k, tail);
            a2 = rowA(i0 + 2u, k, tail);
            a3 = rowA(i0 + 3u, k, tail);
            a4 = rowA(i0 + 4u, k, tail);
            a5 = rowA(i0 + 5u, k, tail);
            a6 = rowA(i0 + 6u, k, tail);
            a7 = rowA(i0 + 7u, k, tail);
        }
        // b<q><h> = B(k+q, j0+4h..j0+4h+3)
        dvec4 b00, b01, b10, b11, b20, b21, b30, b31;
        if (TRANS_B) {
            dmat4 t0 = transpose(dmat4(colB(k, j0 + 0u, tail), colB(k, j0 + 1u, tail), colB(k, j0 + 2u, tail), colB(k, j0 + 3u, tail)));
            dmat4 t1 = transpose(dmat4(colB(k, j0 + 4u, tail), colB(k, j0 + 5u, tail), colB(k, j0 + 6u, tail), colB(k, j0 + 7u, tail)));
            b00 = t0[0]; b01 = t1[0]; b10 = t0[1]; b11 = t1[1]; b20 = t0[2]; b21 = t1[2]; b30 = t0[3]; b31 = t1[3];
        } else {
            b00 = rowB(k + 0u, j0); b01 = rowB(k + 0u, j0 + 4u);
            b10 = rowB(k + 1u, j0); b11 = rowB(k + 1u, j0 + 4u);
            b20 = rowB(k + 2u, j0); b21 = rowB(k + 2u, j0 + 4u);
            b30 = rowB(k + 3u, j0); b31 = rowB(k + 3u, j0 + 4u);
        }
        c00 += a0[3] * b30 + a0[2] * b20 + a0[1] * b10 + a0[0] * b00;
        c01 += a0[3] * b31 + a0[2] * b21 + a0[1] * b11 + a0[0] * b01;
        c10 += a1[3] * b30 + a1[2] * b20 + a1[1] * b10 + a1[0] * b00;
        c11 += a1[3] * b31 + a1[2] * b21 + a1[1] * b11 + a1[0] * b01;
        c20 += a2[3] * b30 + a2[2] * b20 + a2[1] * b10 + a2[0] * b00;
        c21 += a2[3] * b31 + a2[2] * b21 + a2[1] * b11 + a2[0] * b01;
        c30 += a3[3] * b30 + a3[2] * b20 + a3[1] * b10 + a3[0] * b00;
        c31 += a3[3] * b31 + a3[2] * b21 + a3[1] * b11 + a3[0] * b01;
        c40 += a4[3] * b30 + a4[2] * b20 + a4[1] * b10 + a4[0] * b00;
        c41 += a4[3] * b31 + a4[2] * b21 + a4[1] * b11 + a4[0] * b01;
        c50 += a5[3] * b30 + a5[2] * b20 + a5[1] * b10 + a5[0] * b00;
        c51 += a5[3] * b31 + a5[2] * b21 + a5[1] * b11 + a5[0] * b01;
        c60 += a6[3] * b30 + a6[2] * b20 + a6[1] * b10 + a6[0] * b00;
        c61 += a6[3] * b31 + a6[2] * b21 + a6[1] * b11 + a6[0] * b01;
        c70 += a7[3] * b30 + a7[2] * b20 + a7[1] * b10 + a7[0] * b00;
        c71 += a7[3] * b31 + a7[2] * b21 + a7[1] * b11 + a7[0] * b01;
    }
    double alpha = packDouble2x32(uvec2(pc.alphaLo, pc.alphaHi));
    double beta = pc.laterSlice != 0.0 ? 1.0LF : packDouble2x32(uvec2(pc.betaLo, pc.betaHi));
    store(c00, i0 + 0u, j0 + 0u, alpha, beta);
    store(c01, i0 + 0u, j0 + 4u, alpha, beta);
    store(c10, i0 + 1u, j0 + 0u, alpha, beta);
    store(c11, i0 + 1u, j0 + 4u, alpha, beta);
    store(c20, i0 + 2u, j0 + 0u, alpha, beta);
    store(c21, i0 + 2u, j0 + 4u, alpha, beta);
    store(c30, i0 + 3u, j0 + 0u, alpha, beta);
    store(c31, i0 + 3u, j0 + 4u, alpha, beta);
    store(c40, i0 + 4u, j0 + 0u, alpha, beta);
    store(c41, i0 + 4u, j0 + 4u, alpha, beta);
    store(c50, i0 + 5u, j0 + 0u, alpha, beta);
    store(c51, i0 + 5u, j0 + 4u, alpha, beta);
    store(c60, i0 + 6u, j0 + 0u, alpha, beta);
    store(c61, i0 + 6u, j0 + 4u, alpha, beta);
    store(c70, i0 + 7u, j0 + 0u, alpha, beta);
    store(c71, i0 + 7u, j0 + 4u, alpha, beta);
}
