//go:build js && wasm

package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"syscall/js"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/vkgemm/vkgemm/gemm/cpu"
	"github.com/vkgemm/vkgemm/viz"
	"github.com/vkgemm/vkgemm/viz/view"
	"github.com/vkgemm/vkgemm/wasm/webgpu"
)

func main() {
	page := js.Global().Get("vkgemm")
	if page.IsUndefined() {
		page = js.Global().Get("Object").New()
		js.Global().Set("vkgemm", page)
	}
	if err := run(page); err != nil {
		page.Set("error", err.Error())
		status := js.Global().Get("document").Call("getElementById", "status")
		if !status.IsNull() {
			status.Set("textContent", "vkgemm stopped: "+err.Error())
		}
	}
}

// softwareCanvas caps the canvas where WebGL runs on the CPU (SwiftShader,
// llvmpipe): each frame that changes costs a few passes over every pixel of
// the canvas, and 720×405 keeps 30 frames a second while the engines work on
// two cores (800×450 did not); the browser scales the canvas up to the page.
const softwareCanvas = 720 * 405

func run(page js.Value) error {
	search := js.Global().Get("location").Get("search").String()
	if len(search) > 0 && search[0] == '?' {
		search = search[1:]
	}
	o, err := parse(search)
	if err != nil {
		return err
	}

	gpuLane := viz.Contender{Role: "GPU", Name: "WebGPU"}
	var engine *webgpu.Engine
	if o.gpu {
		engine, err = webgpu.Open(webgpu.Options{Memory: page.Get("wasmMemory"), Family: o.kernel})
	} else {
		err = errors.New("WebGPU unavailable: turned off with ?gpu=off")
	}
	if err != nil {
		gpuLane.Err = err
	} else {
		if o.bandFlops > 0 {
			engine.BandFlops = o.bandFlops
		}
		gpuLane.Engine = engine
	}
	if engine != nil {
		page.Set("adapter", engine.Adapter())
		page.Set("software", engine.Software())
		page.Set("kernel", engine.Kernel())
	}
	ratio, renderer := capPixelRatio(o.canvas)
	page.Set("pixelRatio", ratio)
	page.Set("webgl", renderer)
	banner := "in the browser"
	if engine != nil {
		kind := "GPU"
		if engine.Software() {
			kind = "software"
		}
		banner += fmt.Sprintf(" · WebGPU on %s (%s), WGSL %s", engine.Adapter(), kind, engine.Kernel())
	}
	if ratio < 1 {
		iw, ih := js.Global().Get("innerWidth").Float(), js.Global().Get("innerHeight").Float()
		banner += fmt.Sprintf(" · drawn at %.0f×%.0f and scaled up", iw*ratio, ih*ratio)
		if softwareGL.MatchString(renderer) {
			banner += " (software WebGL)"
		}
	}
	// Go in the browser has one thread, and the page's drawing (SwiftShader
	// in the GPU process) needs the same cores as the engines: the engines
	// get a budget of 2 to 16 ms of work per frame, which the pacer adapts
	// to keep about 40 frames a second, and then wait for the next frame;
	// the waits are not timed.
	pacer := viz.NewPacer(40)
	// The pacer hears of a frame in a task of its own, after the frame's:
	// work woken inside the animation frame callback would run there, before
	// the frame's drawing reaches the GPU process.
	pacer.After = 0
	frameDone := js.FuncOf(func(js.Value, []js.Value) any {
		pacer.Frame()
		return nil
	})
	cfg := viz.Config{Sizes: o.sizes, Mode: o.race, Limit: 2048, MinTime: o.minTime, StepFlops: 4e6,
		Slice: 2 * time.Millisecond, Yield: pacer.Yield}
	cpu := cpu.Engine{}
	r := viz.NewRunner(cfg, gpuLane, viz.Contender{Role: "CPU", Engine: cpu})
	// The sweep starts once the page is up: the first frames upload the
	// text and compile WebGL shaders, slow on a software GL.
	const startAt = 3
	started := make(chan struct{})
	go func() {
		<-started
		r.Run(context.Background())
	}()

	expose(page, r, engine, cpu)

	g := &view.Game{Runner: r, Banner: banner}
	var last time.Time
	var maxGap time.Duration
	changed := 0 // frames that redrew something
	g.AfterDraw = func(_ *ebiten.Image, frames int, s viz.Snapshot) bool {
		now := time.Now()
		if frames == 1 {
			if l := js.Global().Get("document").Call("getElementById", "loading"); !l.IsNull() {
				l.Call("remove")
			}
			page.Set("ready", true)
		} else if frames > startAt && !s.Finished && now.Sub(last) > maxGap {
			// The longest wait between two frames while the sweep runs.
			maxGap = now.Sub(last)
			page.Set("maxFrameGapMs", maxGap.Milliseconds())
			page.Set("maxFrameGapAt", fmt.Sprintf("frame %d, %s", frames, gapAt(s)))
		}
		if frames == startAt {
			close(started)
		}
		last = now
		js.Global().Call("setTimeout", frameDone, 0)
		page.Set("budgetMs", float64(pacer.Budget())/1e6)
		if g.Painted() > 0 {
			changed++
		}
		page.Set("frames", frames)
		page.Set("changedFrames", changed)
		page.Set("fps", ebiten.ActualFPS())
		return false
	}
	ebiten.SetWindowTitle("vkgemm: GEMM throughput, WebGPU vs CPU")
	ebiten.SetScreenClearedEveryFrame(false)
	if err := ebiten.RunGame(g); err != nil && !errors.Is(err, ebiten.Termination) {
		return err
	}
	return nil
}

