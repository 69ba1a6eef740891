package main

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/gpu"
)

// coopmatOn says whether products whose inputs the cooperative-matrix
// shape ends in (f16×f16→f32 for GemmHalf's F16, s8×s8→s32 for GemmInt8)
// run on cooperative matrices on the first device, as the environment
// configures it: where the device lists the shape (lavapipe from Mesa 26
// lists both; lavapipe 22.3 and SwiftShader none), on GPUs by default and
// on CPU drivers with VKGEMM_COOPMAT=1.
func coopmatOn(t *testing.T, shape string) bool {
	t.Helper()
	devs, err := gpu.Devices()
	require.NoError(t, err)
	require.NotEmpty(t, devs)
	d := devs[0]
	listed := slices.ContainsFunc(d.MatrixShapes, func(s string) bool { return strings.HasSuffix(s, shape) })
	env := os.Getenv("VKGEMM_COOPMAT")
	return listed && env != "0" && (env == "1" || d.Type != gpu.TypeCPU)
}

// wantFamily is the family of products of inputs shape on the first device
// where it is coopmat, else a regular expression of the FMA families.
func wantFamily(t *testing.T, shape string) string {
	if coopmatOn(t, shape) {
		return "^coopmat$"
	}
	return "^(direct|subgroup|block|tiled)$"
}

// bench -int8 times GemmInt8 next to float32 and the CPU engine's int8
// GEMM, in GOPS, and checks each C exactly.
func TestBenchInt8(t *testing.T) {
	needDevice(t)
	code, out, errOut := runCLI("bench", "-sizes", "16,37", "-classes", "tall,batched", "-int8", "-reps", "1", "-json")
	require.Equal(t, 0, code, errOut)
	var rep benchReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	var shapes []string
	for _, r := range rep.Rows {
		shapes = append(shapes, strings.TrimSpace(r.Shape+" "+r.Format))
	}
	assert.Equal(t, []string{"square", "square int8", "square", "square int8", "tall", "tall int8", "batched"}, shapes,
		"an int8 row after every float32 one but the batch's")
	for i, r := range rep.Rows {
		if r.Format != "int8" {
			assert.Zero(t, r.VulkanWallGOPS)
			assert.Nil(t, r.Exact)
			assert.NotEmpty(t, r.Family, "every row names its kernel family")
			continue
		}
		f32 := rep.Rows[i-1]
		assert.Equal(t, [3]int{f32.M, f32.N, f32.K}, [3]int{r.M, r.N, r.K})
		assert.Positive(t, r.VulkanWallGOPS, "n=%d", r.N)
		assert.Positive(t, r.VulkanGOPS, "n=%d: kernel GOPS from timestamps", r.N)
		assert.GreaterOrEqual(t, r.VulkanGOPS, r.VulkanWallGOPS, "the kernels take no longer than the call")
		assert.Zero(t, r.VulkanGFLOPS)
		assert.Positive(t, r.CPUGOPS, "n=%d", r.N)
		assert.Zero(t, r.VulkanWallGF, "GOPS, not GFLOPS")
		assert.Zero(t, r.CPUGFLOPS)
		assert.InDelta(t, r.VulkanWallGOPS/r.CPUGOPS, r.Ratio, 1e-9*r.Ratio)
		assert.InDelta(t, r.VulkanWallGOPS/f32.VulkanWallGF, r.OverFloat32, 1e-9*r.OverFloat32)
		require.NotNil(t, r.Exact)
		assert.True(t, *r.Exact)
		assert.Contains(t, r.Kernel, "int8 inputs")
		assert.Regexp(t, wantFamily(t, "s8×s8→s32"), r.Family)
	}
	assert.Contains(t, errOut, "37³ int8 CPU 1/1", "progress goes to stderr")
	assert.Contains(t, out, `"vulkan_wall_gops"`)
	assert.Contains(t, out, `"exact": true`)

	// The table, without the CPU: the check runs anyway.
	code, out, errOut = runCLI("bench", "-sizes", "24", "-int8", "-reps", "1", "-cpu=false")
	require.Equal(t, 0, code, errOut)
	assert.Regexp(t, `square int8\s+24³\s+[\d.]+ GOPS\s+[\d.]+ GOPS\s+[\d.]+ \([\d.]+-[\d.]+\)\s+[\d.]+x float32\s+(coopmat|direct)\n`, out)
	assert.Regexp(t, `\nint8 kernel: (coopmat|direct) .*int8 inputs\n`, out)
	assert.Contains(t, out, "each C matched the CPU engine's exact one")
	assert.Contains(t, errOut, "24³ int8 check")
	assert.NotContains(t, out, "CPU GFLOPS")
}

