package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vkgemm/vkgemm/gpu"
)

func runTune(args []string, stdout, stderr io.Writer) (retErr error) {
	fs, df := newFlags("tune", "Searches kernel configurations (family, workgroup, per-invocation block, k-step, k slices,\n"+
		"storage or texel loads) for each shape class on the device, checks every candidate against\n"+
		"the float64 reference before timing it, and saves the fastest in the cache directory, where\n"+
		"`gpu.Open` finds it.", stderr)
	budget := fs.Duration("budget", 2*time.Minute, "time the whole search may take")
	classes := fs.String("classes", strings.Join(gpu.ShapeClasses, ","), "comma-separated shape `classes` to tune")
	noSave := fs.Bool("dry-run", false, "do not save the result")
	if err := parse(fs, args); err != nil {
		return err
	}
	cls, err := parseClasses(*classes, stderr)
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
	t, err := d.Tune(gpu.TuneOptions{
		Budget:  *budget,
		Classes: cls,
		Save:    !*noSave,
		Progress: func(p gpu.TuneProgress) {
			status := fmt.Sprintf("%.2f GFLOPS", p.GFLOPS)
			if p.Err != nil {
				status = "discarded: " + p.Err.Error()
			}
			prog.show("tune %-6s %s %d/%d  %s elapsed, %s left  %v: %s  (best %.2f)", p.Class, bar(p.Done, p.Total, 20), p.Done, p.Total,
				p.Elapsed.Round(time.Second), p.Left.Round(time.Second), p.Candidate, status, p.BestGFLOPS)
		},
	})
	prog.done()
	if err != nil {
		return err
	}
	names := make([]string, 0, len(t.Kernels))
	for c := range t.Kernels {
		names = append(names, c)
	}
	sort.Strings(names)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CLASS\tKERNEL\tGFLOPS")
	for _, c := range names {
		fmt.Fprintf(tw, "%s\t%v\t%.2f\n", c, t.Kernels[c], t.GFLOPS[c])
	}
	tw.Flush()
	if !*noSave {
		fmt.Fprintf(stdout, "saved: %s\n", d.TuningPath())
	}
	return nil
}

// bar draws a text progress bar.
func bar(done, total, width int) string {
	if total <= 0 {
		total = 1
	}
	n := min(width, done*width/total)
	return "[" + strings.Repeat("#", n) + strings.Repeat(".", width-n) + "]"
}
