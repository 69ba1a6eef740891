package gpu

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"github.com/vkgemm/vkgemm/shaders"
)

// Tuning is what the tuner learned about one device and driver: the kernel
// for each shape class, and the GFLOPS it reached when tuned, and the BLAS
// adapter's crossovers where they were measured. It is saved as JSON in the
// cache directory and used by Open automatically.
type Tuning struct {
	Format        string    `json:"format"`
	Device        string    `json:"device"`
	VendorID      uint32    `json:"vendor_id"`
	DeviceID      uint32    `json:"device_id"`
	DriverVersion uint32    `json:"driver_version"`
	Created       time.Time `json:"created"`
	// Kernels holds the kernel of float32 products by shape class
	// ("square"), of strided batches of small products (ShapeBatched), and
	// of GemmHalf by format and shape class ("f16/square", "bf16/small").
	Kernels map[string]Kernel  `json:"kernels"`
	GFLOPS  map[string]float64 `json:"gflops,omitempty"` // by the keys of Kernels
	// CPUBelow holds the BLAS adapter's crossovers (MeasureCPUBelow) by
	// precision and shape class ("float32/square"), in flops; Never, which
	// keeps a class on the CPU path, is written 1.7976931348623157e+308.
	CPUBelow map[string]float64 `json:"cpu_below,omitempty"`
}

// tuningFormat is the format Tune writes. Version 1 held float32 kernels by
// shape class only; loadTuning reads both.
const (
	tuningFormat   = "vkgemm-tuning/2"
	tuningFormatV1 = "vkgemm-tuning/1"
)

// halfKey is the key of GemmHalf's kernel for format f and a shape class
// in Tuning.Kernels, e.g. "f16/square".
func halfKey(f HalfFormat, class string) string {
	return halfPrecision(f) + "/" + class
}

// halfPrecision is the Kernel.Precision of format f.
func halfPrecision(f HalfFormat) string {
	if f == F16 {
		return shaders.PrecisionF16
	}
	return shaders.PrecisionBF16
}

// crossoverKey is the key of a crossover in Tuning.CPUBelow.
func crossoverKey(p Precision, class string) string { return string(p) + "/" + class }

// cacheDir is where tunings and pipeline caches live: Config.CacheDir,
// else VKGEMM_CACHE_DIR, else os.UserCacheDir()/vkgemm. Empty when there
// is none.
func (c Config) cacheDir() string {
	if c.CacheDir != "" {
		return c.CacheDir
	}
	if dir := os.Getenv(EnvCacheDir); dir != "" {
		return dir
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(base, "vkgemm")
}

// cacheStem is the path stem of a device's cache files: one per vendor,
// device and driver version, so a driver update starts afresh. Empty when
// the cache is off or there is no cache directory.
func cacheStem(c Config, info DeviceInfo) string {
	if c.NoCache || c.cacheDir() == "" {
		return ""
	}
	return filepath.Join(c.cacheDir(), fmt.Sprintf("%04x-%04x-%08x", info.VendorID, info.DeviceID, info.driverVersion))
}

// TuningPath is where the tuning of the open device is kept ("" when the
// cache is off or there is no cache directory).
func (d *Device) TuningPath() string {
	if stem := cacheStem(d.cfg, d.info); stem != "" {
		return stem + ".json"
	}
	return ""
}

func pipelineCachePath(c Config, info DeviceInfo) string {
	if stem := cacheStem(c, info); stem != "" {
		return stem + ".pipelines"
	}
	return ""
}

// loadTuning reads a tuning file and checks that it is well-formed, made
// for this device and driver, that every kernel fits the device and every
// crossover is a precision, a shape class and a number of flops.
func loadTuning(path string, p *vk.Properties) (*Tuning, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var t Tuning
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("%s is not a vkgemm tuning file: %v", path, err)
	}
	if t.Format != tuningFormat && t.Format != tuningFormatV1 {
		return nil, fmt.Errorf("%s has format %q, not %q", path, t.Format, tuningFormat)
	}
	if t.VendorID != p.VendorID || t.DeviceID != p.DeviceID || t.DriverVersion != p.DriverVersion {
		return nil, fmt.Errorf("%s was made for another device or driver (%s)", path, t.Device)
	}
	for key, k := range t.Kernels {
		if err := checkTunedKernel(key, k, p); err != nil {
			return nil, fmt.Errorf("%s: %s: %v", path, key, err)
		}
	}
	for key, flops := range t.CPUBelow {
		if _, _, err := parseCrossoverKey(key); err != nil {
			return nil, fmt.Errorf("%s: crossover %q: %v", path, key, err)
		}
		if flops < 0 {
			return nil, fmt.Errorf("%s: crossover %q is %g flops, less than 0", path, key, flops)
		}
	}
	return &t, nil
}

