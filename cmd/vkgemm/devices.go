package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/vkgemm/vkgemm/gpu"
	"github.com/vkgemm/vkgemm/gpu/tune"
	"github.com/vkgemm/vkgemm/internal/diag"
	"github.com/vkgemm/vkgemm/shaders"
)

type deviceFlags struct {
	device     string
	validation bool
	kernel     string
}

// config is the Config the flags ask for: the flags not given leave their
// fields to the environment.
func (f *deviceFlags) config() gpu.Config {
	c := gpu.Config{Device: f.device, Kernel: shaders.Family(f.kernel)}
	if f.validation {
		c.Validation = gpu.On
	}
	return c
}

func (f *deviceFlags) open() (*gpu.Device, error) { return gpu.Open(f.config()) }

// kernelText describes the kernel of square float32 products on d, and
// where it came from.
func kernelText(d *gpu.Device) string {
	ks, source := tune.Kernels(d)
	s := ks[tune.Key{Element: shaders.F32, Class: tune.Square}].String()
	if source != "" {
		s += " (tuned: " + source + ")"
	}
	return s
}

// prober is d's diagnostics.
func prober(d *gpu.Device) diag.Prober {
	p, err := diag.Of(d)
	if err != nil {
		panic(err) // d is an open *gpu.Device: package gpu registers it
	}
	return p
}

// classNames are the names of tune.Classes, as the -classes flags take them.
func classNames() []string {
	var out []string
	for _, c := range tune.Classes {
		out = append(out, string(c))
	}
	return out
}

// closeDevice closes d and adds what Close reports (with -validation, the
// layer's messages) to *err, so a command never drops it.
func closeDevice(d *gpu.Device, err *error) { *err = errors.Join(*err, d.Close()) }

// deviceJSON is one device in `devices -json`: snake_case names and enums
// as words, as in `bench -json`.
type deviceJSON struct {
	Index                 int        `json:"index"`
	Name                  string     `json:"name"`
	Vendor                string     `json:"vendor"`
	VendorID              uint32     `json:"vendor_id"`
	DeviceID              uint32     `json:"device_id"`
	Type                  string     `json:"type"` // cpu, discrete_gpu, integrated_gpu, virtual_gpu, other
	DriverName            string     `json:"driver_name,omitempty"`
	DriverInfo            string     `json:"driver_info,omitempty"`
	DriverVersion         string     `json:"driver_version"`
	APIVersion            string     `json:"api_version"`
	SubgroupSize          int        `json:"subgroup_size"`
	SharedMemoryBytes     int        `json:"shared_memory_bytes"`
	MaxInvocations        int        `json:"max_invocations"`
	MaxStorageBufferBytes int64      `json:"max_storage_buffer_bytes"`
	Heaps                 []heapJSON `json:"heaps"`
	TransferFamily        int        `json:"transfer_family"` // -1: uploads stay on the compute queue
	// MatrixShapes are the cooperative-matrix shapes the device lists
	// (gpu.DeviceInfo.MatrixShapes), [] where none.
	MatrixShapes []string `json:"matrix_shapes"`
	// Coopmat is GemmHalf's cooperative-matrix kernel on the device and
	// its self-check.
	Coopmat     coopmatJSON `json:"coopmat"`
	Supported   bool        `json:"supported"`
	Unsupported string      `json:"unsupported_because,omitempty"`
}

// coopmatJSON is what `devices -json` says of a device's cooperative-matrix
// kernels: GemmHalf's for F16 and GemmInt8's, each where the device lists
// its shape (f16×f16→f32, s8×s8→s32).
type coopmatJSON struct {
	// Check is "passed" (every kernel's self-check), "failed" (one or
	// more), "not_used" (no kernel to check: no shape that vkgemm's kernels
	// fit, VKGEMM_COOPMAT=0, an unsupported device) or "not_checked" (the
	// device did not open).
	Check  string `json:"check"`
	Detail string `json:"detail,omitempty"` // why it failed, was not used or not checked
	// Kernels are the kernels checked, F16's then int8's.
	Kernels []string `json:"kernels,omitempty"`
	// Used says whether GemmHalf's F16 and GemmInt8's products run on them
	// as configured now (VKGEMM_COOPMAT; by default on GPUs, not on CPU
	// drivers).
	Used bool `json:"used"`
}

