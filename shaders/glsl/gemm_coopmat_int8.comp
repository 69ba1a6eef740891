#version 450
// vkgemm: GemmInt8 on cooperative matrices (tensor cores, matrix units): int8 A and B, exact
// int32 sums. Hand-written; family coopmat. Needs VK_KHR_cooperative_matrix with an s8×s8→s32
// subgroup-scope entry, shaderInt8, and full subgroups; compiled with glslang 16
// (GL_KHR_cooperative_matrix), never by spirv-opt (which miscompiled such modules).
//
// C = op(A)·op(B), C overwritten, or added to where beta is not 0 (later slices of k). The host
// packs both operands as for the int8 direct kernel (gemm_int8.comp): k contiguous, four int8
// values to a uint word, the first in the low byte, rows zero-padded to whole words:
//   op(A)(i, p) = byte p%4 of a[offA + i*lda + p/4]       (lda in words)
//   op(B)(p, j) = byte p%4 of b[offB + j*ldb + p/4]       (op(B) stored by columns; ldb in words)
//   C(i, j)     = c[offC + i*ldc + j]                      (int32)
// One workgroup computes a BM×BN tile of C with SGM×SGN subgroups, each a WM×WN part of it as
// FM×FN accumulator matrices of LM×LN (the device's s8 matrix size, LM×LN×LK, read at Open).
// Each step stages a BM×BK tile of op(A) by rows and a BK×BN tile of op(B) by columns in
// shared memory as int8, rows padded by 16 bytes, zeros outside the matrices (the words are
// unpacked by shifts, so no 8-bit storage feature is needed); every subgroup then loads its
// fragments from there and multiplies. At the end the accumulators go through shared memory,
// so that C is written only inside M×N.
//
// Push constants: the block every kernel declares (beta as float32; alpha and strides unused).
// Spec constants: 0 workgroup size (SGM*SGN subgroups, which the host requires full), 2 BM,
// 3 BN, 4 BK (a multiple of 4), 5 and 6 unused (the host lays both operands out by k), 7 LM,
// 8 LN, 9 LK, 10 SGM, 11 SGN, 12 the subgroup size.
#extension GL_KHR_cooperative_matrix : require
#extension GL_KHR_memory_scope_semantics : require
#extension GL_EXT_shader_explicit_arithmetic_types_int8 : require
#extension GL_KHR_shader_subgroup_basic : require

layout(local_size_x_id = 0, local_size_y = 1, local_size_z = 1) in;
layout(constant_id = 2) const uint BM = 64;
layout(constant_id = 3) const uint BN = 64;
layout(constant_id = 4) const uint BK = 32;
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
const uint BKW = BK / 4u;   // words of k a step
const uint SK = BK + 16u;   // a staged row (of A) or column (of B), in int8s
const uint SC = BN + 4u;
const uint MAXF = 4u; // the most fragments per subgroup along M or N

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

shared int8_t sa[BM * SK];
shared int8_t sb[BN * SK];
shared int sc[BM * SC];

// stage writes the four int8 values of word w at s[at..at+3], the first from the low byte.
void stageA(uint at, uint w) {
    for (uint t = 0u; t < 4u; t++) {
        sa[at + t] = int8_t(int(w << (24u - 8u * t)) >> 24);
    }
}
void stageB(uint at, uint w) {
    for (uint t = 0u; t < 4u; t++) {
        sb[at + t] = int8_t(int(w << (24u - 8u * t)) >> 24);
    }
}

void main() {
    uint lid = gl_LocalInvocationID.x;
    uint sg = gl_SubgroupID;
    uint wm = (sg / SGN) * WM;
    uint wn = (sg % SGN) * WN;
    uint row0 = gl_WorkGroupID.y * BM;
    uint col0 = gl_WorkGroupID.x * BN;
    uint kWords = (pc.K + 3u) / 4u;

    coopmat<int, gl_ScopeSubgroup, LM, LN, gl_MatrixUseAccumulator> acc[MAXF][MAXF];
    for (uint fm = 0u; fm < FM; fm++) {
        for (uint fn = 0u; fn < FN; fn++) {
            acc[fm][fn] = coopmat<int, gl_ScopeSubgroup, LM, LN, gl_MatrixUseAccumulator>(0);
        }
    }

    for (uint k0 = 0u; k0 < kWords; k0 += BKW) {
        for (uint e = lid; e < BM * BKW; e += WG) {
            uint r = e / BKW, q = e % BKW;
            uint i = row0 + r, kw = k0 + q;
            stageA(r * SK + 4u * q, i < pc.M && kw < kWords ? a[pc.offA + i * pc.lda + kw] : 0u);
        }
        for (uint e = lid; e < BN * BKW; e += WG) {
            uint s = e / BKW, q = e % BKW;
            uint j = col0 + s, kw = k0 + q;
            stageB(s * SK + 4u * q, j < pc.N && kw < kWords ? b[pc.offB + j * pc.ldb + kw] : 0u);
        }
        barrier();
        for (uint kk = 0u; kk < BK; kk += LK) {
            coopmat<int8_t, gl_ScopeSubgroup, LK, LN, gl_MatrixUseB> fb[MAXF];
            for (uint fn = 0u; fn < FN; fn++) {
                coopMatLoad(fb[fn], sb, (wn + fn * LN) * SK + kk, SK, gl_CooperativeMatrixLayoutColumnMajor);
            }
            for (uint fm = 0u; fm < FM; fm++) {
                coopmat<int8_t, gl_ScopeSubgroup, LM, LK, gl_MatrixUseA> fa;
                coopMatLoad(fa, sa, (wm + fm * LM) * SK + kk, SK, gl_CooperativeMatrixLayoutRowMajor);
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
            c[idx] = (pc.beta != 0.0 ? c[idx] : 0) + sc[r * SC + s];
        }
    }
}
