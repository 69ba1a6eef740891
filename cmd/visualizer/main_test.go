//go:build display

package main

import (
	"context"
	"flag"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/gpu"
	"github.com/vkgemm/vkgemm/viz"
)

const childArgs = "VKGEMM_VISUALIZER_ARGS"

// TestMain runs the app itself when the test re-executes its binary: ebiten
// allows one game per process.
func TestMain(m *testing.M) {
	if args := os.Getenv(childArgs); args != "" {
		if err := run(strings.Fields(args)); err != nil {
			os.Stderr.WriteString("visualizer: " + err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func visualizer(t *testing.T, args string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childArgs+"="+args)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	return string(out)
}

func artifact(t *testing.T, name string) string {
	dir := os.Getenv("VKGEMM_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return filepath.Join(dir, name)
}

func TestDesktopRaceSweepsShowsAndStaysLive(t *testing.T) {
	shot := artifact(t, "desktop.png")
	// Long enough a sweep that the first frames, which compile shaders,
	// weigh little in the frame rate.
	out := visualizer(t, "-max 512 -mintime 500ms -shot "+shot)
	t.Log(out)
	require.Contains(t, out, "products 8 of 8", "both engines at 64, 128, 256 and 512")
	for _, n := range []string{"64", "128", "256", "512"} {
		assert.Regexp(t, regexp.MustCompile(`CPU CPU n=`+n+` [0-9.]+ GFLOPS .* ok=true`), out)
		assert.Regexp(t, regexp.MustCompile(`GPU Vulkan n=`+n+` [0-9.]+ GFLOPS .* ok=true`), out)
	}
	m := regexp.MustCompile(`while sweeping: (\d+) frames in ([0-9.]+) s: ([0-9.]+) FPS`).FindStringSubmatch(out)
	require.NotNil(t, m, "the app reports its frame rate")
	fps, _ := strconv.ParseFloat(m[3], 64)
	// A liveness floor, not the 30 FPS goal: CI machines vary.
	assert.Greater(t, fps, 10.0, "frames keep coming while the engines work")

	f, err := os.Open(shot)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err)
	b := img.Bounds()
	l := viz.NewLayout(float64(b.Dx()), float64(b.Dy()), 2)
	for i := range 2 {
		assert.Greater(t, count(img, l.Cards[i].Bar, i), 30, "lane %d's bar in the screenshot", i)
	}
}

func TestDesktopWithoutGPUSaysWhyAndRacesTheCPU(t *testing.T) {
	out := visualizer(t, "-no-gpu -max 128 -mintime 50ms -shot "+artifact(t, "desktop-no-gpu.png"))
	assert.Contains(t, out, "GPU unavailable: turned off with -no-gpu")
	assert.Contains(t, out, "products 2 of 2")
	assert.Regexp(t, regexp.MustCompile(`CPU CPU n=128 [0-9.]+ GFLOPS .* ok=true`), out)
}

// TestDesktopRacesEveryOtherMode races each mode other than float32
// on Vulkan and the CPU: the device runs the batched, half-precision and
// int8 calls, the CPU engine loops, widens or runs its own int8 GEMM, and
// every result is checked (int8's for equality).
func TestDesktopRacesEveryOtherMode(t *testing.T) {
	for _, c := range []struct {
		mode     viz.Mode
		gpu, cpu string
	}{
		{viz.Batched, "SgemmStridedBatched, one call", "a loop of 64 Sgemm calls"},
		{viz.BF16, "GemmHalf, widened in the kernel", "widened to float32, then Sgemm"},
		{viz.F16, "GemmHalf, widened in the kernel", "widened to float32, then Sgemm"},
		{viz.Int8, "GemmInt8, int32 accumulate", "GemmInt8 in pure Go, no BLAS"},
	} {
		t.Run(c.mode.String(), func(t *testing.T) {
			out := visualizer(t, "-race "+c.mode.String()+" -max 128 -mintime 50ms -shot "+artifact(t, "desktop-"+c.mode.String()+".png"))
			t.Log(out)
			assert.Contains(t, out, "race: "+c.mode.Title()+" ("+c.mode.String()+")")
			assert.Contains(t, out, "GPU Vulkan runs it as: "+c.gpu)
			assert.Contains(t, out, "CPU CPU runs it as: "+c.cpu)
			require.Contains(t, out, "products 4 of 4", "both engines at 64 and 128")
			for _, n := range []string{"64", "128"} {
				assert.Regexp(t, regexp.MustCompile(`CPU CPU n=`+n+` [0-9.]+ `+c.mode.Unit()+` .* ok=true`), out)
				assert.Regexp(t, regexp.MustCompile(`GPU Vulkan n=`+n+` [0-9.]+ `+c.mode.Unit()+` .* ok=true`), out)
			}
			if c.mode == viz.Int8 {
				for _, lane := range []string{"GPU Vulkan", "CPU CPU"} {
					assert.Regexp(t, regexp.MustCompile(lane+` n=128 [0-9.]+ GOPS 0 elements wrong in 128 rows checked ok=true`), out, "%s: every row of C equal to the int64 reference", lane)
				}
			}
		})
	}
}

// With -device all the GPU lane is the group of every device (here
// lavapipe and SwiftShader, when both drivers are given): its results are
// checked as any lane's, and its device line gives each device's share of
// the last product.
func TestDesktopRacesAGroupOfDevices(t *testing.T) {
	infos, err := gpu.Devices()
	if err != nil || len(infos) < 2 {
		if os.Getenv("VKGEMM_REQUIRE_DEVICE") == "1" && strings.Contains(os.Getenv("VK_DRIVER_FILES"), ":") {
			t.Fatalf("two drivers named, %d devices: %v", len(infos), err)
		}
		t.Skipf("one device or none (VK_DRIVER_FILES naming two drivers makes two): %v", err)
	}
	out := visualizer(t, "-device all -max 1024 -mintime 50ms -shot "+artifact(t, "desktop-group.png"))
	t.Log(out)
	require.Contains(t, out, "products 10 of 10")
	for _, n := range []string{"64", "512", "1024"} {
		assert.Regexp(t, regexp.MustCompile(`GPU Vulkan n=`+n+` [0-9.]+ GFLOPS .* ok=true`), out)
	}
	assert.Regexp(t, regexp.MustCompile(`GPU Vulkan device: 2 devices: .+ \d+% \+ .+ \d+%`), out, "each device's share")
}

func TestBadFlagsAreErrors(t *testing.T) {
	for _, args := range [][]string{{"-min", "100", "-max", "50"}, {"-size", "tiny"}, {"-max", "100000"}, {"-race", "int4"}} {
		assert.Error(t, run(args), "%v", args)
	}
	assert.ErrorIs(t, run([]string{"-h"}), flag.ErrHelp, "help is not a failure")
}

// TestWithoutDisplayHelpAndAClearError runs the real binary without
// DISPLAY: package nodisplay must answer before ebiten's init panics.
func TestWithoutDisplayHelpAndAClearError(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "visualizer")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DISPLAY=") {
			env = append(env, kv)
		}
	}
	for _, c := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"-h"}, 0, "usage: visualizer [flags]"},
		{nil, 1, "no display (DISPLAY is not set)"},
		{[]string{"-size", "tiny"}, 2, `-size "tiny"`},
	} {
		cmd := exec.Command(bin, c.args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		assert.Equal(t, c.code, cmd.ProcessState.ExitCode(), "%v: %v\n%s", c.args, err, out)
		assert.Contains(t, string(out), c.says, "%v", c.args)
		assert.NotContains(t, string(out), "panic", "%v", c.args)
	}
}

func count(img image.Image, r viz.Rect, lane int) int {
	c := viz.LaneColor(lane)
	n := 0
	for y := int(r.Y); y < int(r.Bottom()); y++ {
		for x := int(r.X); x < int(r.Right()); x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if near(cr>>8, c.R) && near(cg>>8, c.G) && near(cb>>8, c.B) {
				n++
			}
		}
	}
	return n
}

func near(a uint32, b uint8) bool { return int(a)-int(b) < 10 && int(b)-int(a) < 10 }
