// vkgemm: the declarations and main of the int8 direct kernel, included by gemm_int8.comp and
// gemm_int8_dot.comp after each defines dot4(x, y), the sum of the products of the four int8
// values of two words. gemm_int8.comp says what it computes and how the host packs A and B.

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
