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
