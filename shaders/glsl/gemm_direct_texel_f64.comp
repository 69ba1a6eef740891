#version 450
// vkgemm: direct DGEMM (float64) reading A and B as uniform texel buffers of raw bits, for CPU
// Vulkan drivers with shaderFloat64 (lavapipe). Hand-written; gemm_direct_f64.comp is the same
// product through storage buffers, for devices without uint texel buffers.
//
// C = alpha*op(A)*op(B) + beta*C in double precision. Row-major as stored:
//   A(i,p) = a[offA + i*lda + p] (TRANS_A: a[offA + p*lda + i])
//   B(p,j) = b[offB + p*ldb + j] (TRANS_B: b[offB + j*ldb + p])
//   C(i,j) = c[offC + i*ldc + j]
// No shared memory, no barriers. Each invocation computes a TM x TN block of C in registers,
// as dvec4 accumulators along rows of C (acc[r][h] += A(i0+r, k+q) * B(k+q, j0+4h..j0+4h+3)),
// and reads 4 values of k per step along whichever dimension is contiguous: rows of B need no
// transposing then. (Scalar accumulators, as gemm_direct_texel.comp keeps for float32, ran at
// the same speed and compiled about 1.5 times slower: docs/perf.md.) lavapipe compiles a texel
// fetch into a gather, a storage-buffer load into a loop over the SIMD lanes.
// A uvec4 texel holds two doubles as bit pairs (low word first), so 4
// doubles are 2 texels: leading dimensions and offsets are multiples of 4 elements (the host
// pads rows to 4), which keeps every 4-value load on a texel boundary.
//
// Push constants: the float32 kernels' 14 words, with alpha and beta as float64 bit patterns
// in the words the float32 kernels keep alpha, beta and the batch strides in (no batches here):
// word 9 beta's low word, word 10 a float flag that is 1 on later slices of k (where the host
// sets the float32 kernels' beta to 1, and beta is 1), words 11-12 alpha, word 13 beta's high word.
// Spec constants: TM, TN multiples of 4 up to 16; TK is ignored (the k-step is 4).
// Bounds: rows/columns beyond M/N are clamped to the last valid 4 values for loading (results
// discarded); the last k-step zeroes the k >= K values of both operands, so padding (even NaN,
// or Inf times zero) never reaches C. C is read only when beta != 0 and written only inside MxN.
layout(local_size_x = 8, local_size_y = 1, local_size_z = 1, local_size_x_id = 0, local_size_y_id = 1) in;
layout(constant_id = 2) const uint TM = 8;
layout(constant_id = 3) const uint TN = 8;
layout(constant_id = 4) const uint TK = 4;
layout(constant_id = 5) const bool TRANS_A = false;
layout(constant_id = 6) const bool TRANS_B = false;

layout(set = 0, binding = 3) uniform usamplerBuffer aT;
layout(set = 0, binding = 4) uniform usamplerBuffer bT;
layout(set = 0, binding = 2) buffer BufC { double c[]; };
layout(set = 0, binding = 2) buffer BufC4 { dvec4 c4[]; };

layout(push_constant) uniform Push {
    uint M, N, K;
    uint lda, ldb, ldc;
    uint offA, offB, offC;
    uint betaLo;
    float laterSlice;
    uint alphaLo, alphaHi;
    uint betaHi;
} pc;

dvec4 acc[16][4];    // acc[r][h] = C(i0+r, j0+4h..j0+4h+3)
dvec4 av[16];        // av[r] = A(i0+r, k..k+3)
dvec4 bv[4][4];      // bv[q][h] = B(k+q, j0+4h..j0+4h+3)

#define ROWS16(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)
#define QUADS(X) X(0) X(4) X(8) X(12)

dvec4 doubles(uvec4 p, uvec4 q) {
    return dvec4(packDouble2x32(p.xy), packDouble2x32(p.zw), packDouble2x32(q.xy), packDouble2x32(q.zw));
}
// the 4 doubles from element e (a multiple of 4) of A or B
dvec4 fetchA(uint e) { int t = int(e >> 1); return doubles(texelFetch(aT, t), texelFetch(aT, t + 1)); }
dvec4 fetchB(uint e) { int t = int(e >> 1); return doubles(texelFetch(bT, t), texelFetch(bT, t + 1)); }

// zero the components k+q >= K
dvec4 kclip(dvec4 v, uint k) {
    uint lim = pc.K - min(k, pc.K);
    return dvec4(0u < lim ? v.x : 0.0LF, 1u < lim ? v.y : 0.0LF, 2u < lim ? v.z : 0.0LF, 3u < lim ? v.w : 0.0LF);
}
// A(i, k..k+3) when !TRANS_A (contiguous along k)
dvec4 loadAN(uint i, uint k, bool tail) {
    uint kc = tail ? min(k, (pc.K - 1u) & ~3u) : k;
    dvec4 v = fetchA(pc.offA + min(i, pc.M - 1u) * pc.lda + kc);
    return tail ? kclip(v, k) : v;
}
// stored row k of A, columns i..i+3, when TRANS_A (contiguous along i)
dvec4 loadAT(uint k, uint i, bool tail) {
    uint kc = tail ? min(k, pc.K - 1u) : k;
    dvec4 v = fetchA(pc.offA + kc * pc.lda + min(i, (pc.M - 1u) & ~3u));
    return (tail && k >= pc.K) ? dvec4(0.0LF) : v;
}
// B(k..k+3, j) = stored row j of B when TRANS_B (contiguous along k)
dvec4 loadBT(uint j, uint k, bool tail) {
    uint kc = tail ? min(k, (pc.K - 1u) & ~3u) : k;
    dvec4 v = fetchB(pc.offB + min(j, pc.N - 1u) * pc.ldb + kc);
    return tail ? kclip(v, k) : v;
}
// B(k, j..j+3) when !TRANS_B (contiguous along j)
dvec4 loadBN(uint k, uint j, bool tail) {
    uint kc = tail ? min(k, pc.K - 1u) : k;
    dvec4 v = fetchB(pc.offB + kc * pc.ldb + min(j, (pc.N - 1u) & ~3u));
    return (tail && k >= pc.K) ? dvec4(0.0LF) : v;
}

