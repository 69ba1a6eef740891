// 16-bit inputs, two to a u32 word, the lower half first (as a []uint16
// lies in little-endian memory): a vec2<u32> holds the 4 values a vec4<f32>
// of the float32 kernels holds. WGSL guarantees no 16-bit storage
// (shader-f16 is optional), but 32-bit loads and bit operations work
// everywhere; widen, declared before this, turns a word pair into 4 float32.
@group(0) @binding(0) var<storage, read> a: array<vec2<u32>>; // m4 x k4
@group(0) @binding(1) var<storage, read> b: array<vec2<u32>>; // (4*k4) x n4

fn readA(i: u32) -> vec4<f32> { return widen(a[i]); }
fn readB(i: u32) -> vec4<f32> { return widen(b[i]); }
