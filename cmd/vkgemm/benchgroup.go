package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gpu"
)

// groupDeviceRow is one device of a group's benchmark row: the same
// product on that device alone, and its share of the group's.
type groupDeviceRow struct {
	Wallms  float64 `json:"wall_ms"`
	WallMin float64 `json:"wall_min_ms"`
	WallMax float64 `json:"wall_max_ms"`
	GFLOPS  float64 `json:"gflops"` // from wall time
	// Share is the device's part of the group's multiply-adds, averaged
	// over the group's timed repetitions.
	Share float64 `json:"share"`
}

// groupRow is one size of `bench -device all`.
type groupRow struct {
	M            int              `json:"m"`
	N            int              `json:"n"`
	K            int              `json:"k"`
	GroupWallms  float64          `json:"group_wall_ms"`
	GroupWallMin float64          `json:"group_wall_min_ms"`
	GroupWallMax float64          `json:"group_wall_max_ms"`
	GroupGFLOPS  float64          `json:"group_gflops"` // from wall time
	Devices      []groupDeviceRow `json:"devices"`      // in the order of the report's devices
	Fastest      int              `json:"fastest"`      // the device alone with the most GFLOPS
	OverFastest  float64          `json:"group_over_fastest"`
}

type groupReport struct {
	Date    string     `json:"date"`
	Group   string     `json:"group"`
	Devices []string   `json:"devices"`
	Reps    int        `json:"reps"`
	WarmUp  int        `json:"group_warm_up"` // products the group runs at each size before the timed ones
	Rows    []groupRow `json:"results"`
}

// groupWarmUp is how many products the group runs at each size before
// the timed ones: as many as it needs to measure a size both ways, dealt
// and on its fastest device alone.
const groupWarmUp = 4

// groupSelection says whether the device flag, or VKGEMM_DEVICE where the
// flag is not given, names a group: "all" or a comma-separated list.
func groupSelection(flagValue string) bool {
	sel := flagValue
	if sel == "" {
		env, _ := gpu.ConfigFromEnv() // a bad variable is reported when the device opens
		sel = env.Device
	}
	return strings.EqualFold(strings.TrimSpace(sel), "all") || strings.Contains(sel, ",")
}

