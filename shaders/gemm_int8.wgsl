// Int8 GEMM for the browser's WebGPU engine: C = A * B, exactly, with A and
// B of int8 and C of int32, on packed, zero-padded matrices (the engine packs
// op(A) and op(B) on the host, so the kernel needs no transposes or strides).
//
// WGSL has no 8-bit storage, so both operands come k-contiguous, four int8
// to a u32 word (the first in the lowest byte, as a []int8 lies in
// little-endian memory), read as vec4<u32>: 16 k-values per load. A is
// m4 rows of k16/16 such vec4s; B comes transposed, n4 rows (one per column
// of C) of the same length, so that one word of A and one of B hold the same
// 4 k-values and multiply as a 4-term dot product. Zero padding adds
// nothing to a sum.
//
// Each word is unpacked with shifts into a vec4<i32>, once, and used four
// times: core WGSL, so it runs on every adapter. (dot4I8Packed, from the
// packed_4x8_integer_dot_product language extension, ran no faster on
// SwiftShader, the one adapter measured, and not every browser has it.)
//
// Exact: a product of two int8 is at most 2^14 in magnitude, and the
// engine refuses k over gemm.MaxInt8K, so no sum of them, partial or
// final, in any order, leaves i32's range.
//
// The shape is the direct float32 kernel's: no workgroup memory, no
// barriers, each invocation a 4 x 4 block of C, a workgroup of WG_X x WG_Y
// invocations a (4*WG_Y) x (4*WG_X) block.
override WG_X: u32 = 16; // invocations along N; each does 4 columns
override WG_Y: u32 = 16; // invocations along M; each does 4 rows

// The layout of the float32 kernels' Params, so the engine fills both the
// same way; k4 here counts vec4<u32> (16 k-values), and alpha is unused.
struct Params {
    m4: u32,      // rows of C, padded to a multiple of 4
    n4: u32,      // vec4 columns of C (N padded / 4)
    k4: u32,      // vec4<u32> per row of A and of B transposed (K padded / 16)
    row0: u32,    // first row of this dispatch: long products are split into bands
    row_end: u32, // one past the last row of this dispatch
    alpha: f32,   // unused: an int8 GEMM has no scaling
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(0) var<storage, read> a: array<vec4<u32>>;       // m4 x k4
@group(0) @binding(1) var<storage, read> b: array<vec4<u32>>;       // (4*n4) x k4: B transposed
@group(0) @binding(2) var<storage, read_write> c: array<vec4<i32>>; // m4 x n4
@group(0) @binding(3) var<uniform> p: Params;

// operand unpacks a word of four int8 into i32s: each byte is shifted to
// the top of an i32 and back down, and >> on i32 is arithmetic, so it comes
// back sign-extended.
fn operand(w: u32) -> vec4<i32> {
    return bitcast<vec4<i32>>(vec4<u32>(w) << vec4<u32>(24u, 16u, 8u, 0u)) >> vec4<u32>(24u);
}

// Ops are the operands of 16 k-values: one vec4<u32> of A or B, unpacked.
struct Ops {
    x: vec4<i32>,
    y: vec4<i32>,
    z: vec4<i32>,
    w: vec4<i32>,
}

fn operands(v: vec4<u32>) -> Ops {
    return Ops(operand(v.x), operand(v.y), operand(v.z), operand(v.w));
}

// dot16 is the sum of the 16 products of two Ops.
fn dot16(s: Ops, t: Ops) -> i32 {
    return dot(s.x, t.x) + dot(s.y, t.y) + dot(s.z, t.z) + dot(s.w, t.w);
}

// row is one row of A's 16 k-values against 4 columns of B.
fn row(s: Ops, t0: Ops, t1: Ops, t2: Ops, t3: Ops) -> vec4<i32> {
    return vec4<i32>(dot16(s, t0), dot16(s, t1), dot16(s, t2), dot16(s, t3));
}

@compute @workgroup_size(WG_X, WG_Y, 1)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    let j = gid.x;                  // vec4 column of C: columns 4j .. 4j+3
    let i = p.row0 + gid.y * 4u;    // first of this invocation's 4 rows
    if (j >= p.n4 || i >= p.row_end) {
        return;
    }
    var acc0 = vec4<i32>(0);
    var acc1 = vec4<i32>(0);
    var acc2 = vec4<i32>(0);
    var acc3 = vec4<i32>(0);
    var ia = i * p.k4;
    var ib = 4u * j * p.k4;
    for (var kk = 0u; kk < p.k4; kk++) {
        // Each word is turned into operands once, and used 4 times.
        let b0 = operands(b[ib]);
        let b1 = operands(b[ib + p.k4]);
        let b2 = operands(b[ib + 2u * p.k4]);
        let b3 = operands(b[ib + 3u * p.k4]);
        let a0 = operands(a[ia]);
        let a1 = operands(a[ia + p.k4]);
        let a2 = operands(a[ia + 2u * p.k4]);
        let a3 = operands(a[ia + 3u * p.k4]);
        acc0 += row(a0, b0, b1, b2, b3);
        acc1 += row(a1, b0, b1, b2, b3);
        acc2 += row(a2, b0, b1, b2, b3);
        acc3 += row(a3, b0, b1, b2, b3);
        ia += 1u;
        ib += 1u;
    }
    let ic = i * p.n4 + j;
    c[ic] = acc0;
    c[ic + p.n4] = acc1;
    c[ic + 2u * p.n4] = acc2;
    c[ic + 3u * p.n4] = acc3;
}
