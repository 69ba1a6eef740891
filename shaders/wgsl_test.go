package shaders_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/vkgemm/vkgemm/shaders"
)

// The browser compiles the WGSL; here we check what the engine relies on:
// the entry point, the bindings and the override constants it sets.
func TestWGSLInterface(t *testing.T) {
	src := shaders.SgemmWGSL
	assert.Contains(t, src, "fn main(")
	for _, b := range []string{"@binding(0)", "@binding(1)", "@binding(2)", "@binding(3)"} {
		assert.Contains(t, src, b)
	}
	for _, o := range []string{"WG_X", "WG_Y"} {
		assert.Regexp(t, regexp.MustCompile(`override `+o+`: u32`), src)
	}
	assert.NotContains(t, src, "var<workgroup>", "no workgroup memory: within any WebGPU limit")
	assert.LessOrEqual(t, shaders.WGSLWorkgroupX*shaders.WGSLWorkgroupY, 256, "WebGPU's default maxComputeInvocationsPerWorkgroup")
}
