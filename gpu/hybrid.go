package gpu

import (
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gemm/cpu"
)

// Precision is the element type of a product: Float32 or Float64.
type Precision string

const (
	Float32 Precision = "float32"
	Float64 Precision = "float64"
)

// EnvCPUBelow overrides every crossover of the BLAS adapter: products of
// fewer flops than its value (2·m·n·k) run on the CPU path, the rest on the
// device; 0 sends every product to the device. Read by NewBLAS.
const EnvCPUBelow = "VKGEMM_CPU_BELOW"

// Never is the crossover of a device that is never faster than the CPU path:
// every product stays on the CPU. It is finite so that JSON can hold it.
const Never = math.MaxFloat64

// cpuBelowKey is one precision and shape class of a device.
type cpuBelowKey struct {
	precision Precision
	class     string
}

// CPUBelow is the crossover of the BLAS adapter for products of precision p
// and shape class: the flops (2·m·n·k) below which they run on the CPU path
// (package gemm/cpu's engine) because the device is slower there. It is
// what SetCPUBelow set (a tuning measured with MeasureCPUBelow), else a
// conservative built-in for the kind of device. Never means every product
// stays on the CPU. VKGEMM_CPU_BELOW overrides it in the adapter.
func (d *Device) CPUBelow(p Precision, class string) float64 {
	d.mu.Lock()
	v, ok := d.cpuBelow[cpuBelowKey{p, class}]
	d.mu.Unlock()
	if ok {
		return v
	}
	return builtinCPUBelow(d.info.Type, p, haveOpenBLAS())
}

// haveOpenBLAS says whether the CPU path runs OpenBLAS; asked once, as the
// adapter asks before every product.
var haveOpenBLAS = sync.OnceValue(func() bool {
	_, err := cpu.OpenBLAS()
	return err == nil
})

