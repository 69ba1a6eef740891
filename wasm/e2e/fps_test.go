//go:build e2e

package e2e_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rafProbe counts the browser's animation frames next to the page's own
// counter, so a measurement tells a starved requestAnimationFrame from
// frames that ebiten skips.
const rafProbe = `(() => {
  if (window.__raf) return true;
  const p = window.__raf = { n: 0, last: 0, maxGap: 0 };
  const tick = (t) => {
    if (p.last) p.maxGap = Math.max(p.maxGap, t - p.last);
    p.last = t; p.n++;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  return true;
})()`

// sample is one reading of the page's counters.
type sample struct {
	At       float64 `json:"at"` // performance.now(), ms
	Frames   int     `json:"frames"`
	Changed  int     `json:"changed"` // frames that redrew something
	RAF      int     `json:"raf"`
	Finished bool    `json:"finished"`
	Backing  string  `json:"backing"` // the canvas's backing store, w×h
	Phase    string  `json:"phase"`   // the running lane's role and phase
	CbMs     float64 `json:"cbms"`    // time spent in animation frame callbacks so far
	TimerMs  float64 `json:"timerms"` // time spent in setTimeout callbacks so far
}

const sampleJS = `(() => {
  const c = document.querySelector("canvas");
  const s = window.vkgemm.state ? JSON.parse(window.vkgemm.state()) : {};
  return { at: performance.now(), frames: window.vkgemm.frames || 0, changed: window.vkgemm.changedFrames || 0, raf: window.__raf.n,
    finished: !!s.Finished, backing: c ? c.width + "x" + c.height : "",
    phase: (s.Lanes || []).filter(l => l.Running).map(l => l.Role + " " + l.Phase).join(",") || "none",
    cbms: window.__cb ? window.__cb.raf : 0, timerms: window.__cb ? window.__cb.timer : 0 };
})()`

// rate is frames per second between two samples, and the longest gap
// between the samples in the window (a lower bound of the longest gap
// between frames).
type rate struct {
	FPS, RAFPS, ChangedFPS float64
	Frames                 int
	Secs                   float64
	// MinWindowFPS is the slowest 1-second window.
	MinWindowFPS float64
}

func rateOf(ss []sample) rate {
	if len(ss) < 2 {
		return rate{}
	}
	a, b := ss[0], ss[len(ss)-1]
	secs := (b.At - a.At) / 1000
	r := rate{FPS: float64(b.Frames-a.Frames) / secs, ChangedFPS: float64(b.Changed-a.Changed) / secs, RAFPS: float64(b.RAF-a.RAF) / secs,
		Frames: b.Frames - a.Frames, Secs: secs, MinWindowFPS: math.Inf(1)}
	j := 0
	for i := range ss {
		for j < i && ss[i].At-ss[j].At > 1000 {
			j++
		}
		if j > 0 && ss[i].At-ss[j-1].At >= 1000 {
			w := (ss[i].At - ss[j-1].At) / 1000
			r.MinWindowFPS = min(r.MinWindowFPS, float64(ss[i].Frames-ss[j-1].Frames)/w)
		}
	}
	if math.IsInf(r.MinWindowFPS, 1) {
		r.MinWindowFPS = r.FPS
	}
	return r
}

// callbackTimer times the page's animation-frame and timer callbacks: on
// the one JS thread, Go's frames run in the first, its sleeping goroutines
// wake in the second.
const callbackTimer = `(() => {
  const c = window.__cb = { raf: 0, timer: 0 };
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (f) => raf((t) => { const s = performance.now(); try { return f(t); } finally { c.raf += performance.now() - s; } });
  const st = window.setTimeout.bind(window);
  window.setTimeout = (f, d, ...a) => st(typeof f === "function" ? (...x) => { const s = performance.now(); try { return f(...x); } finally { c.timer += performance.now() - s; } } : f, d, ...a);
})()`

