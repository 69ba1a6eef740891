#version 450
// Peak float64 FMA throughput: peak.comp in double precision (devices with
// shaderFloat64). Every invocation runs eight independent chains of dependent
// dvec4 fused multiply-adds, 64 flops an iteration, and writes one value so
// nothing is optimised away. Same bindings and push constants as the GEMM
// kernels: K is the iteration count, alpha and beta the multiplier and addend.
layout(local_size_x_id = 0, local_size_y = 1, local_size_z = 1) in;

layout(set = 0, binding = 2) buffer BufC { float c[]; };
layout(push_constant) uniform Push {
    uint M, N, K;
    uint lda, ldb, ldc;
    uint offA, offB, offC;
    float alpha, beta;
    uint strideA, strideB, strideC;
} pc;

void main() {
    uint id = gl_GlobalInvocationID.x;
    dvec4 x0 = dvec4(double(id) * 1e-7LF);
    dvec4 x1 = x0 + 0.1LF, x2 = x0 + 0.2LF, x3 = x0 + 0.3LF;
    dvec4 x4 = x0 + 0.4LF, x5 = x0 + 0.5LF, x6 = x0 + 0.6LF, x7 = x0 + 0.7LF;
    dvec4 m = dvec4(double(pc.alpha)), s = dvec4(double(pc.beta));
    for (uint i = 0; i < pc.K; i++) {
        x0 = fma(x0, m, s); x1 = fma(x1, m, s); x2 = fma(x2, m, s); x3 = fma(x3, m, s);
        x4 = fma(x4, m, s); x5 = fma(x5, m, s); x6 = fma(x6, m, s); x7 = fma(x7, m, s);
    }
    dvec4 sum = ((x0 + x1) + (x2 + x3)) + ((x4 + x5) + (x6 + x7));
    c[id] = float(sum.x + sum.y + sum.z + sum.w);
}
