package engine

import (
	"fmt"
	"iter"
	"unsafe"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gpu/internal/kernel"
	"github.com/vkgemm/vkgemm/gpu/internal/vk"
)

// problem is one host-memory GEMM with its arguments already checked.
type problem struct {
	tA, tB      bool
	m, n, k     int
	alpha, beta float32
	a, b, c     []float32
	ah, bh      []uint16 // A and B in half precision, instead of a and b
	a8, b8      []int8   // A and B in int8, instead of a and b; c then holds int32s
	lda, ldb    int
	ldc         int
	timed       bool // record timestamps around the kernels
	// words is the 4-byte words per element: 0 or 1 for float32, 2 for
	// float64, whose matrices a, b and c then view as pairs of words
	// (Dgemm), and whose kernels take alpha64 and beta64 (alpha and
	// beta only say which are zero).
	words           int
	alpha64, beta64 float64
	// A strided batch: batch products (0 or 1 for one), product g at
	// a[g*sA:], b[g*sB:], c[g*sC:].
	batch      int
	sA, sB, sC int
}

// wordsPerElement is p.words, 1 where unset.
func (p *problem) wordsPerElement() int { return max(1, p.words) }

// item is product g of a batch as a problem of its own.
func (p *problem) item(g int) *problem {
	if g == 0 {
		return p
	}
	q := *p
	w := p.wordsPerElement()
	q.c = p.c[g*p.sC*w:]
	if p.ah != nil {
		q.ah, q.bh = p.ah[g*p.sA:], p.bh[g*p.sB:]
	} else {
		q.a, q.b = p.a[g*p.sA*w:], p.b[g*p.sB*w:]
	}
	return &q
}

// packing is how p's blocks of A and B are padded: leading dimensions to a
// multiple of ld, and the inner dimension, where it runs along the stored
// rows, to a multiple of k with rows of zeros. Half-precision blocks are
// padded to 8 both ways, so a texel of eight halves starts every row and
// the kernels that read 8 values of k a step need no clipping
// (shaders/half8.comp.tmpl); float32 and float64 ones to 4 and 1.
func (p *problem) packing() (ld, k int) {
	if p.a8 != nil {
		return 16, 1 // int8 rows in whole uvec4s; the kernel reads k by words of zero-padded rows
	}
	if p.ah != nil {
		return 8, 8
	}
	return 4, 1
}

// layout is how p's packed blocks hold A and B: as they are stored, but
// for int8, whose blocks hold op(A) by rows and op(B) by columns (k
// contiguous in both, as the int8 kernel reads them).
func (p *problem) layout() (tA, tB bool) {
	if p.a8 != nil {
		return false, true
	}
	return p.tA, p.tB
}

// products is the number of products in p: 1 without a batch.
func (p *problem) products() int { return max(1, p.batch) }

// plan is how a host-slice product runs: the block sizes, the bytes of a
// packed block of A, B and C, and the blocks in the order they are
// submitted. It knows the element only by its size, so another precision
// plugs in with its own pack functions; a batch dimension adds one more
// loop around blocks.
type plan struct {
	p          *problem
	elem       int64 // bytes per element of A and B
	celem      int64 // bytes per element of C: float32, or float64 for Dgemm
	mb, nb, kb int
	bytes      [3]int64 // of a packed block of A, B and C
	bm, bn     int      // the kernel's output block per workgroup
	kChunk     uint32   // the kernel's slices of k per dispatch
	nz         int      // products of a batch per block, one layer of workgroups each
	item       [3]int64 // bytes of one product's packed A, B and C in a block
}