// text is the COOPMAT CHECK column of `devices`: "passed (f16, int8)",
// "failed: why", "not used (why)", "not checked (why)".
func (c coopmatJSON) text() string {
	switch c.Check {
	case coopPassed:
		s := coopPassed
		if in := coopInputs(c.Kernels); in != "" {
			s += " (" + in + ")"
		}
		if !c.Used {
			s += "; not used by default on CPU drivers (VKGEMM_COOPMAT=1 uses it)"
		}
		return s
	case coopFailed:
		return "failed: " + c.Detail
	case coopNotUsed:
		return "not used (" + c.Detail + ")"
	}
	return "not checked (" + c.Detail + ")"
}

// coopInputs lists the element types of kernels ("f16, int8"), read from
// their descriptions' "f16 inputs".
func coopInputs(kernels []string) string {
	var in []string
	for _, k := range kernels {
		if rest, ok := strings.CutSuffix(k, " inputs"); ok {
			in = append(in, rest[strings.LastIndex(rest, " ")+1:])
		}
	}
	return strings.Join(in, ", ")
}

const (
	coopPassed     = "passed"
	coopFailed     = "failed"
	coopNotUsed    = "not_used"
	coopNotChecked = "not_checked"
)

// checkCoopmat opens d with cooperative matrices on (as VKGEMM_COOPMAT=1
// does, so that CPU drivers are checked too) and runs the self-checks of
// its cooperative-matrix kernels (GemmHalf's F16, GemmInt8's), unless the
// device lists no shapes, cannot be used, or the environment turns them
// off (env).
func checkCoopmat(d gpu.DeviceInfo, env gpu.Switch) coopmatJSON {
	switch {
	case !d.Supported:
		return coopmatJSON{Check: coopNotUsed, Detail: "the device is unsupported"}
	case len(d.MatrixShapes) == 0:
		return coopmatJSON{Check: coopNotUsed, Detail: "no matrix shapes"}
	case env == gpu.Off:
		return coopmatJSON{Check: coopNotUsed, Detail: "VKGEMM_COOPMAT=0"}
	}
	dev, err := gpu.Open(gpu.Config{Device: strconv.Itoa(d.Index), Coopmat: gpu.On, Cache: gpu.Off})
	if err != nil {
		return coopmatJSON{Check: coopNotChecked, Detail: oneLine(err)}
	}
	kernels, err := prober(dev).CoopmatCheck()
	err = errors.Join(err, dev.Close())
	switch {
	case kernels == "":
		// err is the device's own failure (lost, a validation message).
		if err != nil {
			return coopmatJSON{Check: coopNotChecked, Detail: oneLine(err)}
		}
		return coopmatJSON{Check: coopNotUsed, Detail: "no f16×f16→f32 or s8×s8→s32 shape that vkgemm's kernels fit"}
	case err != nil:
		return coopmatJSON{Check: coopFailed, Detail: oneLine(err), Kernels: strings.Split(kernels, "; ")}
	}
	return coopmatJSON{Check: coopPassed, Kernels: strings.Split(kernels, "; "), Used: env == gpu.On || d.Type != gpu.TypeCPU}
}

// oneLine is err's message on one line (errors.Join puts each on its own).
func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", "; ") }

type heapJSON struct {
	Bytes       uint64 `json:"bytes"`
	DeviceLocal bool   `json:"device_local"`
}

