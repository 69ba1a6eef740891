//go:build e2e

package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/viz"
	"github.com/vkgemm/vkgemm/wasm/static"
)

// The viewport, a common page size: on software WebGL the page draws into a
// 720×405 canvas that the browser scales up to it. VKGEMM_E2E_SIZE and
// VKGEMM_E2E_MAX change it and the largest size, e.g. for the screenshots in
// docs/.
var width, height, largest = 1280, 720, 256

func init() {
	if s := os.Getenv("VKGEMM_E2E_SIZE"); s != "" {
		fmt.Sscanf(s, "%dx%d", &width, &height)
	}
	if s := os.Getenv("VKGEMM_E2E_MAX"); s != "" {
		fmt.Sscanf(s, "%d", &largest)
	}
}

func required() bool {
	return os.Getenv("CI") == "true" || os.Getenv("VKGEMM_REQUIRE_DEVICE") == "1"
}

// missing skips the test, or fails it where the environment must be complete.
func missing(t *testing.T, format string, args ...any) {
	t.Helper()
	if required() {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// page serves dist/ and opens it in a fresh headless Chromium.
func page(t *testing.T, webgpu bool) (ctx context.Context, base string) {
	t.Helper()
	dist := os.Getenv("VKGEMM_DIST")
	if dist == "" {
		dist = "../../dist"
	}
	if _, err := os.Stat(filepath.Join(dist, "main.wasm")); err != nil {
		missing(t, "%s/main.wasm is missing: run ./build.sh web first", dist)
	}
	chromium := os.Getenv("VKGEMM_CHROMIUM")
	if chromium == "" {
		chromium = "/usr/lib/chromium/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		missing(t, "no Chromium at %s: apt-get install chromium", chromium)
	}
	srv := httptest.NewServer(static.Handler(dist)) // 127.0.0.1: a secure context
	t.Cleanup(srv.Close)

	// The flags of shared/notes/browser.md: the binary itself (not the
	// /usr/bin wrapper), SwiftShader for WebGL, no network chatter.
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
		chromedp.Flag("enable-unsafe-swiftshader", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
	}
	if webgpu {
		opts = append(opts, chromedp.Flag("enable-unsafe-webgpu", true))
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// Start the browser on a context without a deadline: a deadline on the
	// first Run would stop the whole browser.
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height))))
	return ctx, srv.URL
}

// within runs an action with a time limit.
func within[T any](t *testing.T, ctx context.Context, d time.Duration, a chromedp.Action[T]) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	v, err := chromedp.Run(c, a)
	require.NoError(t, err)
	return v
}

func state(t *testing.T, ctx context.Context) viz.Snapshot {
	t.Helper()
	js := within(t, ctx, 20*time.Second, chromedp.Evaluate[string](`window.vkgemm.state()`))
	var s viz.Snapshot
	require.NoError(t, json.Unmarshal([]byte(js), &s))
	return s
}

func load(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	within(t, ctx, 60*time.Second, chromedp.Navigate(url))
	within(t, ctx, 120*time.Second, chromedp.Poll[chromedp.Void](`window.vkgemm.ready === true || !!window.vkgemm.error`))
	errText := within(t, ctx, 10*time.Second, chromedp.Evaluate[string](`String(window.vkgemm.error || "")`))
	require.Empty(t, errText, "the page reported an error")
	loading := within(t, ctx, 10*time.Second, chromedp.Evaluate[bool](`!!document.getElementById("loading")`))
	assert.False(t, loading, "the loading indicator is gone once the first frame is drawn")
}

// maxGap bounds the longest wait between two frames during a sweep. Speed
// is measured, not asserted, on a shared machine: this only says that the
// page never freezes (typical: 0.1 to 0.5 s, mostly the first dispatch;
// before the work was paced by the frames, 1.4 s).
const maxGap = 3 * time.Second

