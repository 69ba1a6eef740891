//go:build js && wasm

package webgpu

import "syscall/js"

// maxPooled bounds the bytes of buffers the pool keeps: enough for the
// buffers of a 1024³ product (4 of 4 MiB) twice over.
const maxPooled = 32 << 20

// pooled is a buffer with what it was made for.
type pooled struct {
	buf         js.Value
	size, usage int
	created     bool // by this take, not from the pool
}

// pool keeps WebGPU buffers between products: creating them costs a round
// trip to the GPU process and a zero fill each time, which is most of the
// time of a small product. Go in the browser has one thread and take and
// give never wait, so it needs no lock.
type pool struct {
	free  []pooled
	bytes int
}

// take returns a free buffer of that size and usage, or a new one.
func (p *pool) take(device js.Value, label string, size, usage int) pooled {
	for i, b := range p.free {
		if b.size == size && b.usage == usage {
			p.free = append(p.free[:i], p.free[i+1:]...)
			p.bytes -= size
			b.created = false
			return b
		}
	}
	buf := device.Call("createBuffer", obj("label", label, "size", size, "usage", usage))
	return pooled{buf: buf, size: size, usage: usage, created: true}
}

// give keeps a buffer for later, dropping the oldest ones beyond maxPooled.
func (p *pool) give(b pooled) {
	p.free = append(p.free, b)
	p.bytes += b.size
	for p.bytes > maxPooled && len(p.free) > 0 {
		old := p.free[0]
		p.free = p.free[1:]
		p.bytes -= old.size
		old.buf.Call("destroy")
	}
}
