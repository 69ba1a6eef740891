package gpu

import (
	"fmt"
	"time"
	"unsafe"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gpu/internal/vk"
)

// Timing is how long one GEMM took.
type Timing struct {
	// GPU is the time the kernels ran, from timestamp queries: zero where
	// the device's queue has no timestamps.
	GPU time.Duration
	// Wall is the time of the whole call: packing, copies, submission,
	// waiting and readback.
	Wall time.Duration
	// Dispatches counts the kernel launches; more than one when the
	// problem was split to fit the device's limits.
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

// SgemmTimed is Sgemm that also reports how long the call took. The kernel
// time comes from timestamp queries, which Sgemm leaves out: on lavapipe
// they cost about 100 µs a dispatch.
func (d *Device) SgemmTimed(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) (Timing, error) {
	return d.sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, true)
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
	if m == 0 || n == 0 {
		return Timing{Wall: time.Since(start)}, nil
	}
	if alpha == 0 || k == 0 {
		// No product to compute: C = beta*C, exactly, without the device.
		scaleC(m, n, beta, c, ldc)
		return Timing{Wall: time.Since(start)}, nil
	}
	p := problem{tA: gemm.Transposed(tA), tB: gemm.Transposed(tB), m: m, n: n, k: k, alpha: alpha, beta: beta,
		a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, timed: timed}
	t, err := d.run(&p, d.kernelFor(m, n, k))
	t.Wall = time.Since(start)
	return t, d.finish(err)
}

