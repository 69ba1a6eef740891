package viz

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
)

// Contender is one path in the race.
type Contender struct {
	Role   string      // what its bar is labelled with: "GPU" or "CPU"
	Name   string      // the engine's name while Engine is nil, e.g. "Vulkan"
	Engine gemm.Engine // nil when the path is unavailable
	Err    error       // why Engine is nil, shown on screen
	// Switch, if set, closes the current engine and opens the one on the
	// next device. The runner calls it between products, never during one.
	Switch func() (gemm.Engine, error)
}

// Config says how a Runner sweeps.
type Config struct {
	Sizes []int // square sizes, ascending (see Sizes)
	Limit int   // the largest size SetMaxSize may reach; MaxSize when 0
	// MinTime is how long each engine repeats the product at one size; the
	// best run counts. MaxRuns caps the repeats.
	MinTime time.Duration
	MaxRuns int
	// Yield gives the rest of the program a turn; runtime.Gosched when nil.
	// Slice is the longest stretch of work between two Yields: the browser,
	// where Go has no threads, sets it to a fraction of a frame.
	Yield func()
	Slice time.Duration
	// Sizes up to FullCheck are checked against the float64 reference in
	// full; larger ones on CheckRows rows spread over the result.
	FullCheck, CheckRows int
	Seed                 uint64
	// StepFlops is the work of one band of rows of the CPU engine: a few
	// milliseconds' worth (4e6, the default) in the browser, more on the
	// desktop where bands only make pauses and progress possible.
	StepFlops float64
}

func (c *Config) defaults() {
	if c.Limit == 0 {
		c.Limit = MaxSize
	}
	if c.MinTime == 0 {
		c.MinTime = 200 * time.Millisecond
	}
	if c.MaxRuns == 0 {
		c.MaxRuns = 20
	}
	if c.Yield == nil {
		c.Yield = runtime.Gosched
	}
	if c.FullCheck == 0 {
		c.FullCheck = 256
	}
	if c.CheckRows == 0 {
		c.CheckRows = 16
	}
	if c.StepFlops == 0 {
		c.StepFlops = 4e6
	}
}

// Result is what one engine did at one size.
type Result struct {
	N           int
	Runs        int
	Best        time.Duration // fastest run
	GFLOPS      float64       // of the fastest run
	MaxRelErr   float64       // largest |got-want|/scale over the checked rows
	Bound       float64       // gemm.Bound(N, 1): the largest relative error accepted
	CheckedRows int
	OK          bool   // every checked element within gemm.Bound
	Err         string // the engine's error, if the product failed
}

// Done reports whether the engine has finished this size, with a result or
// an error.
func (r Result) Done() bool { return r.Runs > 0 || r.Err != "" }

// Lane is one contender as the view sees it.
type Lane struct {
	Role, Name, Device string
	Available          bool
	Why                string // why the engine is unavailable
	Enabled            bool   // taking part in the sweep
	CanSwitch          bool   // has other devices to switch to
	Results            []Result

	Running  bool          // a product of this lane is under way
	Phase    string        // "preparing", "timing" or "checking"
	Size     int           // index into Sizes of the product under way
	Fraction float64       // of the current run, or -1 when the engine does not say
	Elapsed  time.Duration // since the current run started
	Live     float64       // GFLOPS of the current run so far, 0 when unknown
}

// Latest is the result of the largest size this lane has finished.
func (l Lane) Latest() (Result, bool) {
	for i := len(l.Results) - 1; i >= 0; i-- {
		if l.Results[i].Done() {
			return l.Results[i], true
		}
	}
	return Result{}, false
}

// Snapshot is a copy of the whole state, taken once per frame.
type Snapshot struct {
	Sizes     []int
	Lanes     []Lane
	Focus     int  // index into Sizes of the size the bars show
	Following bool // Focus follows the sweep
	Done      int  // products finished in this sweep
	Total     int  // products in this sweep
	Paused    bool
	Finished  bool
	Message   string // the latest event, for the status line
	Sweeps    int    // sweeps started, counting reruns
}

// Result returns lane i's result at size index s, if there is one.
func (s Snapshot) Result(lane, size int) (Result, bool) {
	if lane < 0 || lane >= len(s.Lanes) || size < 0 || size >= len(s.Lanes[lane].Results) {
		return Result{}, false
	}
	r := s.Lanes[lane].Results[size]
	return r, r.Done()
}

// Role returns the index of the first lane with this role, or -1.
func (s Snapshot) Role(role string) int {
	for i, l := range s.Lanes {
		if l.Role == role {
			return i
		}
	}
	return -1
}

