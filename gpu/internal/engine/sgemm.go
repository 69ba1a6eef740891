package engine

import (
	"time"
	"unsafe"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gpu/internal/kernel"
	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"github.com/vkgemm/vkgemm/internal/diag"
	"github.com/vkgemm/vkgemm/shaders"
)

// Timing is how long one GEMM took.
type Timing struct {
	GPU, Wall  time.Duration // kernels (from timestamps; zero without), whole call
	Dispatches int
}

// Sgemm computes C = alpha*op(A)*op(B) + beta*C on the device with gonum's
// argument convention (row-major; see package gemm). Bad arguments return
// an error wrapping ErrBadArgument and leave C alone. A problem larger than
// one storage-buffer binding allows is split into blocks.
func (d *Device) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) error {
	_, err := d.sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, false)
	return err
}

// SgemmTimed is Sgemm with timestamps around the kernels: it returns their
// time (see diag.Prober).
func (d *Device) SgemmTimed(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) (time.Duration, error) {
	t, err := d.sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, true)
	return t.GPU, err
}

var _ diag.Prober = (*Device)(nil)

// KernelTime runs call with timestamps around the kernels of every product
// run on d meanwhile and returns their total time (diag.Prober).
func (d *Device) KernelTime(call func() error) (time.Duration, error) {
	if err := d.lock(); err != nil {
		return 0, err
	}
	d.timing, d.timedGPU = true, 0
	d.mu.Unlock()
	err := call()
	d.mu.Lock()
	t := d.timedGPU
	d.timing, d.timedGPU = false, 0
	d.mu.Unlock()
	return t, err
}

func (d *Device) sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int, timed bool) (Timing, error) {
	start := time.Now()
	if err := gemm.CheckArgs(tA, tB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc); err != nil {
		return Timing{}, err
	}
	if err := d.lock(); err != nil {
		return Timing{}, err
	}
	defer d.mu.Unlock()
	if noProduct(m, n, k, alpha, beta, c, ldc) {
		return Timing{Wall: time.Since(start)}, nil
	}
	p := problem{tA: gemm.Transposed(tA), tB: gemm.Transposed(tB), m: m, n: n, k: k, alpha: alpha, beta: beta,
		a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, timed: timed}
	t, err := d.run(&p, d.kernelFor(shaders.F32, m, n, k, 1))
	t.Wall = time.Since(start)
	return t, d.finish(err)
}

// noProduct does the calls that need no device: none when C is empty, and
// C = beta*C, exactly, when alpha or k is zero. It reports whether it did.
func noProduct[T float32 | float64](m, n, k int, alpha, beta T, c []T, ldc int) bool {
	if m == 0 || n == 0 {
		return true
	}
	if alpha == 0 || k == 0 {
		scaleC(m, n, beta, c, ldc)
		return true
	}
	return false
}

