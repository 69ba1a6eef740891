//go:build cgo && (linux || darwin || windows)

package vk

import (
	"errors"
	"fmt"

	vk "github.com/vulkan-go/vulkan"
)

// PhysicalDevice is one device an instance can open.
type PhysicalDevice struct {
	h     vk.PhysicalDevice
	Props Properties
}

// extensions lists the device extensions the device offers.
func (pd PhysicalDevice) extensions(in *Instance) []string {
	return deviceExtensions(getProc, in.h, pd.h)
}

// PhysicalDevices lists the devices of the instance with their properties.
func (in *Instance) PhysicalDevices() ([]PhysicalDevice, error) {
	var n uint32
	if r := vk.EnumeratePhysicalDevices(in.h, &n, nil); r != vk.Success {
		return nil, enumerateError(r)
	}
	hs := make([]vk.PhysicalDevice, n)
	if n > 0 {
		if r := vk.EnumeratePhysicalDevices(in.h, &n, hs); r != vk.Success && r != vk.Incomplete {
			return nil, enumerateError(r)
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
		offered := deviceExtensions(getProc, in.h, h)
		props.CoopMatrices = coopMatrices(in, h, offered)
		props.IntegerDot, props.IntegerDotFast = integerDot(in, h, offered)
	}

	var feats vk.PhysicalDeviceFeatures
	vk.GetPhysicalDeviceFeatures(h, &feats)
	feats.Deref()
	props.ShaderFloat64 = feats.ShaderFloat64 == vk.True

	var fp vk.FormatProperties
	vk.GetPhysicalDeviceFormatProperties(h, vk.FormatR32g32b32a32Sfloat, &fp)
	fp.Deref()
	props.TexelBuffers = fp.BufferFeatures&vk.FormatFeatureFlags(vk.FormatFeatureUniformTexelBufferBit) != 0 && props.MaxTexelElements > 0
	vk.GetPhysicalDeviceFormatProperties(h, vk.FormatR32g32b32a32Uint, &fp)
	fp.Deref()
	props.UintTexelBuffers = fp.BufferFeatures&vk.FormatFeatureFlags(vk.FormatFeatureUniformTexelBufferBit) != 0 && props.MaxTexelElements > 0

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
		props.MemoryTypes = append(props.MemoryTypes, MemoryTypeFromFlags(int(t.HeapIndex), uint32(t.PropertyFlags)))
	}

	for _, q := range queueFamilies(in.fns, h) {
		props.QueueFamilies = append(props.QueueFamilies, QueueFamily{Flags: q.flags, Count: q.count, TimestampBits: q.timestampBits})
	}
	props.ComputeQueueFamily = ComputeFamily(props.QueueFamilies)
	if props.HasComputeQueue() {
		props.TimestampValidBits = props.QueueFamilies[props.ComputeQueueFamily].TimestampBits
	}
	return props
}

func enumerateError(r vk.Result) error {
	err := driverError(r, check(r, "vkEnumeratePhysicalDevices"))
	if !errors.Is(err, ErrNoDevice) {
		err = fmt.Errorf("%w: %w", ErrNoDevice, err)
	}
	return err
}
