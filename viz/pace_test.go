package viz

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestPacerBudgetFollowsTheFrameRate(t *testing.T) {
	p := NewPacer(40)
	start := p.Budget()
	at := time.Unix(0, 0)
	for range 20 { // 20 FPS: too slow, less work per frame
		at = at.Add(50 * time.Millisecond)
		p.frameAt(at)
	}
	assert.Equal(t, p.MinBudget, p.Budget())
	for range 40 { // 60 FPS: room for more work
		at = at.Add(16 * time.Millisecond)
		p.frameAt(at)
	}
	assert.Equal(t, p.MaxBudget, p.Budget())
	assert.Less(t, p.MinBudget, start)
}

func TestPacerWaitsForAFrameOnceTheBudgetIsSpent(t *testing.T) {
	// No assertion here rests on how fast this machine runs: MaxWait is an
	// hour, so a Yield that returns without a frame did not wait for one.
	p := NewPacer(40)
	p.MinBudget, p.MaxBudget, p.After = 0, time.Hour, 0
	p.budget = time.Hour
	p.MaxWait = time.Hour

	yield := func() <-chan struct{} {
		returned := make(chan struct{})
		go func() {
			p.Yield()
			close(returned)
		}()
		return returned
	}
	for range 2 { // the first call starts the clock
		select {
		case <-yield():
		case <-time.After(10 * time.Second):
			t.Fatal("Yield waited for a frame with budget left")
		}
	}

	p.mu.Lock()
	p.budget = 0 // the budget is spent
	p.mu.Unlock()
	returned := yield()
	select {
	case <-returned:
		t.Fatal("Yield went on without a frame")
	case <-time.After(50 * time.Millisecond):
	}
	p.Frame()
	select {
	case <-returned:
	case <-time.After(10 * time.Second):
		t.Fatal("Yield did not go on after a frame")
	}
}

func TestPacerDoesNotWaitForeverWithoutFrames(t *testing.T) {
	p := NewPacer(40)
	p.MaxWait, p.After = 20*time.Millisecond, 0
	p.budget = 0
	p.MinBudget = 0
	begin := time.Now()
	p.Yield()
	p.Yield()
	assert.Less(t, time.Since(begin), 2*time.Second, "a hidden page draws no frames: the work goes on after MaxWait")
	waited, frames := p.Waited()
	assert.Positive(t, waited)
	assert.Zero(t, frames)
}