func scaleC[T float32 | float64](m, n int, beta T, c []T, ldc int) {
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// run multiplies p block by block with kern. Blocks go through a ring
// of d.depth slots: while the device computes one block the host packs the
// next and unpacks the C of one that has finished. The caller holds d.mu.
func (d *Device) run(p *problem, kern kernel.Kernel) (Timing, error) {
	var t Timing
	if d.timing {
		p.timed = true
		defer func() { d.timedGPU += t.GPU }()
	}
	pl, err := makePlan(p, kern, d.maxBind, d.props.MaxWorkGroupCount, d.submissionWork())
	if err != nil {
		return t, err
	}
	tA, tB := p.layout() // int8's blocks are laid out by k whatever the transposes: one pipeline
	pipe, err := d.pipeline(kern, tA, tB)
	if err != nil {
		return t, err
	}
	depth := max(1, min(d.depth, pl.steps()))
	slots := make([]*blockBufs, depth)
	defer func() {
		for _, s := range slots {
			d.dropBlockBufs(s)
		}
	}()
	type queued struct {
		f   *flight
		blk block
	}
	var queue []queued
	// land waits for the oldest block in flight and unpacks its tile of C
	// when it was the tile's last slice of k.
	land := func() error {
		q := queue[0]
		queue = queue[1:]
		if err := d.await(q.f); err != nil {
			return err
		}
		t.GPU += q.f.gpu
		if b := q.blk; b.last {
			out, err := slots[b.tile%depth].result()
			if err != nil {
				return err
			}
			w := p.wordsPerElement()
			for z := range b.nz {
				host := out[int64(z)*pl.item[2]/4:]
				unpack(p.item(b.z0 + z).c[(b.i0*p.ldc+b.j0)*w:], p.ldc*w, host, pad4(b.cols)*w, b.rows, b.cols*w)
			}
		}
		return nil
	}
	for b := range pl.blocks() {
		for len(queue) >= depth {
			if err := land(); err != nil {
				return t, err
			}
		}
		for _, i := range []int{b.step % depth, b.tile % depth} {
			if slots[i] == nil {
				if slots[i], err = d.newBlockBufs(pl); err != nil {
					return t, err
				}
			}
		}
		ab, cs := slots[b.step%depth], slots[b.tile%depth]
		f, n, err := d.submit(pl.pack(b, ab, cs, pipe), ab.a, ab.b, ab.up, cs.c, cs.up, cs.down)
		if err != nil {
			return t, err
		}
		t.Dispatches += n
		queue = append(queue, queued{f, b})
	}
	for len(queue) > 0 {
		if err := land(); err != nil {
			return t, err
		}
	}
	return t, nil
}

// pack packs block b's A and B into ab and, on the tile's first slice
// when beta is not zero, its C into cs; it returns the submission that
// copies them in where they are staged, computes, and copies C out after
// the tile's last slice.
func (pl *plan) pack(b block, ab, cs *blockBufs, pipe *vk.Pipeline) *submission {
	p := pl.p
	ldc := pad4(b.cols)
	var ldA, rowsA, ldB, rowsB int
	for z := range b.nz {
		q := p.item(b.z0 + z)
		ldA, rowsA = packA(q, ab.in[0][int64(z)*pl.item[0]/4:], b.i0, b.rows, b.p0, b.depth)
		ldB, rowsB = packB(q, ab.in[1][int64(z)*pl.item[1]/4:], b.j0, b.cols, b.p0, b.depth)
	}
	beta := p.beta
	if !b.first {
		beta = 1 // later slices of k add to what the first left in C
	}
	uploadC := b.first && beta != 0
	w := p.wordsPerElement()
	if uploadC {
		for z := range b.nz {
			pack(cs.in[2][int64(z)*pl.item[2]/4:], ldc*w, p.item(b.z0 + z).c[(b.i0*p.ldc+b.j0)*w:], p.ldc*w, b.rows, b.cols*w)
		}
	}
	// The products of a block lie pl.item bytes apart; sizes span them all.
	lastZ := int64(b.nz - 1)
	sizes := [3]int64{lastZ*pl.item[0] + pl.elem*int64(ldA*rowsA), lastZ*pl.item[1] + pl.elem*int64(ldB*rowsB), lastZ*pl.item[2] + pl.celem*int64(ldc*b.rows)}
	s := &submission{timed: p.timed, prod: &product{
		pipe:   pipe,
		ranges: [3]vk.Range{{Buf: ab.a.buf, Size: max(sizes[0], 4)}, {Buf: ab.b.buf, Size: max(sizes[1], 4)}, {Buf: cs.c.buf, Size: max(sizes[2], 4)}},
		push: pushConstants{M: u32(b.rows), N: u32(b.cols), K: u32(b.depth), LDA: u32(ldA), LDB: u32(ldB), LDC: u32(ldc), Alpha: p.alpha, Beta: beta,
			StrideA: u32(int(pl.item[0] / pl.elem)), StrideB: u32(int(pl.item[1] / pl.elem)), StrideC: u32(int(pl.item[2] / pl.celem))},
		groups: [2]uint32{u32(ceilDiv(b.cols, pl.bn)), u32(ceilDiv(b.rows, pl.bm))},
		layers: u32(b.nz),
		kChunk: int(pl.kChunk),
		tA:     p.tA, tB: p.tB,
	}}
	if w == 2 {
		s.prod.push.setFloat64Scalars(p.alpha64, p.beta64, b.first)
	}
	if p.a8 != nil { // the int8 kernel counts its rows in words of four values
		s.prod.push.LDA, s.prod.push.LDB = u32(ldA/4), u32(ldB/4)
	}
	if ab.up == nil {
		return s
	}
	s.in = []transferOp{
		{src: ab.up.buf, dst: ab.a.buf, srcOff: ab.upOff[0], size: sizes[0]},
		{src: ab.up.buf, dst: ab.b.buf, srcOff: ab.upOff[1], size: sizes[1]},
	}
	if uploadC {
		s.in = append(s.in, transferOp{src: cs.up.buf, dst: cs.c.buf, srcOff: cs.upOff[2], size: sizes[2]})
	}
	if b.last {
		s.out = []transferOp{{src: cs.c.buf, dst: cs.down.buf, size: sizes[2]}}
	}
	return s
}

func ceilDiv(x, y int) int { return (x + y - 1) / y }

// packA packs rows i0.. and columns p0.. of op(A) as A is stored into
// dst, a block buffer's view, in p's precision, and returns the padded
// leading dimension and the number of stored rows.
func packA(p *problem, dst []float32, i0, rows, p0, depth int) (ld, stored int) {
	ldAlign, kAlign := p.packing()
	if p.a8 != nil {
		return packInt8(int8s(dst), p.a8, p.lda, p.tA, i0, rows, p0, depth, ldAlign), rows
	}
	if p.ah != nil {
		return packStoredA(p.tA, halves(dst), p.ah, p.lda, 1, i0, rows, p0, depth, ldAlign, kAlign)
	}
	return packStoredA(p.tA, dst, p.a, p.lda, p.wordsPerElement(), i0, rows, p0, depth, ldAlign, kAlign)
}

// packB packs rows p0.. and columns j0.. of op(B) as B is stored.
func packB(p *problem, dst []float32, j0, cols, p0, depth int) (ld, stored int) {
	ldAlign, kAlign := p.packing()
	if p.b8 != nil {
		return packInt8(int8s(dst), p.b8, p.ldb, !p.tB, j0, cols, p0, depth, ldAlign), cols
	}
	if p.bh != nil {
		return packStoredB(p.tB, halves(dst), p.bh, p.ldb, 1, j0, cols, p0, depth, ldAlign, kAlign)
	}
	return packStoredB(p.tB, dst, p.b, p.ldb, p.wordsPerElement(), j0, cols, p0, depth, ldAlign, kAlign)
}

// element is what a packed A or B holds: float32 (or a float64 as two
// words), or the bits of a half.
type element interface{ float32 | uint16 }

// packStoredA is packA for either element type, w elements a value, rows
// padded as problem.packing says.
func packStoredA[T element](tA bool, dst, a []T, lda, w, i0, rows, p0, depth, ldAlign, kAlign int) (ld, stored int) {
	if tA {
		ld = padTo(rows, ldAlign)
		pack(dst, ld*w, a[(p0*lda+i0)*w:], lda*w, depth, rows*w)
		return ld, zeroRows(dst, ld*w, depth, kAlign)
	}
	ld = padTo(depth, ldAlign)
	pack(dst, ld*w, a[(i0*lda+p0)*w:], lda*w, rows, depth*w)
	return ld, rows
}

// packStoredB is packB for either element type, w elements a value.
func packStoredB[T element](tB bool, dst, b []T, ldb, w, j0, cols, p0, depth, ldAlign, kAlign int) (ld, stored int) {
	if tB {
		ld = padTo(depth, ldAlign)
		pack(dst, ld*w, b[(j0*ldb+p0)*w:], ldb*w, cols, depth*w)
		return ld, cols
	}
	ld = padTo(cols, ldAlign)
	pack(dst, ld*w, b[(p0*ldb+j0)*w:], ldb*w, depth, cols*w)
	return ld, zeroRows(dst, ld*w, depth, kAlign)
}

// zeroRows zeroes the rows of dst (dld elements each) from rows up to a
// multiple of align and returns that multiple: the stored rows of an
// operand whose k runs along them, padded with zeros (problem.packing).
func zeroRows[T element](dst []T, dld, rows, align int) int {
	padded := padTo(rows, align)
	clear(dst[rows*dld : padded*dld])
	return padded
}

// halves views a block buffer's float32s as twice as many 16-bit values.
func halves(f []float32) []uint16 {
	if len(f) == 0 {
		return nil
	}
	return unsafe.Slice((*uint16)(unsafe.Pointer(&f[0])), 2*len(f))
}

// pack copies a rows×cols matrix (leading dimension ld) to dst with leading
// dimension dld, zeroing the padding so vector loads read no garbage.
func pack[T element](dst []T, dld int, src []T, ld, rows, cols int) {
	for r := range rows {
		row := dst[r*dld : r*dld+dld]
		copy(row, src[r*ld:r*ld+cols])
		clear(row[cols:])
	}
}

// unpack copies a rows×cols matrix back, leaving the rest of dst alone.
func unpack(dst []float32, ld int, src []float32, sld, rows, cols int) {
	for r := range rows {
		copy(dst[r*ld:r*ld+cols], src[r*sld:r*sld+cols])
	}
}

func u32(x int) uint32 { return uint32(x) }

// elapsed is the time between two timestamps, zero where either is missing.
func elapsed(ts []float64, i, j int) time.Duration {
	if i < 0 || j < 0 || i >= len(ts) || j >= len(ts) || ts[j] < ts[i] {
		return 0
	}
	return time.Duration(ts[j] - ts[i])
}
