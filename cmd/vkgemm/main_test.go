package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/gpu"
	"github.com/vkgemm/vkgemm/gpu/tune"
)

// childArgs, when set, makes the test binary run the CLI with these
// arguments instead of the tests: for what the Vulkan loader reads once per
// process, such as VK_DRIVER_FILES.
const childArgs = "VKGEMM_CLI_ARGS"

// TestMain keeps the tests away from the user's cache directory.
func TestMain(m *testing.M) {
	if args := os.Getenv(childArgs); args != "" {
		os.Exit(run(strings.Fields(args), os.Stdout, os.Stderr))
	}
	dir, err := os.MkdirTemp("", "vkgemm-cache")
	if err != nil {
		panic(err)
	}
	os.Setenv("VKGEMM_CACHE_DIR", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func needDevice(t *testing.T) {
	t.Helper()
	if _, err := gpu.Devices(); err != nil {
		if os.Getenv("VKGEMM_REQUIRE_DEVICE") == "1" {
			t.Fatalf("no Vulkan device: %v", err)
		}
		t.Skipf("no Vulkan device (set VKGEMM_REQUIRE_DEVICE=1 to fail instead): %v", err)
	}
}

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestUsage(t *testing.T) {
	code, out, _ := runCLI()
	assert.Equal(t, 2, code)
	assert.Contains(t, out, "devices")
	code, _, errOut := runCLI("frobnicate")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `unknown command "frobnicate"`)
	code, _, errOut = runCLI("bench", "-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, errOut, "-sizes")
	code, _, errOut = runCLI("bench", "-sizes", "12,zero")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `"zero" is not a size`)
	code, _, _ = runCLI("verify", "extra")
	assert.Equal(t, 2, code)
	code, _, errOut = runCLI("tune", "-classes", "huge")
	assert.Equal(t, 2, code, "a bad flag is a usage error before any device opens, as in bench")
	assert.Contains(t, errOut, `unknown shape class "huge"`)
}

func TestCommandsListOnlyFlagsTheyUse(t *testing.T) {
	for cmd, want := range map[string][]string{
		"devices": {"-device", "-json"},
		"peak":    {"-device", "-validation", "-json"},
		"verify":  {"-device", "-validation", "-kernel", "-full"},
	} {
		code, _, errOut := runCLI(cmd, "-h")
		require.Equal(t, 0, code, cmd)
		for _, f := range want {
			assert.Contains(t, errOut, "\n  "+f, "%s -h lists %s", cmd, f)
		}
		if cmd != "verify" {
			assert.NotContains(t, errOut, "-kernel", "%s runs no GEMM kernel", cmd)
		}
	}
}

func TestDevicesTableAndJSON(t *testing.T) {
	needDevice(t)
	code, out, _ := runCLI("devices")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "SUBGROUP")
	assert.Contains(t, out, "MAX BINDING")
	assert.Contains(t, out, "UPLOADS")
	code, out, _ = runCLI("devices", "-json")
	require.Equal(t, 0, code)
	var devs []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &devs))
	require.NotEmpty(t, devs)
	d := devs[0]
	assert.NotEmpty(t, d["name"])
	assert.Contains(t, []any{"cpu", "discrete_gpu", "integrated_gpu", "virtual_gpu", "other"}, d["type"], "an enum as a word")
	for key := range d {
		assert.Regexp(t, `^[a-z][a-z0-9_]*$`, key, "snake_case, as bench -json")
	}
	require.NotEmpty(t, d["heaps"])
	assert.Contains(t, d["heaps"].([]any)[0], "device_local")
	if d["type"] == "cpu" {
		assert.Equal(t, -1.0, d["transfer_family"], "no transfer-only family on a CPU driver: uploads stay on the compute queue")
	}
}

func TestDevicesDeviceShowsTheChosenOneOrFails(t *testing.T) {
	needDevice(t)
	code, out, errOut := runCLI("devices", "-device", "0", "-json")
	require.Equal(t, 0, code, errOut)
	var devs []deviceJSON
	require.NoError(t, json.Unmarshal([]byte(out), &devs))
	require.Len(t, devs, 1)
	assert.Equal(t, 0, devs[0].Index)

	code, _, errOut = runCLI("devices", "-device", "bogus")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, `no device name contains "bogus"`)
}