// makePlan chooses block sizes so that every packed block fits in one
// binding (limit bytes), the grid of workgroups in the device's maximum
// (maxGroups), and the work of one submission in work FLOP.
func makePlan(p *problem, kern kernel.Kernel, limit int64, maxGroups [3]uint32, work float64) (*plan, error) {
	pl := &plan{p: p, elem: 4 * int64(p.wordsPerElement()), celem: 4 * int64(p.wordsPerElement())}
	if p.ah != nil { // half inputs, float32 C
		pl.elem = 2
	}
	if p.a8 != nil { // int8 inputs, int32 C
		pl.elem = 1
	}
	pl.bm, pl.bn = kern.Block()
	pl.kChunk = kern.KChunk
	maxRows, maxCols := int(maxGroups[1])*pl.bm, int(maxGroups[0])*pl.bn
	ldAlign, kAlign := p.packing()
	mb, nb, kb, err := split(pl.elem, pl.celem, p, limit, maxRows, maxCols)
	if err != nil {
		return nil, err
	}
	pl.mb, pl.nb, pl.kb = capBlock(mb, nb, kb, work)
	if p.products() == 1 && pl.mb == p.m && pl.nb == p.n && pl.kb == p.k && gemm.Flops(p.m, p.n, p.k) >= pipelineMinWork && p.k >= pipelineSlices*pipelineMinK {
		pl.kb = padTo(ceilDiv(p.k, pipelineSlices), max(4, kAlign))
	}
	tA, tB := p.layout()
	a, b, c := blockBytes(pl.elem, pl.celem, tA, tB, pl.mb, pl.nb, pl.kb, ldAlign, kAlign)
	pl.item = [3]int64{a, b, c}
	pl.nz = layers(p.products(), maxGroups[2], limit/max(a, b, c, 1), work/gemm.Flops(pl.mb, pl.nb, pl.kb))
	n := int64(pl.nz)
	pl.bytes = [3]int64{n * a, n * b, n * c}
	return pl, nil
}

// layers is how many products of a batch of count one dispatch computes:
// as many as the grid's z dimension (maxZ), one binding (fit blocks) and one
// submission's work (work blocks) allow, at least one.
func layers(count int, maxZ uint32, fit int64, work float64) int {
	n := min(int64(count), int64(maxZ), fit)
	if work < float64(n) {
		n = int64(work)
	}
	return int(max(n, 1))
}

// A product that is one block but has enough work is cut into
// pipelineSlices slices of k, so that packing the next slice overlaps
// computing this one; below pipelineMinWork FLOP one submission costs less
// than the pipeline, and slices shorter than pipelineMinK would slow kernels.
const (
	pipelineSlices  = 4
	pipelineMinWork = 1e9
	pipelineMinK    = 256
)

// block is one submission of a plan: rows i0.., columns j0.. of C and the
// slice p0.. of the inner dimension, in products z0..z0+nz-1 of a batch.
// Blocks of one tile of C follow each other; first and last mark its first
// and last slice of k.
type block struct {
	step, tile         int
	z0, nz             int
	i0, rows, j0, cols int
	p0, depth          int
	first, last        bool
}

// steps is the number of blocks.
func (pl *plan) steps() int {
	return ceilDiv(pl.p.products(), pl.nz) * ceilDiv(pl.p.m, pl.mb) * ceilDiv(pl.p.n, pl.nb) * ceilDiv(pl.p.k, pl.kb)
}

// blocks yields the blocks in submission order.
func (pl *plan) blocks() iter.Seq[block] {
	p := pl.p
	return func(yield func(block) bool) {
		step, tile := 0, 0
		for z0 := 0; z0 < p.products(); z0 += pl.nz {
			for i0 := 0; i0 < p.m; i0 += pl.mb {
				for j0 := 0; j0 < p.n; j0 += pl.nb {
					for p0 := 0; p0 < p.k; p0 += pl.kb {
						depth := min(pl.kb, p.k-p0)
						b := block{step: step, tile: tile, z0: z0, nz: min(pl.nz, p.products()-z0),
							i0: i0, rows: min(pl.mb, p.m-i0), j0: j0, cols: min(pl.nb, p.n-j0),
							p0: p0, depth: depth, first: p0 == 0, last: p0+depth >= p.k}
						if !yield(b) {
							return
						}
						step++
					}
					tile++
				}
			}
		}
	}
}

// pad4 rounds up to a multiple of 4: kernels may read rows as vec4.
func pad4(x int) int { return (x + 3) &^ 3 }

// padTo rounds x up to a multiple of align, a power of two.
func padTo(x, align int) int { return (x + align - 1) &^ (align - 1) }

// blockBytes are the sizes of the packed blocks of A, B (elem bytes an
// element) and C (celem bytes) for an mb×nb×kb block of the problem: rows
// of A and B padded to a multiple of ldAlign and, where k runs along the
// stored rows, kb to a multiple of kAlign (problem.packing); rows of C to
// a multiple of 4.
func blockBytes(elem, celem int64, tA, tB bool, mb, nb, kb, ldAlign, kAlign int) (a, b, c int64) {
	rowsA, colsA := mb, kb
	if tA {
		rowsA, colsA = padTo(kb, kAlign), mb
	}
	rowsB, colsB := padTo(kb, kAlign), nb
	if tB {
		rowsB, colsB = nb, kb
	}
	return elem * int64(rowsA) * int64(padTo(colsA, ldAlign)), elem * int64(rowsB) * int64(padTo(colsB, ldAlign)), celem * int64(mb) * int64(pad4(nb))
}

