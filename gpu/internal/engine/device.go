package engine

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gpu/internal/kernel"
	"github.com/vkgemm/vkgemm/gpu/internal/tuning"
	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"github.com/vkgemm/vkgemm/shaders"
)

// Device is an open Vulkan device that multiplies matrices: the engine
// behind package gpu's Device. Its methods are safe for concurrent use;
// work is submitted to one queue in call order.
type Device struct {
	mu    sync.Mutex
	name  string
	props *vk.Properties
	cfg   Config
	inst  *vk.Instance
	dev   *vk.Device
	kern  kernel.Kernel // the default kernel, or the forced family's
	// kernels is the kernel of each element type and shape class; tuned
	// says where they came from when a tuning set them.
	kernels map[tuning.Key]kernel.Kernel
	tuned   string
	pipes   map[pipeKey]*vk.Pipeline
	pool    bufferPool
	// matrices are the live device matrices, freed by Close if the caller
	// has not released them.
	matrices map[*Matrix]struct{}
	closed   bool
	maxBind  int64 // bytes one binding may span
	// flights are the batches submitted and not yet landed, in order.
	flights []*flight
	// peakGFLOPS is the measured peak (MeasurePeak), zero until measured.
	peakGFLOPS float64
	// workCap overrides the work one submission may carry, in FLOP (tests).
	workCap float64
	// depth is how many blocks of a host-slice product may be in flight
	// at once: 2 overlaps packing with compute; 1 is the serial path.
	depth int
	// cpuBelow holds the BLAS adapter's measured crossovers.
	cpuBelow map[tuning.Key]float64
	// intDot says GemmInt8's direct kernel sums each word's products with
	// one packed dot product (the module's twin): where the device
	// accelerates them (vk.Properties.IntegerDotFast), or tests say so.
	intDot bool
	// timing, set by KernelTime, times every product's kernels; timedGPU
	// sums their time.
	timing   bool
	timedGPU time.Duration
	// coop is the cooperative-matrix kernel of GemmHalf's F16 products and
	// of GemmInt8's, by element.
	coop map[shaders.Element]*coopState
	// built says which pipelines are built or being built, for the adapter
	// (Ready); it has its own lock so that asking never waits for a product.
	built readiness
}

var _ gemm.Engine = (*Device)(nil)

// Open opens the physical device pd of the instance in, which the Device
// then holds (Close releases it); on failure the caller keeps it.
func Open(in *vk.Instance, pd vk.PhysicalDevice, cfg Config) (*Device, error) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	props := pd.Props
	name := props.Name
	dev, err := vk.NewDevice(in, pd, shaders.PushConstantsSize, loadPipelineCache(pipelineCachePath(cfg, &props)), cfg.Transfer)
	if err != nil {
		return nil, fmt.Errorf("gpu: opening %s: %w", name, err)
	}
	d := &Device{
		name:     name,
		props:    dev.Properties(),
		cfg:      cfg,
		inst:     in,
		dev:      dev,
		pipes:    map[pipeKey]*vk.Pipeline{},
		matrices: map[*Matrix]struct{}{},
		maxBind:  int64(props.MaxStorageBufferRange),
		depth:    2,
	}
	d.pool.dev = dev
	d.pool.noMap = cfg.ForceStaging
	if cfg.MaxBindingBytes > 0 && cfg.MaxBindingBytes < d.maxBind {
		d.maxBind = cfg.MaxBindingBytes
	}
	// On failure the caller releases the instance, so these free the
	// device only.
	if d.kern, err = kernel.Default(d.props, cfg.Kernel); err != nil {
		d.dev.Destroy()
		return nil, fmt.Errorf("gpu: %w", err)
	}
	d.initKernels()
	d.initCoopmat()
	d.intDot = d.props.IntegerDot && d.props.IntegerDotFast
	if err := d.validation(); err != nil {
		d.dev.Destroy()
		return nil, err
	}
	if cfg.Warm {
		d.warmInBackground()
	}
	return d, nil
}

// Close waits for the device's work, including products that timed out or
// were never waited for, and then frees it. Calls after Close return
// ErrClosed; a second Close returns nil. Where the work does not end
// within the timeout (at least 10 minutes), Close returns an error wrapping
// ErrTimeout and leaves the device's memory allocated rather than free it
// under the running work.
func (d *Device) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	if err := d.drain(); err != nil {
		return d.finish(fmt.Errorf("gpu: closing %s: %w; its memory was left allocated (exit the process to free it)", d.name, err))
	}
	d.savePipelineCache()
	err := d.validation()
	return errors.Join(err, d.destroy())
}

// destroy frees everything; nothing may be in flight (see drain). It
// returns the validation messages raised meanwhile.
func (d *Device) destroy() error {
	for _, p := range d.pipes {
		p.Destroy()
	}
	d.pipes = nil
	for m := range d.matrices {
		m.released = true
		d.drop(m.hold)
	}
	d.matrices = nil
	d.pool.clear()
	d.dev.Destroy()
	return ReleaseInstance(d.inst)
}

// Backend returns "Vulkan".
func (d *Device) Backend() string { return "Vulkan" }

// Describe says which device runs, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)
// (Vulkan, CPU driver)".
func (d *Device) Describe() string { return Describe(d.props) }

// Describe is a device's name with its kind, as the visualizer labels an
// engine.
func Describe(p *vk.Properties) string {
	kind := "Vulkan"
	switch p.Type {
	case vk.TypeCPU:
		kind += ", CPU driver"
	case vk.TypeIntegrated:
		kind += ", integrated GPU"
	case vk.TypeVirtual:
		kind += ", virtual GPU"
	}
	return fmt.Sprintf("%s (%s)", p.Name, kind)
}

// Props is what the device is and can do.
func (d *Device) Props() *vk.Properties { return d.props }

// CPU says whether the device is a CPU driver.
func (d *Device) CPU() bool { return d.props.Type == vk.TypeCPU }

// Config is the configuration the device was opened with.
func (d *Device) Config() Config { return d.cfg }

// lock takes the device for one call, or says why it cannot be used.
func (d *Device) lock() error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return fmt.Errorf("gpu: %w", ErrClosed)
	}
	if d.dev.Lost() {
		d.mu.Unlock()
		return fmt.Errorf("gpu: %s was %w earlier; close it and open it again", d.name, ErrDeviceLost)
	}
	if err := d.settle(); err != nil {
		d.mu.Unlock()
		return err
	}
	return nil
}

// validation returns what the validation layer reported since the last call.
func (d *Device) validation() error { return d.inst.Messages() }

// finish ends a call: its error, or else the validation layer's complaint.
func (d *Device) finish(err error) error {
	if verr := d.validation(); verr != nil {
		err = errors.Join(err, verr)
	}
	return err
}

func (d *Device) timeout() time.Duration { return d.cfg.Timeout }

// unwrap is set by package gpu: the engine behind a *gpu.Device.
var unwrap func(any) *Device

// RegisterUnwrap is how package gpu says where a Device's engine is.
func RegisterUnwrap(f func(any) *Device) { unwrap = f }

// Of is the engine behind dev, a *gpu.Device, or nil.
func Of(dev any) *Device {
	if unwrap == nil {
		return nil
	}
	return unwrap(dev)
}