func scaleC(m, n int, beta float32, c []float32, ldc int) {
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

// problem is one host-memory GEMM with its arguments already checked.
type problem struct {
	tA, tB      bool
	m, n, k     int
	alpha, beta float32
	a, b, c     []float32
	lda, ldb    int
	ldc         int
	timed       bool // record timestamps around the kernels
}

// pad4 rounds up to a multiple of 4: kernels may read rows as vec4.
func pad4(x int) int { return (x + 3) &^ 3 }

// blockBytes are the sizes of the packed blocks of A, B and C for an
// mb×nb×kb block of the problem; rows are padded to a multiple of 4 floats.
func blockBytes(tA, tB bool, mb, nb, kb int) (a, b, c int64) {
	rowsA, colsA := mb, kb
	if tA {
		rowsA, colsA = kb, mb
	}
	rowsB, colsB := kb, nb
	if tB {
		rowsB, colsB = nb, kb
	}
	return 4 * int64(rowsA) * int64(pad4(colsA)), 4 * int64(rowsB) * int64(pad4(colsB)), 4 * int64(mb) * int64(pad4(nb))
}

// split chooses block sizes so that every packed block fits in limit bytes
// and the grid of workgroups in the device's maximum: the whole problem
// when it fits, else halves of the dimension that matters most.
func split(tA, tB bool, m, n, k int, limit int64, maxRows, maxCols int) (mb, nb, kb int, err error) {
	mb, nb, kb = min(m, maxRows), min(n, maxCols), k
	half := func(x *int) bool {
		if *x <= 1 {
			return false
		}
		*x = (*x + 1) / 2
		return true
	}
	for {
		a, b, c := blockBytes(tA, tB, mb, nb, kb)
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

// run multiplies p block by block with kern. The caller holds d.mu.
func (d *Device) run(p *problem, kern Kernel) (Timing, error) {
	var t Timing
	bm, bn := kern.block()
	props := d.dev.Properties()
	maxRows := int(props.MaxWorkGroupCount[1]) * bm
	maxCols := int(props.MaxWorkGroupCount[0]) * bn
	mb, nb, kb, err := split(p.tA, p.tB, p.m, p.n, p.k, d.maxBind, maxRows, maxCols)
	if err != nil {
		return t, err
	}
	pipe, err := d.pipeline(kern, p.tA, p.tB)
	if err != nil {
		return t, err
	}
	aBytes, bBytes, cBytes := blockBytes(p.tA, p.tB, mb, nb, kb)
	var bufs [3]*vk.Buffer
	var staging *vk.Buffer
	defer func() {
		for _, b := range bufs {
			d.pool.put(b, vk.Storage)
		}
		d.pool.put(staging, vk.Staging)
	}()
	for i, size := range []int64{aBytes, bBytes, cBytes} {
		if bufs[i], err = d.pool.get(size, vk.Storage); err != nil {
			return t, fmt.Errorf("gpu: allocating %d MiB for a %dx%dx%d block: %w", size>>20, mb, nb, kb, err)
		}
	}
	mapped := bufs[0].Mapped != nil && bufs[1].Mapped != nil && bufs[2].Mapped != nil
	if !mapped {
		if staging, err = d.pool.get(aBytes+bBytes+cBytes, vk.Staging); err != nil {
			return t, fmt.Errorf("gpu: allocating %d MiB of staging memory: %w", (aBytes+bBytes+cBytes)>>20, err)
		}
	}
	// Where packed blocks go on the host: straight into device memory where
	// it is mapped, else into one staging buffer holding A, B and C.
	hostA, hostB, hostC := floats(bufs[0], 0, aBytes), floats(bufs[1], 0, bBytes), floats(bufs[2], 0, cBytes)
	if !mapped {
		hostA, hostB, hostC = floats(staging, 0, aBytes), floats(staging, aBytes, bBytes), floats(staging, aBytes+bBytes, cBytes)
	}
	for i0 := 0; i0 < p.m; i0 += mb {
		rows := min(mb, p.m-i0)
		for j0 := 0; j0 < p.n; j0 += nb {
			cols := min(nb, p.n-j0)
			ldc := pad4(cols)
			for p0 := 0; p0 < p.k; p0 += kb {
				depth := min(kb, p.k-p0)
				first, last := p0 == 0, p0+depth >= p.k
				ldA, rowsA := packA(p, hostA, i0, rows, p0, depth)
				ldB, rowsB := packB(p, hostB, j0, cols, p0, depth)
				beta := p.beta
				if !first {
					beta = 1 // later slices of k add to what the first left in C
				}
				if first && beta != 0 {
					pack(hostC, ldc, p.c[i0*p.ldc+j0:], p.ldc, rows, cols)
				}
				st := step{pipe: pipe, bufs: bufs, staging: staging,
					sizes:      [3]int64{4 * int64(ldA*rowsA), 4 * int64(ldB*rowsB), 4 * int64(ldc*rows)},
					uploadC:    !mapped && first && beta != 0,
					download:   last,
					push:       pushConstants{M: u32(rows), N: u32(cols), K: u32(depth), LDA: u32(ldA), LDB: u32(ldB), LDC: u32(ldc), Alpha: p.alpha, Beta: beta},
					groups:     [2]uint32{u32(ceilDiv(cols, bn)), u32(ceilDiv(rows, bm))},
					stageOff:   [3]int64{0, aBytes, aBytes + bBytes},
					useStaging: !mapped,
					timed:      p.timed,
					kChunk:     int(kern.KChunk),
					tA:         p.tA,
					tB:         p.tB,
				}
				gpuTime, n, err := d.step(&st)
				if err != nil {
					return t, err
				}
				t.GPU += gpuTime
				t.Dispatches += n
			}
			unpack(p.c[i0*p.ldc+j0:], p.ldc, hostC, ldc, rows, cols)
		}
	}
	return t, nil
}

func ceilDiv(x, y int) int { return (x + y - 1) / y }

// packA packs rows i0.. and columns p0.. of op(A) as A is stored, and
// returns the padded leading dimension and the number of stored rows.
func packA(p *problem, dst []float32, i0, rows, p0, depth int) (ld, stored int) {
	if p.tA {
		ld = pad4(rows)
		pack(dst, ld, p.a[p0*p.lda+i0:], p.lda, depth, rows)
		return ld, depth
	}
	ld = pad4(depth)
	pack(dst, ld, p.a[i0*p.lda+p0:], p.lda, rows, depth)
	return ld, rows
}

// packB packs rows p0.. and columns j0.. of op(B) as B is stored.
func packB(p *problem, dst []float32, j0, cols, p0, depth int) (ld, stored int) {
	if p.tB {
		ld = pad4(depth)
		pack(dst, ld, p.b[j0*p.ldb+p0:], p.ldb, cols, depth)
		return ld, cols
	}
	ld = pad4(cols)
	pack(dst, ld, p.b[p0*p.ldb+j0:], p.ldb, depth, cols)
	return ld, depth
}

// pack copies a rows×cols matrix (leading dimension ld) to dst with leading
// dimension dld, zeroing the padding so vector loads read no garbage.
func pack(dst []float32, dld int, src []float32, ld, rows, cols int) {
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

// floats views size bytes of a mapped buffer from off as float32s.
func floats(b *vk.Buffer, off, size int64) []float32 {
	if b.Mapped == nil || size == 0 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&b.Mapped[off])), size/4)
}

func u32(x int) uint32 { return uint32(x) }

// pushConstants is the kernels' push-constant block (shaders.PushConstantsSize).
type pushConstants struct {
	M, N, K          uint32
	LDA, LDB, LDC    uint32
	OffA, OffB, OffC uint32
	Alpha, Beta      float32
}

func (pc *pushConstants) bytes() []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(pc)), unsafe.Sizeof(*pc))
}

