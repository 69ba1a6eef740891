package tuning

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/vkgemm/vkgemm/gpu/internal/kernel"
	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"github.com/vkgemm/vkgemm/shaders"
)

// Key says what a kernel or a crossover is for: products whose A and B are
// of an element type, in a shape class. In JSON it is "element/class", as
// "f16/square".
type Key struct {
	Element shaders.Element
	Class   kernel.Class
}

func (k Key) String() string { return string(k.Element) + "/" + string(k.Class) }

// MarshalText writes k as "element/class".
func (k Key) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText reads "element/class".
func (k *Key) UnmarshalText(b []byte) error {
	e, c, ok := strings.Cut(string(b), "/")
	if !ok {
		return fmt.Errorf("key %q is not element/class", b)
	}
	*k = Key{shaders.Element(e), kernel.Class(c)}
	return nil
}

// File is what the tuner learned about one device and driver.
type File struct {
	Format        string    `json:"format"`
	Device        string    `json:"device"`
	VendorID      uint32    `json:"vendor_id"`
	DeviceID      uint32    `json:"device_id"`
	DriverVersion uint32    `json:"driver_version"`
	Created       time.Time `json:"created"`
	// Kernels holds the kernel of products by element type and shape class
	// ("f32/square", "f32/batched" for strided batches of small products,
	// "bf16/small" for GemmHalf, "int8/square" for GemmInt8, whose GFLOPS
	// are then GOPS).
	Kernels map[Key]kernel.Kernel `json:"kernels"`
	GFLOPS  map[Key]float64       `json:"gflops,omitempty"` // by the keys of Kernels
	// CPUBelow holds the BLAS adapter's crossovers by element type (f32,
	// f64) and shape class, in flops: products of fewer run on the CPU path.
	// Never, which keeps a class on the CPU path, is written
	// 1.7976931348623157e+308.
	CPUBelow map[Key]float64 `json:"cpu_below,omitempty"`
}

// Never is the crossover of a class on which the device is never faster
// than the CPU path. It is finite so that JSON can hold it.
const Never = math.MaxFloat64

// Format is the format this release writes. Format 2 keyed float32
// kernels by class alone ("square"), GemmHalf's by "f16/square", crossovers
// by "float32/square", and spelled a kernel's element "precision" (empty for
// float32); format 1 held float32 kernels only. Load reads all three.
// GemmInt8's kernels ("int8/square") came later in format 3: a release
// from before them refuses a file that holds them, with its warning.
const (
	Format   = "vkgemm-tuning/3"
	formatV2 = "vkgemm-tuning/2"
	formatV1 = "vkgemm-tuning/1"
)

// New is an empty tuning of the device p.
func New(p *vk.Properties) *File {
	return &File{Format: Format, Device: p.Name, VendorID: p.VendorID, DeviceID: p.DeviceID, DriverVersion: p.DriverVersion,
		Created: time.Now().UTC(), Kernels: map[Key]kernel.Kernel{}, GFLOPS: map[Key]float64{}}
}

// Stem is the path stem of a device's cache files in dir: one per vendor,
// device and driver version, so a driver update starts afresh. Empty when
// dir is.
func Stem(dir string, p *vk.Properties) string {
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, fmt.Sprintf("%04x-%04x-%08x", p.VendorID, p.DeviceID, p.DriverVersion))
}

// Path is where the tuning of device p is kept in the cache directory dir
// ("" when dir is).
func Path(dir string, p *vk.Properties) string {
	if stem := Stem(dir, p); stem != "" {
		return stem + ".json"
	}
	return ""
}

