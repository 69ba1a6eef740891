package engine

import (
	"errors"
	"math/bits"

	"github.com/vkgemm/vkgemm/gpu/internal/vk"
)

// bufferPool keeps freed buffers for reuse, by kind and power-of-two size
// class, so a stream of products of similar size allocates nothing. It
// keeps at most maxPoolKept bytes, less on a device whose memory budget is
// small (see keepLimit).
type bufferPool struct {
	dev   *vk.Device
	noMap bool // storage buffers stay unmapped (Config.ForceStaging)
	free  map[poolKey][]*vk.Buffer
	kept  int64 // bytes held in free
	limit int64 // bytes kept at most; 0 until first computed
}

type poolKey struct {
	kind  vk.BufferKind
	class int // log2 of the size
}

const (
	minPooled   = 64 << 10  // smallest size class
	maxPoolKept = 512 << 20 // bytes of free buffers kept at most
	perClass    = 4         // free buffers kept per class at most
	// poolShare is the part of the device-local memory budget the pool may
	// keep idle: an eighth leaves the rest to the work itself.
	poolShare = 8
)

func sizeClass(size int64) int {
	if size < minPooled {
		size = minPooled
	}
	return bits.Len64(uint64(size - 1))
}

// get returns a buffer of at least size bytes. When the device is out of
// memory it frees the pooled buffers and tries again; a size no heap can
// hold is an error wrapping ErrTooLarge, which callers answer by splitting.
func (p *bufferPool) get(size int64, kind vk.BufferKind) (*vk.Buffer, error) {
	key := poolKey{kind, sizeClass(size)}
	if l := p.free[key]; len(l) > 0 {
		b := l[len(l)-1]
		p.free[key] = l[:len(l)-1]
		p.kept -= b.Size
		return b, nil
	}
	b, err := p.allocate(int64(1)<<key.class, kind)
	if err != nil {
		// The rounded-up size may not fit where the exact one does.
		b, err = p.allocate(size, kind)
	}
	return b, err
}

// allocate makes a new buffer, and on running out of memory frees what the
// pool keeps and tries once more.
func (p *bufferPool) allocate(size int64, kind vk.BufferKind) (*vk.Buffer, error) {
	b, err := p.dev.NewBuffer(size, kind, p.noMap)
	if err != nil && errors.Is(err, ErrOutOfMemory) && !errors.Is(err, ErrTooLarge) && p.kept > 0 {
		p.clear()
		b, err = p.dev.NewBuffer(size, kind, p.noMap)
	}
	return b, err
}

// put returns a buffer to the pool, or frees it when the pool is full.
func (p *bufferPool) put(b *vk.Buffer, kind vk.BufferKind) {
	if b == nil {
		return
	}
	class := sizeClass(b.Size)
	key := poolKey{kind, class}
	if int64(1)<<class != b.Size || len(p.free[key]) >= perClass || p.kept+b.Size > p.keepLimit() {
		b.Destroy()
		return
	}
	if p.free == nil {
		p.free = map[poolKey][]*vk.Buffer{}
	}
	p.free[key] = append(p.free[key], b)
	p.kept += b.Size
}

// keepLimit is how many bytes of free buffers the pool keeps: an eighth of
// the budget of the device's largest device-local heap, at most
// maxPoolKept.
func (p *bufferPool) keepLimit() int64 {
	if p.limit == 0 {
		heaps, _ := p.dev.MemoryBudget()
		p.limit = poolLimit(heaps)
	}
	return p.limit
}

func poolLimit(heaps []vk.HeapBudget) int64 {
	var largest uint64
	for _, h := range heaps {
		if h.DeviceLocal {
			largest = max(largest, h.Budget)
		}
	}
	return min(maxPoolKept, int64(largest/poolShare))
}

func (p *bufferPool) clear() {
	for _, l := range p.free {
		for _, b := range l {
			b.Destroy()
		}
	}
	p.free, p.kept = nil, 0
}
