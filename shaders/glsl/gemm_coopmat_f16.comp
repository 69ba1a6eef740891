#version 450
// vkgemm: GemmHalf on cooperative matrices (tensor cores, matrix units): F16 A and B, float32
// accumulation and C. Hand-written; family coopmat. Needs VK_KHR_cooperative_matrix with an
// f16×f16→f32 subgroup-scope entry, shaderFloat16, and full subgroups; compiled with
// glslang 16 (GL_KHR_cooperative_matrix), never by spirv-opt (which miscompiled such modules).
//
// C = alpha*op(A)*op(B) + beta*C. A and B hold F16 bit patterns two to a uint word, as the host
// packs half-precision blocks (leading dimensions multiples of 8 halves):
//   A(i,p) = half offA + i*lda + p   (TRANS_A: offA + p*lda + i), likewise B(p,j) at p*ldb + j
//   (TRANS_B: j*ldb + p); C(i,j) = c[offC + i*ldc + j], float32.
// One workgroup computes a BM×BN tile of C with SGM×SGN subgroups, each a WM×WN part of it as
// FM×FN accumulator matrices of LM×LN (the device's f16 matrix size, LM×LN×LK, read at Open).
// Each step stages a BM×BK tile of op(A) and a BK×BN tile of op(B) in shared memory as
// float16, rows padded by 8 halves (16 bytes) so that subgroups' loads spread over banks, with
// zeros outside the matrices; every subgroup then loads its fragments from there and multiplies.
// At the end the accumulators go through shared memory, so that C is written only inside M×N,
// with alpha and beta, by every invocation in turn.
//
// Push constants: the block every kernel declares (alpha, beta as float32; strides unused).
// Spec constants: 0 workgroup size (SGM*SGN subgroups, which the host requires full), 2 BM,
// 3 BN, 4 BK, 5 TRANS_A, 6 TRANS_B, 7 LM, 8 LN, 9 LK, 10 SGM, 11 SGN, 12 the subgroup size.
#extension GL_KHR_cooperative_matrix : require
#extension GL_KHR_memory_scope_semantics : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#extension GL_KHR_shader_subgroup_basic : require

layout(local_size_x_id = 0, local_size_y = 1, local_size_z = 1) in;
layout(constant_id = 2) const uint BM = 64;
layout(constant_id = 3) const uint BN = 64;
layout(constant_id = 4) const uint BK = 16;
layout(constant_id = 5) const bool TRANS_A = false;
layout(constant_id = 6) const bool TRANS_B = false;
layout(constant_id = 7) const uint LM = 16;
layout(constant_id = 8) const uint LN = 16;
layout(constant_id = 9) const uint LK = 16;
layout(constant_id = 10) const uint SGM = 2;
layout(constant_id = 11) const uint SGN = 2;
layout(constant_id = 12) const uint SUBGROUP = 32;

const uint WG = SGM * SGN * SUBGROUP;
const uint WM = BM / SGM;
const uint WN = BN / SGN;
const uint FM = WM / LM;
const uint FN = WN / LN;
const uint SA = BK + 8u;
const uint SB = BN + 8u;
const uint SC = BN + 4u;
const uint MAXF = 4u; // the most fragments per subgroup along M or N

layout(set = 0, binding = 0) readonly buffer BufA { uint a[]; };
layout(set = 0, binding = 1) readonly buffer BufB { uint b[]; };
layout(set = 0, binding = 2) buffer BufC { float c[]; };

layout(push_constant) uniform Push {
    uint M, N, K;
    uint lda, ldb, ldc;
    uint offA, offB, offC;
    float alpha, beta;
    uint strideA, strideB, strideC;
} pc;

shared float16_t sa[BM * SA];
shared float16_t sb[BK * SB];
shared float sc[BM * SC];

// half is the F16 value at half index h of a word array.
float16_t halfA(uint h) { return unpackFloat2x16(a[h >> 1u])[h & 1u]; }
float16_t halfB(uint h) { return unpackFloat2x16(b[h >> 1u])[h & 1u]; }

void main() {
    uint lid = gl_LocalInvocationID.x;
    uint sg = gl_SubgroupID;
    uint wm = (sg / SGN) * WM;
    uint wn = (sg % SGN) * WN;
    uint row0 = gl_WorkGroupID.y * BM;
    uint col0 = gl_WorkGroupID.x * BN;

    coopmat<float, gl_ScopeSubgroup, LM, LN, gl_MatrixUseAccumulator> acc[MAXF][MAXF];
    for (uint fm = 0u; fm < FM; fm++) {
        for (uint fn = 0u; fn < FN; fn++) {
            acc[fm][fn] = coopmat<float, gl_ScopeSubgroup, LM, LN, gl_MatrixUseAccumulator>(0.0);
        }
    }

    for (uint k0 = 0u; k0 < pc.K; k0 += BK) {
        for (uint e = lid; e < BM * BK; e += WG) {
            uint r = e / BK, q = e % BK;
            uint i = row0 + r, k = k0 + q;
            float16_t v = float16_t(0.0);
            if (i < pc.M && k < pc.K) {
                v = halfA(pc.offA + (TRANS_A ? k * pc.lda + i : i * pc.lda + k));
            }
            sa[r * SA + q] = v;
        }
        for (uint e = lid; e < BK * BN; e += WG) {
            uint q = e / BN, s = e % BN;
            uint k = k0 + q, j = col0 + s;
            float16_t v = float16_t(0.0);
            if (k < pc.K && j < pc.N) {
                v = halfB(pc.offB + (TRANS_B ? j * pc.ldb + k : k * pc.ldb + j));
            }
            sb[q * SB + s] = v;
        }
        barrier();
        for (uint kk = 0u; kk < BK; kk += LK) {
            coopmat<float16_t, gl_ScopeSubgroup, LK, LN, gl_MatrixUseB> fb[MAXF];
            for (uint fn = 0u; fn < FN; fn++) {
                coopMatLoad(fb[fn], sb, kk * SB + wn + fn * LN, SB, gl_CooperativeMatrixLayoutRowMajor);
            }
            for (uint fm = 0u; fm < FM; fm++) {
                coopmat<float16_t, gl_ScopeSubgroup, LM, LK, gl_MatrixUseA> fa;
                coopMatLoad(fa, sa, (wm + fm * LM) * SA + kk, SA, gl_CooperativeMatrixLayoutRowMajor);
                for (uint fn = 0u; fn < FN; fn++) {
                    acc[fm][fn] = coopMatMulAdd(fa, fb[fn], acc[fm][fn]);
                }
            }
        }
        barrier();
    }

    for (uint fm = 0u; fm < FM; fm++) {
        for (uint fn = 0u; fn < FN; fn++) {
            coopMatStore(acc[fm][fn], sc, (wm + fm * LM) * SC + wn + fn * LN, SC, gl_CooperativeMatrixLayoutRowMajor);
        }
    }
    barrier();
    for (uint e = lid; e < BM * BN; e += WG) {
        uint r = e / BN, s = e % BN;
        uint i = row0 + r, j = col0 + s;
        if (i < pc.M && j < pc.N) {
            uint idx = pc.offC + i * pc.ldc + j;
            float v = pc.alpha * sc[r * SC + s];
            c[idx] = pc.beta != 0.0 ? fma(pc.beta, c[idx], v) : v;
        }
    }
}
