package engine

import (
	"fmt"
	"slices"
	"time"

	"github.com/vkgemm/vkgemm/gpu/internal/kernel"
	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"github.com/vkgemm/vkgemm/internal/diag"
	"github.com/vkgemm/vkgemm/shaders"
)

// MeasurePeak measures the FMA peak in float32, or in float64 (see
// diag.Prober).
func (d *Device) MeasurePeak(float64s bool) (diag.Peak, error) {
	if float64s {
		return d.measurePeak(shaders.F64)
	}
	return d.measurePeak(shaders.F32)
}

// measurePeak runs the peak shader of element type e.
func (d *Device) measurePeak(e shaders.Element) (diag.Peak, error) {
	if err := d.lock(); err != nil {
		return diag.Peak{}, err
	}
	defer d.mu.Unlock()
	if e == shaders.F64 {
		if err := d.Float64Support(); err != nil {
			return diag.Peak{}, err
		}
	}
	p, err := d.peak(e)
	if err == nil && e == shaders.F32 {
		d.peakGFLOPS = p.GFLOPS // sizes each submission from now on
	}
	return p, d.finish(err)
}

func (d *Device) peak(e shaders.Element) (diag.Peak, error) {
	k := kernel.Peak(e, min(256, d.props.MaxInvocations))
	groups := 4096 // a GPU needs hundreds of thousands of invocations in flight
	if d.CPU() {
		groups = 64 // a CPU driver runs a few SIMD lanes per core
	}
	n := groups * int(k.WGX)
	pipe, err := d.pipeline(k, false, false)
	if err != nil {
		return diag.Peak{}, err
	}
	buf, err := d.lease(int64(4*n), vk.Storage)
	if err != nil {
		return diag.Peak{}, err
	}
	defer d.drop(buf)
	r := vk.Range{Buf: buf.buf, Size: int64(4 * n)}
	run := func(iters int) (time.Duration, error) {
		// alpha < 1 and a small addend keep the chains finite for any count.
		prod := &product{pipe: pipe, ranges: [3]vk.Range{r, r, r}, push: pushConstants{K: u32(iters), Alpha: 0.999, Beta: 1e-3}, groups: [2]uint32{u32(groups), 1}}
		start := time.Now()
		f, _, err := d.submit(&submission{prod: prod, timed: true}, buf)
		if err != nil {
			return 0, err
		}
		if err := d.await(f); err != nil {
			return 0, err
		}
		if f.gpu > 0 {
			return f.gpu, nil
		}
		return time.Since(start), nil // no timestamps: wall time is an upper bound
	}
	// One run first, untimed: some drivers (lavapipe) compile at the first
	// dispatch, and a compile counted in the doubling below stopped it
	// early, with kernel times of 62-95 ms instead of over 100.
	if _, err := run(1); err != nil {
		return diag.Peak{}, err
	}
	iters := 256
	for {
		t, err := run(iters)
		if err != nil {
			return diag.Peak{}, err
		}
		if t >= 100*time.Millisecond || iters >= 1<<26 {
			break
		}
		iters *= 2
	}
	var times []time.Duration
	for range 3 {
		t, err := run(iters)
		if err != nil {
			return diag.Peak{}, err
		}
		times = append(times, t)
	}
	slices.Sort(times)
	med := times[1]
	if med <= 0 {
		return diag.Peak{}, fmt.Errorf("gpu: the peak kernel reported no time")
	}
	flops := float64(n) * float64(iters) * shaders.PeakFlopsPerIteration
	return diag.Peak{GFLOPS: flops / med.Seconds() / 1e9, Invocations: n, Iterations: iters, KernelTime: med}, nil
}