// liveness samples the frame counter every two seconds until the sweep ends,
// checks that frames keep coming meanwhile, and logs the frame rate.
func liveness(t *testing.T, ctx context.Context, limit time.Duration) viz.Snapshot {
	t.Helper()
	type counters struct {
		Frames, Changed int
		Gap             float64
		GapAt, Canvas   string
	}
	read := func() counters {
		return within(t, ctx, 20*time.Second, chromedp.Evaluate[counters](`(() => {
		  const v = window.vkgemm, c = document.querySelector("canvas");
		  return { Frames: v.frames || 0, Changed: v.changedFrames || 0, Gap: v.maxFrameGapMs || 0,
		    GapAt: String(v.maxFrameGapAt || ""), Canvas: c ? c.width + "x" + c.height : "" };
		})()`))
	}
	start, c0 := time.Now(), read()
	last, stalls := c0.Frames, 0
	for {
		time.Sleep(2 * time.Second)
		s := state(t, ctx)
		c := read()
		if c.Frames == last {
			stalls++
			t.Logf("no frame in the last two seconds (sweep %d/%d)", s.Done, s.Total)
		}
		last = c.Frames
		if s.Finished {
			secs := time.Since(start).Seconds()
			t.Logf("sweep of %d products at %dx%d (canvas %s): %d frames in %.1f s, %.1f FPS (%.1f FPS that changed the picture); longest gap between frames %.0f ms (%s)",
				s.Total, width, height, c.Canvas, c.Frames-c0.Frames, secs, float64(c.Frames-c0.Frames)/secs, float64(c.Changed-c0.Changed)/secs, c.Gap, c.GapAt)
			assert.Zero(t, stalls, "two seconds without a frame during the sweep")
			assert.Less(t, c.Gap, float64(maxGap.Milliseconds()), "the longest gap between frames during the sweep")
			return s
		}
		require.Less(t, time.Since(start), limit, "the sweep did not finish in %v (%d/%d)", limit, s.Done, s.Total)
	}
}

func screenshot(t *testing.T, ctx context.Context, name string) *image.RGBA {
	t.Helper()
	b := within(t, ctx, 30*time.Second, chromedp.CaptureScreenshot())
	if dir := os.Getenv("VKGEMM_ARTIFACTS"); dir != "" {
		require.NoError(t, os.MkdirAll(dir, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), b, 0o644))
		t.Logf("screenshot: %s", filepath.Join(dir, name))
	}
	img, err := png.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	rgba := image.NewRGBA(img.Bounds())
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			rgba.Set(x, y, img.At(x, y))
		}
	}
	return rgba
}

// count returns how many pixels in r are close to c.
func count(img *image.RGBA, r viz.Rect, c color.RGBA) int {
	n := 0
	for y := int(r.Y); y < int(r.Bottom()); y++ {
		for x := int(r.X); x < int(r.Right()); x++ {
			p := img.RGBAAt(x, y)
			if near(p.R, c.R) && near(p.G, c.G) && near(p.B, c.B) {
				n++
			}
		}
	}
	return n
}

// reddish returns how many pixels in r are clearly red, as viz.Bad is.
func reddish(img *image.RGBA, r viz.Rect) int {
	n := 0
	for y := int(r.Y); y < int(r.Bottom()); y++ {
		for x := int(r.X); x < int(r.Right()); x++ {
			p := img.RGBAAt(x, y)
			if int(p.R) > 120 && int(p.R)-int(max(p.G, p.B)) > 60 {
				n++
			}
		}
	}
	return n
}

func near(a, b uint8) bool {
	return a >= b-10 && a <= b+10 || (b < 10 && a < 20) || (b > 245 && a > 235)
}

