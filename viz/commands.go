package viz

import (
	"fmt"
)

// TogglePause pauses or resumes the sweep. A product under way on an engine
// that works in steps (the CPU engine) stops at its next step.
func (r *Runner) TogglePause() {
	r.mu.Lock()
	r.paused = !r.paused
	r.message = "resumed"
	if r.paused {
		r.message = "paused"
	}
	r.mu.Unlock()
	r.poke()
}

// Rerun clears every result and starts the sweep again.
func (r *Runner) Rerun() {
	r.mu.Lock()
	r.restart("sweep restarted")
	r.paused = false
	r.mu.Unlock()
	r.poke()
}

// restart clears every result and starts the sweep again (once resumed,
// if paused); r.mu is held.
func (r *Runner) restart(message string) {
	r.gen++
	r.sweeps++
	for _, l := range r.lanes {
		l.Results = make([]Result, len(r.sizes))
	}
	r.following, r.message = true, message
}

// SetMode races m from now on: the sweep starts again from the smallest
// size (a paused sweep stays paused), and each lane says how its engine
// runs m, or why it cannot.
func (r *Runner) SetMode(m Mode) {
	r.mu.Lock()
	r.mode = m
	clear(r.problems)
	for _, l := range r.lanes {
		r.method(l)
	}
	r.restart("now racing " + m.Title())
	r.mu.Unlock()
	r.poke()
}

// NextMode races the next of Modes.
func (r *Runner) NextMode() {
	r.mu.Lock()
	m := r.mode.Next()
	r.mu.Unlock()
	r.SetMode(m)
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
		for _, m := range Modes {
			delete(r.problems, problemKey{m, last})
		}
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
	r.message = l.Role + " left out"
	if l.Enabled {
		r.message = l.Role + " back in the race"
	}
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
