package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/vkgemm/vkgemm/cmd/visualizer/internal/cli"
	_ "github.com/vkgemm/vkgemm/cmd/visualizer/internal/nodisplay" // before ebiten's init: help and a clear error without a display
	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gemm/cpu"
	"github.com/vkgemm/vkgemm/gpu"
	"github.com/vkgemm/vkgemm/viz"
	"github.com/vkgemm/vkgemm/viz/view"
)

func main() {
	err := run(os.Args[1:])
	switch {
	case errors.Is(err, flag.ErrHelp):
	case err != nil:
		fmt.Fprintln(os.Stderr, "visualizer:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	o, err := cli.Parse(args, os.Stderr)
	if err != nil {
		return err
	}
	sizes, err := viz.Sizes(o.Min, o.Max)
	if err != nil {
		return err
	}

	gpuLane := openGPU(o.Device, o.NoGPU)
	defer gpuLane.close()
	// The CPU engine works in bands of rows and rests a little after every
	// 10 ms of work, so the frames get a core; the rests are not timed.
	cfg := viz.Config{Sizes: sizes, Mode: o.Race, MinTime: o.MinTime, StepFlops: 1 << 25,
		Slice: 10 * time.Millisecond, Yield: func() { time.Sleep(5 * time.Millisecond) }}
	r := viz.NewRunner(cfg,
		gpuLane.contender(), viz.Contender{Role: "CPU", Engine: cpu.Engine{}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	g := &view.Game{Runner: r, MaxFPS: 60}
	start := time.Now()
	var shotErr error
	// Frames drawn while the engines work, from the first frame to the end
	// of the sweep: the rate the visualizer promises to keep above 30.
	var busy struct {
		frames      int
		first, last time.Time
	}
	g.AfterDraw = func(screen *ebiten.Image, n int, s viz.Snapshot) bool {
		if !s.Finished {
			if busy.frames == 0 {
				busy.first = time.Now()
			}
			busy.frames++
			busy.last = time.Now()
		}
		if o.Shot == "" || (o.Frames > 0 && n < o.Frames) || (o.Frames == 0 && !s.Finished) {
			return false
		}
		shotErr = save(screen, o.Shot)
		return true
	}
	ebiten.SetWindowTitle("vkgemm: GEMM throughput, GPU vs CPU (M switches what is raced)")
	ebiten.SetWindowSize(o.Width, o.Height)
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	ebiten.SetScreenClearedEveryFrame(false) // Draw paints every pixel: one full-screen pass less
	if err := ebiten.RunGame(g); err != nil && !errors.Is(err, ebiten.Termination) {
		return err
	}
	secs := time.Since(start).Seconds()
	s := r.Snapshot()
	fmt.Printf("race: %s (%s)\n", s.Mode.Title(), s.Mode)
	fmt.Printf("frames %d in %.1f s: %.1f FPS; products %d of %d\n", g.Frames(), secs, float64(g.Frames())/secs, s.Done, s.Total)
	if d := busy.last.Sub(busy.first).Seconds(); busy.frames > 1 && d > 0 {
		fmt.Printf("while sweeping: %d frames in %.1f s: %.1f FPS\n", busy.frames, d, float64(busy.frames-1)/d)
	}
	for _, l := range s.Lanes {
		if l.Method != "" {
			fmt.Printf("%s %s runs it as: %s\n", l.Role, l.Name, l.Method)
			fmt.Printf("%s %s device: %s\n", l.Role, l.Name, l.Device)
		}
		if l.Unsupported != "" {
			fmt.Printf("%s %s cannot race %s: %s\n", l.Role, l.Name, s.Mode, l.Unsupported)
		}
		for _, res := range l.Results {
			if !res.Done() {
				continue
			}
			check := fmt.Sprintf("max rel err %.2g", res.MaxRelErr)
			if s.Mode.Exact() {
				check = fmt.Sprintf("%d elements wrong in %d rows checked", res.Wrong, res.CheckedRows)
			}
			fmt.Printf("%s %s n=%d %.3f %s %s ok=%v %s\n", l.Role, l.Name, res.N, res.GFLOPS, s.Mode.Unit(), check, res.OK, res.Err)
		}
		if !l.Available {
			fmt.Printf("%s unavailable: %s\n", l.Role, l.Why)
		}
	}
	if shotErr != nil {
		return shotErr
	}
	if o.Shot != "" {
		fmt.Println("screenshot:", o.Shot)
	}
	return nil
}

func save(screen *ebiten.Image, path string) error {
	b := screen.Bounds()
	img := image.NewRGBA(b)
	screen.ReadPixels(img.Pix)
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("screenshot: %w", err)
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("screenshot %s: %w", path, err)
	}
	return f.Close()
}

// gpuLane is the Vulkan contender: the open device, and which devices D
// cycles through; or, where -device names several ("all", "0,2"), the
// group of them that deals each product out.
type gpuLane struct {
	dev     *gpu.Device
	group   *gpu.Group
	err     error
	devices []gpu.DeviceInfo
	at      int // index into devices of the open one
}

func openGPU(device string, off bool) *gpuLane {
	g := &gpuLane{}
	if off {
		g.err = errors.New("turned off with -no-gpu")
		return g
	}
	if sel := selection(device); strings.EqualFold(sel, "all") || strings.Contains(sel, ",") {
		lowPriority(func() { g.group, g.err = gpu.OpenAll(gpu.Config{Device: sel}) })
		if g.err != nil {
			g.err = fmt.Errorf("%w (the CPU path runs alone; `vkgemm devices` lists what Vulkan sees)", g.err)
		}
		return g
	}
	lowPriority(func() { g.dev, g.err = gpu.Open(gpu.Config{Device: device}) })
	if g.err != nil {
		g.err = fmt.Errorf("%w (the CPU path runs alone; `vkgemm devices` lists what Vulkan sees)", g.err)
	}
	all, _ := gpu.Devices()
	for _, d := range all {
		if d.Supported {
			g.devices = append(g.devices, d)
			if g.dev != nil && strings.HasPrefix(g.dev.Describe(), d.Name) {
				g.at = len(g.devices) - 1
			}
		}
	}
	return g
}

// selection is what -device says, else VKGEMM_DEVICE.
func selection(device string) string {
	if device == "" {
		if cfg, err := gpu.ConfigFromEnv(); err == nil {
			device = cfg.Device
		}
	}
	return strings.TrimSpace(device)
}

func (g *gpuLane) contender() viz.Contender {
	c := viz.Contender{Role: "GPU", Name: "Vulkan", Err: g.err, Note: cpuDriverNote}
	if g.group != nil {
		c.Engine = groupEngine{g.group}
		return c
	}
	if g.dev != nil {
		c.Engine = g.dev
	}
	if len(g.devices) > 1 {
		c.Switch = g.next
	}
	return c
}

// next closes the open device and opens the next one.
func (g *gpuLane) next() (gemm.Engine, error) {
	g.close()
	g.at = (g.at + 1) % len(g.devices)
	d := g.devices[g.at]
	lowPriority(func() { g.dev, g.err = gpu.Open(gpu.Config{Device: fmt.Sprint(d.Index)}) })
	if g.err != nil {
		return nil, fmt.Errorf("opening %s: %w", d.Name, g.err)
	}
	return g.dev, nil
}

func (g *gpuLane) close() {
	if g.group != nil {
		g.group.Close()
		g.group = nil
	}
	if g.dev != nil {
		g.dev.Close()
		g.dev = nil
	}
}

// cpuDriverNote says plainly when the "GPU" path runs on a CPU driver
// (lavapipe, SwiftShader): it then races the CPU path on the same cores.
func cpuDriverNote(e gemm.Engine) string {
	if d, ok := e.(*gpu.Device); ok && d.Info().Type == gpu.TypeCPU {
		return "CPU driver, not a GPU:"
	}
	if g, ok := e.(groupEngine); ok && !slices.ContainsFunc(g.Devices(), func(d *gpu.Device) bool { return d.Info().Type != gpu.TypeCPU }) {
		return "CPU drivers, not GPUs:"
	}
	return ""
}

// groupEngine is a group of devices as the visualizer races it: its
// device line (Describe, read after every run) gives each device's share
// of the last product.
type groupEngine struct{ *gpu.Group }

func (g groupEngine) Describe() string {
	devs, shares := g.Devices(), g.Shares()
	parts := make([]string, len(devs))
	for i, d := range devs {
		parts[i] = d.Info().Name
		if i < len(shares) && slices.ContainsFunc(shares, func(s float64) bool { return s > 0 }) {
			parts[i] += fmt.Sprintf(" %.0f%%", 100*shares[i])
		}
	}
	return fmt.Sprintf("%d devices: %s", len(devs), strings.Join(parts, " + "))
}