// split chooses block sizes so that every packed block fits in limit bytes
// and the grid of workgroups in the device's maximum: the whole problem
// when it fits, else halves of the dimension that matters most.
func split(elem, celem int64, p *problem, limit int64, maxRows, maxCols int) (mb, nb, kb int, err error) {
	m, n, k := p.m, p.n, p.k
	ldAlign, kAlign := p.packing()
	mb, nb, kb = min(m, maxRows), min(n, maxCols), k
	half := func(x *int) bool {
		if *x <= 1 {
			return false
		}
		*x = (*x + 1) / 2
		return true
	}
	for {
		tA, tB := p.layout()
		a, b, c := blockBytes(elem, celem, tA, tB, mb, nb, kb, ldAlign, kAlign)
		ok := true
		switch {
		case c > limit:
			ok = half(larger(&mb, &nb))
		case a > limit:
			ok = half(larger(&mb, &kb))
		case b > limit:
			ok = half(larger(&kb, &nb))
		default:
			return mb, nb, kb, nil
		}
		if !ok {
			return 0, 0, 0, fmt.Errorf("gpu: %w: no block of the %dx%dx%d problem fits the %d-byte storage buffer limit", ErrTooLarge, m, n, k, limit)
		}
	}
}

func larger(x, y *int) *int {
	if *x >= *y {
		return x
	}
	return y
}

// blockBufs is one set of buffers for a block: A, B and C on the device
// and, where they are not mapped, staging memory: one buffer that A, B and
// C go up through (packed one after the other) and one that C comes back
// through, as a GPU allocator wants write-combined memory for the one and
// cached memory for the other. A host-slice product cycles through
// Device.depth of them, so the host packs one while the device computes
// another.
type blockBufs struct {
	a, b, c  *lease
	up, down *lease       // staging, nil where A, B and C are mapped
	in       [3][]float32 // where A, B and C are packed on the host
	out      []float32    // where C is read back on the host
	upOff    [3]int64     // of A, B and C in up
}

// newBlockBufs leases one set of buffers for pl's blocks.
func (d *Device) newBlockBufs(pl *plan) (*blockBufs, error) {
	s := &blockBufs{}
	fail := func(what string, size int64, err error) (*blockBufs, error) {
		d.dropBlockBufs(s)
		return nil, fmt.Errorf("gpu: allocating %s %s for a %dx%dx%d block: %w", vk.FormatBytes(size), what, pl.mb, pl.nb, pl.kb, err)
	}
	var err error
	for i, l := range []**lease{&s.a, &s.b, &s.c} {
		if *l, err = d.lease(pl.bytes[i], vk.Storage); err != nil {
			return fail("of device memory", pl.bytes[i], err)
		}
	}
	if s.a.buf.Mapped != nil && s.b.buf.Mapped != nil && s.c.buf.Mapped != nil {
		for i, l := range []*lease{s.a, s.b, s.c} {
			s.in[i] = floats(l.buf, 0, pl.bytes[i])
		}
		s.out = s.in[2]
		return s, nil
	}
	total := pl.bytes[0] + pl.bytes[1] + pl.bytes[2]
	if s.up, err = d.lease(total, vk.Upload); err != nil {
		return fail("of staging memory", total, err)
	}
	if s.down, err = d.lease(pl.bytes[2], vk.Readback); err != nil {
		return fail("of readback memory", pl.bytes[2], err)
	}
	s.upOff = [3]int64{0, pl.bytes[0], pl.bytes[0] + pl.bytes[1]}
	for i := range s.in {
		s.in[i] = floats(s.up.buf, s.upOff[i], pl.bytes[i])
	}
	s.out = floats(s.down.buf, 0, pl.bytes[2])
	return s, nil
}

// result returns C as the device left it, once the block's fence has
// signalled: readback memory need not be coherent.
func (s *blockBufs) result() ([]float32, error) {
	if s.down != nil {
		if err := s.down.buf.Invalidate(); err != nil {
			return nil, err
		}
	}
	return s.out, nil
}

// dropBlockBufs lets go of the buffers; batches still using them keep
// them until they end.
func (d *Device) dropBlockBufs(s *blockBufs) {
	if s == nil {
		return
	}
	for _, l := range []*lease{s.a, s.b, s.c, s.up, s.down} {
		d.drop(l)
	}
}

// floats views size bytes of a mapped buffer from off as float32s.
func floats(b *vk.Buffer, off, size int64) []float32 {
	if b.Mapped == nil || size == 0 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&b.Mapped[off])), size/4)
}
