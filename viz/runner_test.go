package viz_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gemm/cpu"
	"github.com/vkgemm/vkgemm/viz"
)

// fake wraps the CPU engine under another name, and can be told to fail,
// compute wrong results, or wait for a signal before each product.
type fake struct {
	name  string
	err   error
	wrong bool
	gate  chan struct{}
	calls *int
}

func (f fake) Backend() string  { return f.name }
func (f fake) Describe() string { return f.name + " device" }
func (f fake) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) error {
	if f.calls != nil {
		*f.calls++
	}
	if f.gate != nil {
		<-f.gate
	}
	if f.err != nil {
		return f.err
	}
	err := cpu.Engine{}.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	if f.wrong {
		c[(m-1)*ldc+n-1] += 0.5
	}
	return err
}

func quick(sizes ...int) viz.Config {
	return viz.Config{Sizes: sizes, MinTime: time.Millisecond, MaxRuns: 3, FullCheck: 32, CheckRows: 4}
}

// start runs r until the test ends.
func start(t *testing.T, r *viz.Runner) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

func waitFor(t *testing.T, r *viz.Runner, what string, cond func(viz.Snapshot) bool) viz.Snapshot {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if s := r.Snapshot(); cond(s) {
			return s
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("timed out waiting until %s; state %+v", what, r.Snapshot())
	return viz.Snapshot{}
}

func finished(s viz.Snapshot) bool { return s.Finished }

func TestRunnerSweepsEveryEngineAndSize(t *testing.T) {
	r := viz.NewRunner(quick(16, 32, 64),
		viz.Contender{Role: "GPU", Engine: fake{name: "Fake"}},
		viz.Contender{Role: "CPU", Engine: cpu.Engine{}})
	start(t, r)
	s := waitFor(t, r, "the sweep finishes", finished)
	assert.Equal(t, 6, s.Total)
	assert.Equal(t, 6, s.Done)
	assert.Equal(t, 2, s.Focus, "the bars follow the sweep to its last size")
	for i, l := range s.Lanes {
		assert.True(t, l.Available)
		for si, res := range l.Results {
			assert.Equal(t, s.Sizes[si], res.N)
			assert.True(t, res.OK, "lane %d size %d: %+v", i, res.N, res)
			assert.Greater(t, res.GFLOPS, 0.0)
			assert.GreaterOrEqual(t, res.Runs, 1)
			assert.LessOrEqual(t, res.Runs, 3)
			assert.Less(t, res.MaxRelErr, res.Bound)
		}
	}
	assert.Equal(t, 16, s.Lanes[1].Results[0].CheckedRows, "small sizes are checked in full")
	assert.Equal(t, 4, s.Lanes[1].Results[2].CheckedRows, "large sizes on sampled rows")
	assert.Equal(t, 1, s.Role("CPU"))
	assert.Equal(t, -1, s.Role("TPU"))
}

func TestRunnerFlagsWrongResultsAndErrors(t *testing.T) {
	r := viz.NewRunner(quick(16, 64),
		viz.Contender{Role: "GPU", Engine: fake{name: "Wrong", wrong: true}},
		viz.Contender{Role: "CPU", Engine: fake{name: "Failing", err: errors.New("device lost")}})
	start(t, r)
	s := waitFor(t, r, "the sweep finishes", finished)
	for _, res := range s.Lanes[0].Results {
		assert.False(t, res.OK, "a wrong last element is caught at n=%d (last row is always checked)", res.N)
		assert.Greater(t, res.MaxRelErr, res.Bound)
	}
	for _, res := range s.Lanes[1].Results {
		assert.Equal(t, "device lost", res.Err)
		assert.True(t, res.Done())
		assert.Zero(t, res.GFLOPS)
	}
}

func TestRunnerShowsUnavailableEngineAndRunsTheOther(t *testing.T) {
	r := viz.NewRunner(quick(16, 32),
		viz.Contender{Role: "GPU", Err: errors.New("no Vulkan loader: install libvulkan1")},
		viz.Contender{Role: "CPU", Engine: cpu.Engine{}})
	start(t, r)
	s := waitFor(t, r, "the sweep finishes", finished)
	assert.False(t, s.Lanes[0].Available)
	assert.Equal(t, "no Vulkan loader: install libvulkan1", s.Lanes[0].Why)
	assert.Equal(t, 2, s.Total, "only the CPU path counts")
	assert.True(t, s.Lanes[1].Results[1].OK)
	_, ok := s.Result(0, 0)
	assert.False(t, ok)
	_, ok = s.Result(1, 1)
	assert.True(t, ok)
}

// The pause tests run in a synctest bubble: synctest.Wait returns once the
// runner is blocked for good, so "nothing happens while paused" is checked
// without sleeping and hoping.

func TestRunnerPauseRerunAndSizes(t *testing.T) {
	synctest.Test(t, testRunnerPauseRerunAndSizes)
}

func testRunnerPauseRerunAndSizes(t *testing.T) {
	gate := make(chan struct{})
	calls := 0
	r := viz.NewRunner(quick(16, 32), viz.Contender{Role: "GPU", Engine: fake{name: "Gated", gate: gate, calls: &calls}})
	start(t, r)
	synctest.Wait()
	require.True(t, r.Snapshot().Lanes[0].Running, "the first product waits at the gate")
	r.TogglePause()
	close(gate) // every product may run now, but the sweep is paused
	synctest.Wait()
	s := r.Snapshot()
	assert.True(t, s.Paused)
	assert.Zero(t, s.Done, "the sweep holds between runs while paused")
	assert.Equal(t, 1, calls, "no further runs while paused")
	assert.False(t, s.Finished)

	r.TogglePause()
	waitFor(t, r, "the sweep finishes", finished)

	r.SetMaxSize(+1)
	s = r.Snapshot()
	assert.Equal(t, []int{16, 32, 64}, s.Sizes)
	waitFor(t, r, "the new size is done", finished)
	r.SetMaxSize(-1)
	r.SetMaxSize(-1)
	r.SetMaxSize(-1) // the smallest size stays
	s = r.Snapshot()
	assert.Equal(t, []int{16}, s.Sizes)
	assert.True(t, s.Finished, "results of the sizes that stay are kept")

	r.MoveFocus(+5)
	assert.Equal(t, 0, r.Snapshot().Focus)
	assert.False(t, r.Snapshot().Following)
	r.Follow()
	assert.True(t, r.Snapshot().Following)

	r.Rerun()
	s = r.Snapshot()
	assert.Equal(t, 2, s.Sweeps)
	s = waitFor(t, r, "the rerun finishes", finished)
	assert.True(t, s.Lanes[0].Results[0].OK)
}

func TestRunnerPausesTheCPUEngineBetweenBands(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := quick(512)
		cfg.MaxRuns = 1
		var r *viz.Runner
		var pause sync.Once
		// The pause comes in the middle of the product: after its first
		// band of rows.
		cfg.Yield = func() {
			if r.Snapshot().Lanes[0].Fraction > 0 {
				pause.Do(r.TogglePause)
			}
		}
		r = viz.NewRunner(cfg, viz.Contender{Role: "CPU", Engine: cpu.Engine{}})
		start(t, r)
		synctest.Wait() // the runner has stopped at its next band
		s := r.Snapshot()
		require.True(t, s.Paused)
		assert.True(t, s.Lanes[0].Running, "paused in the middle of the product")
		assert.Greater(t, s.Lanes[0].Fraction, 0.0)
		assert.Less(t, s.Lanes[0].Fraction, 1.0)
		time.Sleep(time.Minute) // in the bubble a minute passes at once
		synctest.Wait()
		assert.Equal(t, s.Lanes[0], r.Snapshot().Lanes[0], "no progress while paused")
		r.TogglePause()
		s = waitFor(t, r, "the sweep finishes", finished)
		assert.True(t, s.Lanes[0].Results[0].OK)
	})
}

