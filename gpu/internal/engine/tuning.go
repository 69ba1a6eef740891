package engine

import (
	"errors"
	"io/fs"
	"os"

	"github.com/vkgemm/vkgemm/gpu/internal/kernel"
	"github.com/vkgemm/vkgemm/gpu/internal/tuning"
	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"github.com/vkgemm/vkgemm/shaders"
)

// initKernels fills the kernel of every shape class: a forced family
// everywhere, else the tuning file, else the built-in table, else the
// family's default.
func (d *Device) initKernels() {
	p := d.props
	d.kernels = map[tuning.Key]kernel.Kernel{}
	for _, c := range kernel.Classes {
		d.kernels[tuning.Key{Element: shaders.F32, Class: c}] = d.kern
	}
	if d.cfg.Kernel != "" {
		return
	}
	for c, ks := range kernel.Builtin(p) {
		for _, k := range ks {
			if k.Fits(p) == nil {
				d.kernels[tuning.Key{Element: shaders.F32, Class: c}] = k
				break
			}
		}
	}
	path := d.TuningPath()
	if path == "" {
		return
	}
	t, err := tuning.Load(path, p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		d.cfg.logf("vkgemm: ignoring the tuning file: %v (run `vkgemm tune` to remake it)", err)
	default:
		for key, k := range t.Kernels {
			d.kernels[key] = k
		}
		d.cpuBelow = map[tuning.Key]float64{}
		for key, flops := range t.CPUBelow {
			d.cpuBelow[key] = flops
		}
		d.tuned = path
	}
}

// KernelFor is the kernel of a product of element type e (batch products
// of m×n×k; 1 for one product): the kernel of its shape class for float32,
// the tuned kernel of strided batches of small products, GemmHalf's tuned
// kernel of its format and class or else the half kernel closest to the
// float32 one, GemmInt8's tuned kernel of its class or else the built-in
// int8 kernel (each behind the cooperative-matrix kernel of F16, BF16 or
// int8 where its self-check passed), and the float64 kernel of the
// device.
func (d *Device) KernelFor(e shaders.Element, m, n, k, batch int) kernel.Kernel {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.kernelFor(e, m, n, k, batch)
}

// kernelFor is KernelFor with d.mu held.
func (d *Device) kernelFor(e shaders.Element, m, n, k, batch int) kernel.Kernel {
	class := kernel.ClassOf(m, n, k)
	switch {
	case e == shaders.F64:
		return kernel.Float64(d.props)
	case e == shaders.Int8:
		if kern, ok := d.coopKernel(e); ok {
			return kern
		}
		if kern, ok := d.kernels[tuning.Key{Element: e, Class: class}]; ok {
			return kern
		}
		return kernel.Int8(d.props)
	case e.Half():
		if kern, ok := d.coopKernel(e); ok {
			return kern
		}
		if kern, ok := d.kernels[tuning.Key{Element: e, Class: class}]; ok {
			return kern
		}
		return kernel.Half(d.kernels[tuning.Key{Element: shaders.F32, Class: class}], e, d.props)
	case batch > 1 && class == kernel.Small:
		if kern, ok := d.kernels[tuning.Key{Element: shaders.F32, Class: kernel.Batched}]; ok {
			return kern
		}
	}
	return d.kernels[tuning.Key{Element: shaders.F32, Class: class}]
}

// Kernels returns the kernel of every key the device has one for (float32
// for every class; GemmHalf's and GemmInt8's where tuned), and where they
// came from: the tuning file, "this run" after a tuning that was not
// saved, or "" for the built-ins.
func (d *Device) Kernels() (map[tuning.Key]kernel.Kernel, string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make(map[tuning.Key]kernel.Kernel, len(d.kernels))
	for key, k := range d.kernels {
		out[key] = k
	}
	return out, d.tuned
}

// SetTuned records where the kernels came from (see Kernels).
func (d *Device) SetTuned(source string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.tuned = source
}

// ForcedFamily is the family Config.Kernel forces on every product, or "".
func (d *Device) ForcedFamily() shaders.Family { return d.cfg.Kernel }

// TuningPath is where the tuning of the device is kept ("" when the cache
// is off).
func (d *Device) TuningPath() string { return tuning.Path(d.cfg.CacheDir, d.props) }

func pipelineCachePath(c Config, p *vk.Properties) string {
	if stem := tuning.Stem(c.CacheDir, p); stem != "" {
		return stem + ".pipelines"
	}
	return ""
}

// loadPipelineCache reads saved pipeline-cache data, if any.
func loadPipelineCache(path string) []byte {
	if path == "" {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	return data
}

// savePipelineCache keeps compiled pipelines for the next Open, so the
// driver's shader compiler runs once per kernel, not once per process.
func (d *Device) savePipelineCache() {
	path := pipelineCachePath(d.cfg, d.props)
	if path == "" || len(d.pipes) == 0 {
		return
	}
	data, err := d.dev.PipelineCacheData()
	if err == nil && len(data) > 0 {
		err = tuning.WriteAtomic(path, data)
	}
	if err != nil {
		d.cfg.logf("vkgemm: could not save the pipeline cache: %v", err)
	}
}
