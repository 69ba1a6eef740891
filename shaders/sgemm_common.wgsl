// The interface every WGSL SGEMM kernel of the browser shares (package
// shaders puts it in front of each kernel's source): packed, zero-padded,
// row-major matrices, and the range of rows of one dispatch. The bindings
// of A and B come after it, in the kernel's inputs (sgemm_inputs_*.wgsl).
struct Params {
    m4: u32,      // rows of C, padded to a multiple of 4
    n4: u32,      // vec4 columns of B and C (N padded / 4)
    k4: u32,      // vec4 columns of A (K padded / 4)
    row0: u32,    // first row of this dispatch: long products are split into bands
    row_end: u32, // one past the last row of this dispatch
    alpha: f32,
    _pad0: u32,
    _pad1: u32,
}

@group(0) @binding(2) var<storage, read_write> c: array<vec4<f32>>; // m4 x n4
@group(0) @binding(3) var<uniform> p: Params;