// SetCPUBelow sets the crossover of precision p and shape class for this
// device, as measured by MeasureCPUBelow. Tune with TuneOptions.Crossovers
// (as `vkgemm tune` runs it) sets and stores every class's, and Open sets
// them again from the tuning file.
func (d *Device) SetCPUBelow(p Precision, class string, flops float64) error {
	if p != Float32 && p != Float64 {
		return fmt.Errorf("gpu: %w: precision %q is neither %q nor %q", ErrBadArgument, p, Float32, Float64)
	}
	if !slices.Contains(ShapeClasses, class) {
		return fmt.Errorf("gpu: %w: unknown shape class %q (classes: %v)", ErrBadArgument, class, ShapeClasses)
	}
	if math.IsNaN(flops) || flops < 0 {
		return fmt.Errorf("gpu: %w: crossover %g is not a number of flops >= 0", ErrBadArgument, flops)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cpuBelow == nil {
		d.cpuBelow = map[cpuBelowKey]float64{}
	}
	d.cpuBelow[cpuBelowKey{p, class}] = min(flops, Never)
	return nil
}

// builtinCPUBelow is the crossover where none was measured. On a CPU driver
// the device runs on the cores the CPU path uses, at a third of OpenBLAS's
// speed at best (lavapipe reaches 47 GFLOPS at 1024³ in float32, OpenBLAS
// 145-166): with OpenBLAS it never wins. Against gonum's pure-Go code
// lavapipe lost at 128³ and won at 1024³; 512³ lies between. On a GPU, below
// about 256³ the copies and the dispatch cost more than the CPU path's whole
// product; float64 runs at 1/16 to 1/64 of float32 on most consumer GPUs,
// hence 1024³. The GPU figures are estimates: no GPU was at hand to measure.
func builtinCPUBelow(t DeviceType, p Precision, openBLAS bool) float64 {
	switch {
	case t == TypeCPU && openBLAS:
		return Never
	case t == TypeCPU:
		return gemm.Flops(512, 512, 512)
	case p == Float64:
		return gemm.Flops(1024, 1024, 1024)
	}
	return gemm.Flops(256, 256, 256)
}

// envCPUBelow reads VKGEMM_CPU_BELOW: ok is false when it is unset or
// invalid (then a warning says so).
func (d *Device) envCPUBelow() (flops float64, ok bool) {
	s := os.Getenv(EnvCPUBelow)
	if s == "" {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || v < 0 {
		d.cfg.logf("vkgemm: ignoring %s=%q: want a number of flops >= 0, such as 3.4e7 (256³ products) or 0 (everything on the device)", EnvCPUBelow, s)
		return 0, false
	}
	return v, true
}

// MeasureCPUBelow times the CPU path and the device (host slices in and
// out, as the adapter calls it) on products of the shape class at seven
// sizes, from ClassShape's down to 1/64 of it in every dimension, and
// returns the flops of the smallest size from which the device is faster at
// every larger size tried: the crossover for SetCPUBelow. It returns Never
// when the device is not faster even at the largest size. Tune with
// TuneOptions.Crossovers measures and stores every class's.
func (d *Device) MeasureCPUBelow(p Precision, class string) (float64, error) {
	return d.measureCPUBelow(p, class, time.Time{}, nil)
}

// crossoverSizes is the number of sizes MeasureCPUBelow races, each half
// the last in every dimension.
const crossoverSizes = 7

// measureCPUBelow is MeasureCPUBelow, reporting every race; past the
// deadline (unless zero) it races no smaller size, so the products it did
// not try stay on the CPU path.
func (d *Device) measureCPUBelow(p Precision, class string, deadline time.Time, report func(done int, r CrossoverRace)) (float64, error) {
	if !slices.Contains(ShapeClasses, class) {
		return 0, fmt.Errorf("gpu: %w: unknown shape class %q (classes: %v)", ErrBadArgument, class, ShapeClasses)
	}
	run, err := d.racers(p)
	if err != nil {
		return 0, err
	}
	m0, n0, k0 := ClassShape(class, d.info.Type == TypeCPU)
	below := Never
	for shift := range crossoverSizes {
		m, n, k := max(1, m0>>shift), max(1, n0>>shift), max(1, k0>>shift)
		cpu, dev, err := run(m, n, k)
		if err != nil {
			return 0, err
		}
		faster := dev <= cpu
		if faster {
			below = gemm.Flops(m, n, k)
		}
		if report != nil {
			report(shift+1, CrossoverRace{Precision: p, M: m, N: n, K: k, CPU: cpu, Device: dev, Below: below})
		}
		if !faster || !deadline.IsZero() && time.Now().After(deadline) {
			break
		}
	}
	return below, nil
}

// racers returns a function that times one m×n×k product of precision p on
// the CPU path and on the device, as medians of wall times.
func (d *Device) racers(p Precision) (func(m, n, k int) (cpu, dev time.Duration, err error), error) {
	var cpu cpu.Engine
	switch p {
	case Float32:
		return racer(cpu.Sgemm, d.Sgemm), nil
	case Float64:
		if err := d.float64Support(); err != nil {
			return nil, err
		}
		return racer(cpu.Dgemm, d.Dgemm), nil
	}
	return nil, fmt.Errorf("gpu: %w: precision %q is neither %q nor %q", ErrBadArgument, p, Float32, Float64)
}

// gemmCall is Sgemm or Dgemm with an error.
type gemmCall[T float32 | float64] func(tA, tB blas.Transpose, m, n, k int, alpha T, a []T, lda int,
	b []T, ldb int, beta T, c []T, ldc int) error

// racer races cpu and dev on zero-filled m×n×k products.
func racer[T float32 | float64](cpu, dev gemmCall[T]) func(m, n, k int) (time.Duration, time.Duration, error) {
	return func(m, n, k int) (time.Duration, time.Duration, error) {
		a, b, c := make([]T, m*k), make([]T, k*n), make([]T, m*n)
		call := func(f gemmCall[T]) func() error {
			return func() error { return f(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, b, n, 0, c, n) }
		}
		return race(call(cpu), call(dev))
	}
}

// race times x and y alternately, after one untimed call of each (which
// builds pipelines), and returns their median wall times: of 5 calls or
// 200 ms of them, whichever is more (at most 100), and of 3 where calls
// take seconds, as on a CPU driver's float64.
func race(x, y func() error) (tx, ty time.Duration, err error) {
	const minRuns, runs, budget, slow = 3, 5, 200 * time.Millisecond, 2 * time.Second
	var xs, ys []time.Duration
	start := time.Now()
	for r := 0; r <= minRuns || r <= runs && time.Since(start) < slow || time.Since(start) < budget && r < 100; r++ {
		for _, f := range []struct {
			call func() error
			out  *[]time.Duration
		}{{x, &xs}, {y, &ys}} {
			t0 := time.Now()
			if err := f.call(); err != nil {
				return 0, 0, err
			}
			if r > 0 {
				*f.out = append(*f.out, time.Since(t0))
			}
		}
	}
	slices.Sort(xs)
	slices.Sort(ys)
	return xs[len(xs)/2], ys[len(ys)/2], nil
}
