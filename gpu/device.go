package gpu

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"github.com/vkgemm/vkgemm/shaders"
)

// Device is an open Vulkan device that multiplies matrices. Its methods are
// safe for concurrent use; work is submitted to one queue in call order.
type Device struct {
	mu   sync.Mutex
	info DeviceInfo
	cfg  Config
	inst *vk.Instance
	dev  *vk.Device
	kern Kernel // the default kernel, or the forced family
	// kernels is the kernel of each shape class; tuned is the tuning
	// file they came from, if any.
	kernels map[string]Kernel
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
	// cpuBelow holds the BLAS adapter's measured crossovers (hybrid.go).
	cpuBelow map[cpuBelowKey]float64
	// built says which pipelines are built or being built, for the adapter
	// (warm.go); it has its own lock so that asking never waits for a product.
	built readiness
}

var _ gemm.Engine = (*Device)(nil)

// Open opens the device cfg asks for (see Config; the zero Config picks the
// best device). Close it when done.
func Open(cfg Config) (*Device, error) {
	cfg, err := cfg.withEnv()
	if err != nil {
		return nil, err
	}
	in, err := acquireInstance(cfg.Validation)
	if err != nil {
		return nil, err
	}
	d, err := open(in, cfg)
	if err != nil {
		return nil, errors.Join(err, releaseInstance(in))
	}
	return d, nil
}

func open(in *vk.Instance, cfg Config) (*Device, error) {
	pds, err := in.PhysicalDevices()
	if err != nil {
		return nil, err
	}
	info, err := pick(describe(pds), cfg.Device)
	if err != nil {
		return nil, err
	}
	transfer, _ := vk.ParseTransferMode(cfg.TransferQueue) // checked by withEnv
	dev, err := vk.NewDevice(in, info.phys, shaders.PushConstantsSize, cfg.loadPipelineCache(pipelineCachePath(cfg, info)), transfer)
	if err != nil {
		return nil, fmt.Errorf("gpu: opening %s: %w", info.Name, err)
	}
	d := &Device{
		info:     info,
		cfg:      cfg,
		inst:     in,
		dev:      dev,
		pipes:    map[pipeKey]*vk.Pipeline{},
		matrices: map[*Matrix]struct{}{},
		maxBind:  info.MaxStorageBufferRange,
		depth:    2,
	}
	d.pool.dev = dev
	d.pool.noMap = cfg.ForceStaging
	if cfg.MaxBindingBytes > 0 && cfg.MaxBindingBytes < d.maxBind {
		d.maxBind = cfg.MaxBindingBytes
	}
	// On failure the caller (Open) releases the instance, so these free
	// the device only.
	if d.kern, err = defaultKernel(dev.Properties(), cfg.Kernel); err != nil {
		d.dev.Destroy()
		return nil, err
	}
	d.initKernels()
	if err := d.validation(); err != nil {
		d.dev.Destroy()
		return nil, err
	}
	d.warmOnOpen() // warm.go
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
		return d.finish(fmt.Errorf("gpu: closing %s: %w; its memory was left allocated (exit the process to free it)", d.info.Name, err))
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
	return releaseInstance(d.inst)
}

// Backend returns "Vulkan".
func (d *Device) Backend() string { return "Vulkan" }

// Describe says which device runs, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)
// (Vulkan, CPU driver)".
func (d *Device) Describe() string { return d.info.Describe() }

// Info returns the description of the open device.
func (d *Device) Info() DeviceInfo { return d.info }

// Kernel describes the kernel used for square products, and where it
// came from.
func (d *Device) Kernel() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.kernels[ShapeSquare].String()
	if d.tuned != "" {
		s += " (tuned: " + d.tuned + ")"
	}
	return s
}

// Kernels returns the kernel of every shape class (ShapeClasses), and the
// tuned ones of strided batches (ShapeBatched) and of GemmHalf (keyed
// "f16/square", "bf16/small", ...) where a tuning has them.
func (d *Device) Kernels() map[string]Kernel {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make(map[string]Kernel, len(d.kernels))
	for c, k := range d.kernels {
		out[c] = k
	}
	return out
}

// lock takes the device for one call, or says why it cannot be used.
func (d *Device) lock() error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return fmt.Errorf("gpu: %w", ErrClosed)
	}
	if d.dev.Lost() {
		d.mu.Unlock()
		return fmt.Errorf("gpu: %s was %w earlier; close it and open it again", d.info.Name, ErrDeviceLost)
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
