package tune

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/gpu/internal/engine"
	"github.com/vkgemm/vkgemm/shaders"
)

// searchKernels runs the kernel search of every target, jobs 0.. of clock,
// holding the device, and records the winners in t and on the device.
func searchKernels(d *engine.Device, targets []target, t *Tuning, progress func(Progress), clock clock) error {
	return d.Exclusive(func(h engine.Held) error {
		for i, tg := range targets {
			best, gf, err := search(h, d, tg, clock.deadline(i), progress, clock)
			if err != nil {
				return err
			}
			t.Kernels[tg.key], t.GFLOPS[tg.key] = best, gf
			h.SetKernel(tg.key, best)
		}
		return nil
	})
}

// search times tg's candidates until the deadline and returns the fastest
// that gives right results in every transpose. Int8 candidates are also
// checked, exactly, on the product they are timed on (where it is large,
// on bands of its rows: int8Reference), before they are timed.
func search(h engine.Held, d *engine.Device, tg target, deadline time.Time, progress func(Progress), clock clock) (Kernel, float64, error) {
	cands := tg.candidates(h, d)
	pr := tg.timedProblem(d.CPU())
	var checkTimed func(Kernel) error
	if tg.key.Element == shaders.Int8 {
		bands, want, err := int8Reference(pr, refLimit)
		if err != nil {
			return Kernel{}, 0, err
		}
		checkTimed = func(k Kernel) error {
			run := pr
			run.C32, run.Timed = make([]int32, len(pr.C32)), false
			if _, err := h.Run(run, k); err != nil {
				return err
			}
			return compareInt8(run.M, run.N, bands, run.C32, want)
		}
	}
	report := func(p Progress) {
		if progress != nil {
			p.Key, p.Total, p.Elapsed, p.Left = tg.key, len(cands), time.Since(clock.start), clock.left()
			progress(p)
		}
	}
	type timed struct {
		k  Kernel
		gf float64
	}
	var results []timed
	best, bestGF := Kernel{}, 0.0
	// recheck is what re-checking a winner in the three other transposes
	// will take: three times the slowest check seen. The search stops early
	// enough to leave it inside the budget.
	var recheck time.Duration
	for i, cand := range cands {
		if i > 0 && time.Now().Add(recheck).After(deadline) {
			break
		}
		// The timed (untransposed) pipeline is checked before it is timed;
		// the other three only for the winners, below, since every pipeline
		// costs a compile (seconds on SwiftShader).
		err := h.Spills(cand)
		gf := 0.0
		if err == nil {
			t0 := time.Now()
			err = checkKernel(h, tg, cand, transposes[:1])
			recheck = max(recheck, 3*time.Since(t0))
		}
		if err == nil && checkTimed != nil {
			err = checkTimed(cand)
		}
		if err == nil {
			gf, err = timeKernel(h, pr, cand)
		}
		if err != nil && !errors.Is(err, errWrongResult) && !errors.Is(err, engine.ErrSpills) {
			// A device error is not the candidate's fault: stop.
			return Kernel{}, 0, err
		}
		if err == nil {
			results = append(results, timed{cand, gf})
			if gf > bestGF {
				best, bestGF = cand, gf
			}
		}
		report(Progress{Done: i + 1, Candidate: cand, GFLOPS: gf, Err: err, Best: best, BestGFLOPS: bestGF})
	}
	slices.SortStableFunc(results, func(x, y timed) int { return cmp.Compare(y.gf, x.gf) })
	for _, r := range results {
		// The kernel in use (the first candidate) already runs every
		// transpose of every product, so a search that keeps it builds no
		// other pipelines: a short budget costs one build per search.
		err := error(nil)
		if r.k != cands[0] {
			err = checkKernel(h, tg, r.k, transposes[1:])
		}
		if err == nil {
			return r.k, r.gf, nil
		}
		if !errors.Is(err, errWrongResult) {
			return Kernel{}, 0, err
		}
		report(Progress{Done: len(cands), Candidate: r.k, Err: err})
	}
	return Kernel{}, 0, fmt.Errorf("tune: no kernel gave right results for %s products on %s", tg.key, d.Props().Name)
}

var errWrongResult = errors.New("wrong result")

var transposes = [][2]blas.Transpose{{blas.NoTrans, blas.NoTrans}, {blas.Trans, blas.NoTrans}, {blas.NoTrans, blas.Trans}, {blas.Trans, blas.Trans}}

// checkKernel runs k on small ragged products of tg (sizes that are no
// multiple of any block, k slices included) in the given transposes and
// compares them with the float64 reference, or for int8 with the exact
// one.
func checkKernel(h engine.Held, tg target, k Kernel, trs [][2]blas.Transpose) error {
	for i, tr := range trs {
		c := gemmtest.Case{TA: tr[0], TB: tr[1], M: 67 + i, N: 45, K: 33, Alpha: 1.5, Beta: -0.5, PadA: 1, PadC: 2}
		if k.KChunk > 0 {
			c.K = int(k.KChunk) + 33
		}
		if tg.key.Element == shaders.Int8 {
			if err := checkInt8(h, k, c, uint64(i)); err != nil {
				return err
			}
			continue
		}
		p, compare := tg.checkProblem(c, uint64(i))
		if _, err := h.Run(p, k); err != nil {
			return err
		}
		if err := compare(); err != nil {
			return fmt.Errorf("%w: %s: %v", errWrongResult, c, err)
		}
	}
	return nil
}

// Timing a candidate: after a warm-up run (which builds the pipeline), runs
// repeat until there are at least minRuns and they add up to minTiming, so
// that small products, which take a fraction of a millisecond, are not
// ranked by noise; at most maxRuns.
const (
	minRuns   = 3
	maxRuns   = 200
	minTiming = 60 * time.Millisecond
)

// timeKernel times k on pr, a target's timedProblem: the median GFLOPS
// (GOPS for int8) of the runs after a warm-up, from kernel timestamps
// (wall time where there are none).
func timeKernel(h engine.Held, pr engine.Product, k Kernel) (float64, error) {
	flops := pr.Flops()
	var times []float64
	var total time.Duration
	for r := 0; r <= minRuns || total < minTiming && r <= maxRuns; r++ {
		start := time.Now()
		t, err := h.Run(pr, k)
		if err != nil {
			return 0, err
		}
		wall := time.Since(start)
		secs := t.GPU.Seconds()
		if secs == 0 {
			secs = wall.Seconds()
		}
		if r > 0 { // the first run builds the pipeline
			times = append(times, secs)
			total += wall
		}
	}
	slices.Sort(times)
	return flops / times[len(times)/2] / 1e9, nil
}
