package vk

import (
	"fmt"

	vk "github.com/vulkan-go/vulkan"
)

// Device types, as Vulkan numbers them.
const (
	TypeOther         = int(vk.PhysicalDeviceTypeOther)
	TypeIntegrated    = int(vk.PhysicalDeviceTypeIntegratedGpu)
	TypeDiscrete      = int(vk.PhysicalDeviceTypeDiscreteGpu)
	TypeVirtual       = int(vk.PhysicalDeviceTypeVirtualGpu)
	TypeCPU           = int(vk.PhysicalDeviceTypeCpu)
	apiVersion1_2     = 1<<22 | 2<<12
	maxQueueFamilyIdx = ^uint32(0)
)

// Heap is one memory heap of a device.
type Heap struct {
	Size        uint64
	DeviceLocal bool
}

// MemoryType is one memory type of a device.
type MemoryType struct {
	Heap                                           int
	DeviceLocal, HostVisible, Coherent, HostCached bool
}

// Properties is what vkgemm needs to know of a physical device.
type Properties struct {
	Name                   string
	VendorID, DeviceID     uint32
	Type                   int
	APIVersion             uint32
	DriverVersion          uint32
	DriverID               uint32
	DriverName, DriverInfo string
	SubgroupSize           uint32
	// SubgroupBroadcast: compute shaders may use subgroupBroadcast
	// (VK_SUBGROUP_FEATURE_BALLOT_BIT in the compute stage).
	SubgroupBroadcast bool
	// TexelBuffers: storage buffers can also be read as uniform texel
	// buffers of R32G32B32A32_SFLOAT, at most MaxTexelElements texels, with
	// offsets aligned to TexelAlignment bytes.
	TexelBuffers bool
	// ShaderFloat64: shaders may use float64 (VkPhysicalDeviceFeatures
	// shaderFloat64); NewDevice enables it where present.
	ShaderFloat64         bool
	MaxTexelElements      uint32
	TexelAlignment        uint64
	MaxSharedMemory       uint32
	MaxInvocations        uint32
	MaxWorkGroupSize      [3]uint32
	MaxWorkGroupCount     [3]uint32
	MaxStorageBufferRange uint32
	MaxPushConstantsSize  uint32
	MaxAllocationSize     uint64
	StorageAlignment      uint64 // minStorageBufferOffsetAlignment
	TimestampPeriod       float32
	PipelineCacheUUID     [16]byte
	Heaps                 []Heap
	MemoryTypes           []MemoryType
	// ComputeQueueFamily is a queue family with compute, preferring one
	// without graphics; maxQueueFamilyIdx where there is none.
	ComputeQueueFamily uint32
	TimestampValidBits uint32
}

// PhysicalDevice is one device an instance can open.
type PhysicalDevice struct {
	h     vk.PhysicalDevice
	Props Properties
}

// PhysicalDevices lists the devices of the instance with their properties.
func (in *Instance) PhysicalDevices() ([]PhysicalDevice, error) {
	var n uint32
	if err := check(vk.EnumeratePhysicalDevices(in.h, &n, nil), "vkEnumeratePhysicalDevices"); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoDevice, err)
	}
	hs := make([]vk.PhysicalDevice, n)
	if n > 0 {
		if err := check(vk.EnumeratePhysicalDevices(in.h, &n, hs), "vkEnumeratePhysicalDevices"); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrNoDevice, err)
		}
	}
	out := make([]PhysicalDevice, 0, n)
	for _, h := range hs[:n] {
		out = append(out, PhysicalDevice{h: h, Props: in.properties(h)})
	}
	return out, nil
}

