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
			t.Fatalf("%s is not installed (apt-get install glslc spirv-tools)", name)
		}
		t.Skipf("%s is not installed (apt-get install glslc spirv-tools)", name)
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
// source and forget `./build.sh shaders`, and this fails. Cooperative-matrix
// sources compile with Debian testing's glslc 2026.4 (compile.sh), fetched
// by scripts/mesa26.sh.
func TestSPIRVIsFresh(t *testing.T) {
	glslc := needTool(t, "glslc")
	for _, src := range sources(t) {
		name := strings.TrimSuffix(filepath.Base(src), ".comp")
		out := filepath.Join(t.TempDir(), name+".spv")
		cmd := exec.Command(glslc, "--target-env=vulkan1.1", "-O", "-o", out, src)
		switch {
		case strings.Contains(name, "coopmat"):
			cmd = mesa26Tool(t, "glslc", "--target-env=vulkan1.1", "-o", out, src)
		case strings.HasSuffix(name, "_dot"):
			cmd = mesa26Tool(t, "glslc", "--target-env=vulkan1.1", "-O", "-o", out, src)
		}
		if cmd == nil {
			continue
		}
		msg, err := cmd.CombinedOutput()
		require.NoError(t, err, "glslc %s: %s", src, msg)
		fresh, err := os.ReadFile(out)
		require.NoError(t, err)
		committed, err := shaders.SPIRV(name)
		require.NoError(t, err)
		assert.True(t, bytes.Equal(fresh, committed), "spirv/%s.spv is stale: run ./build.sh shaders", name)
	}
}

// mesa26Tool is a command running a tool of the cooperative-matrix modules
// (glslc 2026.4, spirv-val) through scripts/mesa26.sh, or nil where
// VKGEMM_NO_MESA26_TOOLS=1 says they could not be fetched (then the test
// logs what it leaves out).
func mesa26Tool(t *testing.T, tool string, args ...string) *exec.Cmd {
	t.Helper()
	if os.Getenv("VKGEMM_NO_MESA26_TOOLS") == "1" {
		t.Logf("%s %v: left out, scripts/mesa26.sh could not fetch its tools (VKGEMM_NO_MESA26_TOOLS=1)", tool, args)
		return nil
	}
	return exec.Command("../scripts/mesa26.sh", append([]string{tool}, args...)...)
}

// The generated GLSL is what gen.go writes from the table of variants, and
// every module the table names is there.
func TestGeneratedGLSLIsFresh(t *testing.T) {
	goTool := needTool(t, "go")
	dir := t.TempDir()
	msg, err := exec.Command(goTool, "run", "gen.go", dir).CombinedOutput()
	require.NoError(t, err, "go run gen.go: %s", msg)
	for _, v := range shaders.Variants {
		if v.HandWritten {
			continue
		}
		fresh, err := os.ReadFile(filepath.Join(dir, v.Name+".comp"))
		require.NoError(t, err)
		committed, err := os.ReadFile(filepath.Join("glsl", v.Name+".comp"))
		require.NoError(t, err)
		assert.True(t, bytes.Equal(fresh, committed), "glsl/%s.comp is stale: run ./build.sh shaders", v.Name)
		assert.True(t, bytes.HasPrefix(committed, []byte("// Code generated ")) &&
			bytes.Contains(committed[:bytes.IndexByte(committed, '\n')], []byte("DO NOT EDIT.")), "glsl/%s.comp does not say it is generated", v.Name)
	}
}