// capPixelRatio lowers window.devicePixelRatio, which ebiten reads once to
// size the canvas's backing store and its screen, so that the canvas has at
// most pixels device pixels (0: no cap; -1: softwareCanvas where WebGL is
// software). CSS stretches the canvas over the page, and ebiten maps the
// pointer with the same ratio. It returns the ratio in use and the WebGL
// renderer's name.
func capPixelRatio(pixels int) (float64, string) {
	w := js.Global()
	ratio := 1.0
	if v := w.Get("devicePixelRatio"); v.Type() == js.TypeNumber && v.Float() > 0 {
		ratio = v.Float()
	}
	renderer := webglRenderer()
	if pixels < 0 {
		pixels = 0
		if softwareGL.MatchString(renderer) {
			pixels = softwareCanvas
		}
	}
	cw, ch := w.Get("innerWidth").Float(), w.Get("innerHeight").Float()
	if pixels == 0 || cw <= 0 || ch <= 0 {
		return ratio, renderer
	}
	if r := math.Sqrt(float64(pixels) / (cw * ch)); r < ratio {
		ratio = r
		// devicePixelRatio is [Replaceable]: the page may set its own.
		w.Set("devicePixelRatio", ratio)
	}
	return ratio, renderer
}

var softwareGL = regexp.MustCompile(`(?i)swiftshader|llvmpipe|softpipe|lavapipe|software`)

// webglRenderer names the WebGL renderer ("" without WebGL), from a context
// made for the question and let go at once.
func webglRenderer() (name string) {
	defer func() {
		if recover() != nil {
			name = ""
		}
	}()
	c := js.Global().Get("document").Call("createElement", "canvas")
	gl := c.Call("getContext", "webgl2")
	if !gl.Truthy() {
		gl = c.Call("getContext", "webgl")
	}
	if !gl.Truthy() {
		return ""
	}
	v := gl.Call("getParameter", gl.Get("RENDERER"))
	if ext := gl.Call("getExtension", "WEBGL_debug_renderer_info"); ext.Truthy() {
		v = gl.Call("getParameter", ext.Get("UNMASKED_RENDERER_WEBGL"))
	}
	if lose := gl.Call("getExtension", "WEBGL_lose_context"); lose.Truthy() {
		lose.Call("loseContext")
	}
	if v.Type() == js.TypeString {
		return v.String()
	}
	return ""
}

// gapAt says what ran when a long gap between frames ended.
func gapAt(s viz.Snapshot) string {
	for _, l := range s.Lanes {
		if l.Running {
			return fmt.Sprintf("%s %s %d (%.0f%%)", l.Role, l.Phase, s.Sizes[min(l.Size, len(s.Sizes)-1)], 100*max(0, l.Fraction))
		}
	}
	return fmt.Sprintf("between products, %d of %d done", s.Done, s.Total)
}
