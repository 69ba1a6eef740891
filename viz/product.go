package viz

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gemm/cpu"
	"github.com/vkgemm/vkgemm/gemm/gemmtest"
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
	p := r.problem(j.mode, n, st)
	batch, size := j.mode.Shape(n)
	var c []float32
	var ci []int32
	if j.mode == Int8 {
		ci = make([]int32, batch*size*size)
	} else {
		c = make([]float32, batch*size*size)
	}
	each := gemm.Flops(size, size, size)

	e := j.engine
	var runStart time.Time
	res := Result{N: n, Rows: batch * size}
	if !j.mode.Exact() {
		res.Bound = gemmtest.Bound(size, 1)
	}
	var total time.Duration
	// At least two runs: the first may pay for compiling kernels.
	for res.Runs < r.cfg.MaxRuns && (res.Runs < 2 || total < r.cfg.MinTime) {
		r.update(j, func(l *Lane) { l.Phase, l.Fraction, l.Elapsed = "timing", -1, 0 })
		pr := &progress{end: each, total: each * float64(batch)}
		if cpu, ok := e.(cpu.Engine); ok {
			// A fresh counter for each run.
			e = r.banded(cpu, j, st, &runStart, size, pr)
		} else if y, ok := e.(Yielder); ok {
			// Between its pieces the engine gives the rest of the program
			// a turn; that time is not the engine's.
			e = y.WithYield(st.step)
		}
		st.stalled = 0
		runStart = time.Now()
		err := call(j.mode, e, n, p, c, ci, func() {
			pr.nextProduct(each)
			r.report(j, st, runStart, pr)
			st.step()
		})
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
		device := j.engine.Describe() // a group of devices says how it dealt this run
		r.update(j, func(l *Lane) { l.Elapsed, l.Fraction, l.Device = d, 1, device })
		st.step()
		if ctx.Err() != nil || !r.update(j, func(*Lane) {}) {
			return
		}
	}
	if res.Err == "" {
		res.GFLOPS = each * float64(batch) / res.Best.Seconds() / 1e9
		r.update(j, func(l *Lane) { l.Phase = "checking" })
		if j.mode == Int8 {
			r.checkInt8(&res, p, ci, size, st)
		} else {
			r.check(&res, p, c, batch, size, st)
		}
	}
	r.update(j, func(l *Lane) { l.Results[j.size] = res })
}

// progress counts the floating-point operations of a run done so far: end
// is where the product under way ends, so that bands never count past it.
type progress struct{ done, end, total float64 }

func (p *progress) band(flops float64) { p.done = min(p.done+flops, p.end) }

func (p *progress) nextProduct(flops float64) { p.done, p.end = p.end, min(p.end+flops, p.total) }

// report shows a run's progress and its throughput so far.
func (r *Runner) report(j job, st *stepper, runStart time.Time, pr *progress) {
	el := time.Since(runStart) - st.stalled
	r.update(j, func(l *Lane) {
		l.Fraction = pr.done / pr.total
		l.Elapsed = el
		if el > 0 {
			l.Live = pr.done / el.Seconds() / 1e9
		}
	})
}

// banded gives the CPU engine bands of rows of its size×size×size
// products, sized so that each takes a few milliseconds even in the
// browser, with a Yield that reports progress.
func (r *Runner) banded(cpu cpu.Engine, j job, st *stepper, runStart *time.Time, size int, pr *progress) cpu.Engine {
	perRow := gemm.Flops(1, size, size)
	rows := max(1, min(size, int(r.cfg.StepFlops/perRow)))
	cpu.RowsPerStep = rows
	cpu.Yield = func() {
		pr.band(float64(rows) * perRow)
		r.report(j, st, *runStart, pr)
		st.step()
	}
	return cpu
}

// problem returns the random inputs of mode m at size n, the same for
// every engine: A and B of the products of m.Shape(n), drawn uniformly from
// [-1, 1). For half-precision modes ah and bh hold them rounded to the
// format, and a and b their exact float32 values, which the reference uses.
// For Int8, a8 and b8 hold them drawn uniformly over the whole int8 range,
// -128 included, so the race meets the largest products.
func (r *Runner) problem(m Mode, n int, st *stepper) *problem {
	r.mu.Lock()
	p := r.problems[problemKey{m, n}]
	r.mu.Unlock()
	if p != nil {
		return p
	}
	batch, size := m.Shape(n)
	rng := rand.New(rand.NewPCG(r.cfg.Seed, uint64(n)))
	if m == Int8 {
		p = &problem{a8: make([]int8, batch*size*size), b8: make([]int8, batch*size*size)}
		for _, x := range [][]int8{p.a8, p.b8} {
			for i := range x {
				x[i] = int8(rng.IntN(256) - 128)
				if i%65536 == 65535 {
					st.step()
				}
			}
		}
	} else {
		p = r.floatProblem(m, batch, size, rng, st)
	}
	r.mu.Lock()
	r.problems[problemKey{m, n}] = p
	r.mu.Unlock()
	return p
}

// floatProblem draws the inputs of the floating-point modes.
func (r *Runner) floatProblem(m Mode, batch, size int, rng *rand.Rand, st *stepper) *problem {
	p := &problem{a: make([]float32, batch*size*size), b: make([]float32, batch*size*size)}
	f, isHalf := m.Half()
	if isHalf {
		p.ah, p.bh = make([]uint16, len(p.a)), make([]uint16, len(p.b))
		p.wa, p.wb = make([]float32, len(p.a)), make([]float32, len(p.b))
	}
	for _, in := range []struct {
		x []float32
		h []uint16
	}{{p.a, p.ah}, {p.b, p.bh}} {
		for i := range in.x {
			in.x[i] = rng.Float32()*2 - 1
			if isHalf {
				in.h[i] = f.FromFloat32(in.x[i])
				in.x[i] = f.ToFloat32(in.h[i])
			}
			if i%65536 == 65535 {
				st.step()
			}
		}
	}
	return p
}
