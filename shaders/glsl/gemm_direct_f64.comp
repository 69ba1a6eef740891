#version 450
// vkgemm: direct DGEMM (float64) for devices with shaderFloat64 (lavapipe has it,
// SwiftShader does not). Hand-written; the float64 member of the direct family.
//
// C = alpha*op(A)*op(B) + beta*C in double precision. Row-major as stored:
//   A(i,p) = a[i*lda + p] (TRANS_A: a[p*lda + i])
//   B(p,j) = b[p*ldb + j] (TRANS_B: b[j*ldb + p])
//   C(i,j) = c[i*ldc + j]
// No shared memory, no barriers. Each invocation computes an 8x8 block of C in registers as
// 2x2 dmat4 tiles, reading A and B as dvec4s along whichever dimension is contiguous, 4 values
// of k per step: per step 16 dvec4 loads against 256 multiply-adds.
//
// Push constants: the float32 kernels' block, with alpha and beta as float64 bit patterns
// (uvec2, low word first) where those keep offA/offB and offC/alpha; the host passes no offsets.
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
    uvec2 alpha;  // float64 bits
    uvec2 beta;   // float64 bits
    uint unused;
} pc;

// keep zeroes the components k+q >= K of v.
dvec4 keep(dvec4 v, uint k) {
    uint lim = pc.K - min(k, pc.K);
    return dvec4(0u < lim ? v.x : 0.0LF, 1u < lim ? v.y : 0.0LF, 2u < lim ? v.z : 0.0LF, 3u < lim ? v.w : 0.0LF);
}

// loadA returns the tile t with t[q][r] = A(i+r, k+q).
dmat4 loadA(uint i, uint k, bool tail) {
    if (TRANS_A) {
        // Stored row k+q holds A(i..i+3, k+q).
        uint ic = min(i, (pc.M - 1u) & ~3u);
        dvec4 col[4];
        for (uint q = 0u; q < 4u; q++) {
            uint row = min(k + q, pc.K - 1u);
            dvec4 v = a4[(row * pc.lda + ic) >> 2];
            col[q] = (tail && k + q >= pc.K) ? dvec4(0.0LF) : v;
        }
        return dmat4(col[0], col[1], col[2], col[3]);
    }
    // Stored row i+r holds A(i+r, k..k+3).
    dvec4 row[4];
    for (uint r = 0u; r < 4u; r++) {
        dvec4 v = a4[(min(i + r, pc.M - 1u) * pc.lda + k) >> 2];
        row[r] = tail ? keep(v, k) : v;
    }
    return transpose(dmat4(row[0], row[1], row[2], row[3]));
}

// loadB returns the tile t with t[s][q] = B(k+q, j+s).
dmat4 loadB(uint k, uint j, bool tail) {
    if (TRANS_B) {
        // Stored row j+s holds B(k..k+3, j+s).
        dvec4 col[4];
        for (uint s = 0u; s < 4u; s++) {
            dvec4 v = b4[(min(j + s, pc.N - 1u) * pc.ldb + k) >> 2];
            col[s] = tail ? keep(v, k) : v;
        }
        return dmat4(col[0], col[1], col[2], col[3]);
    }
    // Stored row k+q holds B(k+q, j..j+3).
    uint jc = min(j, (pc.N - 1u) & ~3u);
    dvec4 row[4];
    for (uint q = 0u; q < 4u; q++) {
        uint r = min(k + q, pc.K - 1u);
        dvec4 v = b4[(r * pc.ldb + jc) >> 2];
        row[q] = (tail && k + q >= pc.K) ? dvec4(0.0LF) : v;
    }
    return transpose(dmat4(row[0], row[1], row[2], row[3]));
}

// store writes the tile t (t[s][r] = the product at row i+r, column j+s).
void store(dmat4 t, uint i, uint j, double alpha, double beta) {
    for (uint r = 0u; r < 4u; r++) {
        if (i + r >= pc.M) {
            return;
        }
        for (uint s = 0u; s < 4u; s++) {
            if (j + s < pc.N) {
                uint idx = (i + r) * pc.ldc + j + s;
                double v = alpha * t[s][r];
                c[idx] = beta != 0.0LF ? fma(beta, c[idx], v) : v;
            }
        }
    }
}

void main() {
    uint i0 = gl_GlobalInvocationID.y * 8u;
    uint j0 = gl_GlobalInvocationID.x * 8u;
    if (i0 >= pc.M || j0 >= pc.N) {
        return;
    }
    dmat4 c00 = dmat4(0.0LF), c01 = dmat4(0.0LF), c10 = dmat4(0.0LF), c11 = dmat4(0.0LF);
    for (uint k = 0u; k < pc.K; k += 4u) {
        bool tail = k + 4u > pc.K;
        dmat4 a0 = loadA(i0, k, tail), a1 = loadA(i0 + 4u, k, tail);
        dmat4 b0 = loadB(k, j0, tail), b1 = loadB(k, j0 + 4u, tail);
        c00 += a0 * b0;
        c01 += a0 * b1;
        c10 += a1 * b0;
        c11 += a1 * b1;
    }
    double alpha = packDouble2x32(pc.alpha), beta = packDouble2x32(pc.beta);
    store(c00, i0, j0, alpha, beta);
    store(c01, i0, j0 + 4u, alpha, beta);
    store(c10, i0 + 4u, j0, alpha, beta);
    store(c11, i0 + 4u, j0 + 4u, alpha, beta);
}