func TestRunnerSwitchesDevicesAndLanes(t *testing.T) {
	n := 0
	r := viz.NewRunner(quick(16),
		viz.Contender{Role: "GPU", Engine: fake{name: "First"}, Switch: func() (gemm.Engine, error) {
			n++
			if n == 1 {
				return fake{name: "Second"}, nil
			}
			return nil, errors.New("device 3 is gone")
		}, Note: func(e gemm.Engine) string {
			if e.Backend() == "Second" {
				return "a CPU driver"
			}
			return ""
		}},
		viz.Contender{Role: "CPU", Engine: cpu.Engine{}})
	start(t, r)
	assert.Empty(t, waitFor(t, r, "the sweep finishes", finished).Lanes[0].Note)
	r.SwitchDevice(0)
	s := waitFor(t, r, "the second device has run", func(s viz.Snapshot) bool { return s.Lanes[0].Name == "Second" && s.Finished })
	assert.True(t, s.Lanes[0].Results[0].OK)
	assert.Contains(t, s.Message, "Second device")
	assert.Equal(t, "a CPU driver", s.Lanes[0].Note, "the note follows the engine")
	r.SwitchDevice(0)
	s = waitFor(t, r, "the failed switch shows", func(s viz.Snapshot) bool { return !s.Lanes[0].Available })
	assert.Equal(t, "device 3 is gone", s.Lanes[0].Why)
	r.SwitchDevice(1) // the CPU has no other device: nothing happens
	assert.Equal(t, "no other device to switch to", r.Snapshot().Message)

	r.ToggleLane(1)
	s = r.Snapshot()
	assert.False(t, s.Lanes[1].Enabled)
	assert.Zero(t, s.Total, "nothing left to race")
	assert.True(t, s.Finished)
}

// counting says how many products it has run in Describe, as a group of
// devices says how it dealt the last one.
type counting struct {
	fake
	runs *atomic.Int32
}

func (c counting) Describe() string { return fmt.Sprintf("after %d runs", c.runs.Load()) }

func (c counting) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c2 []float32, ldc int) error {
	c.runs.Add(1)
	return c.fake.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c2, ldc)
}

// The device line is read again after every run.
func TestDeviceLineFollowsEveryRun(t *testing.T) {
	runs := &atomic.Int32{}
	r := viz.NewRunner(quick(64, 128), viz.Contender{Role: "GPU", Engine: counting{fake{name: "Group"}, runs}})
	start(t, r)
	s := waitFor(t, r, "the sweep finishes", finished)
	assert.Equal(t, fmt.Sprintf("after %d runs", runs.Load()), s.Lanes[0].Device)
	assert.Greater(t, runs.Load(), int32(2))
}