func (in *Instance) properties(h vk.PhysicalDevice) Properties {
	var p vk.PhysicalDeviceProperties
	vk.GetPhysicalDeviceProperties(h, &p)
	p.Deref()
	p.Limits.Deref()
	l := p.Limits
	props := Properties{
		Name:                  cstr(p.DeviceName[:]),
		VendorID:              p.VendorID,
		DeviceID:              p.DeviceID,
		Type:                  int(p.DeviceType),
		APIVersion:            p.ApiVersion,
		DriverVersion:         p.DriverVersion,
		MaxSharedMemory:       l.MaxComputeSharedMemorySize,
		MaxInvocations:        l.MaxComputeWorkGroupInvocations,
		MaxWorkGroupSize:      l.MaxComputeWorkGroupSize,
		MaxWorkGroupCount:     l.MaxComputeWorkGroupCount,
		MaxStorageBufferRange: l.MaxStorageBufferRange,
		MaxPushConstantsSize:  l.MaxPushConstantsSize,
		StorageAlignment:      uint64(l.MinStorageBufferOffsetAlignment),
		MaxTexelElements:      l.MaxTexelBufferElements,
		TexelAlignment:        uint64(l.MinTexelBufferOffsetAlignment),
		TimestampPeriod:       l.TimestampPeriod,
		PipelineCacheUUID:     p.PipelineCacheUUID,
		ComputeQueueFamily:    maxQueueFamilyIdx,
	}
	if props.APIVersion >= vk.MakeVersion(1, 1, 0) {
		// Driver properties are core only from 1.2.
		if p2, ok := getProperties2(getProc, in.h, h, props.APIVersion >= apiVersion1_2); ok {
			props.SubgroupSize = p2.SubgroupSize
			props.SubgroupBroadcast = p2.SubgroupBroadcast
			props.DriverID = p2.DriverID
			props.DriverName = p2.DriverName
			props.DriverInfo = p2.DriverInfo
			props.MaxAllocationSize = p2.MaxMemoryAllocationSize
		}
	}

	var feats vk.PhysicalDeviceFeatures
	vk.GetPhysicalDeviceFeatures(h, &feats)
	feats.Deref()
	props.ShaderFloat64 = feats.ShaderFloat64 == vk.True

	var fp vk.FormatProperties
	vk.GetPhysicalDeviceFormatProperties(h, vk.FormatR32g32b32a32Sfloat, &fp)
	fp.Deref()
	props.TexelBuffers = fp.BufferFeatures&vk.FormatFeatureFlags(vk.FormatFeatureUniformTexelBufferBit) != 0 && props.MaxTexelElements > 0

	var mp vk.PhysicalDeviceMemoryProperties
	vk.GetPhysicalDeviceMemoryProperties(h, &mp)
	mp.Deref()
	for i := range mp.MemoryHeapCount {
		hp := mp.MemoryHeaps[i]
		hp.Deref()
		props.Heaps = append(props.Heaps, Heap{Size: uint64(hp.Size), DeviceLocal: hp.Flags&vk.MemoryHeapFlags(vk.MemoryHeapDeviceLocalBit) != 0})
	}
	for i := range mp.MemoryTypeCount {
		t := mp.MemoryTypes[i]
		t.Deref()
		f := t.PropertyFlags
		props.MemoryTypes = append(props.MemoryTypes, MemoryType{
			Heap:        int(t.HeapIndex),
			DeviceLocal: f&vk.MemoryPropertyFlags(vk.MemoryPropertyDeviceLocalBit) != 0,
			HostVisible: f&vk.MemoryPropertyFlags(vk.MemoryPropertyHostVisibleBit) != 0,
			Coherent:    f&vk.MemoryPropertyFlags(vk.MemoryPropertyHostCoherentBit) != 0,
			HostCached:  f&vk.MemoryPropertyFlags(vk.MemoryPropertyHostCachedBit) != 0,
		})
	}

	for i, q := range queueFamilies(in.fns, h) {
		if q.flags&uint32(vk.QueueComputeBit) == 0 || q.count == 0 {
			continue
		}
		dedicated := q.flags&uint32(vk.QueueGraphicsBit) == 0
		if props.ComputeQueueFamily == maxQueueFamilyIdx || dedicated {
			props.ComputeQueueFamily = uint32(i)
			props.TimestampValidBits = q.timestampBits
		}
		if dedicated {
			break
		}
	}
	return props
}

// HasComputeQueue reports whether the device can run compute work at all.
func (p *Properties) HasComputeQueue() bool { return p.ComputeQueueFamily != maxQueueFamilyIdx }