func TestBrowserRacesWebGPUAgainstCPU(t *testing.T) {
	ctx, base := page(t, true)
	load(t, ctx, fmt.Sprintf("%s/?min=64&max=%d&mintime=150ms", base, largest))
	s := state(t, ctx)
	require.Len(t, s.Lanes, 2)
	gpu, cpu := s.Lanes[0], s.Lanes[1]
	require.True(t, gpu.Available, "WebGPU should run on SwiftShader with --enable-unsafe-webgpu: %s", gpu.Why)
	assert.Equal(t, "WebGPU", gpu.Name)
	assert.Contains(t, gpu.Device, "(WebGPU")
	t.Logf("GPU device: %s; CPU device: %s", gpu.Device, cpu.Device)

	s = liveness(t, ctx, 4*time.Minute)
	for i, l := range s.Lanes {
		for si, r := range l.Results {
			require.True(t, r.Done(), "%s at %d", l.Name, s.Sizes[si])
			assert.Empty(t, r.Err)
			assert.True(t, r.OK, "%s at %d: max rel err %g > bound %g", l.Name, r.N, r.MaxRelErr, r.Bound)
			assert.Greater(t, r.GFLOPS, 0.0)
			t.Logf("%-6s n=%4d %7.3f GFLOPS (best of %d), max rel err %.2g, %d rows checked", l.Name, r.N, r.GFLOPS, r.Runs, r.MaxRelErr, r.CheckedRows)
		}
		_ = i
	}

	img := screenshot(t, ctx, "browser-webgpu.png")
	l := viz.NewLayout(float64(img.Bounds().Dx()), float64(img.Bounds().Dy()), 2)
	for i := range 2 {
		assert.Greater(t, count(img, l.Cards[i].Bar, viz.LaneColor(i)), 50, "lane %d's bar is drawn in its color", i)
		assert.Greater(t, count(img, l.Plot, viz.LaneColor(i)), 50, "lane %d's line is in the chart", i)
	}

	// The adapter, whether it is software, and the kernel family in use.
	info := within(t, ctx, 10*time.Second, chromedp.Evaluate[[]string](`[String(window.vkgemm.adapter), String(window.vkgemm.software), String(window.vkgemm.kernel)]`))
	assert.Equal(t, []string{"google/swiftshader", "true", "subgroup"}, info, "SwiftShader is a software adapter with 4-wide subgroups: the subgroup family")
	assert.Contains(t, gpu.Device, "software; WGSL subgroup", "the GPU card names the adapter and the kernel")

	conformance(t, ctx, `window.vkgemm.conformance()`, []string{"subgroup", "direct", "tiled"})
}

// conformance runs gemm's correctness cases on every WGSL kernel family in
// the page (call: conformance() for float32, conformanceHalf() for 16-bit
// inputs, conformanceInt8() for int8, whose results must be exact), each
// result also compared with the CPU engine's.
func conformance(t *testing.T, ctx context.Context, call string, families []string) {
	t.Helper()
	start := time.Now()
	js := within(t, ctx, 6*time.Minute, chromedp.Evaluate[string](call, chromedp.EvalAwaitPromise))
	t.Logf("%s took %.0f s", call, time.Since(start).Seconds())
	var confs []struct {
		Kernel, Error, Device string
		Cases                 []struct {
			Case       string
			OK         bool
			MaxRelErr  float64
			MatchesCPU bool
			Err        string
		}
		BadArguments []string
	}
	require.NoError(t, json.Unmarshal([]byte(js), &confs))
	var got []string
	for _, conf := range confs {
		got = append(got, conf.Kernel)
		require.Empty(t, conf.Error, conf.Kernel)
		require.NotEmpty(t, conf.Cases, conf.Kernel)
		worst := 0.0
		for _, c := range conf.Cases {
			assert.Empty(t, c.Err, "%s: %s", conf.Kernel, c.Case)
			assert.True(t, c.OK, "%s: %s: outside the error bound, or for int8 not exact (max rel err %g)", conf.Kernel, c.Case, c.MaxRelErr)
			assert.True(t, c.MatchesCPU, "%s: %s: WebGPU and CPU results differ by more than the bound (int8: at all)", conf.Kernel, c.Case)
			worst = max(worst, c.MaxRelErr)
		}
		assert.Empty(t, conf.BadArguments, "%s: bad arguments are errors wrapping gemm.ErrBadArgument", conf.Kernel)
		t.Logf("WGSL %s: %d correctness cases on %s, all within the bound (int8: exact); worst relative error %.2g", conf.Kernel, len(conf.Cases), conf.Device, worst)
	}
	assert.Equal(t, families, got, "every kernel family is checked")
}

