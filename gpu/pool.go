package gpu

import (
	"math/bits"

	"github.com/vkgemm/vkgemm/gpu/internal/vk"
)

// bufferPool keeps freed buffers for reuse, by kind and power-of-two size
// class, so a stream of products of similar size allocates nothing.
type bufferPool struct {
	dev   *vk.Device
	noMap bool // storage buffers stay unmapped (Config.ForceStaging)
	free  map[poolKey][]*vk.Buffer
	kept  int64 // bytes held in free
}

type poolKey struct {
	kind  vk.BufferKind
	class int // log2 of the size
}

const (
	minPooled   = 64 << 10  // smallest size class
	maxPoolKept = 512 << 20 // bytes of free buffers kept at most
	perClass    = 4         // free buffers kept per class at most
)

func sizeClass(size int64) int {
	if size < minPooled {
		size = minPooled
	}
	return bits.Len64(uint64(size - 1))
}

// get returns a buffer of at least size bytes.
func (p *bufferPool) get(size int64, kind vk.BufferKind) (*vk.Buffer, error) {
	key := poolKey{kind, sizeClass(size)}
	if l := p.free[key]; len(l) > 0 {
		b := l[len(l)-1]
		p.free[key] = l[:len(l)-1]
		p.kept -= b.Size
		return b, nil
	}
	b, err := p.dev.NewBuffer(int64(1)<<key.class, kind, p.noMap)
	if err != nil {
		// The rounded-up size may not fit where the exact one does.
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
	if int64(1)<<class != b.Size || len(p.free[key]) >= perClass || p.kept+b.Size > maxPoolKept {
		b.Destroy()
		return
	}
	if p.free == nil {
		p.free = map[poolKey][]*vk.Buffer{}
	}
	p.free[key] = append(p.free[key], b)
	p.kept += b.Size
}

func (p *bufferPool) clear() {
	for _, l := range p.free {
		for _, b := range l {
			b.Destroy()
		}
	}
	p.free, p.kept = nil, 0
}
