package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/gpu"
	"github.com/vkgemm/vkgemm/internal/diag"
)

const radvICD = "/usr/share/vulkan/icd.d/radeon_icd.x86_64.json"

// CPU drivers report no compiler statistics: isa says so and what does.
func TestISAWithoutStatistics(t *testing.T) {
	needDevice(t)
	devs, err := gpu.Devices()
	require.NoError(t, err)
	driver := devs[0].DriverName
	if !strings.Contains(driver, "llvmpipe") && !strings.Contains(driver, "SwiftShader") {
		t.Skipf("%s may report statistics; this test is for lavapipe and SwiftShader", devs[0].Name)
	}
	code, _, errOut := runCLI("isa", "-roles", "default")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "VK_KHR_pipeline_executable_properties")
	assert.Contains(t, errOut, "RADV")
}

// On RADV's null device (AMD's compiler, no GPU) every default kernel is
// compiled, in every transpose, and reported with the fields -json promises.
// RADV reads RADV_FORCE_FAMILY once per process: the test runs itself again.
func TestISAOnRADVNullDevice(t *testing.T) {
	if os.Getenv("VKGEMM_ISA_CHILD") == "1" {
		os.Exit(run([]string{"isa", "-json", "-roles", "default", "-check", "-min-waves", "4"}, os.Stdout, os.Stderr))
	}
	if _, err := os.Stat(radvICD); err != nil {
		if os.Getenv("VKGEMM_REQUIRE_DEVICE") == "1" {
			t.Fatalf("RADV is not installed (%v): apt-get install mesa-vulkan-drivers", err)
		}
		t.Skipf("RADV is not installed: %v", err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestISAOnRADVNullDevice$")
	cmd.Env = append(os.Environ(), "VKGEMM_ISA_CHILD=1", "RADV_FORCE_FAMILY=navi21", "MESA_SHADER_CACHE_DISABLE=true",
		"VK_DRIVER_FILES="+radvICD, "VK_ICD_FILENAMES=", "VKGEMM_DEVICE=")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	require.NoError(t, err, "vkgemm isa on RADV's null device")
	var rows []map[string]any
	require.NoError(t, json.Unmarshal(out, &rows), "%s", out)
	require.NotEmpty(t, rows)
	for _, r := range rows {
		for _, f := range []string{"family", "compiler", "kernel", "role", "registers", "scalar_registers", "spills", "scratch_bytes",
			"shared_bytes", "occupancy", "occupancy_unit", "code_bytes", "statistics"} {
			assert.Contains(t, r, f)
		}
		assert.NotContains(t, r, "fills", "ACO reports no fills: absent, not made up")
		assert.Equal(t, "navi21", r["family"])
		assert.Equal(t, "ACO", r["compiler"])
		assert.Equal(t, "default", r["role"])
		assert.Greater(t, r["registers"], 0.0)
		assert.Equal(t, 0.0, r["scratch_bytes"], "%v", r["kernel"])
		assert.Equal(t, "waves per SIMD", r["occupancy_unit"])
		assert.GreaterOrEqual(t, r["occupancy"], 4.0, "%v", r["kernel"])
	}
}

func TestISACheck(t *testing.T) {
	n := func(v int) *int { return &v }
	ok := diag.PipelineStats{Family: "navi21", Kernel: "k", Role: diag.RoleDefault, Registers: n(100), Spills: n(0), ScratchBytes: n(0),
		Occupancy: n(8), OccupancyUnit: "waves per SIMD"}
	assert.NoError(t, isaCheck([]diag.PipelineStats{ok}, 4, false))
	spill := ok
	spill.ScratchBytes = n(4096)
	assert.ErrorContains(t, isaCheck([]diag.PipelineStats{ok, spill}, 4, false), "4096 bytes of scratch")
	few := ok
	few.Role, few.Occupancy = diag.RoleBuiltin, n(2)
	assert.ErrorContains(t, isaCheck([]diag.PipelineStats{few}, 4, false), "2 waves per SIMD, fewer than 4")
	assert.NoError(t, isaCheck([]diag.PipelineStats{few}, 0, false), "no floor")
	cand := spill
	cand.Role = diag.RoleCandidate
	assert.NoError(t, isaCheck([]diag.PipelineStats{cand}, 4, false), "candidates are reported, not required")
	cand.Role = diag.RoleOtherBuiltin
	assert.NoError(t, isaCheck([]diag.PipelineStats{cand}, 4, false), "nor are other vendors' built-ins")
	unknown := diag.PipelineStats{Family: "x", Kernel: "k", Role: diag.RoleDefault}
	assert.NoError(t, isaCheck([]diag.PipelineStats{unknown}, 4, false), "what a compiler does not report is not checked")
	fills := ok
	fills.Fills = n(3)
	assert.ErrorContains(t, isaCheck([]diag.PipelineStats{fills}, 0, false), "3 fills")

	assert.ErrorContains(t, isaCheck([]diag.PipelineStats{ok}, 0, true), "no cooperative-matrix kernel", "-require-matrix wants one")
	coop := ok
	coop.Kernel = "coopmat 16x16x16 matrices, 256 invocations, 64x64 tile, k-step 32, f16 inputs"
	coop.MatrixInstructions = n(8)
	assert.NoError(t, isaCheck([]diag.PipelineStats{ok, coop}, 4, true))
	coop.MatrixInstructions = n(0)
	assert.ErrorContains(t, isaCheck([]diag.PipelineStats{coop}, 4, false), "without matrix instructions")
	coop.MatrixInstructions = nil
	assert.ErrorContains(t, isaCheck([]diag.PipelineStats{coop}, 4, false), "cannot be counted")
	plain := ok
	plain.MatrixInstructions = n(0)
	assert.NoError(t, isaCheck([]diag.PipelineStats{plain}, 4, false), "other kernels use none, and need none")
}
