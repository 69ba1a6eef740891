package shaders_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/shaders"
)

// needTool finds a shader tool; where it is missing the test is skipped
// with the package to install, except in CI (CI=true), where it fails.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" || os.Getenv("VKGEMM_REQUIRE_DEVICE") == "1" {
			t.Fatalf("%s is not installed (apt-get install glslc spirv-tools python3)", name)
		}
		t.Skipf("%s is not installed (apt-get install glslc spirv-tools python3)", name)
	}
	return p
}

func sources(t *testing.T) []string {
	srcs, err := filepath.Glob("glsl/*.comp")
	require.NoError(t, err)
	require.NotEmpty(t, srcs)
	return srcs
}

// The committed SPIR-V is what the committed GLSL compiles to: edit a
// source and forget `./build.sh shaders`, and this fails.
func TestSPIRVIsFresh(t *testing.T) {
	glslc := needTool(t, "glslc")
	for _, src := range sources(t) {
		name := strings.TrimSuffix(filepath.Base(src), ".comp")
		out := filepath.Join(t.TempDir(), name+".spv")
		cmd := exec.Command(glslc, "--target-env=vulkan1.1", "-O", "-o", out, src)
		msg, err := cmd.CombinedOutput()
		require.NoError(t, err, "glslc %s: %s", src, msg)
		fresh, err := os.ReadFile(out)
		require.NoError(t, err)
		committed, err := shaders.SPIRV(name)
		require.NoError(t, err)
		assert.True(t, bytes.Equal(fresh, committed), "spirv/%s.spv is stale: run ./build.sh shaders", name)
	}
}

// The generated direct kernels are what gen_direct.py writes.
func TestGeneratedGLSLIsFresh(t *testing.T) {
	python := needTool(t, "python3")
	for _, g := range []struct{ file, args string }{{"gemm_direct.comp", "16"}, {"gemm_direct_8.comp", "8"}, {"gemm_subgroup.comp", "subgroup 8"}, {"gemm_subgroup_4.comp", "subgroup 4"}, {"gemm_subgroup_texel.comp", "subgroup 8 texel"}, {"gemm_direct_texel.comp", "16 texel"}} {
		out := filepath.Join(t.TempDir(), g.file)
		msg, err := exec.Command(python, append([]string{"gen_direct.py", out}, strings.Fields(g.args)...)...).CombinedOutput()
		require.NoError(t, err, "gen_direct.py: %s", msg)
		fresh, err := os.ReadFile(out)
		require.NoError(t, err)
		committed, err := os.ReadFile(filepath.Join("glsl", g.file))
		require.NoError(t, err)
		assert.True(t, bytes.Equal(fresh, committed), "glsl/%s is stale: run ./build.sh shaders", g.file)
	}
}

func TestSPIRVIsValid(t *testing.T) {
	val := needTool(t, "spirv-val")
	for _, src := range sources(t) {
		name := strings.TrimSuffix(filepath.Base(src), ".comp")
		path := filepath.Join("spirv", name+".spv")
		msg, err := exec.Command(val, "--target-env", "vulkan1.1", path).CombinedOutput()
		assert.NoError(t, err, "spirv-val %s: %s", path, msg)
	}
}

func TestEveryFamilyIsEmbedded(t *testing.T) {
	for _, name := range []string{shaders.Direct, shaders.Direct8, shaders.Subgroup, shaders.Subgroup4, shaders.SubgroupTexel, shaders.DirectTexel, shaders.Tiled, shaders.Peak} {
		b, err := shaders.SPIRV(name)
		require.NoError(t, err)
		require.GreaterOrEqual(t, len(b), 20)
		assert.Equal(t, []byte{0x03, 0x02, 0x23, 0x07}, b[:4], "SPIR-V magic number")
	}
	_, err := shaders.SPIRV("nope")
	assert.Error(t, err)
}