// TestBrowserRacesBatchedAndHalfInputs starts the page on a batched race,
// switches with the M key to BF16 and then F16 inputs, and checks each
// sweep's results and how each engine ran it; then gemm's correctness
// cases through GemmHalf in both formats and through SgemmStridedBatched.
func TestBrowserRacesBatchedAndHalfInputs(t *testing.T) {
	ctx, base := page(t, true)
	load(t, ctx, base+"/?race=batched&min=64&max=128&mintime=50ms")
	for i, c := range []struct {
		mode     viz.Mode
		gpu, cpu string
	}{
		{viz.Batched, "SgemmStridedBatched, one call", "a loop of 64 Sgemm calls"},
		{viz.BF16, "GemmHalf, widened in the kernel", "widened to float32, then Sgemm"},
		{viz.F16, "GemmHalf, widened in the kernel", "widened to float32, then Sgemm"},
	} {
		if i > 0 {
			pressM(t, ctx)
			within(t, ctx, 20*time.Second, chromedp.Poll[chromedp.Void](fmt.Sprintf(`JSON.parse(window.vkgemm.state()).Mode === %q`, c.mode.String())))
		}
		s := liveness(t, ctx, 2*time.Minute)
		require.Equal(t, c.mode, s.Mode)
		assert.Equal(t, c.gpu, s.Lanes[0].Method, "%v: how WebGPU runs it", c.mode)
		assert.Equal(t, c.cpu, s.Lanes[1].Method, "%v: how the CPU runs it", c.mode)
		for _, l := range s.Lanes {
			require.True(t, l.Racing(), "%v: %s races (%s%s)", c.mode, l.Name, l.Why, l.Unsupported)
			for _, r := range l.Results {
				assert.Empty(t, r.Err, "%v: %s at %d", c.mode, l.Name, r.N)
				assert.True(t, r.OK, "%v: %s at %d: max rel err %g > bound %g", c.mode, l.Name, r.N, r.MaxRelErr, r.Bound)
				t.Logf("%-7s %-6s n=%4d %7.3f GFLOPS (best of %d), max rel err %.2g, %d of %d rows checked", c.mode, l.Name, r.N, r.GFLOPS, r.Runs, r.MaxRelErr, r.CheckedRows, r.Rows)
			}
		}
		if c.mode == viz.BF16 {
			screenshot(t, ctx, "browser-bf16.png")
		}
	}
	conformance(t, ctx, `window.vkgemm.conformanceHalf()`, []string{"direct-bf16", "direct-f16"})
	conformance(t, ctx, `window.vkgemm.conformanceBatched()`, []string{"subgroup"})
}

// TestBrowserRacesInt8 starts the page on an int8 race (?race=int8): WebGPU's
// GemmInt8 (the WGSL kernel direct-int8) against the CPU engine's, every
// result checked for equality with the int64 reference; then gemm's int8
// cases and the extremes of int32 through GemmInt8, each result exact and
// equal to the CPU engine's.
func TestBrowserRacesInt8(t *testing.T) {
	ctx, base := page(t, true)
	load(t, ctx, base+"/?race=int8&min=64&max=256&mintime=100ms")
	s := liveness(t, ctx, 3*time.Minute)
	require.Equal(t, viz.Int8, s.Mode)
	require.Equal(t, []int{64, 128, 256}, s.Sizes)
	require.Len(t, s.Lanes, 2)
	gpu := s.Lanes[0]
	assert.Equal(t, "WebGPU", gpu.Name)
	require.True(t, gpu.Available, "WebGPU should run on SwiftShader with --enable-unsafe-webgpu: %s", gpu.Why)
	assert.Equal(t, "GemmInt8, int32 accumulate", gpu.Method, "how WebGPU runs it")
	assert.Equal(t, "GemmInt8 in pure Go, no BLAS", s.Lanes[1].Method, "how the CPU runs it")
	for _, l := range s.Lanes {
		require.True(t, l.Racing(), "%s races (%s%s)", l.Name, l.Why, l.Unsupported)
		require.Len(t, l.Results, len(s.Sizes), l.Name)
		for si, r := range l.Results {
			require.True(t, r.Done(), "%s at %d", l.Name, s.Sizes[si])
			assert.Empty(t, r.Err, "%s at %d", l.Name, r.N)
			assert.True(t, r.OK, "%s at %d: %d elements differ from the int64 reference", l.Name, r.N, r.Wrong)
			assert.Zero(t, r.Wrong, "%s at %d", l.Name, r.N)
			assert.Positive(t, r.CheckedRows, "%s at %d: rows were checked", l.Name, r.N)
			assert.Zero(t, r.Bound, "%s at %d: equality, no error bound", l.Name, r.N)
			assert.Positive(t, r.GFLOPS)
			t.Logf("int8 %-6s n=%4d %7.3f GOPS (best of %d), %d rows checked, all exact", l.Name, r.N, r.GFLOPS, r.Runs, r.CheckedRows)
		}
	}
	assert.Equal(t, 64, gpu.Results[0].CheckedRows, "n=64: every row checked")
	img := screenshot(t, ctx, "browser-int8.png")
	l := viz.NewLayout(float64(img.Bounds().Dx()), float64(img.Bounds().Dy()), 2)
	for i := range 2 {
		assert.Greater(t, count(img, l.Cards[i].Bar, viz.LaneColor(i)), 50, "lane %d's bar is drawn in its color", i)
		assert.Greater(t, count(img, l.Plot, viz.LaneColor(i)), 50, "lane %d's line is in the chart", i)
	}
	conformance(t, ctx, `window.vkgemm.conformanceInt8()`, []string{"direct-int8"})
}