type lane struct {
	Lane
	engine gemm.Engine
	epoch  int // bumped when the engine changes: its old products' results are dropped
	swtch  func() (gemm.Engine, error)
}

// Runner sweeps the sizes, one product at a time, alternating engines at
// each size. Run does the work on its own goroutine; every other method is
// safe to call from any goroutine, typically the draw loop's.
type Runner struct {
	cfg  Config
	wake chan struct{}

	mu        sync.Mutex
	sizes     []int
	lanes     []*lane
	focus     int
	following bool
	paused    bool
	gen       int // bumped by Rerun: results of an older sweep are dropped
	sweeps    int
	message   string
	switches  []int // lanes waiting for a device switch
	problems  map[int]*problem
}

type problem struct{ a, b []float32 }

// NewRunner prepares a sweep of cfg.Sizes for the contenders.
func NewRunner(cfg Config, cs ...Contender) *Runner {
	cfg.defaults()
	r := &Runner{cfg: cfg, wake: make(chan struct{}, 1), following: true, sweeps: 1,
		sizes: append([]int(nil), cfg.Sizes...), problems: map[int]*problem{}}
	for _, c := range cs {
		l := &lane{engine: c.Engine, swtch: c.Switch}
		l.Role, l.Name, l.Enabled, l.CanSwitch = c.Role, c.Name, true, c.Switch != nil
		r.setEngine(l, c.Engine, c.Err)
		l.Results = make([]Result, len(r.sizes))
		r.lanes = append(r.lanes, l)
	}
	return r
}

func (r *Runner) setEngine(l *lane, e gemm.Engine, err error) {
	l.engine = e
	l.epoch++
	l.Available = e != nil && err == nil
	l.Why = ""
	if e != nil {
		l.Name, l.Device = e.Name(), e.Device()
	}
	if err != nil {
		l.engine, l.Available, l.Why = nil, false, err.Error()
	} else if e == nil {
		l.Why = "no engine"
	}
}

func (r *Runner) poke() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Snapshot copies the state for drawing.
func (r *Runner) Snapshot() Snapshot {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := Snapshot{Sizes: append([]int(nil), r.sizes...), Focus: r.focus, Following: r.following,
		Paused: r.paused, Message: r.message, Sweeps: r.sweeps}
	for _, l := range r.lanes {
		c := l.Lane
		c.Results = append([]Result(nil), l.Results...)
		s.Lanes = append(s.Lanes, c)
		if !l.Enabled || !l.Available {
			continue
		}
		s.Total += len(r.sizes)
		for _, res := range l.Results {
			if res.Done() {
				s.Done++
			}
		}
	}
	s.Finished = s.Done == s.Total
	return s
}

// TogglePause pauses or resumes the sweep. A product under way on an engine
// that works in steps (the CPU engine) stops at its next step.
func (r *Runner) TogglePause() {
	r.mu.Lock()
	r.paused = !r.paused
	r.message = map[bool]string{true: "paused", false: "resumed"}[r.paused]
	r.mu.Unlock()
	r.poke()
}

// Rerun clears every result and starts the sweep again.
func (r *Runner) Rerun() {
	r.mu.Lock()
	r.gen++
	r.sweeps++
	for _, l := range r.lanes {
		l.Results = make([]Result, len(r.sizes))
	}
	r.following, r.paused, r.message = true, false, "sweep restarted"
	r.mu.Unlock()
	r.poke()
}

// SetMaxSize doubles (up > 0) or halves (up < 0) the largest size of the
// sweep, keeping the results of the sizes that stay.
func (r *Runner) SetMaxSize(up int) {
	r.mu.Lock()
	defer r.poke()
	defer r.mu.Unlock()
	last := r.sizes[len(r.sizes)-1]
	switch {
	case up > 0 && last*2 <= r.cfg.Limit:
		r.sizes = append(r.sizes, last*2)
		for _, l := range r.lanes {
			l.Results = append(l.Results, Result{})
		}
	case up < 0 && len(r.sizes) > 1:
		r.sizes = r.sizes[:len(r.sizes)-1]
		for _, l := range r.lanes {
			l.Results = l.Results[:len(r.sizes)]
		}
		delete(r.problems, last)
		r.focus = min(r.focus, len(r.sizes)-1)
	default:
		r.message = fmt.Sprintf("largest size stays %d (limits %d..%d)", last, r.sizes[0], r.cfg.Limit)
		return
	}
	r.message = fmt.Sprintf("largest size now %d", r.sizes[len(r.sizes)-1])
}

