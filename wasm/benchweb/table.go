package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
)

// Result is what the page leaves in window.benchResult.
type Result struct {
	Error                 string
	UserAgent             string
	Rounds, Reps, Warmups int
	Engines               []struct{ Name, Device, Error string }
	Runs                  []Run
}

// Run is one engine at one size: the times of each round's reps, in ms.
type Run struct {
	Engine string
	N      int
	Rounds [][]float64
	Check  struct {
		OK        bool
		MaxRelErr float64
	}
	Error string
}

// Median is the median of xs (NaN when empty).
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Sorted(slices.Values(xs))
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// Millis is the median of the round medians (NaN without timed rounds).
func (r Run) Millis() float64 {
	meds := make([]float64, len(r.Rounds))
	for i, ms := range r.Rounds {
		meds[i] = Median(ms)
	}
	return Median(meds)
}

// GFLOPS is 2n³ over Millis.
func (r Run) GFLOPS() float64 { return 2 * math.Pow(float64(r.N), 3) / r.Millis() / 1e6 }

// Table writes the markdown table of GFLOPS per size and engine, with the
// first engine's ratio to each of the others.
func (res Result) Table(w io.Writer) {
	var names []string
	var sizes []int
	runs := map[string]map[int]Run{}
	for _, r := range res.Runs {
		if runs[r.Engine] == nil {
			runs[r.Engine] = map[int]Run{}
			names = append(names, r.Engine)
		}
		runs[r.Engine][r.N] = r
		if !slices.Contains(sizes, r.N) {
			sizes = append(sizes, r.N)
		}
	}
	if len(names) == 0 {
		fmt.Fprintln(w, "no engine ran")
		return
	}
	head := []string{"n"}
	for _, n := range names {
		head = append(head, n+" (GFLOPS)")
	}
	for _, n := range names[1:] {
		head = append(head, names[0]+" / "+n)
	}
	fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(head, " | "), strings.Repeat("---|", len(head)))
	cell := func(r Run, ok bool) (string, float64) {
		switch {
		case !ok:
			return "-", math.NaN()
		case r.Error != "":
			return "failed", math.NaN()
		}
		g := r.GFLOPS()
		return fmt.Sprintf("%.3g", g), g
	}
	for _, n := range sizes {
		row := []string{fmt.Sprint(n)}
		g := make([]float64, len(names))
		for i, e := range names {
			r, ok := runs[e][n]
			var s string
			s, g[i] = cell(r, ok)
			row = append(row, s)
		}
		for i := range names[1:] {
			ratio := g[0] / g[i+1]
			if math.IsNaN(ratio) {
				row = append(row, "-")
			} else {
				row = append(row, fmt.Sprintf("%.2f", ratio))
			}
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(row, " | "))
	}
}

// Problems lists the engines that did not start and the runs that failed
// or gave a wrong result.
func (res Result) Problems() []string {
	var out []string
	if res.Error != "" {
		out = append(out, "the page: "+res.Error)
	}
	for _, e := range res.Engines {
		if e.Error != "" {
			out = append(out, fmt.Sprintf("%s did not start: %s", e.Name, e.Error))
		}
	}
	for _, r := range res.Runs {
		if r.Error != "" {
			out = append(out, fmt.Sprintf("%s at n=%d: %s", r.Engine, r.N, r.Error))
		}
	}
	return out
}