// runGroupBench times float32 square products of each size on every
// device of the group alone and then on the group, in one run.
func runGroupBench(fs *flag.FlagSet, df *deviceFlags, ns []int, reps int, asJSON bool, stdout, stderr io.Writer) (retErr error) {
	var extra []string
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "half", "int8", "classes", "peak", "cpu":
			extra = append(extra, "-"+f.Name)
		}
	})
	if len(extra) > 0 {
		fmt.Fprintf(stderr, "-device all (a group) times float32 square products only: drop %s\n", strings.Join(extra, ", "))
		return errUsage
	}
	g, err := gpu.OpenAll(df.config())
	if err != nil {
		return err
	}
	defer func() {
		if err := g.Close(); err != nil && retErr == nil {
			retErr = err
		}
	}()
	devs := g.Devices()
	rep := groupReport{Date: time.Now().UTC().Format(time.RFC3339), Group: g.Describe(), Reps: reps, WarmUp: groupWarmUp, Rows: []groupRow{}}
	for _, d := range devs {
		rep.Devices = append(rep.Devices, d.Describe())
	}
	progress := newProgress(stderr)
	defer progress.done()
	rng := rand.New(rand.NewPCG(1, 1))
	// timed runs f and returns its wall time in milliseconds.
	timed := func(label string, f func() error) (float64, error) {
		start := time.Now()
		if err := f(); err != nil {
			return 0, fmt.Errorf("%s: %w", label, err)
		}
		return ms(time.Since(start)), nil
	}
	for _, n := range ns {
		row := groupRow{M: n, N: n, K: n, Devices: make([]groupDeviceRow, len(devs))}
		flops := gemm.Flops(n, n, n)
		a, b, c := randSlice(rng, n*n), randSlice(rng, n*n), make([]float32, n*n)
		size := dims(n, n, n)
		alone := make([]func() error, len(devs))
		for i, d := range devs {
			alone[i] = func() error { return d.Sgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, b, n, 0, c, n) }
		}
		group := func() error { return g.Sgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, b, n, 0, c, n) }
		// Warm-ups: each device alone first, so that the group's first
		// products find their pipelines built; then the group's, the
		// products it learns the size from (two dealt, two whole on its
		// fastest device: gpu.Group).
		for i := range devs {
			progress.show("%s device %d warm-up", size, i)
			if _, err := timed(fmt.Sprintf("%s device %d", size, i), alone[i]); err != nil {
				return err
			}
		}
		for w := range groupWarmUp {
			progress.show("%s group warm-up %d/%d", size, w+1, groupWarmUp)
			if _, err := timed(size+" group", group); err != nil {
				return err
			}
		}
		// The timed runs take turns, each device alone and then the group,
		// so that they share the machine's ups and downs.
		devT := make([][]float64, len(devs))
		var groupT []float64
		shares := make([]float64, len(devs))
		for r := range reps {
			for i := range devs {
				progress.show("%s device %d %d/%d", size, i, r+1, reps)
				t, err := timed(fmt.Sprintf("%s device %d", size, i), alone[i])
				if err != nil {
					return err
				}
				devT[i] = append(devT[i], t)
			}
			progress.show("%s group %d/%d", size, r+1, reps)
			t, err := timed(size+" group", group)
			if err != nil {
				return err
			}
			groupT = append(groupT, t)
			for i, s := range g.Shares() {
				shares[i] += s / float64(reps)
			}
		}
		best := 0.0
		for i, ts := range devT {
			r := &row.Devices[i]
			r.Wallms, r.WallMin, r.WallMax = median(ts), slices.Min(ts), slices.Max(ts)
			r.GFLOPS = gflopsOf(flops, r.Wallms)
			r.Share = shares[i]
			if r.GFLOPS > best {
				best, row.Fastest = r.GFLOPS, i
			}
		}
		row.GroupWallms, row.GroupWallMin, row.GroupWallMax = median(groupT), slices.Min(groupT), slices.Max(groupT)
		row.GroupGFLOPS = gflopsOf(flops, row.GroupWallms)
		if best > 0 {
			row.OverFastest = row.GroupGFLOPS / best
		}
		rep.Rows = append(rep.Rows, row)
	}
	progress.done()
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printGroupBench(stdout, &rep)
	return nil
}

func printGroupBench(w io.Writer, rep *groupReport) {
	fmt.Fprintf(w, "group: %d device(s)\n", len(rep.Devices))
	for i, d := range rep.Devices {
		fmt.Fprintf(w, "  device %d: %s\n", i, d)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "m×n×k\tgroup GFLOPS\tgroup ms (min-max)\t"
	for i := range rep.Devices {
		head += fmt.Sprintf("device %d GFLOPS\tdevice %d ms\t", i, i)
	}
	head += "group/fastest\tshares\t"
	fmt.Fprintln(tw, head)
	for _, r := range rep.Rows {
		fmt.Fprintf(tw, "%s\t%.2f\t%.1f (%.1f-%.1f)\t", dims(r.M, r.N, r.K), r.GroupGFLOPS, r.GroupWallms, r.GroupWallMin, r.GroupWallMax)
		var shares []string
		for _, d := range r.Devices {
			fmt.Fprintf(tw, "%.2f\t%.1f\t", d.GFLOPS, d.Wallms)
			shares = append(shares, fmt.Sprintf("%.0f%%", 100*d.Share))
		}
		fmt.Fprintf(tw, "%.2fx device %d\t%s\t\n", r.OverFastest, r.Fastest, strings.Join(shares, " / "))
	}
	tw.Flush()
	fmt.Fprintf(w, "\nmedians of %d runs taking turns (each device alone, then the group) after warm-ups (the group's: %d\n"+
		"products, from which it learns the size), float32, wall time (copies included); GFLOPS = 2mnk / time;\n"+
		"group/fastest: the group against its fastest device alone; shares: each device's part of the group's\n"+
		"multiply-adds, averaged over the runs\n", rep.Reps, groupWarmUp)
}
