//go:build cgo && (linux || darwin || windows)

package vk

import (
	"fmt"
	"unsafe"

	vk "github.com/vulkan-go/vulkan"
)

// Buffer is a buffer with its own memory. Mapped is non-nil when the
// memory is mapped for the CPU (it stays mapped); see BufferKind for when.
type Buffer struct {
	h      vk.Buffer
	mem    vk.DeviceMemory
	Size   int64
	Mapped []byte
	// MemoryType is the index of the memory type the buffer lives in;
	// HostCached says the CPU reads its mapping through caches.
	MemoryType int
	HostCached bool
	Coherent   bool
	heap       int
	allocated  int64 // bytes of memory, as the device counts them
	d          *Device
	views      map[viewKey]bufferView // texel views by offset and format; see view
}

// NewBuffer allocates a buffer of size bytes for kind (see BufferKind).
// With noMap a kernel's buffer is never mapped, as on a discrete GPU, so data
// must go through Upload and Readback buffers. When a memory type is out of
// memory the next suitable one is tried; a buffer larger than any heap can
// hold returns an *AllocError (ErrTooLarge), and one that no type had room
// for an error wrapping ErrOutOfMemory.
func (d *Device) NewBuffer(size int64, kind BufferKind, noMap bool) (*Buffer, error) {
	if size <= 0 {
		size = 4
	}
	if noMap && kind.kernelBuffer() {
		kind = DeviceOnly
	}
	texels := d.phys.Props.TexelBuffers || d.phys.Props.UintTexelBuffers
	if kind.kernelBuffer() && texels {
		size = (size + 15) &^ 15 // whole 16-byte texels
	}
	usage := vk.BufferUsageTransferSrcBit | vk.BufferUsageTransferDstBit
	if kind.kernelBuffer() {
		usage |= vk.BufferUsageStorageBufferBit
		if texels {
			usage |= vk.BufferUsageUniformTexelBufferBit
		}
	}
	layout := d.phys.Props.Memory()
	// Too large for every heap: say so before the driver does, since some
	// (lavapipe) refuse such a buffer at creation as out of memory.
	if _, err := layout.Candidates(^uint32(0), kind, uint64(size), nil); err != nil {
		return nil, err
	}
	sharing, families := d.sharing()
	binfo := &vk.BufferCreateInfo{
		SType:                 vk.StructureTypeBufferCreateInfo,
		Size:                  vk.DeviceSize(size),
		Usage:                 vk.BufferUsageFlags(usage),
		SharingMode:           sharing,
		QueueFamilyIndexCount: uint32(len(families)),
		PQueueFamilyIndices:   families,
	}
	b := &Buffer{Size: size, d: d}
	var bh vk.Buffer
	r := vk.CreateBuffer(d.h, binfo, nil, &bh)
	b.h = bh
	binfo.Free()
	if err := d.check(r, "vkCreateBuffer"); err != nil {
		return nil, err
	}
	var req vk.MemoryRequirements
	vk.GetBufferMemoryRequirements(d.h, b.h, &req)
	req.Deref()
	cands, err := layout.Candidates(req.MemoryTypeBits, kind, uint64(req.Size), d.available())
	if err != nil {
		vk.DestroyBuffer(d.h, b.h, nil)
		return nil, err
	}
	ti, err := Allocate(cands, func(ti int) error {
		ainfo := &vk.MemoryAllocateInfo{
			SType:           vk.StructureTypeMemoryAllocateInfo,
			AllocationSize:  req.Size,
			MemoryTypeIndex: uint32(ti),
		}
		var mem vk.DeviceMemory
		if d.failAlloc > 0 {
			d.failAlloc--
			ainfo.Free()
			return d.check(vk.ErrorOutOfDeviceMemory, "vkAllocateMemory")
		}
		r := vk.AllocateMemory(d.h, ainfo, nil, &mem)
		ainfo.Free()
		b.mem = mem
		return d.check(r, "vkAllocateMemory")
	})
	if err != nil {
		vk.DestroyBuffer(d.h, b.h, nil)
		return nil, fmt.Errorf("allocating a %s %s buffer: %w", FormatBytes(size), kind, err)
	}
	mt := layout.Types[ti]
	b.MemoryType, b.heap = ti, mt.Heap
	b.allocated = int64(req.Size)
	d.track(b.heap, b.allocated)
	b.Size = size
	if err := d.check(vk.BindBufferMemory(d.h, b.h, b.mem, 0), "vkBindBufferMemory"); err != nil {
		b.Destroy()
		return nil, err
	}
	if layout.Mapped(ti, kind) {
		var p unsafe.Pointer
		if err := d.check(vk.MapMemory(d.h, b.mem, 0, vk.DeviceSize(size), 0, &p), "vkMapMemory"); err != nil {
			b.Destroy()
			return nil, err
		}
		b.Mapped = unsafe.Slice((*byte)(p), size)
		b.HostCached, b.Coherent = mt.HostCached, mt.Coherent
	}
	return b, nil
}

// Invalidate makes what the device wrote visible to the CPU's mapping; a
// no-op for coherent memory. Readers of Readback buffers call it after the
// fence of the copy.
func (b *Buffer) Invalidate() error {
	if b.Mapped == nil || b.Coherent {
		return nil
	}
	r := []vk.MappedMemoryRange{{SType: vk.StructureTypeMappedMemoryRange, Memory: b.mem, Size: vk.DeviceSize(vk.WholeSize)}}
	res := vk.InvalidateMappedMemoryRanges(b.d.h, 1, r)
	r[0].Free()
	return b.d.check(res, "vkInvalidateMappedMemoryRanges")
}

// Destroy frees the buffer and its memory.
func (b *Buffer) Destroy() {
	for _, v := range b.views {
		destroyView(b.d.inst.fns, b.d.h, v)
	}
	b.views = nil
	if b.Mapped != nil {
		vk.UnmapMemory(b.d.h, b.mem)
		b.Mapped = nil
	}
	vk.DestroyBuffer(b.d.h, b.h, nil)
	vk.FreeMemory(b.d.h, b.mem, nil)
	b.d.track(b.heap, -b.allocated)
}

type viewKey struct {
	offset int64
	format Texels
}

// view returns the buffer from offset on as 16-byte texels of the format,
// made on first use and kept until the buffer is destroyed: a view per
// dispatch cost lavapipe several microseconds. It spans the rest of the
// buffer, not just the range bound: kernels index within their range anyway.
func (b *Buffer) view(offset int64, format Texels) (bufferView, error) {
	key := viewKey{offset, format}
	if v, ok := b.views[key]; ok {
		return v, nil
	}
	props := &b.d.phys.Props
	if a := int64(props.TexelAlignment); a > 1 && offset%a != 0 {
		return nil, fmt.Errorf("vk: texel view at offset %d, not a multiple of the device's %d", offset, a)
	}
	// Whole texels, at most the device's maximum (bound ranges are within
	// it where kernels read texels: gpu checks that storage ranges are).
	size := min((b.Size-offset)&^15, 16*int64(props.MaxTexelElements))
	v, res := createView(b.d.inst.fns, b.d.h, Range{Buf: b, Offset: offset, Size: size}, format == UintTexels)
	if err := b.d.check(res, "vkCreateBufferView"); err != nil {
		return nil, err
	}
	if b.views == nil {
		b.views = map[viewKey]bufferView{}
	}
	b.views[key] = v
	return v, nil
}

// Range is a part of a buffer bound to a kernel.
type Range struct {
	Buf          *Buffer
	Offset, Size int64
}
