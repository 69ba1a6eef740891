package tune

import (
	"fmt"
	"slices"
	"time"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gemm/cpu"
	"github.com/vkgemm/vkgemm/gpu"
	"github.com/vkgemm/vkgemm/gpu/internal/engine"
	"github.com/vkgemm/vkgemm/shaders"
)

// crossoverSizes is the number of sizes a crossover races, each half the
// last in every dimension.
const crossoverSizes = 7

// MeasureCrossover times the CPU path and dev (host slices in and out, as
// the BLAS adapter calls them) on products of element type e (shaders.F32,
// or F64 where dev has float64 in shaders) and class c at seven sizes,
// from Shape's down to 1/64 of it in every dimension, and returns the flops
// of the smallest size from which the device is faster at every larger
// size tried: the crossover for SetCrossover. It returns Never when the
// device is not faster even at the largest size.
func MeasureCrossover(dev *gpu.Device, e shaders.Element, c Class) (float64, error) {
	d, err := of(dev)
	if err != nil {
		return 0, err
	}
	return measureCrossover(dev, d, Key{Element: e, Class: c}, time.Time{}, nil)
}

// measureCrossover is MeasureCrossover, reporting every race; past the
// deadline (unless zero) it races no smaller size, so the products it did
// not try stay on the CPU path.
func measureCrossover(dev *gpu.Device, d *engine.Device, key Key, deadline time.Time, report func(done int, r Race)) (float64, error) {
	if !key.Class.Valid() || key.Class == Batched {
		return 0, fmt.Errorf("tune: %w: unknown shape class %q (classes: %v)", gpu.ErrBadArgument, key.Class, Classes[:len(Classes)-1])
	}
	run, err := racers(dev, d, key.Element)
	if err != nil {
		return 0, err
	}
	m0, n0, k0 := Shape(key.Class, d.CPU())
	below := Never
	for shift := range crossoverSizes {
		m, n, k := max(1, m0>>shift), max(1, n0>>shift), max(1, k0>>shift)
		cpuT, devT, err := run(m, n, k)
		if err != nil {
			return 0, err
		}
		faster := devT <= cpuT
		if faster {
			below = gemm.Flops(m, n, k)
		}
		if report != nil {
			report(shift+1, Race{M: m, N: n, K: k, CPU: cpuT, Device: devT, Below: below})
		}
		if !faster || !deadline.IsZero() && time.Now().After(deadline) {
			break
		}
	}
	return below, nil
}

// racers returns a function that times one m×n×k product of element type e
// on the CPU path and on the device, as medians of wall times.
func racers(dev *gpu.Device, d *engine.Device, e shaders.Element) (func(m, n, k int) (cpu, dev time.Duration, err error), error) {
	var c cpu.Engine
	switch e {
	case shaders.F32:
		return racer(c.Sgemm, dev.Sgemm), nil
	case shaders.F64:
		if err := d.Float64Support(); err != nil {
			return nil, err
		}
		return racer(c.Dgemm, dev.Dgemm), nil
	}
	return nil, fmt.Errorf("tune: %w: element type %q is neither %q nor %q", gpu.ErrBadArgument, e, shaders.F32, shaders.F64)
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