// av[r] for one row, or for 4 rows transposed from 4 stored rows of A^T
#define LOAD_A_ROW(r) if (uint(r) < TM) av[r] = loadAN(i0 + uint(r), k, tail);
#define LOAD_A_QUAD(r) if (uint(r) < TM) { \
    dmat4 t = transpose(dmat4(loadAT(k, i0 + uint(r), tail), loadAT(k + 1u, i0 + uint(r), tail), \
                              loadAT(k + 2u, i0 + uint(r), tail), loadAT(k + 3u, i0 + uint(r), tail))); \
    av[r] = t[0]; av[r + 1] = t[1]; av[r + 2] = t[2]; av[r + 3] = t[3]; }
// bv[.][h] for 4 columns: stored rows of B, or 4 stored columns transposed
#define LOAD_B_ROWS(h) if (uint(4 * h) < TN) { \
    bv[0][h] = loadBN(k, j0 + uint(4 * h), tail); bv[1][h] = loadBN(k + 1u, j0 + uint(4 * h), tail); \
    bv[2][h] = loadBN(k + 2u, j0 + uint(4 * h), tail); bv[3][h] = loadBN(k + 3u, j0 + uint(4 * h), tail); }
#define LOAD_B_COLS(h) if (uint(4 * h) < TN) { \
    dmat4 t = transpose(dmat4(loadBT(j0 + uint(4 * h), k, tail), loadBT(j0 + uint(4 * h) + 1u, k, tail), \
                              loadBT(j0 + uint(4 * h) + 2u, k, tail), loadBT(j0 + uint(4 * h) + 3u, k, tail))); \
    bv[0][h] = t[0]; bv[1][h] = t[1]; bv[2][h] = t[2]; bv[3][h] = t[3]; }
#define FMA4(r, h) if (uint(4 * h) < TN) { \
    acc[r][h] = fma(dvec4(av[r].x), bv[0][h], acc[r][h]); acc[r][h] = fma(dvec4(av[r].y), bv[1][h], acc[r][h]); \
    acc[r][h] = fma(dvec4(av[r].z), bv[2][h], acc[r][h]); acc[r][h] = fma(dvec4(av[r].w), bv[3][h], acc[r][h]); }
#define FMA_ROW(r) if (uint(r) < TM) { FMA4(r, 0) FMA4(r, 1) FMA4(r, 2) FMA4(r, 3) }
#define H4(X) X(0) X(1) X(2) X(3)
#define ZERO_ROW(r) for (uint h = 0u; h < 4u; h++) acc[r][h] = dvec4(0.0LF);

// one k-step of 4: load the TM x 4 slice of op(A) and the 4 x TN slice of op(B), multiply
void step4(uint k, uint i0, uint j0, bool tail) {
    if (TRANS_A) {
        QUADS(LOAD_A_QUAD)
    } else {
        ROWS16(LOAD_A_ROW)
    }
    if (TRANS_B) {
        H4(LOAD_B_COLS)
    } else {
        H4(LOAD_B_ROWS)
    }
    ROWS16(FMA_ROW)
}

// store row r's columns q..q+3: one dvec4 when all 4 are inside N (ldc and offC are multiples of 4)
#define STORE4(r, q) if (uint(q) < TN && j0 + uint(q) < pc.N) { \
    uint ci = pc.offC + (i0 + uint(r)) * pc.ldc + j0 + uint(q); \
    dvec4 v = alpha * acc[r][q / 4]; \
    if (j0 + uint(q) + 3u < pc.N) { \
        if (!beta0) v = fma(dvec4(beta), c4[ci >> 2], v); \
        c4[ci >> 2] = v; \
    } else { \
        for (uint s = 0u; s < 3u; s++) { \
            if (j0 + uint(q) + s < pc.N) c[ci + s] = beta0 ? v[s] : fma(beta, c[ci + s], v[s]); \
        } \
    } }
#define STORE_ROW(r) if (uint(r) < TM && i0 + uint(r) < pc.M) { STORE4(r, 0) STORE4(r, 4) STORE4(r, 8) STORE4(r, 12) }

void main() {
    uint i0 = (gl_WorkGroupID.y * gl_WorkGroupSize.y + gl_LocalInvocationID.y) * TM;
    uint j0 = (gl_WorkGroupID.x * gl_WorkGroupSize.x + gl_LocalInvocationID.x) * TN;
    ROWS16(ZERO_ROW)
    for (uint k = 0u; k < pc.K; k += 4u) step4(k, i0, j0, k + 4u > pc.K);

    double alpha = packDouble2x32(uvec2(pc.alphaLo, pc.alphaHi));
    double beta = pc.laterSlice != 0.0 ? 1.0LF : packDouble2x32(uvec2(pc.betaLo, pc.betaHi));
    bool beta0 = beta == 0.0LF;
    ROWS16(STORE_ROW)
}
