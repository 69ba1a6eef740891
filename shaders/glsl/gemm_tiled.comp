#version 450
// vkgemm: tiled SGEMM for GPUs (shared-memory tiles + barriers, register blocking).
//
// C = alpha*op(A)*op(B) + beta*C, all matrices row-major as stored (see the interface notes
// in gemm_direct.comp). One workgroup computes a BM x BN block of C, BM = local_size_y*TM,
// BN = local_size_x*TN. Each k-tile of TK columns of op(A) and TK rows of op(B) is staged in
// shared memory (k-major: As[k][m], Bs[k][n]); the next tile is fetched into registers while
// the current one is being multiplied.
//
// Each invocation owns TM x TN outputs laid out as 4-wide vectors strided across the
// workgroup: rows  {4*ly + p*4*local_size_y + q : p < TM/4, q < 4}
//          cols  {4*lx + s*4*local_size_x + q : s < TN/4, q < 4}
// so that shared-memory reads are conflict-free vec4s and C stores are coalesced.
//
// Requirements on the spec constants: TM, TN, TK multiples of 4 (register and staging arrays are sized from them);
// local_size_x*local_size_y <= device limit (256 on SwiftShader).
// Shared memory = 4*TK*(BM+BN) bytes: 16 KiB for the defaults (16x16, 8x8, TK=16).
layout(local_size_x = 16, local_size_y = 16, local_size_z = 1, local_size_x_id = 0, local_size_y_id = 1) in;  // defaults 16x16
layout(constant_id = 2) const uint TM = 8;       // rows of C per invocation (multiple of 4)
layout(constant_id = 3) const uint TN = 8;       // columns of C per invocation (multiple of 4)
layout(constant_id = 4) const uint TK = 16;      // k-tile depth staged in shared memory (multiple of 4)
layout(constant_id = 5) const bool TRANS_A = false;
layout(constant_id = 6) const bool TRANS_B = false;

layout(set = 0, binding = 0) readonly buffer BufA { float a[]; };
layout(set = 0, binding = 1) readonly buffer BufB { float b[]; };
layout(set = 0, binding = 2) buffer BufC { float c[]; };
layout(set = 0, binding = 0) readonly buffer BufA4 { vec4 a4[]; };
layout(set = 0, binding = 1) readonly buffer BufB4 { vec4 b4[]; };
layout(set = 0, binding = 2) buffer BufC4 { vec4 c4[]; };

layout(push_constant) uniform Push {
    uint M, N, K;
    uint lda, ldb, ldc;
    uint offA, offB, offC;
    float alpha, beta;
    uint strideA, strideB, strideC;  // elements between products of a batch (gl_WorkGroupID.z)
} pc;

// offsets of this workgroup's product of the batch, set first thing in main
uint offA, offB, offC;

const uint WGX = gl_WorkGroupSize.x;
const uint WGY = gl_WorkGroupSize.y;
const uint NT = WGX * WGY;          // invocations per workgroup
const uint BM = WGY * TM;
const uint BN = WGX * TN;
const uint A_VECS = BM * TK / 4;    // vec4s per A tile
const uint B_VECS = BN * TK / 4;
const uint A_PER = (A_VECS + NT - 1) / NT;   // vec4s each invocation fetches per tile
const uint B_PER = (B_VECS + NT - 1) / NT;


shared vec4 As[TK * BM / 4];        // As[k][m] as vec4 along m
shared vec4 Bs[TK * BN / 4];        // Bs[k][n] as vec4 along n

vec4 stA[A_PER];
vec4 stB[B_PER];

// Zero the components of v whose index e0+q is not below lim.
vec4 clip(vec4 v, uint e0, uint lim) {
    return vec4(e0 + 0u < lim ? v.x : 0.0, e0 + 1u < lim ? v.y : 0.0,
                e0 + 2u < lim ? v.z : 0.0, e0 + 3u < lim ? v.w : 0.0);
}

// Fetch the k-tile starting at k0 from global memory into registers (stA/stB).
// Tile element numbering: for A the tile is BM (m) x TK (k); for B it is TK (k) x BN (n).
void fetch(uint k0, uint m0, uint n0, uint tid) {
    for (uint v = 0; v < A_PER; v++) {
        uint e = tid + v * NT;
        vec4 val = vec4(0.0);
        if (e < A_VECS) {
            if (!TRANS_A) {
                // vec4 along k of row m: e -> (m = e % BM, kq = e / BM)
                uint m = m0 + e % BM, k = k0 + 4u * (e / BM);
                if (m < pc.M && k < pc.K)
                    val = clip(a4[(offA + m * pc.lda + k) >> 2], k, pc.K);
            } else {
                // vec4 along m of stored row k: e -> (mq = e % (BM/4), k = e / (BM/4))
                uint m = m0 + 4u * (e % (BM / 4u)), k = k0 + e / (BM / 4u);
                if (m < pc.M && k < pc.K)
                    val = clip(a4[(offA + k * pc.lda + m) >> 2], m, pc.M);
            }
        }
        stA[v] = val;
    }
    for (uint v = 0; v < B_PER; v++) {
        uint e = tid + v * NT;
        vec4 val = vec4(0.0);
        if (e < B_VECS) {
            if (!TRANS_B) {
                // vec4 along n of row k
                uint n = n0 + 4u * (e % (BN / 4u)), k = k0 + e / (BN / 4u);
                if (n < pc.N && k < pc.K)
                    val = clip(b4[(offB + k * pc.ldb + n) >> 2], n, pc.N);
            } else {
                // vec4 along k of stored row n
                uint n = n0 + e % BN, k = k0 + 4u * (e / BN);
                if (n < pc.N && k < pc.K)
                    val = clip(b4[(offB + n * pc.ldb + k) >> 2], k, pc.K);
            }
        }
        stB[v] = val;
    }
}