func TestInt8Mismatch(t *testing.T) {
	assert.Empty(t, int8Mismatch([]int32{1, 2, 3, 4}, []int32{1, 2, 3, 4}, 2))
	assert.Equal(t, "C(1,0) = 7 where the CPU engine's exact product is 3 (2 of 4 elements differ)",
		int8Mismatch([]int32{1, 2, 7, 5}, []int32{1, 2, 3, 4}, 2))
}

// bench -half names the kernel family of every half product: coopmat for
// F16 where the device lists the shape and cooperative matrices are on
// (VKGEMM_COOPMAT=1 on CPU drivers), an FMA family otherwise and for BF16;
// and -int8 GemmInt8's, coopmat where s8×s8→s32 is listed and on.
func TestBenchHalfNamesKernelFamily(t *testing.T) {
	needDevice(t)
	code, out, errOut := runCLI("bench", "-sizes", "24,70", "-half", "f16,bf16", "-reps", "1", "-cpu=false", "-json")
	require.Equal(t, 0, code, errOut)
	var rep benchReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.Len(t, rep.Rows, 6)
	coopmat := coopmatOn(t, "f16×f16→f32")
	for _, r := range rep.Rows {
		require.NotEmpty(t, r.Family, "%s %s %d", r.Shape, r.Format, r.N)
		assert.True(t, strings.HasPrefix(r.Kernel, r.Family+" "), "the kernel starts with its family: %s", r.Kernel)
		switch {
		case r.Format == "F16" && coopmat:
			assert.Equal(t, "coopmat", r.Family, "n=%d", r.N)
			assert.Contains(t, r.Kernel, "f16 inputs")
		case r.Format != "":
			assert.NotEqual(t, "coopmat", r.Family, "%s n=%d", r.Format, r.N)
			assert.Contains(t, r.Kernel, strings.ToLower(r.Format)+" inputs")
		}
	}
	t.Logf("coopmat expected: %v; F16 ran %s", coopmat, rep.Rows[1].Kernel)

	code, out, errOut = runCLI("bench", "-sizes", "24", "-half", "f16", "-int8", "-reps", "1", "-cpu=false")
	require.Equal(t, 0, code, errOut)
	family := map[bool]string{true: "coopmat", false: "(direct|subgroup|block|tiled)"}
	assert.Regexp(t, `square F16\s+24³ .*x float32\s+`+family[coopmat]+`\n`, out)
	assert.Regexp(t, `\nF16 kernel: `+family[coopmat]+` `, out)
	int8Coop := coopmatOn(t, "s8×s8→s32")
	assert.Regexp(t, `square int8\s+24³ .*x float32\s+`+family[int8Coop]+`\n`, out)
	assert.Regexp(t, `\nint8 kernel: `+family[int8Coop]+` `, out)
}

