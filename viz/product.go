package viz

import (
	"context"
	"math/rand/v2"
	"time"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
)

// stepper times the work between yields and waits out pauses.
type stepper struct {
	r       *Runner
	ctx     context.Context
	last    time.Time
	stalled time.Duration // time spent paused or yielding, not counted in runs
}

func (st *stepper) step() {
	if time.Since(st.last) >= st.r.cfg.Slice {
		// The time given away is not the engine's: leave it out of the run.
		t := time.Now()
		st.r.cfg.Yield()
		st.last = time.Now()
		st.stalled += st.last.Sub(t)
	}
	for {
		st.r.mu.Lock()
		p := st.r.paused
		st.r.mu.Unlock()
		if !p || st.ctx.Err() != nil {
			return
		}
		t := time.Now()
		select {
		case <-st.r.wake:
		case <-st.ctx.Done():
		}
		st.stalled += time.Since(t)
		st.last = time.Now()
	}
}

func (r *Runner) update(j job, f func(l *Lane)) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.gen != j.gen || j.size >= len(r.sizes) || r.sizes[j.size] != j.n || r.lanes[j.lane].epoch != j.epoch {
		return false
	}
	f(&r.lanes[j.lane].Lane)
	return true
}

func (r *Runner) run(ctx context.Context, j job) {
	st := &stepper{r: r, ctx: ctx, last: time.Now()}
	n := j.n
	r.update(j, func(l *Lane) {
		l.Running, l.Phase, l.Size, l.Fraction, l.Live, l.Elapsed = true, "preparing", j.size, -1, 0, 0
	})
	defer func() {
		r.mu.Lock()
		r.lanes[j.lane].Running = false
		r.mu.Unlock()
	}()
	p := r.problem(n, st)
	c := make([]float32, n*n)

	e := j.engine
	var runStart time.Time
	res := Result{N: n, Bound: gemm.Bound(n, 1)}
	var total time.Duration
	// At least two runs: the first may pay for compiling kernels.
	for res.Runs < r.cfg.MaxRuns && (res.Runs < 2 || total < r.cfg.MinTime) {
		r.update(j, func(l *Lane) { l.Phase, l.Fraction, l.Elapsed = "timing", -1, 0 })
		if cpu, ok := e.(gemm.CPU); ok {
			// A fresh counter for each run.
			e = r.banded(cpu, j, st, &runStart)
		} else if y, ok := e.(Yielder); ok {
			// Between its pieces the engine gives the rest of the program
			// a turn; that time is not the engine's.
			e = y.WithYield(st.step)
		}
		st.stalled = 0
		runStart = time.Now()
		err := e.Sgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, p.a, n, p.b, n, 0, c, n)
		d := time.Since(runStart) - st.stalled
		if err != nil {
			res.Err = err.Error()
			break
		}
		d = max(d, time.Nanosecond)
		if res.Runs == 0 || d < res.Best {
			res.Best = d
		}
		res.Runs++
		total += d
		r.update(j, func(l *Lane) { l.Elapsed, l.Fraction = d, 1 })
		st.step()
		if ctx.Err() != nil || !r.update(j, func(*Lane) {}) {
			return
		}
	}
	if res.Err == "" {
		res.GFLOPS = gemm.Flops(n, n, n) / res.Best.Seconds() / 1e9
		r.update(j, func(l *Lane) { l.Phase = "checking" })
		r.check(&res, p, c, st)
	}
	r.update(j, func(l *Lane) { l.Results[j.size] = res })
}

// banded gives the CPU engine bands of rows sized so that each takes a few
// milliseconds even in the browser, with a Yield that reports progress.
func (r *Runner) banded(cpu gemm.CPU, j job, st *stepper, runStart *time.Time) gemm.CPU {
	n := j.n
	rows := max(1, min(n, int(r.cfg.StepFlops/gemm.Flops(1, n, n))))
	done := 0
	cpu.RowsPerStep = rows
	cpu.Yield = func() {
		done += rows
		el := time.Since(*runStart) - st.stalled
		r.update(j, func(l *Lane) {
			l.Fraction = float64(done) / float64(n)
			l.Elapsed = el
			if el > 0 {
				l.Live = gemm.Flops(done, n, n) / el.Seconds() / 1e9
			}
		})
		st.step()
	}
	return cpu
}

// problem returns the random inputs of size n, the same for every engine.
func (r *Runner) problem(n int, st *stepper) *problem {
	r.mu.Lock()
	p := r.problems[n]
	r.mu.Unlock()
	if p != nil {
		return p
	}
	rng := rand.New(rand.NewPCG(r.cfg.Seed, uint64(n)))
	p = &problem{a: make([]float32, n*n), b: make([]float32, n*n)}
	for _, s := range [][]float32{p.a, p.b} {
		for i := range s {
			s[i] = rng.Float32()*2 - 1
			if i%65536 == 65535 {
				st.step()
			}
		}
	}
	r.mu.Lock()
	r.problems[n] = p
	r.mu.Unlock()
	return p
}
