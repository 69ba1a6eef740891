#version 450
// Direct GEMM: no shared memory, no barriers. Each invocation computes a
// TM x TN block of C reading A and B straight from the buffers. Placeholder
// kernel with the fixed interface; see shaders/doc.go.
layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z = 1) in;
layout(constant_id = 2) const uint TM = 4;
layout(constant_id = 3) const uint TN = 4;
layout(constant_id = 4) const uint TK = 8;
layout(constant_id = 5) const bool TRANS_A = false;
layout(constant_id = 6) const bool TRANS_B = false;

layout(set = 0, binding = 0) readonly buffer BufA { float a[]; };
layout(set = 0, binding = 1) readonly buffer BufB { float b[]; };
layout(set = 0, binding = 2) buffer BufC { float c[]; };
layout(push_constant) uniform Push {
    uint M, N, K;
    uint lda, ldb, ldc;
    uint offA, offB, offC;
    float alpha, beta;
} pc;

float loadA(uint i, uint p) { return TRANS_A ? a[pc.offA + p * pc.lda + i] : a[pc.offA + i * pc.lda + p]; }
float loadB(uint p, uint j) { return TRANS_B ? b[pc.offB + j * pc.ldb + p] : b[pc.offB + p * pc.ldb + j]; }

void main() {
    // Columns interleave across invocations (j = j0 + c*local_size_x) so that
    // neighbouring invocations read neighbouring elements of B and C.
    const uint BN = gl_WorkGroupSize.x * TN;
    const uint BM = gl_WorkGroupSize.y * TM;
    uint i0 = gl_WorkGroupID.y * BM + gl_LocalInvocationID.y;
    uint j0 = gl_WorkGroupID.x * BN + gl_LocalInvocationID.x;
    float acc[TM][TN];
    for (uint r = 0; r < TM; r++)
        for (uint s = 0; s < TN; s++) acc[r][s] = 0.0;
    for (uint p = 0; p < pc.K; p++) {
        float av[TM];
        float bv[TN];
        for (uint r = 0; r < TM; r++) {
            uint i = i0 + r * gl_WorkGroupSize.y;
            av[r] = i < pc.M ? loadA(i, p) : 0.0;
        }
        for (uint s = 0; s < TN; s++) {
            uint j = j0 + s * gl_WorkGroupSize.x;
            bv[s] = j < pc.N ? loadB(p, j) : 0.0;
        }
        for (uint r = 0; r < TM; r++)
            for (uint s = 0; s < TN; s++) acc[r][s] = fma(av[r], bv[s], acc[r][s]);
    }
    for (uint r = 0; r < TM; r++) {
        uint i = i0 + r * gl_WorkGroupSize.y;
        if (i >= pc.M) break;
        for (uint s = 0; s < TN; s++) {
            uint j = j0 + s * gl_WorkGroupSize.x;
            if (j >= pc.N) break;
            uint idx = pc.offC + i * pc.ldc + j;
            float v = pc.alpha * acc[r][s];
            // beta == 0 must not read C: NaN there must not survive.
            c[idx] = pc.beta == 0.0 ? v : v + pc.beta * c[idx];
        }
    }
}
