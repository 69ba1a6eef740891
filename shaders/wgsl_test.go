package shaders_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/half"
	"github.com/vkgemm/vkgemm/shaders"
)

// The browser compiles the WGSL (wasm/e2e runs every family); here we check
// what the engine relies on: the entry point, the bindings, the override
// constants it sets and WebGPU's default limits.
func TestWGSLInterface(t *testing.T) {
	software, plain := 0, 0
	for _, k := range append(shaders.WGSLKernels(), shaders.WGSLHalfKernels()...) {
		src := k.Source
		assert.Contains(t, src, "fn main(", k.Name)
		for _, b := range []string{"@binding(0)", "@binding(1)", "@binding(2)", "@binding(3)"} {
			assert.Contains(t, src, b, k.Name)
		}
		for o := range k.Constants {
			assert.Regexp(t, regexp.MustCompile(`override `+o+`: u32`), src, k.Name)
		}
		assert.LessOrEqual(t, k.GroupX*k.GroupY, 256, "%s: WebGPU's default maxComputeInvocationsPerWorkgroup", k.Name)
		assert.LessOrEqual(t, k.WorkgroupBytes, 16384, "%s: WebGPU's default maxComputeWorkgroupStorageSize", k.Name)
		assert.Zero(t, k.BlockM%4, "%s: rows are padded to multiples of 4", k.Name)
		if k.WorkgroupBytes == 0 {
			assert.NotContains(t, src, "var<workgroup>", k.Name)
		}
		if k.Inputs != 0 {
			assert.Contains(t, src, "var<storage, read> a: array<vec2<u32>>", "%s: 16-bit inputs, two to a u32 word", k.Name)
			assert.Contains(t, src, "fn widen(w: vec2<u32>) -> vec4<f32>", k.Name)
			assert.Empty(t, k.Feature, "%s: 16-bit inputs need no optional feature", k.Name)
			assert.False(t, k.Software, "%s: never picked for float32", k.Name)
			continue
		}
		assert.Contains(t, src, "var<storage, read> a: array<vec4<f32>>", k.Name)
		if k.Software {
			software++
			if k.Feature == "" {
				plain++
			}
		}
		if k.ShapeConstants {
			assert.Regexp(t, regexp.MustCompile(`override N4: u32`), src, k.Name)
			assert.Regexp(t, regexp.MustCompile(`override K4: u32`), src, k.Name)
		}
		if k.Feature != "" {
			assert.Contains(t, src, "enable "+k.Feature+";", k.Name)
		}
	}
	assert.Equal(t, 1, plain, "a family for software adapters that needs no optional feature")
	assert.GreaterOrEqual(t, software, 1)
}

func TestWGSLHalfKernels(t *testing.T) {
	for _, f := range []half.Format{half.BF16, half.F16} {
		k, ok := shaders.WGSLHalf(f)
		require.True(t, ok, "%v", f)
		assert.Equal(t, f, k.Inputs)
		assert.Equal(t, "direct-"+strings.ToLower(f.String()), k.Name)
	}
	bf16, _ := shaders.WGSLHalf(half.BF16)
	assert.Contains(t, bf16.Source, "w.x << 16u", "bfloat16 widened with shifts")
	f16, _ := shaders.WGSLHalf(half.F16)
	assert.Contains(t, f16.Source, "unpack2x16float", "binary16 widened by core WGSL")
	_, ok := shaders.WGSLHalf(0)
	assert.False(t, ok, "float32 is not a half format")
}

// TestWGSLInt8Kernel checks what GemmInt8 in the browser relies on: the
// bindings of every kernel with A and B as u32 words of four int8 and C of
// i32, the float32 kernels' Params (the engine fills both alike), override
// constants for the workgroup, WebGPU's defaults, and nothing optional.
func TestWGSLInt8Kernel(t *testing.T) {
	k := shaders.WGSLInt8
	src := k.Source
	assert.Equal(t, "direct-int8", k.Name)
	assert.Contains(t, src, "fn main(")
	assert.Contains(t, src, "@group(0) @binding(0) var<storage, read> a: array<vec4<u32>>;")
	assert.Contains(t, src, "@group(0) @binding(1) var<storage, read> b: array<vec4<u32>>;")
	assert.Contains(t, src, "@group(0) @binding(2) var<storage, read_write> c: array<vec4<i32>>;")
	assert.Contains(t, src, "@group(0) @binding(3) var<uniform> p: Params;")
	for o := range k.Constants {
		assert.Regexp(t, regexp.MustCompile(`override `+o+`: u32`), src)
	}
	assert.LessOrEqual(t, k.GroupX*k.GroupY, 256)
	assert.Zero(t, k.WorkgroupBytes)
	assert.NotContains(t, src, "var<workgroup>")
	assert.Zero(t, k.BlockM%4)
	assert.Empty(t, k.Feature, "no optional WebGPU feature")
	assert.NotRegexp(t, regexp.MustCompile(`(?m)^\s*(enable|requires)\b`), src, "no extension or language feature: core WGSL")
	assert.NotContains(t, src, "f32>", "integers only: no float in the arithmetic")
	assert.Contains(t, src, ">> vec4<u32>(24u)", "bytes sign-extended by an arithmetic shift")
	assert.False(t, k.Software)
	assert.False(t, k.ShapeConstants)

	// The same Params, field by field, as the float32 kernels.
	fields := func(src string) []string {
		m := regexp.MustCompile(`(?s)struct Params \{(.*?)\n\}`).FindStringSubmatch(src)
		require.NotNil(t, m)
		return regexp.MustCompile(`(?m)^\s*(\w+: \w+),`).FindAllString(m[1], -1)
	}
	want := fields(shaders.WGSLDirect.Source)
	require.Len(t, want, 8)
	got := fields(src)
	for i := range got {
		got[i], want[i] = strings.TrimSpace(got[i]), strings.TrimSpace(want[i])
	}
	assert.Equal(t, want, got)
}