func TestModuleFor(t *testing.T) {
	for _, c := range []struct {
		element shaders.Element
		family  shaders.Family
		texel   bool
		lanes   uint32
		tm, tn  uint32
		want    string
	}{
		{shaders.F32, shaders.FamilyDirect, false, 0, 8, 8, "gemm_direct_8"},
		{shaders.F32, shaders.FamilyDirect, false, 0, 12, 16, "gemm_direct"},
		{shaders.F32, shaders.FamilyDirect, true, 0, 8, 8, "gemm_direct_texel"},
		{shaders.F32, shaders.FamilyDirect, true, 0, 12, 16, "gemm_direct_texel_12x16"},
		{shaders.F32, shaders.FamilySubgroup, false, 8, 24, 8, "gemm_subgroup"},
		{shaders.F32, shaders.FamilySubgroup, false, 4, 16, 8, "gemm_subgroup_4"},
		{shaders.F32, shaders.FamilySubgroup, true, 8, 8, 4, "gemm_subgroup_texel"},
		{shaders.F32, shaders.FamilySubgroup, true, 4, 8, 4, ""},
		{shaders.F32, shaders.FamilyDirect, false, 0, 20, 4, ""},
		{shaders.F32, shaders.FamilyTiled, false, 0, 8, 8, "gemm_tiled"},
		{shaders.F32, shaders.FamilyPeak, false, 0, 1, 1, "peak"},
		{shaders.F64, shaders.FamilyPeak, false, 0, 1, 1, "peak_f64"},
		{shaders.F64, shaders.FamilyDirect, false, 0, 8, 8, "gemm_direct_f64"},
		{shaders.F64, shaders.FamilyDirect, false, 0, 12, 8, "" /* its block is fixed */},
		{shaders.F64, shaders.FamilyDirect, true, 0, 12, 8, "gemm_direct_texel_f64"},
		// Half-precision modules are found by element type only: a float32
		// kernel never gets one.
		{shaders.F16, shaders.FamilyDirect, false, 0, 12, 16, "gemm_direct_f16"},
		{shaders.BF16, shaders.FamilyDirect, false, 0, 8, 8, "gemm_direct_bf16"},
		{shaders.BF16, shaders.FamilySubgroup, false, 8, 24, 8, "gemm_subgroup_bf16"},
		{shaders.F16, shaders.FamilySubgroup, false, 4, 16, 8, "gemm_subgroup_4_f16"},
		{shaders.F16, shaders.FamilyDirect, true, 0, 12, 16, "gemm_direct_texel_f16_12x16"},
		{shaders.BF16, shaders.FamilyDirect, true, 0, 12, 16, "gemm_direct_texel_bf16_12x16"},
		{shaders.F16, shaders.FamilyDirect, true, 0, 12, 12, ""},   // half texels: 12x16 only
		{shaders.BF16, shaders.FamilySubgroup, true, 8, 24, 8, ""}, // no subgroup half texel modules
		{shaders.BF16, shaders.FamilyBlock, false, 0, 4, 4, "gemm_block_bf16"},
		{shaders.F16, shaders.FamilyBlock, true, 0, 8, 8, ""}, // no texel block modules
		{shaders.F16, shaders.FamilyTiled, false, 0, 8, 8, ""},
	} {
		assert.Equal(t, c.want, shaders.ModuleFor(c.element, c.family, c.texel, c.lanes, c.tm, c.tn), "%+v", c)
	}
}

func TestSPIRVIsValid(t *testing.T) {
	val := needTool(t, "spirv-val")
	for _, src := range sources(t) {
		name := strings.TrimSuffix(filepath.Base(src), ".comp")
		path := filepath.Join("spirv", name+".spv")
		cmd := exec.Command(val, "--target-env", "vulkan1.1", path)
		if strings.Contains(name, "coopmat") || strings.HasSuffix(name, "_dot") {
			if cmd = mesa26Tool(t, "spirv-val", "--target-env", "vulkan1.1", path); cmd == nil {
				continue
			}
		}
		msg, err := cmd.CombinedOutput()
		assert.NoError(t, err, "spirv-val %s: %s", path, msg)
	}
}

// Every row of the table has its module embedded, and every module is a
// row: the table is the one list of what the engine can run.
func TestEveryModuleIsARow(t *testing.T) {
	rows := map[string]bool{}
	for _, v := range shaders.Variants {
		assert.False(t, rows[v.Name], "%s is twice in the table", v.Name)
		rows[v.Name] = true
		assert.True(t, v.Family.GEMM() || v.Family == shaders.FamilyPeak, "%s: unknown family %q", v.Name, v.Family)
	}
	for _, src := range sources(t) {
		name := strings.TrimSuffix(filepath.Base(src), ".comp")
		assert.True(t, rows[name], "glsl/%s.comp is no row of shaders.Variants", name)
	}
	for name := range rows {
		b, err := shaders.SPIRV(name)
		require.NoError(t, err)
		require.GreaterOrEqual(t, len(b), 20)
		assert.Equal(t, []byte{0x03, 0x02, 0x23, 0x07}, b[:4], "SPIR-V magic number")
	}
	_, err := shaders.SPIRV("nope")
	assert.Error(t, err)
}

// The int8 module's packed-dot-product twin is never what ModuleFor picks
// (it needs a device feature): the engine swaps it in by name.
func TestIntegerDotTwin(t *testing.T) {
	assert.Equal(t, "gemm_int8", shaders.ModuleFor(shaders.Int8, shaders.FamilyDirect, false, 0, 4, 4))
	assert.Equal(t, "gemm_int8_dot", shaders.IntegerDotTwin("gemm_int8"))
	assert.Empty(t, shaders.IntegerDotTwin("gemm_direct_8"))
	assert.Empty(t, shaders.IntegerDotTwin("gemm_int8_dot"))
}
