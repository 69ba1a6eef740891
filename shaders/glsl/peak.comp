#version 450
// Peak FMA throughput, as vkpeak measures it: every invocation runs eight
// independent chains of dependent vec4 fused multiply-adds, 64 flops an
// iteration, and writes one float so nothing is optimised away. Same
// bindings and push constants as the GEMM kernels: K is the iteration
// count, alpha and beta the multiplier and addend.
layout(local_size_x_id = 0, local_size_y = 1, local_size_z = 1) in;

layout(set = 0, binding = 0) readonly buffer BufA { float a[]; };
layout(set = 0, binding = 1) readonly buffer BufB { float b[]; };
layout(set = 0, binding = 2) buffer BufC { float c[]; };
layout(push_constant) uniform Push {
    uint M, N, K;
    uint lda, ldb, ldc;
    uint offA, offB, offC;
    float alpha, beta;
    uint strideA, strideB, strideC;  // elements between products of a batch (gl_WorkGroupID.z)
} pc;

void main() {
    uint id = gl_GlobalInvocationID.x;
    vec4 x0 = vec4(float(id) * 1e-7);
    vec4 x1 = x0 + 0.1, x2 = x0 + 0.2, x3 = x0 + 0.3;
    vec4 x4 = x0 + 0.4, x5 = x0 + 0.5, x6 = x0 + 0.6, x7 = x0 + 0.7;
    vec4 m = vec4(pc.alpha), s = vec4(pc.beta);
    for (uint i = 0; i < pc.K; i++) {
        x0 = fma(x0, m, s); x1 = fma(x1, m, s); x2 = fma(x2, m, s); x3 = fma(x3, m, s);
        x4 = fma(x4, m, s); x5 = fma(x5, m, s); x6 = fma(x6, m, s); x7 = fma(x7, m, s);
    }
    vec4 sum = ((x0 + x1) + (x2 + x3)) + ((x4 + x5) + (x6 + x7));
    c[id] = sum.x + sum.y + sum.z + sum.w;
}
