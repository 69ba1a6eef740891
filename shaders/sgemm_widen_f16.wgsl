// IEEE binary16: unpack2x16float is core WGSL (no shader-f16 needed) and
// every binary16 value is a float32 value.
fn widen(w: vec2<u32>) -> vec4<f32> {
    return vec4<f32>(unpack2x16float(w.x), unpack2x16float(w.y));
}