func TestMissingDriverFileIsNamed(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childArgs+"=devices", "VK_DRIVER_FILES=/nonexistent.json")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "%s", out)
	assert.Equal(t, 1, exit.ExitCode())
	assert.Contains(t, string(out), "VK_DRIVER_FILES=/nonexistent.json is set, and /nonexistent.json does not exist")
}

func TestVerifyPrintsALinePerCase(t *testing.T) {
	needDevice(t)
	code, out, errOut := runCLI("verify")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "PASS  NN m=1 n=1 k=1")
	assert.NotContains(t, out, "FAIL")
	assert.Regexp(t, `\n\d+ passed, 0 failed\n$`, out)
	code, _, errOut = runCLI("verify", "-device", "42")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "no such Vulkan device")
}

func TestBenchReportsBothEngines(t *testing.T) {
	needDevice(t)
	code, out, errOut := runCLI("bench", "-sizes", "16,48", "-reps", "2", "-json")
	require.Equal(t, 0, code, errOut)
	var rep benchReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.Len(t, rep.Rows, 2)
	for _, r := range rep.Rows {
		assert.Positive(t, r.VulkanWallGF, "n=%d", r.N)
		assert.Positive(t, r.CPUGFLOPS, "n=%d", r.N)
		assert.LessOrEqual(t, r.VulkanWallMin, r.VulkanWallms)
		assert.GreaterOrEqual(t, r.VulkanWallMax, r.VulkanWallms)
	}
	assert.Positive(t, rep.RoundTripUS)
	assert.Positive(t, rep.EmptyDispatchUS)
	assert.Positive(t, rep.DispatchUS)
	assert.Contains(t, errOut, "48³ CPU 2/2", "progress goes to stderr")

	code, out, _ = runCLI("bench", "-sizes", "8", "-reps", "1", "-cpu=false")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "Vulkan GFLOPS (kernel)")
	assert.NotContains(t, out, "CPU GFLOPS")
	assert.True(t, strings.HasPrefix(out, "device: "))
}