// checkTunedKernel says why k cannot be the kernel of key in a tuning file
// on this device: an unknown key, a precision that is not the key's, a
// kernel without a module, or one that does not fit.
func checkTunedKernel(key string, k Kernel, p *vk.Properties) error {
	precision, class, half := "", key, false
	if pre, cl, ok := strings.Cut(key, "/"); ok {
		precision, class, half = pre, cl, true
	}
	switch {
	case half && precision != shaders.PrecisionF16 && precision != shaders.PrecisionBF16:
		return fmt.Errorf("unknown half format %q (f16 or bf16)", precision)
	case !validClass(class) && (half || class != ShapeBatched):
		return fmt.Errorf("unknown shape class %q", class)
	case k.Precision != precision:
		return fmt.Errorf("kernel of precision %q in the place of %q", k.Precision, precision)
	}
	if _, err := k.module(); err != nil {
		return err
	}
	return k.fits(p)
}

// parseCrossoverKey reads a key of Tuning.CPUBelow.
func parseCrossoverKey(key string) (Precision, string, error) {
	pre, class, _ := strings.Cut(key, "/")
	if p := Precision(pre); p != Float32 && p != Float64 {
		return "", "", fmt.Errorf("unknown precision %q (%s or %s)", pre, Float32, Float64)
	}
	if !validClass(class) {
		return "", "", fmt.Errorf("unknown shape class %q (classes: %v)", class, ShapeClasses)
	}
	return Precision(pre), class, nil
}

func validClass(c string) bool { return slices.Contains(ShapeClasses, c) }

// saveTuning writes t atomically (temporary file, then rename), so a crash
// never leaves half a file.
func saveTuning(path string, t *Tuning) error {
	data, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(path, append(data, '\n'))
}

func writeAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}

// builtinKernels are the kernels for the CPU drivers vkgemm has been
// measured on, used where no tuning file exists: per driver id (VkDriverId)
// and shape class, in order of preference, the first the device can run.
// The measurements are in docs/kernels.md.
var builtinKernels = map[uint32]map[string][]Kernel{
	// lavapipe compiles a texel fetch into a gather and a storage-buffer load
	// into a loop over the SIMD lanes, so texel loads win, in large blocks,
	// small products included. Where a kernel does not fit (no texel buffers
	// as large as storage buffers; subgroups not 8 wide under
	// LP_NATIVE_VECTOR_WIDTH) the next one in the list applies.
	driverLavapipe: {
		ShapeSquare: {lavapipeTexel, lavapipeSubgroup, lavapipeDirect}, ShapeTall: {lavapipeTexel, lavapipeSubgroup, lavapipeDirect},
		ShapeWide: {lavapipeTexel, lavapipeSubgroup, lavapipeDirect}, ShapeSmallK: {lavapipeTexel, lavapipeSubgroup, lavapipeDirect},
		ShapeSmall: {lavapipeTexel, defaultDirect},
	},
	// SwiftShader (Subzero JIT, 4-wide subgroups): the 4-wide subgroup
	// kernel, frozen (see Kernel.freezes), won every class.
	driverSwiftShader: {
		ShapeSquare: {swiftShaderSubgroup, defaultDirect}, ShapeTall: {swiftShaderSubgroup, defaultDirect},
		ShapeWide: {swiftShaderSubgroup, defaultDirect}, ShapeSmallK: {swiftShaderSubgroup, defaultDirect},
		ShapeSmall: {swiftShaderSubgroup, defaultDirect},
	},
}

