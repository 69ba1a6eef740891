package viz

import (
	"sync"
	"time"
)

// Pacer shares one thread between the frames and the engines' work, for the
// browser, where Go has no threads and the page's drawing (software GL in
// the browser's GPU process) needs the same few cores as the work. Used as
// Config.Yield (with a short Config.Slice), it lets the work run for a
// budget of time per frame, then waits for the next frame. The budget adapts
// to the frame rate: it shrinks while frames come slower than Target and
// grows while they come faster, between MinBudget and MaxBudget.
//
// Use NewPacer; Frame is called by the draw loop, Yield by the work.
type Pacer struct {
	// Target is the frame rate the budget aims for.
	Target float64
	// MinBudget and MaxBudget bound the work per frame.
	MinBudget, MaxBudget time.Duration
	// MaxWait bounds the wait for a frame: a hidden page draws none, and the
	// work must not stop for that.
	MaxWait time.Duration
	// After is slept once a frame has come, so that the frame's task can end
	// before the work goes on (0 where Frame is called in a task of its own).
	After time.Duration

	mu        sync.Mutex
	frame     chan struct{} // closed by the next Frame
	frames    int
	seen      int // frames when the work last went on after a wait
	lastFrame time.Time
	interval  time.Duration // smoothed time between frames
	budget    time.Duration
	resumed   time.Time // when the work last went on
	worked    time.Duration
	waited    time.Duration
}

// NewPacer returns a Pacer aiming at target frames per second.
func NewPacer(target float64) *Pacer {
	return &Pacer{Target: target, MinBudget: 2 * time.Millisecond, MaxBudget: 16 * time.Millisecond,
		MaxWait: 100 * time.Millisecond, After: time.Millisecond,
		frame: make(chan struct{}), budget: 8 * time.Millisecond}
}

// Frame says that a frame has been drawn.
func (p *Pacer) Frame() { p.frameAt(time.Now()) }

func (p *Pacer) frameAt(now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	close(p.frame)
	p.frame = make(chan struct{})
	p.frames++
	if !p.lastFrame.IsZero() {
		d := now.Sub(p.lastFrame)
		if p.interval == 0 {
			p.interval = d
		} else {
			p.interval = (3*p.interval + d) / 4
		}
		p.adapt()
	}
	p.lastFrame = now
}

// adapt moves the budget towards the target frame rate.
func (p *Pacer) adapt() {
	target := time.Duration(float64(time.Second) / p.Target)
	switch {
	case p.interval > target:
		p.budget = p.budget * 3 / 4
	case p.interval < target*3/4:
		p.budget += time.Millisecond
	}
	p.budget = min(max(p.budget, p.MinBudget), p.MaxBudget)
}

// Yield lets the work go on while it has used less than the budget since
// the last frame; otherwise it waits for a frame drawn since then (at most
// MaxWait).
func (p *Pacer) Yield() {
	now := time.Now()
	p.mu.Lock()
	if !p.resumed.IsZero() {
		p.worked += now.Sub(p.resumed)
	}
	drawn := p.frames > p.seen
	if p.worked < p.budget && !drawn {
		p.resumed = now
		p.mu.Unlock()
		return
	}
	ch := p.frame
	p.mu.Unlock()
	if !drawn {
		t := time.NewTimer(p.MaxWait)
		select {
		case <-ch:
		case <-t.C:
		}
		t.Stop()
	}
	if p.After > 0 {
		time.Sleep(p.After)
	}
	p.mu.Lock()
	p.seen = p.frames
	p.worked = 0
	p.resumed = time.Now()
	p.waited += p.resumed.Sub(now)
	p.mu.Unlock()
}

// Budget is the work allowed per frame now.
func (p *Pacer) Budget() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.budget
}

// Waited is the time spent waiting in Yield so far, and the frames seen.
func (p *Pacer) Waited() (time.Duration, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.waited, p.frames
}
