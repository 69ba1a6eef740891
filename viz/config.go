package viz

import (
	"runtime"
	"time"
)

// Config says how a Runner sweeps.
type Config struct {
	Sizes []int // square sizes, ascending (see Sizes)
	Mode  Mode  // what is raced first (Runner.SetMode changes it)
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
