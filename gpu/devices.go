package gpu

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/vkgemm/vkgemm/gpu/internal/engine"
	"github.com/vkgemm/vkgemm/gpu/internal/vk"
)

// DeviceType is the kind of a Vulkan device.
type DeviceType int

// Device types, in the order Open prefers them (highest first).
const (
	TypeOther DeviceType = iota
	TypeCPU
	TypeVirtual
	TypeIntegrated
	TypeDiscrete
)

func (t DeviceType) String() string {
	switch t {
	case TypeCPU:
		return "CPU"
	case TypeVirtual:
		return "virtual GPU"
	case TypeIntegrated:
		return "integrated GPU"
	case TypeDiscrete:
		return "discrete GPU"
	}
	return "other"
}

func deviceType(vkType int) DeviceType {
	switch vkType {
	case vk.TypeCPU:
		return TypeCPU
	case vk.TypeVirtual:
		return TypeVirtual
	case vk.TypeIntegrated:
		return TypeIntegrated
	case vk.TypeDiscrete:
		return TypeDiscrete
	}
	return TypeOther
}

// Heap is one memory heap of a device.
type Heap struct {
	Bytes       uint64
	DeviceLocal bool
}

// DeviceInfo describes one Vulkan device.
type DeviceInfo struct {
	Index                 int // position in Devices, as Config.Device takes it
	Name                  string
	Vendor                string // "NVIDIA", "AMD", "Intel", "Mesa", ... or the vendor id in hex
	VendorID, DeviceID    uint32
	Type                  DeviceType
	DriverName            string // e.g. "llvmpipe", "NVIDIA"; empty below Vulkan 1.2
	DriverInfo            string // e.g. "Mesa 22.3.6 (LLVM 15.0.6)"
	DriverVersion         string
	APIVersion            string
	SubgroupSize          int
	SharedMemory          int   // bytes of shared memory per workgroup
	MaxInvocations        int   // invocations per workgroup
	MaxStorageBufferRange int64 // bytes one storage buffer binding may span
	Heaps                 []Heap
	// TransferFamily is the transfer-only queue family (a copy engine)
	// that staging uploads use by default (Config.TransferQueue "auto"),
	// or -1 where the device has none and uploads stay in the compute
	// submission (CPU drivers, most integrated GPUs).
	TransferFamily int
	// MatrixShapes are the cooperative-matrix shapes (tensor cores, matrix
	// units) the device lists at subgroup scope, such as "16x16x16
	// f16×f16→f32", where it has VK_KHR_cooperative_matrix and the features
	// vkgemm's kernels need; GemmHalf uses an f16×f16→f32 one, GemmInt8 an
	// s8×s8→s32 one (Config.Coopmat).
	MatrixShapes []string
	// Supported is false when vkgemm cannot use the device; Why says why.
	Supported bool
	Why       string

	phys vk.PhysicalDevice
}

// Devices lists the Vulkan devices of this machine, best first: discrete
// GPUs, then integrated, virtual and CPU devices. Devices vkgemm cannot use
// are listed with Supported false.
func Devices() ([]DeviceInfo, error) {
	in, err := engine.AcquireInstance(false)
	if err != nil {
		return nil, err
	}
	defer func() { _ = engine.ReleaseInstance(in) }() // no validation, so no messages
	pds, err := in.PhysicalDevices()
	if err != nil {
		return nil, err
	}
	return describe(pds), nil
}

func describe(pds []vk.PhysicalDevice) []DeviceInfo {
	infos := make([]DeviceInfo, len(pds))
	for i, pd := range pds {
		infos[i] = newDeviceInfo(pd.Props)
		infos[i].phys = pd
		infos[i].Index = i
	}
	sortDevices(infos)
	return infos
}

func sortDevices(infos []DeviceInfo) {
	sort.SliceStable(infos, func(i, j int) bool {
		a, b := infos[i], infos[j]
		if a.Supported != b.Supported {
			return a.Supported
		}
		return a.Type > b.Type
	})
	for i := range infos {
		infos[i].Index = i
	}
}