// TestBrowserFrameRate measures the frame rate during a sweep and idle
// afterwards and logs it, with the rate of requestAnimationFrame, the frames
// per phase of the sweep and the GFLOPS; it asserts only that frames keep
// coming (speed is measured, never a pass/fail condition on a shared
// machine). To compare builds, run it once per dist/ in turn:
//
//	VKGEMM_DIST       the build to serve
//	VKGEMM_E2E_QUERY  the page's query (default: the page's own sweep, 64 to 512)
//	VKGEMM_E2E_SIZE   the page size (default 1280x720)
//	VKGEMM_E2E_CALLBACKS=1  also time the page's animation-frame and timer
//	                  callbacks (the one JS thread's load), per phase
//	VKGEMM_E2E_FPS_OUT  append a one-line summary to this file
//	VKGEMM_E2E_FPS_SHOT save a screenshot of the end under VKGEMM_ARTIFACTS
func TestBrowserFrameRate(t *testing.T) {
	ctx, base := page(t, true)
	query := "min=64&max=512&mintime=300ms"
	if q := os.Getenv("VKGEMM_E2E_QUERY"); q != "" {
		query = q
	}
	if os.Getenv("VKGEMM_E2E_CALLBACKS") == "1" {
		within(t, ctx, 10*time.Second, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: callbackTimer})
			return err
		}))
	}
	load(t, ctx, base+"/?"+query)
	within(t, ctx, 10*time.Second, chromedp.Evaluate[bool](rafProbe))
	read := func() sample {
		return within(t, ctx, 20*time.Second, chromedp.Evaluate[sample](sampleJS))
	}
	var sweep []sample
	start := time.Now()
	for {
		s := read()
		sweep = append(sweep, s)
		if s.Finished {
			break
		}
		require.Less(t, time.Since(start), 4*time.Minute, "the sweep did not finish")
		time.Sleep(250 * time.Millisecond)
	}
	gap := within(t, ctx, 10*time.Second, chromedp.Evaluate[float64](`window.vkgemm.maxFrameGapMs || 0`))
	rafGap := within(t, ctx, 10*time.Second, chromedp.Evaluate[float64](`window.__raf.maxGap`))
	gapAt := within(t, ctx, 10*time.Second, chromedp.Evaluate[string](`String(window.vkgemm.maxFrameGapAt || "")`))
	var idle []sample
	for range 21 {
		idle = append(idle, read())
		time.Sleep(250 * time.Millisecond)
	}
	sw, id := rateOf(sweep), rateOf(idle)
	for _, l := range state(t, ctx).Lanes {
		for _, r := range l.Results {
			if r.Done() {
				t.Logf("  %-6s n=%4d %7.3f GFLOPS (best of %d in %v)", l.Name, r.N, r.GFLOPS, r.Runs, r.Best)
			}
		}
	}
	// Per phase of the sweep: consecutive samples in the same phase.
	type acc struct {
		frames       int
		secs, cb, tm float64
	}
	phases := map[string]*acc{}
	var order []string
	for i := 1; i < len(sweep); i++ {
		a, b := sweep[i-1], sweep[i]
		k := b.Phase
		if phases[k] == nil {
			phases[k] = &acc{}
			order = append(order, k)
		}
		p := phases[k]
		p.frames += b.Frames - a.Frames
		p.secs += (b.At - a.At) / 1000
		p.cb += b.CbMs - a.CbMs
		p.tm += b.TimerMs - a.TimerMs
	}
	for _, k := range order {
		p := phases[k]
		t.Logf("  %-22s %5.1f s %5.1f FPS, per second: %4.0f ms in frame callbacks, %4.0f ms in timers", k, p.secs, float64(p.frames)/p.secs, p.cb/p.secs, p.tm/p.secs)
	}
	t.Logf("page %dx%d, canvas backing store %s, ?%s", width, height, idle[0].Backing, query)
	t.Logf("sweep: %.1f FPS, %.1f of them changed something (%d frames in %.1f s; slowest 1 s window %.1f FPS; requestAnimationFrame %.1f/s), longest gap %.0f ms (rAF %.0f ms) ending in %s",
		sw.FPS, sw.ChangedFPS, sw.Frames, sw.Secs, sw.MinWindowFPS, sw.RAFPS, gap, rafGap, gapAt)
	t.Logf("idle:  %.1f FPS, %.1f of them changed something (%d frames in %.1f s; slowest 1 s window %.1f FPS; requestAnimationFrame %.1f/s)",
		id.FPS, id.ChangedFPS, id.Frames, id.Secs, id.MinWindowFPS, id.RAFPS)
	if out := os.Getenv("VKGEMM_E2E_FPS_OUT"); out != "" {
		f, err := os.OpenFile(out, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		require.NoError(t, err)
		fmt.Fprintf(f, "%s %dx%d backing=%s sweep=%.1f changed=%.1f sweepMin1s=%.1f sweepRAF=%.1f gap=%.0f idle=%.1f idleRAF=%.1f\n",
			os.Getenv("VKGEMM_DIST"), width, height, idle[0].Backing, sw.FPS, sw.ChangedFPS, sw.MinWindowFPS, sw.RAFPS, gap, id.FPS, id.RAFPS)
		f.Close()
	}
	if name := os.Getenv("VKGEMM_E2E_FPS_SHOT"); name != "" {
		screenshot(t, ctx, name)
	}
	assert.Greater(t, sw.Frames, 0, "frames keep coming during the sweep")
	assert.Greater(t, id.Frames, 0, "frames keep coming when idle")
}
