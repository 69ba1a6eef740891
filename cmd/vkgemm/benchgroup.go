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
	// times calls f warm times to warm up and reps times timed, in
	// milliseconds; after each timed call it calls after, if given.
	times := func(label string, warm int, f func() error, after func()) ([]float64, error) {
		var ts []float64
		for r := -warm; r < reps; r++ {
			progress.show("%s %d/%d", label, r+1, reps)
			start := time.Now()
			if err := f(); err != nil {
				return nil, fmt.Errorf("%s: %w", label, err)
			}
			if r >= 0 {
				ts = append(ts, ms(time.Since(start)))
				if after != nil {
					after()
				}
			}
		}
		return ts, nil
	}
	for _, n := range ns {
		row := groupRow{M: n, N: n, K: n, Devices: make([]groupDeviceRow, len(devs))}
		flops := gemm.Flops(n, n, n)
		a, b, c := randSlice(rng, n*n), randSlice(rng, n*n), make([]float32, n*n)
		// Each device alone first, so that the group's first products
		// find their pipelines compiled.
		best := 0.0
		for i, d := range devs {
			ts, err := times(fmt.Sprintf("%s device %d", dims(n, n, n), i), 1, func() error {
				return d.Sgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, b, n, 0, c, n)
			}, nil)
			if err != nil {
				return err
			}
			r := &row.Devices[i]
			r.Wallms, r.WallMin, r.WallMax = median(ts), slices.Min(ts), slices.Max(ts)
			r.GFLOPS = gflopsOf(flops, r.Wallms)
			if r.GFLOPS > best {
				best, row.Fastest = r.GFLOPS, i
			}
		}
		// The group's warm-up is the products it learns a size from: two
		// dealt and two whole on its fastest device (gpu.Group).
		shares := make([]float64, len(devs))
		ts, err := times(dims(n, n, n)+" group", groupWarmUp, func() error {
			return g.Sgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, b, n, 0, c, n)
		}, func() {
			for i, s := range g.Shares() {
				shares[i] += s / float64(reps)
			}
		})
		if err != nil {
			return err
		}
		for i := range devs {
			row.Devices[i].Share = shares[i]
		}
		row.GroupWallms, row.GroupWallMin, row.GroupWallMax = median(ts), slices.Min(ts), slices.Max(ts)
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
	fmt.Fprintf(w, "\nmedians of %d runs after a warm-up (the group's: %d products, from which it learns the size), float32,\n"+
		"wall time (copies included); GFLOPS = 2mnk / time; group/fastest: the group against its fastest device\n"+
		"alone; shares: each device's part of the group's multiply-adds, averaged over the runs\n", rep.Reps, groupWarmUp)
}
