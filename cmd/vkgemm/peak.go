package main

import (
	"encoding/json"
	"fmt"
	"io"
)

func runPeak(args []string, stdout, stderr io.Writer) (retErr error) {
	fs, df := newCommandFlags("peak", "Measures the device's single-precision FMA throughput with a dependent-FMA shader (as vkpeak\n"+
		"does), the ceiling any GEMM on it can reach.", stderr, openDevice)
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
	p, err := d.MeasurePeak()
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(map[string]any{
			"device": d.Describe(), "gflops": p.GFLOPS, "invocations": p.Invocations,
			"iterations": p.Iterations, "kernel_ms": ms(p.KernelTime),
		})
	}
	fmt.Fprintf(stdout, "device: %s\npeak:   %.1f GFLOPS (%d invocations × %d iterations of 8 vec4 FMAs, median kernel time %.1f ms)\n",
		d.Describe(), p.GFLOPS, p.Invocations, p.Iterations, ms(p.KernelTime))
	return nil
}
