package main

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vkgemm/vkgemm/gpu"
	"github.com/vkgemm/vkgemm/gpu/tune"
	"github.com/vkgemm/vkgemm/shaders"
)

func runTune(args []string, stdout, stderr io.Writer) (retErr error) {
	fs, df := newFlags("tune", "Searches kernel configurations (family, workgroup, per-invocation block, k-step, k slices,\n"+
		"storage or texel loads) for each shape class on the device (float32 products, strided batches of\n"+
		"small ones, GemmHalf's F16 and BF16 inputs per class, and with -int8 GemmInt8's per class), checks\n"+
		"every candidate against the float64 reference (int8: exactly, against the CPU engine's int8 GEMM)\n"+
		"before timing it, then races the CPU path against the device with the kernels found to measure the\n"+
		"BLAS adapter's crossover per precision and class, and saves it all in the cache directory, where\n"+
		"`gpu.Open` finds it. Progress goes to stderr.", stderr)
	budget := fs.Duration("budget", 4*time.Minute, "time the whole run may take, shared by its searches and races")
	classes := fs.String("classes", strings.Join(classNames(), ","), "comma-separated shape `classes` to tune")
	halves := fs.String("half", "f16,bf16", "comma-separated half `formats` whose GemmHalf kernels to tune per class (empty for none)")
	tuneInt8 := fs.Bool("int8", false, "tune GemmInt8's kernel per class too (int8/CLASS; speeds in GOPS)")
	crossovers := fs.Bool("crossovers", true, "measure the BLAS adapter's crossovers (CPU path against the device) per precision and class")
	noSave := fs.Bool("dry-run", false, "do not save the result")
	if err := parse(fs, args); err != nil {
		return err
	}
	cls, formats, err := parseClassesAndHalf(*classes, *halves, stderr)
	if err != nil {
		return err
	}
	if *budget <= 0 {
		fmt.Fprintln(stderr, "-budget must be positive")
		return errUsage
	}
	d, err := df.open()
	if err != nil {
		return err
	}
	defer closeDevice(d, &retErr)
	fmt.Fprintf(stdout, "device: %s\nbudget: %v\n", d.Describe(), *budget)
	prog := newProgress(stderr)
	defer prog.done()
	t, err := tune.Run(d, tune.Options{
		Budget:     *budget,
		Classes:    toClasses(cls),
		Half:       formats,
		Int8:       *tuneInt8,
		Crossovers: *crossovers,
		Save:       !*noSave,
		Progress: func(p tune.Progress) {
			clock := fmt.Sprintf("%s elapsed, %s left", p.Elapsed.Round(time.Second), p.Left.Round(time.Second))
			if r := p.Race; r != nil {
				prog.show("crossover %s/%-6s %s %d/%d  %s  %s: CPU path %v, device %v  (crossover %s)", precisionName(p.Key.Element), p.Key.Class,
					bar(p.Done, p.Total, 7), p.Done, p.Total, clock, dims(r.M, r.N, r.K), r.CPU.Round(time.Microsecond),
					r.Device.Round(time.Microsecond), flopsText(r.Below))
				return
			}
			status := fmt.Sprintf("%.2f %s", p.GFLOPS, rateUnit(p.Key))
			if p.Err != nil {
				status = "discarded: " + p.Err.Error()
			}
			prog.show("tune %-6s %s %d/%d  %s  %v: %s  (best %.2f)", keyLabel(p.Key), bar(p.Done, p.Total, 20), p.Done, p.Total,
				clock, p.Candidate, status, p.BestGFLOPS)
		},
	})
	prog.done()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	header := "CLASS\tKERNEL\tGFLOPS"
	if *tuneInt8 {
		header += " (int8: GOPS)"
	}
	fmt.Fprintln(tw, header)
	for _, key := range sortedKeys(t.Kernels, keyLabel) {
		fmt.Fprintf(tw, "%s\t%v\t%.2f\n", keyLabel(key), t.Kernels[key], t.GFLOPS[key])
	}
	tw.Flush()
	if len(t.CPUBelow) > 0 {
		fmt.Fprintln(stdout)
		tw = tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "CROSSOVER\tPRODUCTS ON THE CPU PATH BELOW")
		for _, key := range sortedKeys(t.CPUBelow, crossoverLabel) {
			fmt.Fprintf(tw, "%s\t%s\n", crossoverLabel(key), flopsText(t.CPUBelow[key]))
		}
		tw.Flush()
	}
	if !*noSave {
		fmt.Fprintf(stdout, "saved: %s\n", tune.Path(d))
	}
	return nil
}

// keyLabel names a tuned kernel as the tool always has: its class for
// float32 ("square", "batched"), else "f16/square".
func keyLabel(k tune.Key) string {
	if k.Element == shaders.F32 {
		return string(k.Class)
	}
	return k.String()
}

// rateUnit is what a tuned kernel's speed counts: GOPS for GemmInt8's
// integer operations, GFLOPS for the others.
func rateUnit(k tune.Key) string {
	if k.Element == shaders.Int8 {
		return "GOPS"
	}
	return "GFLOPS"
}

// crossoverLabel names a crossover: "float32/square".
func crossoverLabel(k tune.Key) string { return precisionName(k.Element) + "/" + string(k.Class) }

// precisionName is "float32" or "float64" for the crossovers' elements.
func precisionName(e shaders.Element) string {
	switch e {
	case shaders.F32:
		return "float32"
	case shaders.F64:
		return "float64"
	}
	return string(e)
}

// sortedKeys lists the keys of m in the order of their labels.
func sortedKeys[V any](m map[tune.Key]V, label func(tune.Key) string) []tune.Key {
	keys := slices.Collect(maps.Keys(m))
	slices.SortFunc(keys, func(a, b tune.Key) int { return strings.Compare(label(a), label(b)) })
	return keys
}

// toClasses converts class names, already checked, to classes.
func toClasses(names []string) []tune.Class {
	out := make([]tune.Class, len(names))
	for i, n := range names {
		out[i] = tune.Class(n)
	}
	return out
}

// flopsText writes a crossover: "never", or flops with the square product
// of as many.
func flopsText(flops float64) string {
	if flops >= tune.Never {
		return "never (every product on the CPU path)"
	}
	if flops == 0 {
		return "0 (every product on the device)"
	}
	return fmt.Sprintf("%.3g flops (%.0f³)", flops, math.Cbrt(flops/2))
}

// parseClassesAndHalf reads the -classes and -half flags of bench and tune.
func parseClassesAndHalf(classes, halves string, stderr io.Writer) ([]string, []gpu.HalfFormat, error) {
	cls, err := parseClasses(classes, classNames(), stderr)
	if err != nil {
		return nil, nil, err
	}
	formats, err := parseHalf(halves, stderr)
	return cls, formats, err
}

// parseHalf reads a comma-separated list of half formats (empty for none).
func parseHalf(s string, stderr io.Writer) ([]gpu.HalfFormat, error) {
	var out []gpu.HalfFormat
	for _, f := range strings.Split(s, ",") {
		switch strings.ToLower(strings.TrimSpace(f)) {
		case "":
		case "f16":
			out = append(out, gpu.F16)
		case "bf16":
			out = append(out, gpu.BF16)
		default:
			fmt.Fprintf(stderr, "-half: unknown half format %q (f16, bf16)\n", f)
			return nil, errUsage
		}
	}
	return out, nil
}

// bar draws a text progress bar.
func bar(done, total, width int) string {
	if total <= 0 {
		total = 1
	}
	n := min(width, done*width/total)
	return "[" + strings.Repeat("#", n) + strings.Repeat(".", width-n) + "]"
}
