// SGEMM for the browser's WebGPU engine: C = alpha * A * B on packed,
// row-major, zero-padded matrices (the engine packs op(A) and op(B) and
// applies beta*C on the host, so the kernel needs no transposes or strides).
//
// Same family as the GLSL "direct" kernel: no workgroup memory and no
// barriers; each invocation computes a TM x TN = 4 x 4 block of C, reading A
// and B as vec4 straight from the buffers. That is the fastest form measured
// on SwiftShader (see shaders/doc.go), and it stays within WebGPU's default
// limits whatever the workgroup shape: no workgroup memory at all, and
// WG_X * WG_Y <= 256 invocations.
//
// Tile sizes are override constants: a workgroup covers a
// (4*WG_Y) x (4*WG_X) block of C.
override WG_X: u32 = 16; // invocations along N; each does 4 columns
override WG_Y: u32 = 16; // invocations along M; each does 4 rows

// Params and the bindings c, p: sgemm_common.wgsl; A and B, and readA and
// readB, which read a vec4 of either as float32: sgemm_inputs_*.wgsl. With
// 16-bit inputs (WGSLDirectBF16, WGSLDirectF16) the loads widen them.

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let j = gid.x;                  // vec4 column of C
    let i = p.row0 + gid.y * 4u;    // first of this invocation's 4 rows
    if (j >= p.n4 || i >= p.row_end) {
        return;
    }
    var acc0 = vec4<f32>(0.0);
    var acc1 = vec4<f32>(0.0);
    var acc2 = vec4<f32>(0.0);
    var acc3 = vec4<f32>(0.0);
    var ia = i * p.k4;
    var ib = j;
    for (var kk = 0u; kk < p.k4; kk++) {
        // 4 rows of B: the k-slice this step consumes.
        let b0 = readB(ib);
        let b1 = readB(ib + p.n4);
        let b2 = readB(ib + 2u * p.n4);
        let b3 = readB(ib + 3u * p.n4);
        let a0 = readA(ia);
        let a1 = readA(ia + p.k4);
        let a2 = readA(ia + 2u * p.k4);
        let a3 = readA(ia + 3u * p.k4);
        acc0 = fma(vec4<f32>(a0.x), b0, fma(vec4<f32>(a0.y), b1, fma(vec4<f32>(a0.z), b2, fma(vec4<f32>(a0.w), b3, acc0))));
        acc1 = fma(vec4<f32>(a1.x), b0, fma(vec4<f32>(a1.y), b1, fma(vec4<f32>(a1.z), b2, fma(vec4<f32>(a1.w), b3, acc1))));
        acc2 = fma(vec4<f32>(a2.x), b0, fma(vec4<f32>(a2.y), b1, fma(vec4<f32>(a2.z), b2, fma(vec4<f32>(a2.w), b3, acc2))));
        acc3 = fma(vec4<f32>(a3.x), b0, fma(vec4<f32>(a3.y), b1, fma(vec4<f32>(a3.z), b2, fma(vec4<f32>(a3.w), b3, acc3))));
        ia += 1u;
        ib += 4u * p.n4;
    }
    let ic = i * p.n4 + j;
    c[ic] = p.alpha * acc0;
    c[ic + p.n4] = p.alpha * acc1;
    c[ic + 2u * p.n4] = p.alpha * acc2;
    c[ic + 3u * p.n4] = p.alpha * acc3;
}