// Write the staged registers into shared memory (k-major layout).
void stash(uint tid) {
    for (uint v = 0; v < A_PER; v++) {
        uint e = tid + v * NT;
        if (e < A_VECS) {
            if (!TRANS_A) {
                uint m = e % BM, k = 4u * (e / BM);
                // scatter the 4 k-values into 4 rows of As
                uint base = k * (BM / 4u) + m / 4u, q = m % 4u;
                As[base][q] = stA[v].x;
                As[base + BM / 4u][q] = stA[v].y;
                As[base + 2u * (BM / 4u)][q] = stA[v].z;
                As[base + 3u * (BM / 4u)][q] = stA[v].w;
            } else {
                As[(e / (BM / 4u)) * (BM / 4u) + e % (BM / 4u)] = stA[v];
            }
        }
    }
    for (uint v = 0; v < B_PER; v++) {
        uint e = tid + v * NT;
        if (e < B_VECS) {
            if (!TRANS_B) {
                Bs[e] = stB[v];
            } else {
                uint n = e % BN, k = 4u * (e / BN);
                uint base = k * (BN / 4u) + n / 4u, q = n % 4u;
                Bs[base][q] = stB[v].x;
                Bs[base + BN / 4u][q] = stB[v].y;
                Bs[base + 2u * (BN / 4u)][q] = stB[v].z;
                Bs[base + 3u * (BN / 4u)][q] = stB[v].w;
            }
        }
    }
}

void main() {
    offA = pc.offA + gl_WorkGroupID.z * pc.strideA;
    offB = pc.offB + gl_WorkGroupID.z * pc.strideB;
    offC = pc.offC + gl_WorkGroupID.z * pc.strideC;
    uint lx = gl_LocalInvocationID.x, ly = gl_LocalInvocationID.y;
    uint tid = ly * WGX + lx;
    uint m0 = gl_WorkGroupID.y * BM, n0 = gl_WorkGroupID.x * BN;

    vec4 acc[TM][TN / 4];
    for (uint r = 0; r < TM; r++)
        for (uint s = 0; s < TN / 4u; s++) acc[r][s] = vec4(0.0);

    uint ntiles = (pc.K + TK - 1u) / TK;
    fetch(0u, m0, n0, tid);
    for (uint t = 0; t < ntiles; t++) {
        barrier();          // everyone is done reading the previous tile
        stash(tid);
        barrier();          // the tile is visible
        if (t + 1u < ntiles) fetch((t + 1u) * TK, m0, n0, tid);
        for (uint k = 0; k < TK; k++) {
            vec4 av[4], bv[4];
            for (uint p = 0; p < TM / 4u; p++) av[p] = As[k * (BM / 4u) + ly + p * WGY];
            for (uint s = 0; s < TN / 4u; s++) bv[s] = Bs[k * (BN / 4u) + lx + s * WGX];
            for (uint p = 0; p < TM / 4u; p++)
                for (uint q = 0; q < 4u; q++)
                    for (uint s = 0; s < TN / 4u; s++)
                        acc[4u * p + q][s] = fma(vec4(av[p][q]), bv[s], acc[4u * p + q][s]);
        }
    }

    // Store: row 4*ly + p*4*WGY + q, columns 4*lx + s*4*WGX .. +3
    for (uint p = 0; p < TM / 4u; p++) {
        for (uint q = 0; q < 4u; q++) {
            uint i = m0 + 4u * (ly + p * WGY) + q;
            if (i >= pc.M) continue;
            for (uint s = 0; s < TN / 4u; s++) {
                uint j = n0 + 4u * (lx + s * WGX);
                if (j >= pc.N) continue;
                uint idx = offC + i * pc.ldc + j;
                vec4 v = pc.alpha * acc[4u * p + q][s];
                if (j + 4u <= pc.N) {
                    if (pc.beta != 0.0) v += pc.beta * c4[idx >> 2];
                    c4[idx >> 2] = v;
                } else {
                    for (uint e = 0; e < 4u && j + e < pc.N; e++) {
                        float w = v[e];
                        if (pc.beta != 0.0) w += pc.beta * c[idx + e];
                        c[idx + e] = w;
                    }
                }
            }
        }
    }
}
