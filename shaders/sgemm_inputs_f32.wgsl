// float32 inputs: A and B as vec4<f32>, 4 k-values of a row of A, 4
// columns of a row of B.
@group(0) @binding(0) var<storage, read> a: array<vec4<f32>>; // m4 x k4
@group(0) @binding(1) var<storage, read> b: array<vec4<f32>>; // (4*k4) x n4

fn readA(i: u32) -> vec4<f32> { return a[i]; }
fn readB(i: u32) -> vec4<f32> { return b[i]; }
