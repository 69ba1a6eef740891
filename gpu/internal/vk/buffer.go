package vk

import (
	"fmt"
	"unsafe"

	vk "github.com/vulkan-go/vulkan"
)

// Buffer is a storage buffer with its own memory. Mapped is non-nil when
// the memory is host-visible and was mapped (it stays mapped).
type Buffer struct {
	h      vk.Buffer
	mem    vk.DeviceMemory
	Size   int64
	Mapped []byte
	d      *Device
	views  map[int64]bufferView // texel views by offset; see view
}

// BufferKind says what a buffer is for.
type BufferKind int

const (
	// Storage buffers are bound to kernels; they are mapped where the
	// device-local memory is also host-visible (CPU drivers, integrated GPUs,
	// resizable BAR), unless noMap is set.
	Storage BufferKind = iota
	// Staging buffers are host-visible and used only for copies.
	Staging
)

// NewBuffer allocates a buffer of size bytes. With noMap a storage buffer
// is never mapped, as on a discrete GPU, so data must go through staging.
func (d *Device) NewBuffer(size int64, kind BufferKind, noMap bool) (*Buffer, error) {
	if size <= 0 {
		size = 4
	}
	if kind == Storage && d.phys.Props.TexelBuffers {
		size = (size + 15) &^ 15 // whole vec4 texels
	}
	usage := vk.BufferUsageTransferSrcBit | vk.BufferUsageTransferDstBit
	if kind == Storage {
		usage |= vk.BufferUsageStorageBufferBit
		if d.phys.Props.TexelBuffers {
			usage |= vk.BufferUsageUniformTexelBufferBit
		}
	}
	binfo := &vk.BufferCreateInfo{
		SType:       vk.StructureTypeBufferCreateInfo,
		Size:        vk.DeviceSize(size),
		Usage:       vk.BufferUsageFlags(usage),
		SharingMode: vk.SharingModeExclusive,
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
	ti, err := d.memoryType(req.MemoryTypeBits, kind)
	if err != nil {
		vk.DestroyBuffer(d.h, b.h, nil)
		return nil, err
	}
	mt := d.phys.Props.MemoryTypes[ti]
	if heap := d.phys.Props.Heaps[mt.Heap].Size; uint64(req.Size) > heap {
		vk.DestroyBuffer(d.h, b.h, nil)
		return nil, fmt.Errorf("%w: %d MiB requested, the memory heap holds %d MiB", ErrOutOfMemory, req.Size>>20, heap>>20)
	}
	if max := d.phys.Props.MaxAllocationSize; max > 0 && uint64(req.Size) > max {
		vk.DestroyBuffer(d.h, b.h, nil)
		return nil, fmt.Errorf("%w: %d MiB requested, the device allocates at most %d MiB at once", ErrOutOfMemory, req.Size>>20, max>>20)
	}
	ainfo := &vk.MemoryAllocateInfo{
		SType:           vk.StructureTypeMemoryAllocateInfo,
		AllocationSize:  req.Size,
		MemoryTypeIndex: uint32(ti),
	}
	var mem vk.DeviceMemory
	r = vk.AllocateMemory(d.h, ainfo, nil, &mem)
	b.mem = mem
	ainfo.Free()
	if err := d.check(r, "vkAllocateMemory"); err != nil {
		vk.DestroyBuffer(d.h, b.h, nil)
		return nil, err
	}
	if err := d.check(vk.BindBufferMemory(d.h, b.h, b.mem, 0), "vkBindBufferMemory"); err != nil {
		b.Destroy()
		return nil, err
	}
	if mt.HostVisible && mt.Coherent && !(kind == Storage && noMap) {
		var p unsafe.Pointer
		if err := d.check(vk.MapMemory(d.h, b.mem, 0, vk.DeviceSize(size), 0, &p), "vkMapMemory"); err != nil {
			b.Destroy()
			return nil, err
		}
		b.Mapped = unsafe.Slice((*byte)(p), size)
	}
	return b, nil
}

// memoryType picks a memory type: device-local for storage (host-visible
// too if there is such a type), host-visible and coherent for staging
// (cached if possible, since results are read back through it).
func (d *Device) memoryType(bits uint32, kind BufferKind) (int, error) {
	best, bestScore := -1, -1
	for i, t := range d.phys.Props.MemoryTypes {
		if bits&(1<<i) == 0 {
			continue
		}
		score := 0
		switch kind {
		case Storage:
			if t.DeviceLocal {
				score += 4
			}
			if t.HostVisible && t.Coherent {
				score++
			}
		case Staging:
			if !t.HostVisible || !t.Coherent {
				continue
			}
			if t.HostCached {
				score += 2
			}
			if !t.DeviceLocal {
				score++ // leave the scarce device-local host-visible memory alone
			}
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	if best < 0 {
		return 0, fmt.Errorf("%w: no memory type fits a buffer", ErrUnsupported)
	}
	return best, nil
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
}

// view returns the buffer from offset on as vec4 texels, made on first use
// and kept until the buffer is destroyed: a view per dispatch cost lavapipe
// several microseconds. It spans the rest of the buffer, not just the range
// bound: kernels index within their range anyway.
func (b *Buffer) view(offset int64) (bufferView, error) {
	if v, ok := b.views[offset]; ok {
		return v, nil
	}
	props := &b.d.phys.Props
	if a := int64(props.TexelAlignment); a > 1 && offset%a != 0 {
		return nil, fmt.Errorf("vkgemm: texel view at offset %d, not a multiple of the device's %d", offset, a)
	}
	// Whole texels, at most the device's maximum (bound ranges are within
	// it where kernels read texels: gpu checks that storage ranges are).
	size := min((b.Size-offset)&^15, 16*int64(props.MaxTexelElements))
	v, res := createView(b.d.inst.fns, b.d.h, Range{Buf: b, Offset: offset, Size: size})
	if err := b.d.check(res, "vkCreateBufferView"); err != nil {
		return nil, err
	}
	if b.views == nil {
		b.views = map[int64]bufferView{}
	}
	b.views[offset] = v
	return v, nil
}

// Range is a part of a buffer bound to a kernel.
type Range struct {
	Buf          *Buffer
	Offset, Size int64
}
