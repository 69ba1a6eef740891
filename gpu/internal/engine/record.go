package engine

import (
	"unsafe"

	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"github.com/vkgemm/vkgemm/shaders"
)

// pushConstants is the kernels' push-constant block.
type pushConstants struct {
	M, N, K          uint32
	LDA, LDB, LDC    uint32
	OffA, OffB, OffC uint32
	Alpha, Beta      float32
	// Elements between the products of a batch: workgroup layer z computes
	// the product at offsets Off + z*Stride.
	StrideA, StrideB, StrideC uint32
}

// The struct is exactly the shaders' block: these fail to compile otherwise.
var (
	_ [shaders.PushConstantsSize - unsafe.Sizeof(pushConstants{})]struct{}
	_ [unsafe.Sizeof(pushConstants{}) - shaders.PushConstantsSize]struct{}
)

func (pc *pushConstants) bytes() []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(pc)), unsafe.Sizeof(*pc))
}

// sliceK moves pc to the slice of the inner dimension that starts p0 and is
// depth long: offsets move along k in A and B as they are stored.
func (pc pushConstants) sliceK(p0, depth int, tA, tB bool) pushConstants {
	out := pc
	out.K = u32(depth)
	out.OffA, out.OffB = pc.OffA+u32(p0), pc.OffB+u32(p0)*pc.LDB
	if tA {
		out.OffA = pc.OffA + u32(p0)*pc.LDA
	}
	if tB {
		out.OffB = pc.OffB + u32(p0)
	}
	return out
}

// product is one product's dispatches over buffer ranges already filled.
type product struct {
	pipe   *vk.Pipeline
	ranges [3]vk.Range
	push   pushConstants
	groups [2]uint32
	layers uint32 // workgroups along z: products of a batch (0 counts as 1)
	kChunk int    // see recordProduct
	tA, tB bool
}

// transferOp is one buffer-to-buffer copy; a nil src writes zeros.
type transferOp struct {
	src, dst       *vk.Buffer
	srcOff, dstOff int64
	size           int64
}

// submission is what one batch does: copies in, a product, copies out.
// Every batch of every path (host slices, device matrices, uploads) is
// recorded by record from one of these.
type submission struct {
	in    []transferOp
	prod  *product // nil for copies only
	out   []transferOp
	timed bool // timestamps around the product
}

// record begins a batch and records s into it. It returns the timestamp
// indices around the kernels (-1 where none) and the number of dispatches.
func (d *Device) record(s *submission) (b *vk.Batch, t0, t1, n int, err error) {
	b, err = d.dev.Begin()
	if err != nil {
		return nil, -1, -1, 0, err
	}
	t0, t1 = -1, -1
	copies := func(ops []transferOp, in bool) error {
		for _, op := range ops {
			switch {
			case op.src == nil:
				b.Fill(op.dst, op.size)
			case in: // on the transfer queue where the device has one
				if err := b.CopyIn(op.src, op.dst, op.srcOff, op.dstOff, op.size); err != nil {
					return err
				}
			default:
				b.Copy(op.src, op.dst, op.srcOff, op.dstOff, op.size)
			}
		}
		if len(ops) > 0 {
			b.Barrier()
		}
		return nil
	}
	if err = copies(s.in, true); err != nil {
		b.Abandon()
		return nil, -1, -1, 0, err
	}
	if p := s.prod; p != nil {
		if s.timed {
			t0 = b.Timestamp()
		}
		if n, err = recordProduct(b, p); err != nil {
			b.Abandon()
			return nil, -1, -1, 0, err
		}
		if s.timed {
			t1 = b.Timestamp()
		}
		b.Barrier()
	}
	if err = copies(s.out, false); err != nil {
		b.Abandon()
		return nil, -1, -1, 0, err
	}
	return b, t0, t1, n, nil
}

// submit records s and launches it; the batch holds holds while it runs.
func (d *Device) submit(s *submission, holds ...*lease) (*flight, int, error) {
	b, t0, t1, n, err := d.record(s)
	if err != nil {
		return nil, 0, err
	}
	f, err := d.launch(b, t0, t1, holds...)
	return f, n, err
}

// recordProduct records the dispatches of one product. With kChunk > 0
// the inner dimension is cut into slices of that many, each added to C by
// its own dispatch (beta = 1 after the first): a CPU driver then streams
// slices of A and B that stay in its caches. Offsets move along k; they
// stay multiples of 4 because chunks are.
func recordProduct(b *vk.Batch, p *product) (dispatches int, err error) {
	k := int(p.push.K)
	if p.kChunk <= 0 || p.kChunk >= k {
		return 1, b.DispatchBatch(p.pipe, p.ranges, p.push.bytes(), p.groups[0], p.groups[1], max(1, p.layers))
	}
	for p0 := 0; p0 < k; p0 += p.kChunk {
		pc := p.push.sliceK(p0, min(p.kChunk, k-p0), p.tA, p.tB)
		if p0 > 0 {
			pc.Beta = 1
			b.Barrier() // the previous slice's C before this one adds to it
		}
		if err := b.DispatchBatch(p.pipe, p.ranges, pc.bytes(), p.groups[0], p.groups[1], max(1, p.layers)); err != nil {
			return dispatches, err
		}
		dispatches++
	}
	return dispatches, nil
}
