package viz

import (
	"context"
	"fmt"
	"sync"

	"github.com/vkgemm/vkgemm/gemm"
)

// Runner sweeps the sizes, one product at a time, alternating engines at
// each size. Run does the work on its own goroutine; every other method is
// safe to call from any goroutine, typically the draw loop's.
type Runner struct {
	cfg  Config
	wake chan struct{}

	mu        sync.Mutex
	mode      Mode
	sizes     []int
	lanes     []*lane
	focus     int
	following bool
	paused    bool
	gen       int // bumped by Rerun: results of an older sweep are dropped
	sweeps    int
	message   string
	switches  []int // lanes waiting for a device switch
	problems  map[problemKey]*problem
}

// problemKey is a mode and a size.
type problemKey struct {
	m Mode
	n int
}

// problem holds the inputs of one size, shared by the engines.
type problem struct {
	a, b   []float32 // for half modes, the exact values of ah and bh
	ah, bh []uint16  // half modes: the inputs' bit patterns
	wa, wb []float32 // half modes: where engines without GemmHalf widen them
	a8, b8 []int8    // Int8: the inputs (a and b are then nil)
}

type lane struct {
	Lane
	engine gemm.Engine
	epoch  int // bumped when the engine changes: its old products' results are dropped
	swtch  func() (gemm.Engine, error)
	note   func(gemm.Engine) string
}

// NewRunner prepares a sweep of cfg.Sizes for the contenders.
func NewRunner(cfg Config, cs ...Contender) *Runner {
	cfg.defaults()
	r := &Runner{cfg: cfg, mode: cfg.Mode, wake: make(chan struct{}, 1), following: true, sweeps: 1,
		sizes: append([]int(nil), cfg.Sizes...), problems: map[problemKey]*problem{}}
	for _, c := range cs {
		l := &lane{engine: c.Engine, swtch: c.Switch, note: c.Note}
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
	l.Why, l.Note = "", ""
	if e != nil {
		l.Name, l.Device = e.Backend(), e.Describe()
		if l.note != nil {
			l.Note = l.note(e)
		}
	}
	if err != nil {
		l.engine, l.Available, l.Why = nil, false, err.Error()
	} else if e == nil {
		l.Why = "no engine"
	}
	r.method(l)
}

// method says how the lane's engine runs the mode, or why it cannot.
func (r *Runner) method(l *lane) {
	l.Method, l.Unsupported = "", ""
	if l.engine == nil {
		return
	}
	m, err := Method(r.mode, l.engine)
	l.Method = m
	if err != nil {
		l.Unsupported = err.Error()
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
	s := Snapshot{Mode: r.mode, Sizes: append([]int(nil), r.sizes...), Focus: r.focus, Following: r.following,
		Paused: r.paused, Message: r.message, Sweeps: r.sweeps}
	for _, l := range r.lanes {
		c := l.Lane
		c.Results = append([]Result(nil), l.Results...)
		s.Lanes = append(s.Lanes, c)
		if !l.Racing() {
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
	mode                      Mode
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
			if l.Racing() && !l.Results[s].Done() {
				if r.following {
					r.focus = s
				}
				return job{lane: i, size: s, n: n, gen: r.gen, epoch: l.epoch, mode: r.mode, engine: l.engine}, true
			}
		}
	}
	if r.following {
		r.focus = len(r.sizes) - 1
	}
	return job{}, false
}
