package shaders_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/vkgemm/vkgemm/shaders"
)

// The browser compiles the WGSL (wasm/e2e runs every family); here we check
// what the engine relies on: the entry point, the bindings, the override
// constants it sets and WebGPU's default limits.
func TestWGSLInterface(t *testing.T) {
	software, plain := 0, 0
	for _, k := range shaders.WGSLKernels() {
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