var (
	lavapipeTexel    = Kernel{Family: kernelDirect, WGX: 8, WGY: 1, TM: 12, TN: 16, TK: 4, KChunk: 512, Texel: true}
	lavapipeSubgroup = subgroupKernels[8]
	lavapipeDirect   = Kernel{Family: kernelDirect, WGX: 8, WGY: 1, TM: 12, TN: 16, TK: 4, KChunk: 512}

	swiftShaderSubgroup = subgroupKernels[4]
)

// Vulkan driver ids (VkDriverId) of the drivers in builtinKernels.
const (
	driverSwiftShader = 10
	driverLavapipe    = 13
)

// initKernels fills the kernel of every shape class: a forced family
// everywhere, else the tuning file, else the built-in table, else the
// family's default.
func (d *Device) initKernels() {
	p := d.dev.Properties()
	d.kernels = map[string]Kernel{}
	for _, c := range ShapeClasses {
		d.kernels[c] = d.kern
	}
	if d.cfg.Kernel != "" {
		return
	}
	for c, ks := range builtinFor(p) {
		for _, k := range ks {
			if k.fits(p) == nil {
				d.kernels[c] = k
				break
			}
		}
	}
	path := d.TuningPath()
	if path == "" {
		return
	}
	t, err := loadTuning(path, p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		d.cfg.logf("vkgemm: ignoring the tuning file: %v (run `vkgemm tune` to remake it)", err)
	default:
		for key, k := range t.Kernels {
			d.kernels[key] = k
		}
		d.cpuBelow = map[cpuBelowKey]float64{}
		for key, flops := range t.CPUBelow {
			p, class, _ := parseCrossoverKey(key)
			d.cpuBelow[cpuBelowKey{p, class}] = flops
		}
		d.tuned = path
	}
}

// kernelFor is the kernel for an m×n×k product.
func (d *Device) kernelFor(m, n, k int) Kernel {
	return d.kernels[ShapeClass(m, n, k)]
}

// kernelForBatch is the kernel for a strided batch of m×n×k products: the
// tuned kernel of ShapeBatched for a batch of small products, else the
// products' class's.
func (d *Device) kernelForBatch(m, n, k, batch int) Kernel {
	if kern, ok := d.kernels[ShapeBatched]; ok && batch > 1 && ShapeClass(m, n, k) == ShapeSmall {
		return kern
	}
	return d.kernelFor(m, n, k)
}

// halfKernelFor is GemmHalf's kernel for format f and an m×n×k product:
// the tuned one, else halfKernel's of the float32 kernel.
func (d *Device) halfKernelFor(f HalfFormat, m, n, k int) Kernel {
	class := ShapeClass(m, n, k)
	if kern, ok := d.kernels[halfKey(f, class)]; ok {
		return kern
	}
	return halfKernel(d.kernels[class], f, d.dev.Properties())
}

// loadPipelineCache reads saved pipeline-cache data, if any.
func (c Config) loadPipelineCache(path string) []byte {
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
	path := pipelineCachePath(d.cfg, d.info)
	if path == "" || len(d.pipes) == 0 {
		return
	}
	data, err := d.dev.PipelineCacheData()
	if err == nil && len(data) > 0 {
		err = writeAtomic(path, data)
	}
	if err != nil {
		d.cfg.logf("vkgemm: could not save the pipeline cache: %v", err)
	}
}
