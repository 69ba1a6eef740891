package gpu

import (
	"fmt"
	"slices"
	"time"

	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"github.com/vkgemm/vkgemm/shaders"
)

// Peak is a device's measured FMA throughput, in single or double precision.
type Peak struct {
	GFLOPS      float64
	Invocations int           // invocations in flight
	Iterations  int           // dependent-FMA iterations per invocation
	KernelTime  time.Duration // median kernel time of the timed runs
}

// MeasurePeak measures the device's FMA throughput the way vkpeak does:
// eight independent chains of dependent vec4 fused multiply-adds per
// invocation, enough invocations to fill the device, and iterations
// doubled until one run takes at least 100 ms; the median of three runs
// is reported. Every GEMM figure can then be stated as a fraction of it.
func (d *Device) MeasurePeak() (Peak, error) {
	return d.measurePeak(kernelPeak)
}

// MeasurePeak64 is MeasurePeak in float64 (dvec4 fused multiply-adds): the
// ceiling of Dgemm. On a device without float64 in shaders it returns an
// error wrapping ErrUnsupported.
func (d *Device) MeasurePeak64() (Peak, error) {
	if err := d.float64Support(); err != nil {
		return Peak{}, err
	}
	return d.measurePeak(kernelPeak64)
}

// The float64 peak shader (shaders/glsl/peak_f64.comp): peak's chains in
// double precision, the same flops per iteration.
const (
	kernelPeak64 = "peak64"
	shaderPeak64 = "peak_f64"
)

// measurePeak runs the peak shader of family (kernelPeak or kernelPeak64).
func (d *Device) measurePeak(family string) (Peak, error) {
	if err := d.lock(); err != nil {
		return Peak{}, err
	}
	defer d.mu.Unlock()
	p, err := d.peak(family)
	if err == nil && family == kernelPeak {
		d.peakGFLOPS = p.GFLOPS // sizes each submission from now on
	}
	return p, d.finish(err)
}

func (d *Device) peak(family string) (Peak, error) {
	props := d.dev.Properties()
	k := Kernel{Family: family, WGX: min(256, props.MaxInvocations), WGY: 1, TM: 1, TN: 1, TK: 1}
	groups := 4096 // a GPU needs hundreds of thousands of invocations in flight
	if deviceType(props.Type) == TypeCPU {
		groups = 64 // a CPU driver runs a few SIMD lanes per core
	}
	n := groups * int(k.WGX)
	pipe, err := d.pipeline(k, false, false)
	if err != nil {
		return Peak{}, err
	}
	buf, err := d.lease(int64(4*n), vk.Storage)
	if err != nil {
		return Peak{}, err
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
		return Peak{}, err
	}
	iters := 256
	for {
		t, err := run(iters)
		if err != nil {
			return Peak{}, err
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
			return Peak{}, err
		}
		times = append(times, t)
	}
	slices.Sort(times)
	med := times[1]
	if med <= 0 {
		return Peak{}, fmt.Errorf("gpu: the peak kernel reported no time")
	}
	flops := float64(n) * float64(iters) * shaders.PeakFlopsPerIteration
	return Peak{GFLOPS: flops / med.Seconds() / 1e9, Invocations: n, Iterations: iters, KernelTime: med}, nil
}