// devices shows the matrix shapes each device lists ("none" where it lists
// none) and the cooperative-matrix self-check, in the table and in JSON.
func TestDevicesMatrixShapesAndCoopmatCheck(t *testing.T) {
	needDevice(t)
	devs0, err := gpu.Devices()
	require.NoError(t, err)
	listed := slices.ContainsFunc(devs0[0].MatrixShapes, func(s string) bool {
		return strings.HasSuffix(s, "f16×f16→f32") || strings.HasSuffix(s, "s8×s8→s32")
	})
	code, out, errOut := runCLI("devices", "-device", "0")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "MATRIX SHAPES")
	assert.Contains(t, out, "COOPMAT CHECK")
	code, js, errOut := runCLI("devices", "-device", "0", "-json")
	require.Equal(t, 0, code, errOut)
	var devs []map[string]any
	require.NoError(t, json.Unmarshal([]byte(js), &devs))
	require.Len(t, devs, 1)
	shapes, ok := devs[0]["matrix_shapes"].([]any)
	require.True(t, ok, "matrix_shapes is a list, [] where empty: %v", devs[0]["matrix_shapes"])
	coop := devs[0]["coopmat"].(map[string]any)
	for key := range coop {
		assert.Regexp(t, `^[a-z][a-z0-9_]*$`, key)
	}
	switch {
	case len(shapes) == 0:
		assert.Regexp(t, `\snone\s+not used \(no matrix shapes\)\n`, out)
		assert.Equal(t, "not_used", coop["check"])
		assert.Equal(t, false, coop["used"])
	case listed && os.Getenv("VKGEMM_COOPMAT") != "0":
		assert.Equal(t, "passed", coop["check"], "%v", coop["detail"])
		kernels := coop["kernels"].([]any)
		require.NotEmpty(t, kernels)
		for _, k := range kernels {
			assert.True(t, strings.HasPrefix(k.(string), "coopmat "), k)
		}
		assert.Regexp(t, `→(f32|s32).*\spassed \((f16|int8)(, int8)?\)`, out)
		if os.Getenv("VKGEMM_COOPMAT") == "1" {
			assert.Equal(t, true, coop["used"])
			assert.Regexp(t, `\spassed \([^)]*\)\n`, out)
		}
	}
	t.Logf("%s", out)

	// VKGEMM_COOPMAT=0 skips the check where there is one to skip.
	t.Setenv("VKGEMM_COOPMAT", "0")
	code, out, errOut = runCLI("devices", "-device", "0")
	require.Equal(t, 0, code, errOut)
	if len(shapes) > 0 {
		assert.Contains(t, out, "not used (VKGEMM_COOPMAT=0)")
	} else {
		assert.Contains(t, out, "not used (no matrix shapes)")
	}
}

func TestCoopmatText(t *testing.T) {
	for _, c := range []struct {
		c    coopmatJSON
		want string
	}{
		{coopmatJSON{Check: coopPassed, Used: true}, "passed"},
		{coopmatJSON{Check: coopPassed, Used: true, Kernels: []string{"coopmat 16x16x16 matrices, f16 inputs", "coopmat 16x16x32 matrices, int8 inputs"}},
			"passed (f16, int8)"},
		{coopmatJSON{Check: coopPassed, Kernels: []string{"coopmat 8x8x8 matrices, 32 invocations, 64x64 tile, k-step 16, f16 inputs"}},
			"passed (f16); not used by default on CPU drivers (VKGEMM_COOPMAT=1 uses it)"},
		{coopmatJSON{Check: coopFailed, Detail: "C(0,1) = 2 where 3 is exact"}, "failed: C(0,1) = 2 where 3 is exact"},
		{coopmatJSON{Check: coopNotUsed, Detail: "no matrix shapes"}, "not used (no matrix shapes)"},
		{coopmatJSON{Check: coopNotChecked, Detail: "device lost"}, "not checked (device lost)"},
	} {
		assert.Equal(t, c.want, c.c.text())
	}
}

func TestBenchInt8BadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "-int8=maybe"},
		{"bench", "-int8", "-sizes", "0"},
		{"bench", "-int8", "-half", "int8"},
		{"devices", "-int8"},
	} {
		code, _, errOut := runCLI(args...)
		assert.Equal(t, 2, code, "%v: %s", args, errOut)
		assert.NotEmpty(t, errOut, "%v says why", args)
	}
}