// pressM presses the M key a few frames long: ebiten reads the keys once a
// frame, and a press within one frame could go unseen.
func pressM(t *testing.T, ctx context.Context) {
	t.Helper()
	// kb.Encode('m') is keyDown, char, keyUp: hold the key down between.
	for _, k := range kb.Encode('m') {
		within(t, ctx, 10*time.Second, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, input.DispatchKeyEvent, *k)
			return err
		}))
		time.Sleep(150 * time.Millisecond)
	}
}

// TestBrowserForcedTiledKernel forces the GPU family on SwiftShader with
// ?kernel=tiled: the page runs it and says so.
func TestBrowserForcedTiledKernel(t *testing.T) {
	ctx, base := page(t, true)
	load(t, ctx, base+"/?min=64&max=128&mintime=50ms&kernel=tiled")
	kernel := within(t, ctx, 10*time.Second, chromedp.Evaluate[string](`String(window.vkgemm.kernel)`))
	assert.Equal(t, "tiled", kernel)
	s := liveness(t, ctx, 2*time.Minute)
	gpu := s.Lanes[0]
	assert.Contains(t, gpu.Device, "WGSL tiled")
	for _, r := range gpu.Results {
		assert.True(t, r.OK, "tiled at %d: max rel err %g", r.N, r.MaxRelErr)
	}
}

func TestBrowserWithoutWebGPURacesTheCPU(t *testing.T) {
	ctx, base := page(t, false)
	load(t, ctx, base+"/?min=64&max=128&mintime=100ms")
	s := state(t, ctx)
	require.Len(t, s.Lanes, 2)
	gpu := s.Lanes[0]
	assert.False(t, gpu.Available)
	assert.Contains(t, gpu.Why, "WebGPU unavailable")
	t.Logf("without --enable-unsafe-webgpu the page says: %s", gpu.Why)

	s = liveness(t, ctx, 2*time.Minute)
	for _, r := range s.Lanes[1].Results {
		assert.True(t, r.OK, "CPU at %d", r.N)
	}
	img := screenshot(t, ctx, "browser-no-webgpu.png")
	l := viz.NewLayout(float64(img.Bounds().Dx()), float64(img.Bounds().Dy()), 2)
	// Text scaled up from a small canvas blends into the background: count
	// red pixels, not exact ones.
	assert.Greater(t, reddish(img, l.Cards[0].Bar), 50, "the reason is written in red on the GPU card")
	assert.Greater(t, count(img, l.Cards[1].Bar, viz.LaneColor(1)), 50, "the CPU bar is drawn")
	assert.True(t, strings.Contains(gpu.Why, "--enable-unsafe-webgpu") || strings.Contains(gpu.Why, "navigator.gpu"), "the message says what to do")

	// The canvas is smaller than the page and scaled up: a click still lands
	// on the button under the pointer.
	pause := l.Buttons[0].Rect
	require.Equal(t, viz.Pause, l.Buttons[0].Action)
	// Press and release a few frames apart: ebiten reads the buttons once a
	// frame, and a click within one frame would go unseen.
	x, y := pause.X+pause.W/2, pause.Y+pause.H/2
	within(t, ctx, 10*time.Second, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y))
	within(t, ctx, 10*time.Second, chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, x, y, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	time.Sleep(300 * time.Millisecond)
	within(t, ctx, 10*time.Second, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, x, y, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	within(t, ctx, 10*time.Second, chromedp.Poll[chromedp.Void](`JSON.parse(window.vkgemm.state()).Paused === true`))
}