func newDeviceJSON(d gpu.DeviceInfo, coop coopmatJSON) deviceJSON {
	j := deviceJSON{
		Index: d.Index, Name: d.Name, Vendor: d.Vendor, VendorID: d.VendorID, DeviceID: d.DeviceID,
		Type:       strings.ReplaceAll(strings.ToLower(d.Type.String()), " ", "_"),
		DriverName: d.DriverName, DriverInfo: d.DriverInfo, DriverVersion: d.DriverVersion, APIVersion: d.APIVersion,
		SubgroupSize: d.SubgroupSize, SharedMemoryBytes: d.SharedMemory, MaxInvocations: d.MaxInvocations,
		MaxStorageBufferBytes: d.MaxStorageBufferRange, Heaps: []heapJSON{}, TransferFamily: d.TransferFamily,
		Supported: d.Supported, Unsupported: d.Why, MatrixShapes: append([]string{}, d.MatrixShapes...), Coopmat: coop,
	}
	for _, h := range d.Heaps {
		j.Heaps = append(j.Heaps, heapJSON{Bytes: h.Bytes, DeviceLocal: h.DeviceLocal})
	}
	return j
}

func runDevices(args []string, stdout, stderr io.Writer) error {
	fs, df := newCommandFlags("devices", "Lists the Vulkan devices, best first. With -device, only the one it picks, as other\n"+
		"commands and gpu.Open would (an error if it names none). MATRIX SHAPES are the cooperative-matrix\n"+
		"shapes (tensor cores) a device lists; where it lists any, the device is opened with cooperative\n"+
		"matrices on and the self-checks of its cooperative-matrix kernels (GemmHalf's F16, GemmInt8's) run:\n"+
		"COOPMAT CHECK says whether they passed (VKGEMM_COOPMAT=0 skips them).", stderr, chooseDevice)
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := parse(fs, args); err != nil {
		return err
	}
	devs, err := gpu.Devices()
	if err != nil {
		return err
	}
	if df.device != "" {
		if devs, err = chosen(devs, df.device); err != nil {
			return err
		}
	}
	// Only Coopmat is wanted of the environment; a value it cannot read is
	// left to gpu.Open to report.
	env, _ := gpu.ConfigFromEnv()
	coops := make([]coopmatJSON, len(devs))
	for i, d := range devs {
		coops[i] = checkCoopmat(d, env.Coopmat)
	}
	if *asJSON {
		out := make([]deviceJSON, len(devs))
		for i, d := range devs {
			out[i] = newDeviceJSON(d, coops[i])
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tNAME\tTYPE\tDRIVER\tAPI\tSUBGROUP\tSHARED\tINVOCATIONS\tMAX BINDING\tDEVICE MEMORY\tUPLOADS\tMATRIX SHAPES\tCOOPMAT CHECK")
	for i, d := range devs {
		driver := strings.TrimSpace(d.DriverName + " " + d.DriverInfo)
		if driver == "" {
			driver = d.DriverVersion
		}
		var mem uint64
		for _, h := range d.Heaps {
			if h.DeviceLocal {
				mem += h.Bytes
			}
		}
		name := d.Name
		if !d.Supported {
			name += " (unsupported: " + d.Why + ")"
		}
		uploads := "compute queue"
		if d.TransferFamily >= 0 {
			uploads = fmt.Sprintf("transfer family %d", d.TransferFamily)
		}
		shapes := strings.Join(d.MatrixShapes, ", ")
		if shapes == "" {
			shapes = "none"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\t%d KiB\t%d\t%d MiB\t%.1f GiB\t%s\t%s\t%s\n", d.Index, name, d.Type, driver, d.APIVersion,
			d.SubgroupSize, d.SharedMemory>>10, d.MaxInvocations, d.MaxStorageBufferRange>>20, float64(mem)/(1<<30), uploads,
			shapes, coops[i].text())
	}
	return tw.Flush()
}

// chosen keeps the device that sel picks. gpu.Open makes the choice, so
// that `devices -device` can never disagree with the other commands.
func chosen(devs []gpu.DeviceInfo, sel string) ([]gpu.DeviceInfo, error) {
	d, err := gpu.Open(gpu.Config{Device: sel, Cache: gpu.Off})
	if err != nil {
		return nil, err
	}
	index := d.Info().Index
	if err := d.Close(); err != nil {
		return nil, err
	}
	for _, info := range devs {
		if info.Index == index {
			return []gpu.DeviceInfo{info}, nil
		}
	}
	return nil, fmt.Errorf("%w: device %d is gone", gpu.ErrDeviceIndex, index)
}
