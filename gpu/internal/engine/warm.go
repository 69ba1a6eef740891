package engine

import (
	"errors"
	"fmt"
	"sync"

	"github.com/vkgemm/vkgemm/gpu/internal/kernel"
	"github.com/vkgemm/vkgemm/gpu/internal/tuning"
	"github.com/vkgemm/vkgemm/shaders"
	"gonum.org/v1/gonum/blas"
)

// Warm builds and runs once, on a 4×4×4 product, the pipeline of every
// shape class's kernel in every pair of transposes, and the float64 kernel's
// where the device has one (gpu.Device.Warm). It holds the device for one
// pipeline at a time.
func (d *Device) Warm() error {
	d.mu.Lock()
	kernels := make([]kernel.Kernel, 0, len(kernel.Classes)+1)
	for _, c := range kernel.Classes {
		kernels = append(kernels, d.kernels[tuning.Key{Element: shaders.F32, Class: c}])
	}
	d.mu.Unlock()
	if d.Float64Support() == nil {
		kernels = append(kernels, kernel.Float64(d.props))
	}
	seen := map[pipeKey]bool{}
	for _, k := range kernels {
		for _, tr := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
			key := pipeKey{k, tr[0], tr[1]}
			if seen[key] {
				continue
			}
			seen[key] = true
			if err := d.warm(key); err != nil {
				return err
			}
		}
	}
	return nil
}

// warm builds and runs one pipeline, unless a product already has.
func (d *Device) warm(key pipeKey) error {
	if err := d.lock(); err != nil {
		return err
	}
	defer d.mu.Unlock()
	if _, ok := d.pipes[key]; ok {
		return nil
	}
	const n = 4
	w := 1
	if key.Element == shaders.F64 {
		w = 2
	}
	a, b, c := make([]float32, n*n*w), make([]float32, n*n*w), make([]float32, n*n*w)
	p := problem{tA: key.transA, tB: key.transB, m: n, n: n, k: n, alpha: 1, a: a, lda: n, b: b, ldb: n, c: c, ldc: n, words: w, alpha64: 1}
	if _, err := d.run(&p, key.Kernel); err != nil {
		return d.finish(fmt.Errorf("gpu: warming %s: %w", key.Kernel, err))
	}
	return d.finish(nil)
}

// warmInBackground runs Warm in a goroutine (Config.Warm); a failure is
// logged, as nobody waits for it.
func (d *Device) warmInBackground() {
	go func() {
		if err := d.Warm(); err != nil && !errors.Is(err, ErrClosed) {
			d.cfg.logf("vkgemm: warming pipelines in the background: %v", err)
		}
	}()
}

// readiness records the pipelines that are built and those being built in
// the background, so that the BLAS adapter can send a product whose
// pipeline is not built yet to the CPU path instead of waiting for a compile
// (hundreds of milliseconds on lavapipe, seconds on SwiftShader).
type readiness struct {
	mu       sync.Mutex
	ready    map[pipeKey]bool
	building map[pipeKey]bool
	// hook, where set (tests), runs in the background build before it starts.
	hook func()
}

func (r *readiness) markReady(key pipeKey) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ready == nil {
		r.ready = map[pipeKey]bool{}
	}
	r.ready[key] = true
}

// readyOrBuild says whether the pipeline of key is built. If it is not, it
// starts building it in the background (once) and returns false. A build
// that fails marks the key ready all the same: the next product then runs
// on the device and reports the error as the product's.
func (d *Device) readyOrBuild(key pipeKey) bool {
	r := &d.built
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ready[key] {
		return true
	}
	if r.building[key] {
		return false
	}
	if r.building == nil {
		r.building = map[pipeKey]bool{}
	}
	r.building[key] = true
	hook := r.hook
	go func() {
		if hook != nil {
			hook()
		}
		if err := d.warm(key); err != nil && !errors.Is(err, ErrClosed) {
			d.cfg.logf("vkgemm: building a pipeline in the background: %v", err)
		}
		r.markReady(key)
	}()
	return false
}

// Ready says whether the pipeline of a product of element type e (F32 or
// F64) is built; where it is not, it starts building it in the background
// (once) and says false. A closed device says true, so that the product is
// sent to it and fails with ErrClosed.
func (d *Device) Ready(e shaders.Element, tA, tB blas.Transpose, m, n, k int) bool {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return true
	}
	key := pipeKey{d.kernelFor(e, m, n, k, 1), tA != blas.NoTrans, tB != blas.NoTrans}
	d.mu.Unlock()
	return d.readyOrBuild(key)
}