// step is one dispatch with its copies.
type step struct {
	pipe       *vk.Pipeline
	bufs       [3]*vk.Buffer
	sizes      [3]int64 // bytes of A, B, C used
	staging    *vk.Buffer
	stageOff   [3]int64
	useStaging bool
	uploadC    bool
	download   bool
	push       pushConstants
	groups     [2]uint32
	kChunk     int
	tA, tB     bool
	timed      bool
}

// step records, submits and waits for one block's dispatches; it returns
// the kernel time measured by timestamps and the number of dispatches.
func (d *Device) step(s *step) (time.Duration, int, error) {
	b, err := d.dev.Begin()
	if err != nil {
		return 0, 0, err
	}
	if s.useStaging {
		b.Copy(s.staging, s.bufs[0], s.stageOff[0], 0, s.sizes[0])
		b.Copy(s.staging, s.bufs[1], s.stageOff[1], 0, s.sizes[1])
		if s.uploadC {
			b.Copy(s.staging, s.bufs[2], s.stageOff[2], 0, s.sizes[2])
		}
		b.Barrier()
	}
	t0, t1 := -1, -1
	if s.timed {
		t0 = b.Timestamp()
	}
	ranges := [3]vk.Range{}
	for i := range ranges {
		ranges[i] = vk.Range{Buf: s.bufs[i], Size: max(s.sizes[i], 4)}
	}
	n, err := recordProduct(b, s.pipe, ranges, s.push, s.groups, s.kChunk, s.tA, s.tB)
	if err != nil {
		b.Abandon()
		return 0, 0, err
	}
	if s.timed {
		t1 = b.Timestamp()
	}
	b.Barrier()
	if s.useStaging && s.download {
		b.Copy(s.bufs[2], s.staging, 0, s.stageOff[2], s.sizes[2])
		b.Barrier()
	}
	if err := b.Submit(); err != nil {
		b.Abandon()
		return 0, 0, err
	}
	ts, err := b.Wait(d.timeout())
	if err != nil {
		return 0, 0, err
	}
	return elapsed(ts, t0, t1), n, nil
}

// recordProduct records the dispatches of one product. With kChunk > 0
// the inner dimension is cut into slices of that many, each added to C by
// its own dispatch (beta = 1 after the first): a CPU driver then streams
// slices of A and B that stay in its caches. Offsets move along k; they
// stay multiples of 4 because chunks are.
func recordProduct(b *vk.Batch, pipe *vk.Pipeline, ranges [3]vk.Range, push pushConstants, groups [2]uint32,
	kChunk int, tA, tB bool) (dispatches int, err error) {
	k := int(push.K)
	if kChunk <= 0 || kChunk >= k {
		return 1, b.Dispatch(pipe, ranges, push.bytes(), groups[0], groups[1])
	}
	for p0 := 0; p0 < k; p0 += kChunk {
		pc := push
		pc.K = u32(min(kChunk, k-p0))
		pc.OffA, pc.OffB = push.OffA+u32(p0), push.OffB+u32(p0)*push.LDB
		if tA {
			pc.OffA = push.OffA + u32(p0)*push.LDA
		}
		if tB {
			pc.OffB = push.OffB + u32(p0)
		}
		if p0 > 0 {
			pc.Beta = 1
			b.Barrier() // the previous slice's C before this one adds to it
		}
		if err := b.Dispatch(pipe, ranges, pc.bytes(), groups[0], groups[1]); err != nil {
			return dispatches, err
		}
		dispatches++
	}
	return dispatches, nil
}

// elapsed is the time between two timestamps, zero where either is missing.
func elapsed(ts []float64, i, j int) time.Duration {
	if i < 0 || j < 0 || i >= len(ts) || j >= len(ts) || ts[j] < ts[i] {
		return 0
	}
	return time.Duration(ts[j] - ts[i])
}
