package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/vkgemm/vkgemm/gpu"
)

type deviceFlags struct {
	device     string
	validation bool
	kernel     string
}

func (f *deviceFlags) open() (*gpu.Device, error) {
	return gpu.Open(gpu.Config{Device: f.device, Validation: f.validation, Kernel: f.kernel})
}

// closeDevice closes d and adds what Close reports (with -validation, the
// layer's messages) to *err, so a command never drops it.
func closeDevice(d *gpu.Device, err *error) { *err = errors.Join(*err, d.Close()) }

func runDevices(args []string, stdout, stderr io.Writer) error {
	fs, _ := newFlags("devices", "Lists the Vulkan devices, best first; -device takes the index or a name substring.", stderr)
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := parse(fs, args); err != nil {
		return err
	}
	devs, err := gpu.Devices()
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(devs)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tNAME\tTYPE\tDRIVER\tAPI\tSUBGROUP\tSHARED\tINVOCATIONS\tMAX BINDING\tDEVICE MEMORY")
	for _, d := range devs {
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
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\t%d KiB\t%d\t%d MiB\t%.1f GiB\n", d.Index, name, d.Type, driver, d.APIVersion,
			d.SubgroupSize, d.SharedMemory>>10, d.MaxInvocations, d.MaxStorageBufferRange>>20, float64(mem)/(1<<30))
	}
	return tw.Flush()
}