func newDeviceInfo(p vk.Properties) DeviceInfo {
	d := DeviceInfo{
		Name:                  p.Name,
		Vendor:                vendorName(p.VendorID),
		VendorID:              p.VendorID,
		DeviceID:              p.DeviceID,
		Type:                  deviceType(p.Type),
		DriverName:            p.DriverName,
		DriverInfo:            p.DriverInfo,
		DriverVersion:         driverVersion(p.VendorID, p.DriverVersion),
		APIVersion:            vk.Version(p.APIVersion),
		SubgroupSize:          int(p.SubgroupSize),
		SharedMemory:          int(p.MaxSharedMemory),
		MaxInvocations:        int(p.MaxInvocations),
		MaxStorageBufferRange: int64(p.MaxStorageBufferRange),
	}
	for _, h := range p.Heaps {
		d.Heaps = append(d.Heaps, Heap{Bytes: h.Size, DeviceLocal: h.DeviceLocal})
	}
	for _, m := range p.CoopMatrices {
		d.MatrixShapes = append(d.MatrixShapes, m.String())
	}
	d.TransferFamily = -1
	if f := vk.TransferFamily(p.QueueFamilies); f != vk.NoQueueFamily {
		d.TransferFamily = int(f)
	}
	d.Supported, d.Why = supported(p)
	return d
}

// supported says whether vkgemm can run on a device, and if not, why.
func supported(p vk.Properties) (bool, string) {
	switch {
	case p.APIVersion < 1<<22|1<<12:
		return false, fmt.Sprintf("Vulkan %s; vkgemm needs 1.1 or later (update the driver)", vk.Version(p.APIVersion))
	case !p.HasComputeQueue():
		return false, "no compute queue"
	case p.MaxInvocations < 64:
		return false, fmt.Sprintf("only %d invocations per workgroup; vkgemm needs 64", p.MaxInvocations)
	case p.MaxPushConstantsSize < 128:
		return false, "push constants smaller than Vulkan's minimum of 128 bytes"
	}
	return true, ""
}

func vendorName(id uint32) string {
	switch id {
	case 0x10de:
		return "NVIDIA"
	case 0x1002:
		return "AMD"
	case 0x8086:
		return "Intel"
	case 0x13b5:
		return "ARM"
	case 0x5143:
		return "Qualcomm"
	case 0x106b:
		return "Apple"
	case 0x1010:
		return "Imagination"
	case 0x10005:
		return "Mesa"
	case 0x1ae0:
		return "Google"
	}
	return fmt.Sprintf("0x%04x", id)
}

// driverVersion decodes the vendor-specific packing of the driver version.
func driverVersion(vendor, v uint32) string {
	if vendor == 0x10de { // NVIDIA: 10.8.8.6 bits
		return fmt.Sprintf("%d.%d.%d.%d", v>>22, (v>>14)&0xff, (v>>6)&0xff, v&0x3f)
	}
	return vk.Version(v)
}

// pick chooses a device from a sorted list: by index or by a case-blind
// name substring when sel is set, the first supported one otherwise.
func pick(infos []DeviceInfo, sel string) (DeviceInfo, error) {
	if len(infos) == 0 {
		return DeviceInfo{}, fmt.Errorf("%w: the Vulkan loader found no device (for a CPU driver: `apt-get install mesa-vulkan-drivers`; check VK_DRIVER_FILES / VK_ICD_FILENAMES)", ErrNoDevice)
	}
	var chosen *DeviceInfo
	switch {
	case sel == "":
		for i := range infos {
			if infos[i].Supported {
				chosen = &infos[i]
				break
			}
		}
		if chosen == nil {
			return DeviceInfo{}, fmt.Errorf("%w: %d device(s), none usable: %s: %s", ErrUnsupported, len(infos), infos[0].Name, infos[0].Why)
		}
	default:
		if idx, err := strconv.Atoi(sel); err == nil {
			if idx < 0 || idx >= len(infos) {
				return DeviceInfo{}, fmt.Errorf("%w: device %d asked for, there are %d (0 to %d; `vkgemm devices` lists them)", ErrDeviceIndex, idx, len(infos), len(infos)-1)
			}
			chosen = &infos[idx]
		} else {
			for i := range infos {
				if strings.Contains(strings.ToLower(infos[i].Name), strings.ToLower(sel)) {
					chosen = &infos[i]
					break
				}
			}
			if chosen == nil {
				names := make([]string, len(infos))
				for i, d := range infos {
					names[i] = fmt.Sprintf("%d: %s", i, d.Name)
				}
				return DeviceInfo{}, fmt.Errorf("%w: no device name contains %q (devices: %s)", ErrDeviceIndex, sel, strings.Join(names, "; "))
			}
		}
		if !chosen.Supported {
			return DeviceInfo{}, fmt.Errorf("%w: %s: %s", ErrUnsupported, chosen.Name, chosen.Why)
		}
	}
	return *chosen, nil
}
