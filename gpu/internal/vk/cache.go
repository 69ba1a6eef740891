//go:build cgo && (linux || darwin || windows)

package vk

import (
	"unsafe"

	vk "github.com/vulkan-go/vulkan"
)

// CacheDataFits checks the header of pipeline-cache data (Vulkan spec,
// "Pipeline Cache"): header version one, and the vendor, device and cache
// UUID of this device. Data from another device or driver is not passed to
// the driver at all.
func CacheDataFits(p *Properties, data []byte) bool {
	if len(data) < 32 {
		return false
	}
	le := func(b []byte) uint32 { return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24 }
	return le(data[0:]) >= 32 && int(le(data[0:])) <= len(data) && le(data[4:]) == 1 &&
		le(data[8:]) == p.VendorID && le(data[12:]) == p.DeviceID && string(data[16:32]) == string(p.PipelineCacheUUID[:])
}

// PipelineCacheData returns the pipeline cache's contents, to be saved and
// passed to NewDevice next time.
func (d *Device) PipelineCacheData() ([]byte, error) {
	var n uint
	if err := d.check(vk.GetPipelineCacheData(d.h, d.cache, &n, nil), "vkGetPipelineCacheData"); err != nil || n == 0 {
		return nil, err
	}
	buf := make([]byte, n)
	r := vk.GetPipelineCacheData(d.h, d.cache, &n, unsafe.Pointer(&buf[0]))
	if r != vk.Success && r != vk.Incomplete {
		return nil, d.check(r, "vkGetPipelineCacheData")
	}
	return buf[:n], nil
}
