package cli

import (
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/vkgemm/vkgemm/viz"
)

// Options are the visualizer's command-line settings.
type Options struct {
	Device        string // index or name substring; empty: VKGEMM_DEVICE, else the best
	NoGPU         bool
	Min, Max      int
	MinTime       time.Duration
	Shot          string
	Frames        int
	Width, Height int
	Race          viz.Mode // what is raced first (M switches while running)
}

// Parse reads the flags. -h gives flag.ErrHelp after printing the usage to
// output; a bad flag gives an error after printing what is wrong.
func Parse(args []string, output io.Writer) (Options, error) {
	var o Options
	fs := flag.NewFlagSet("visualizer", flag.ContinueOnError)
	fs.SetOutput(output)
	fs.StringVar(&o.Device, "device", "", "Vulkan device: `index or name` substring, or all (or a list such as 0,2) for one product over several devices (default: $VKGEMM_DEVICE, else the best; see `vkgemm devices`)")
	fs.BoolVar(&o.NoGPU, "no-gpu", false, "race the CPU path alone, as on a machine without Vulkan")
	fs.IntVar(&o.Min, "min", 64, "smallest matrix size n of the sweep")
	fs.IntVar(&o.Max, "max", 1024, "largest matrix size n (↑/↓ change it while running)")
	fs.DurationVar(&o.MinTime, "mintime", 300*time.Millisecond, "how long each engine repeats a product at one size")
	fs.StringVar(&o.Shot, "shot", "", "save a PNG screenshot to `FILE` and exit")
	fs.IntVar(&o.Frames, "frames", 0, "with -shot: after this many frames; 0: when the sweep is done")
	race := fs.String("race", "f32", "what is raced: f32 (n×n×n float32), batched (64 products of n/4×n/4×n/4), bf16 or f16 (half inputs, float32 accumulate), int8 (int8 inputs, exact int32 results); M switches while running")
	size := fs.String("size", "960x540", "window size (software GL on a large window is slow)")
	fs.Usage = func() {
		fmt.Fprintf(output, "usage: visualizer [flags]\n\n"+
			"Races GEMM on the GPU (Vulkan) against the CPU, live: float32, batched, BF16/F16 or int8 inputs. Needs a display:\n"+
			"headless, run it under Xvfb (xvfb-run -a visualizer -shot out.png).\n\nflags:\n")
		fs.PrintDefaults()
	}
	err := fs.Parse(args)
	if err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if o.Race, err = viz.ParseMode(*race); err != nil {
		return o, fmt.Errorf("-%w", err)
	}
	if _, err := fmt.Sscanf(*size, "%dx%d", &o.Width, &o.Height); err != nil || o.Width < 320 || o.Height < 200 {
		return o, fmt.Errorf("-size %q: want WIDTHxHEIGHT, at least 320x200", *size)
	}
	return o, nil
}