// Load reads a tuning file and checks that it is well-formed, made for this
// device and driver, that every kernel fits the device and is in the place
// of its element type and class, and every crossover is an element type
// with a GEMM (f32 or f64), a shape class and a number of flops.
func Load(path string, p *vk.Properties) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var head struct {
		Format string `json:"format"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("%s is not a vkgemm tuning file: %v", path, err)
	}
	var t *File
	switch head.Format {
	case Format:
		t = new(File)
		err = json.Unmarshal(data, t)
	case formatV2, formatV1:
		t, err = loadV2(data)
	default:
		return nil, fmt.Errorf("%s has format %q, not %q", path, head.Format, Format)
	}
	if err != nil {
		return nil, fmt.Errorf("%s is not a vkgemm tuning file: %v", path, err)
	}
	if t.VendorID != p.VendorID || t.DeviceID != p.DeviceID || t.DriverVersion != p.DriverVersion {
		return nil, fmt.Errorf("%s was made for another device or driver (%s)", path, t.Device)
	}
	for key, k := range t.Kernels {
		if err := checkKernel(key, k, p); err != nil {
			return nil, fmt.Errorf("%s: %s: %v", path, key, err)
		}
	}
	for key, flops := range t.CPUBelow {
		if err := checkCrossover(key, flops); err != nil {
			return nil, fmt.Errorf("%s: crossover %s: %v", path, key, err)
		}
	}
	return t, nil
}

// checkKernel says why k cannot be the kernel of key on this device: an
// unknown element type or class, a kernel of another element type, or one
// that has no module or does not fit.
func checkKernel(key Key, k kernel.Kernel, p *vk.Properties) error {
	switch {
	case key.Element != shaders.F32 && !key.Element.Half() && key.Element != shaders.Int8:
		return fmt.Errorf("no tuned kernels of element type %q (f32, f16, bf16 or int8)", key.Element)
	case !key.Class.Valid():
		return fmt.Errorf("unknown shape class %q", key.Class)
	case key.Class == kernel.Batched && key.Element != shaders.F32:
		return fmt.Errorf("strided batches are tuned in f32 only")
	case k.Element != key.Element:
		return fmt.Errorf("kernel of element type %q in the place of %q", k.Element, key.Element)
	case key.Element == shaders.Int8 && k.Family != shaders.FamilyDirect:
		// The cooperative-matrix kernel is chosen at Open, after its
		// self-check; the tuner searches the direct module only.
		return fmt.Errorf("int8 kernel of the %q family: GemmInt8's tuned kernels are of the %q family", k.Family, shaders.FamilyDirect)
	}
	return k.Fits(p)
}

// CheckCrossover says why flops cannot be the crossover of key.
func checkCrossover(key Key, flops float64) error {
	switch {
	case key.Element != shaders.F32 && key.Element != shaders.F64:
		return fmt.Errorf("unknown element type %q (f32 or f64)", key.Element)
	case !key.Class.Valid() || key.Class == kernel.Batched:
		return fmt.Errorf("unknown shape class %q (classes: %v)", key.Class, kernel.Classes)
	case math.IsNaN(flops) || flops < 0:
		return fmt.Errorf("%g flops, not a number of flops >= 0", flops)
	}
	return nil
}

// loadV2 reads a file of format 1 or 2 into a File.
func loadV2(data []byte) (*File, error) {
	var v2 struct {
		File
		Kernels map[string]struct {
			kernel.Kernel
			Precision shaders.Element `json:"precision"`
		} `json:"kernels"`
		GFLOPS   map[string]float64 `json:"gflops"`
		CPUBelow map[string]float64 `json:"cpu_below"`
	}
	if err := json.Unmarshal(data, &v2); err != nil {
		return nil, err
	}
	t := v2.File
	t.Kernels, t.GFLOPS, t.CPUBelow = map[Key]kernel.Kernel{}, map[Key]float64{}, map[Key]float64{}
	for s, k := range v2.Kernels {
		key := v2Key(s)
		k.Element = k.Precision
		if k.Element == "" {
			k.Element = shaders.F32
		}
		t.Kernels[key] = k.Kernel
		if gf, ok := v2.GFLOPS[s]; ok {
			t.GFLOPS[key] = gf
		}
	}
	for s, flops := range v2.CPUBelow {
		pre, class, _ := strings.Cut(s, "/")
		e := map[string]shaders.Element{"float32": shaders.F32, "float64": shaders.F64}[pre]
		if e == "" {
			e = shaders.Element(pre) // refused by checkCrossover
		}
		t.CPUBelow[Key{e, kernel.Class(class)}] = flops
	}
	return &t, nil
}

// v2Key reads a key of format 2's kernels: "square" (float32) or
// "f16/square".
func v2Key(s string) Key {
	if e, c, ok := strings.Cut(s, "/"); ok {
		return Key{shaders.Element(e), kernel.Class(c)}
	}
	return Key{shaders.F32, kernel.Class(s)}
}

// Save writes t atomically (temporary file, then rename), so a crash never
// leaves half a file.
func Save(path string, t *File) error {
	data, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return err
	}
	return WriteAtomic(path, append(data, '\n'))
}

// WriteAtomic writes data to path through a temporary file and a rename.
func WriteAtomic(path string, data []byte) error {
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
