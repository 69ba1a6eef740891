package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/vkgemm/vkgemm/gpu"
)

func runPeak(args []string, stdout, stderr io.Writer) (retErr error) {
	fs, df := newCommandFlags("peak", "Measures the device's FMA throughput with a dependent-FMA shader (as vkpeak does), in float32\n"+
		"and, where the device has float64 in shaders, in float64: the ceilings Sgemm and Dgemm can reach.", stderr, openDevice)
	asJSON := fs.Bool("json", false, "print JSON instead of text")
	if err := parse(fs, args); err != nil {
		return err
	}
	d, err := df.open()
	if err != nil {
		return err
	}
	defer closeDevice(d, &retErr)
	fmt.Fprintf(stderr, "peak: measuring %s\n", d.Describe())
	p, err := prober(d).MeasurePeak(false)
	if err != nil {
		return err
	}
	p64, err := prober(d).MeasurePeak(true)
	has64 := err == nil
	if err != nil && !errors.Is(err, gpu.ErrUnsupported) {
		return err
	}
	if *asJSON {
		r := map[string]any{
			"device": d.Describe(), "gflops": p.GFLOPS, "invocations": p.Invocations,
			"iterations": p.Iterations, "kernel_ms": ms(p.KernelTime),
		}
		if has64 {
			r["float64"] = map[string]any{"gflops": p64.GFLOPS, "invocations": p64.Invocations,
				"iterations": p64.Iterations, "kernel_ms": ms(p64.KernelTime)}
		}
		return json.NewEncoder(stdout).Encode(r)
	}
	fmt.Fprintf(stdout, "device:  %s\nfloat32: %.1f GFLOPS (%d invocations × %d iterations of 8 vec4 FMAs, median kernel time %.1f ms)\n",
		d.Describe(), p.GFLOPS, p.Invocations, p.Iterations, ms(p.KernelTime))
	if has64 {
		fmt.Fprintf(stdout, "float64: %.1f GFLOPS (%d invocations × %d iterations of 8 dvec4 FMAs, median kernel time %.1f ms)\n",
			p64.GFLOPS, p64.Invocations, p64.Iterations, ms(p64.KernelTime))
	} else {
		fmt.Fprintf(stdout, "float64: none (%v)\n", err)
	}
	return nil
}
