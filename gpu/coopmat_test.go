package gpu_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/gpu"
)

// Where the device lists cooperative matrices for F16 (lavapipe 26 does,
// 8×8×8, emulated), GemmHalf runs them once the self-check passes, and is
// held to the same bound as every other kernel, in every transpose, over
// tile edges, with a long k; where it lists s8×s8→s32 ones, GemmInt8 runs
// them and is exact. VKGEMM_REQUIRE_COOPMAT=1 (./build.sh test on
// Mesa 26 lavapipe) makes a device without them a failure.
func TestGemmHalfOnCooperativeMatrices(t *testing.T) {
	d := openDevice(t, gpu.Config{Coopmat: gpu.On})
	if len(d.Info().MatrixShapes) == 0 {
		if os.Getenv("VKGEMM_REQUIRE_COOPMAT") == "1" {
			t.Fatalf("%s lists no cooperative matrices", d.Describe())
		}
		t.Skipf("%s lists no cooperative matrices (Mesa 26 lavapipe does: scripts/mesa26.sh)", d.Describe())
	}
	kern, err := probe(d).CoopmatCheck()
	require.NoError(t, err, "the self-check")
	require.NotEmpty(t, kern)
	t.Logf("%s: %v; %s", d.Describe(), d.Info().MatrixShapes, kern)
	gemmHalfConformance(t, d, gpu.F16)
	if lists(d, "bf16×bf16→f32") {
		// Only GPUs with VK_KHR_shader_bfloat16 (RDNA4 lists it through
		// RADV) get here: no CPU driver here lists bfloat16 matrices.
		require.Contains(t, kern, "bf16 inputs")
		gemmHalfConformance(t, d, gpu.BF16)
	}
	if strings.Contains(kern, "int8 inputs") {
		// GemmInt8 on s8×s8→s32 matrices: exact over the sweep and at
		// int32's limits, through staging and split blocks too.
		gemmtest.CorrectnessInt8(t, d, testing.Short())
		staged := openDevice(t, gpu.Config{Coopmat: gpu.On, ForceStaging: gpu.On, MaxBindingBytes: 16 << 10})
		gemmtest.CorrectnessInt8(t, staged, true)
	} else if os.Getenv("VKGEMM_REQUIRE_COOPMAT") == "1" && lists(d, "s8×s8→s32") {
		t.Errorf("%s lists s8×s8→s32 matrices, but GemmInt8 has no cooperative-matrix kernel: %s", d.Describe(), kern)
	}

	// Off means off, and the default keeps CPU drivers' emulation off.
	for _, c := range []gpu.Switch{gpu.Off, gpu.Default} {
		kern, err := probe(openDevice(t, gpu.Config{Coopmat: c})).CoopmatCheck()
		assert.NoError(t, err)
		if c == gpu.Off || d.Info().Type == gpu.TypeCPU {
			assert.Empty(t, kern, "%v", c)
		}
	}
}

// lists says whether d lists a cooperative matrix of the types in shape
// ("s8×s8→s32").
func lists(d *gpu.Device, types string) bool {
	return slices.ContainsFunc(d.Info().MatrixShapes, func(s string) bool { return strings.HasSuffix(s, " "+types) })
}