func TestPeak(t *testing.T) {
	needDevice(t)
	code, out, errOut := runCLI("peak", "-json")
	require.Equal(t, 0, code, errOut)
	var r struct {
		Device  string  `json:"device"`
		GFLOPS  float64 `json:"gflops"`
		Float64 *struct {
			GFLOPS float64 `json:"gflops"`
		} `json:"float64"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	assert.Positive(t, r.GFLOPS)
	assert.NotEmpty(t, r.Device)
	if strings.Contains(r.Device, "llvmpipe") { // lavapipe has float64 in shaders
		require.NotNil(t, r.Float64)
		assert.Positive(t, r.Float64.GFLOPS)
	}
}

// tune searches, races and saves; every search and race shows progress.
// (Half kernels are searched in the gpu tests: each costs four pipeline
// builds, where the batched search starts from the small class's kernel,
// already built.)
func TestTuneSavesForLaterRuns(t *testing.T) {
	needDevice(t)
	t.Setenv("VKGEMM_CACHE_DIR", t.TempDir())
	code, out, errOut := runCLI("tune", "-budget", "2s", "-classes", "small,batched", "-half", "")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "saved: ")
	for _, class := range []string{"small", "batched"} {
		assert.Regexp(t, "\n"+class+`\s+(direct|subgroup|tiled) `, out)
		assert.Contains(t, errOut, "tune "+class, "progress of every search")
	}
	assert.NotContains(t, out, "f16/")
	assert.Regexp(t, `\nfloat32/small\s+(never|\d)`, out, "the crossover table")
	assert.Regexp(t, `crossover float32/small\s+\[#`, errOut, "progress of the races")
	code, out, _ = runCLI("verify")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "tuned: ")
}

func TestTuneAndBenchRefuseUnknownHalfFormats(t *testing.T) {
	for _, cmd := range []string{"tune", "bench"} {
		code, _, errOut := runCLI(cmd, "-half", "f8")
		assert.Equal(t, 2, code, cmd)
		assert.Contains(t, errOut, `-half: unknown half format "f8" (f16, bf16)`, cmd)
	}
}

// bench times a strided batch against a loop of Sgemm calls and GemmHalf
// against float32, in the same run.
func TestBenchBatchedAndHalf(t *testing.T) {
	needDevice(t)
	code, out, errOut := runCLI("bench", "-sizes", "40", "-classes", "batched", "-half", "f16,bf16", "-reps", "1", "-json")
	require.Equal(t, 0, code, errOut)
	var rep benchReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.Len(t, rep.Rows, 4)
	assert.Empty(t, rep.Rows[0].Format)
	for i, f := range []string{"F16", "BF16"} {
		r := rep.Rows[1+i]
		assert.Equal(t, f, r.Format)
		assert.Equal(t, 40, r.N)
		assert.Positive(t, r.VulkanWallGF, f)
		assert.InDelta(t, r.VulkanWallGF/rep.Rows[0].VulkanWallGF, r.OverFloat32, 1e-9, f)
	}
	b := rep.Rows[3]
	assert.Equal(t, "batched", b.Shape)
	assert.Equal(t, tune.BatchedCount, b.Batch)
	assert.Equal(t, [3]int{128, 128, 64}, [3]int{b.M, b.N, b.K})
	assert.Positive(t, b.VulkanWallGF)
	assert.Positive(t, b.LoopWallms)
	assert.InDelta(t, b.VulkanWallms/b.LoopWallms, 1/b.OverLoop, 1e-9)
	assert.Positive(t, b.CPUGFLOPS, "the CPU path runs the batch as a loop")
	assert.Contains(t, errOut, "64 × 128×128×64 Vulkan loop 1/1", "progress")

	code, out, errOut = runCLI("bench", "-sizes", "24", "-classes", "batched", "-half", "bf16", "-reps", "1")
	require.Equal(t, 0, code, errOut)
	assert.Regexp(t, `square BF16\s+24³\s+[\d.]+\s+[\d.]+\s+.*x float32`, out, "kernel and wall GFLOPS")
	assert.Regexp(t, `batched\s+64 × 128×128×64 .*x a loop of 64 Sgemm`, out)
}

func TestBenchShapeClassesAndPeak(t *testing.T) {
	needDevice(t)
	code, out, errOut := runCLI("bench", "-sizes", "", "-classes", "small,tall", "-reps", "1", "-cpu=false", "-peak", "-json")
	require.Equal(t, 0, code, errOut)
	var rep benchReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.Len(t, rep.Rows, 2)
	assert.Equal(t, "small", rep.Rows[0].Shape)
	assert.Equal(t, "tall", rep.Rows[1].Shape)
	assert.Greater(t, rep.Rows[1].M, rep.Rows[1].N)
	assert.Positive(t, rep.PeakGFLOPS)
	assert.Positive(t, rep.Rows[1].PeakPercent)
	code, _, errOut = runCLI("bench", "-classes", "round")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `unknown shape class "round"`)

	code, out, errOut = runCLI("bench", "-sizes", "", "-reps", "1", "-json")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, `"results": []`, "nothing to measure is an empty list, not null")
}

// TestREADMECommandLinesParse checks that every `bin/vkgemm` (and
// `./build.sh bench`) line in README names a command and flags that exist:
// each is run with -h appended, which stops after parsing them.
func TestREADMECommandLinesParse(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	lines := 0
	for _, line := range strings.Split(string(readme), "\n") {
		line, _, _ = strings.Cut(line, "#")
		line = strings.TrimSpace(line)
		var args []string
		switch {
		case strings.HasPrefix(line, "bin/vkgemm "):
			args = strings.Fields(strings.TrimPrefix(line, "bin/vkgemm "))
		case strings.HasPrefix(line, "./build.sh bench "):
			args = append([]string{"bench"}, strings.Fields(strings.TrimPrefix(line, "./build.sh bench "))...)
		default:
			continue
		}
		lines++
		code, _, errOut := runCLI(append(args, "-h")...)
		assert.Equal(t, 0, code, "README: %s\n%s", line, errOut)
	}
	assert.GreaterOrEqual(t, lines, 5, "README's command lines were found")
}
