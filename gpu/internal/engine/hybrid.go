package engine

import (
	"fmt"
	"math"
	"sync"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gemm/cpu"
	"github.com/vkgemm/vkgemm/gpu/internal/kernel"
	"github.com/vkgemm/vkgemm/gpu/internal/tuning"
	"github.com/vkgemm/vkgemm/shaders"
)

// CPUBelow is the BLAS adapter's crossover for products of element type e
// (F32 or F64) and a shape class: the flops (2·m·n·k) below which they run
// on the CPU path because the device is slower there. It is what
// SetCPUBelow set (a measured crossover, or the tuning file's), else a
// conservative built-in for the kind of device; tuning.Never keeps every
// product on the CPU.
func (d *Device) CPUBelow(e shaders.Element, class kernel.Class) float64 {
	d.mu.Lock()
	v, ok := d.cpuBelow[tuning.Key{Element: e, Class: class}]
	d.mu.Unlock()
	if ok {
		return v
	}
	return builtinCPUBelow(d.CPU(), e, haveOpenBLAS())
}

// haveOpenBLAS says whether the CPU path runs OpenBLAS; asked once, as the
// adapter asks before every product.
var haveOpenBLAS = sync.OnceValue(func() bool {
	_, err := cpu.OpenBLAS()
	return err == nil
})

// SetCPUBelow sets the crossover of element type e and a shape class.
func (d *Device) SetCPUBelow(e shaders.Element, class kernel.Class, flops float64) error {
	if e != shaders.F32 && e != shaders.F64 {
		return fmt.Errorf("gpu: %w: element type %q is neither %q nor %q", ErrBadArgument, e, shaders.F32, shaders.F64)
	}
	if !class.Valid() || class == kernel.Batched {
		return fmt.Errorf("gpu: %w: unknown shape class %q (classes: %v)", ErrBadArgument, class, kernel.Classes)
	}
	if math.IsNaN(flops) || flops < 0 {
		return fmt.Errorf("gpu: %w: crossover %g is not a number of flops >= 0", ErrBadArgument, flops)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cpuBelow == nil {
		d.cpuBelow = map[tuning.Key]float64{}
	}
	d.cpuBelow[tuning.Key{Element: e, Class: class}] = min(flops, tuning.Never)
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
func builtinCPUBelow(cpuDriver bool, e shaders.Element, openBLAS bool) float64 {
	switch {
	case cpuDriver && openBLAS:
		return tuning.Never
	case cpuDriver:
		return gemm.Flops(512, 512, 512)
	case e == shaders.F64:
		return gemm.Flops(1024, 1024, 1024)
	}
	return gemm.Flops(256, 256, 256)
}
