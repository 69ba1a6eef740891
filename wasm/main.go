//go:build js && wasm

package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"syscall/js"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/vkgemm/vkgemm/gemm"
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

type options struct {
	sizes   []int
	minTime time.Duration
	gpu     bool
}

func parse(search string) (options, error) {
	o := options{minTime: 300 * time.Millisecond, gpu: true}
	q, err := url.ParseQuery(search)
	if err != nil {
		return o, fmt.Errorf("the page address: %w", err)
	}
	num := func(key string, def int) (int, error) {
		if v := q.Get(key); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return 0, fmt.Errorf("?%s=%q: want a whole number", key, v)
			}
			return n, nil
		}
		return def, nil
	}
	lo, err := num("min", 64)
	if err != nil {
		return o, err
	}
	hi, err := num("max", 512)
	if err != nil {
		return o, err
	}
	if o.sizes, err = viz.Sizes(lo, hi); err != nil {
		return o, err
	}
	if v := q.Get("mintime"); v != "" {
		if o.minTime, err = time.ParseDuration(v); err != nil {
			return o, fmt.Errorf("?mintime=%q: want a duration such as 300ms", v)
		}
	}
	o.gpu = q.Get("gpu") != "off"
	return o, nil
}

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
		engine, err = webgpu.Open()
	} else {
		err = errors.New("WebGPU unavailable: turned off with ?gpu=off")
	}
	if err != nil {
		gpuLane.Err = err
	} else {
		gpuLane.Engine = engine
	}
	// Go in the browser has one thread: the CPU engine works in bands of a
	// few milliseconds and sleeps between them, so that the browser gets to
	// draw frames; the sleeps are not timed.
	cfg := viz.Config{Sizes: o.sizes, Limit: 2048, MinTime: o.minTime, StepFlops: 4e6,
		Slice: 12 * time.Millisecond, Yield: func() { time.Sleep(time.Millisecond) }}
	cpu := gemm.CPU{}
	r := viz.NewRunner(cfg, gpuLane, viz.Contender{Role: "CPU", Engine: cpu})
	go r.Run(context.Background())

	expose(page, r, engine, cpu)

	g := &view.Game{Runner: r, Banner: "in the browser"}
	var last time.Time
	var maxGap time.Duration
	g.AfterDraw = func(_ *ebiten.Image, frames int, s viz.Snapshot) bool {
		now := time.Now()
		if frames == 1 {
			if l := js.Global().Get("document").Call("getElementById", "loading"); !l.IsNull() {
				l.Call("remove")
			}
			page.Set("ready", true)
		} else if !s.Finished && now.Sub(last) > maxGap {
			maxGap = now.Sub(last)
			page.Set("maxFrameGapMs", maxGap.Milliseconds())
		}
		last = now
		page.Set("frames", frames)
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
