// bfloat16 is the upper half of a float32: moved into place with a shift
// or a mask, it is that float32 exactly.
fn widen(w: vec2<u32>) -> vec4<f32> {
    return bitcast<vec4<f32>>(vec4<u32>(w.x << 16u, w.x & 0xffff0000u, w.y << 16u, w.y & 0xffff0000u));
}