// MoveFocus shows the results of a smaller (delta < 0) or larger size in the
// bars, and stops following the sweep.
func (r *Runner) MoveFocus(delta int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.focus = max(0, min(len(r.sizes)-1, r.focus+delta))
	r.following = false
}

// FocusSize shows the results of size index i in the bars.
func (r *Runner) FocusSize(i int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if i >= 0 && i < len(r.sizes) {
		r.focus, r.following = i, false
	}
}

// Follow makes the bars follow the sweep again.
func (r *Runner) Follow() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.following = true
}

// ToggleLane takes lane i out of the sweep or back in.
func (r *Runner) ToggleLane(i int) {
	r.mu.Lock()
	defer r.poke()
	defer r.mu.Unlock()
	if i < 0 || i >= len(r.lanes) {
		return
	}
	l := r.lanes[i]
	l.Enabled = !l.Enabled
	r.message = fmt.Sprintf("%s %s", l.Role, map[bool]string{true: "back in the race", false: "left out"}[l.Enabled])
}

// SwitchDevice asks lane i to move to its next device, between products.
func (r *Runner) SwitchDevice(i int) {
	r.mu.Lock()
	defer r.poke()
	defer r.mu.Unlock()
	if i < 0 || i >= len(r.lanes) || r.lanes[i].swtch == nil {
		r.message = "no other device to switch to"
		return
	}
	r.switches = append(r.switches, i)
	r.message = "switching device…"
}

// Run sweeps until ctx is done. Finished or paused, it waits for a command.
func (r *Runner) Run(ctx context.Context) {
	for ctx.Err() == nil {
		r.doSwitches()
		j, ok := r.next()
		if !ok {
			select {
			case <-r.wake:
			case <-ctx.Done():
			}
			continue
		}
		r.run(ctx, j)
	}
}

func (r *Runner) doSwitches() {
	r.mu.Lock()
	sw := r.switches
	r.switches = nil
	r.mu.Unlock()
	for _, i := range sw {
		e, err := r.lanes[i].swtch()
		r.mu.Lock()
		l := r.lanes[i]
		r.setEngine(l, e, err)
		l.Results = make([]Result, len(r.sizes))
		if err != nil {
			r.message = fmt.Sprintf("%s: %v", l.Role, err)
		} else {
			r.message = fmt.Sprintf("%s now on %s", l.Role, l.Device)
		}
		r.mu.Unlock()
	}
}

type job struct {
	lane, size, n, gen, epoch int
	engine                    gemm.Engine
}

// next picks the smallest size some engine has not done, engines in order.
func (r *Runner) next() (job, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.paused {
		return job{}, false
	}
	for s, n := range r.sizes {
		for i, l := range r.lanes {
			if l.Enabled && l.Available && !l.Results[s].Done() {
				if r.following {
					r.focus = s
				}
				return job{lane: i, size: s, n: n, gen: r.gen, epoch: l.epoch, engine: l.engine}, true
			}
		}
	}
	if r.following {
		r.focus = len(r.sizes) - 1
	}
	return job{}, false
}

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

// Yielder is an engine that splits a product into pieces and can call a
// function between them, as gemm.CPU does with RowsPerStep and Yield: the
// browser's WebGPU engine, whose dispatches on a software adapter take the
// same cores as the page's drawing.
type Yielder interface {
	gemm.Engine
	// WithYield returns the engine calling yield between pieces.
	WithYield(yield func()) gemm.Engine
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

// check compares rows of c with the float64 reference, one row at a time so
// that frames keep coming.
func (r *Runner) check(res *Result, p *problem, c []float32, st *stepper) {
	n := res.N
	rows := CheckedRows(n, r.cfg.FullCheck, r.cfg.CheckRows)
	res.OK = true
	for _, i := range rows {
		want, scale := gemm.Reference(blas.NoTrans, blas.NoTrans, 1, n, n, 1, p.a[i*n:], n, p.b, n, 0, nil, n)
		cmp := gemm.Compare(1, n, n, c[i*n:], n, want, scale)
		res.MaxRelErr = max(res.MaxRelErr, cmp.MaxRelErr)
		res.OK = res.OK && cmp.OK
		st.step()
	}
	res.CheckedRows = len(rows)
}

// CheckedRows returns the rows of an n×n result that are checked: all of
// them up to full, else count rows spread evenly from the first to the last.
func CheckedRows(n, full, count int) []int {
	if n <= full || count >= n {
		rows := make([]int, n)
		for i := range rows {
			rows[i] = i
		}
		return rows
	}
	if count < 2 {
		count = 2
	}
	rows := make([]int, count)
	for i := range rows {
		rows[i] = i * (n - 1) / (count - 1)
	}
	return rows
}
