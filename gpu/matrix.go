package gpu

import (
	"fmt"
	"time"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gpu/internal/vk"
)

// Matrix is a rows×cols float32 matrix that lives in device memory, so
// products can be chained without copies to and from the host. Rows are
// padded to a multiple of 4 elements on the device.
type Matrix struct {
	d          *Device
	buf        *vk.Buffer
	rows, cols int
	ld         int
	released   bool
}

// NewMatrix allocates a rows×cols matrix on the device, filled with zeros.
// A matrix must fit in one storage-buffer binding (see DeviceInfo);
// larger ones are refused with an error wrapping ErrTooLarge.
func (d *Device) NewMatrix(rows, cols int) (*Matrix, error) {
	if rows < 0 || cols < 0 {
		return nil, fmt.Errorf("gpu: %w: matrix of %d×%d", ErrBadArgument, rows, cols)
	}
	if err := d.lock(); err != nil {
		return nil, err
	}
	defer d.mu.Unlock()
	ld := pad4(max(cols, 1))
	size := 4 * int64(max(rows, 1)) * int64(ld)
	if heap := d.deviceHeap(); size > heap {
		return nil, fmt.Errorf("gpu: %w: a %d×%d matrix needs %d MiB; %s has %d MiB of device memory", ErrOutOfMemory, rows, cols, size>>20, d.info.Name, heap>>20)
	}
	if size > d.maxBind {
		return nil, fmt.Errorf("gpu: %w: a %d×%d matrix needs %d MiB; one storage buffer binding on %s holds at most %d MiB (use Sgemm on host slices, which splits)",
			ErrTooLarge, rows, cols, size>>20, d.info.Name, d.maxBind>>20)
	}
	buf, err := d.dev.NewBuffer(size, vk.Storage, d.cfg.ForceStaging)
	if err != nil {
		return nil, d.finish(fmt.Errorf("gpu: allocating a %d×%d matrix: %w", rows, cols, err))
	}
	m := &Matrix{d: d, buf: buf, rows: rows, cols: cols, ld: ld}
	d.matrices[m] = struct{}{}
	if buf.Mapped != nil {
		clear(buf.Mapped)
		return m, d.finish(nil)
	}
	zeros := make([]float32, rows*cols)
	return m, d.finish(d.transfer(m, zeros, cols, true))
}

// Dims returns the rows and columns of the matrix.
func (m *Matrix) Dims() (rows, cols int) { return m.rows, m.cols }

// Release frees the matrix's device memory; later use is an error.
func (m *Matrix) Release() {
	d := m.d
	d.mu.Lock()
	defer d.mu.Unlock()
	if m.released || d.closed {
		m.released = true
		return
	}
	m.released = true
	delete(d.matrices, m)
	// Wait for work that may still read the buffer.
	_ = d.dev.Idle()
	m.buf.Destroy()
}

func (m *Matrix) usable(d *Device) error {
	if m == nil {
		return fmt.Errorf("gpu: %w: nil matrix", ErrBadArgument)
	}
	if m.released {
		return fmt.Errorf("gpu: %w: matrix used after Release", ErrBadArgument)
	}
	if m.d != d {
		return fmt.Errorf("gpu: %w: matrix belongs to another device", ErrBadArgument)
	}
	return nil
}

// Upload copies a rows×cols matrix from src (row-major, leading dimension
// ld) to the device.
func (m *Matrix) Upload(src []float32, ld int) error {
	return m.copyHost(src, ld, true)
}

// Download copies the matrix from the device into dst (row-major, leading
// dimension ld); elements of dst outside the matrix are left alone.
func (m *Matrix) Download(dst []float32, ld int) error {
	return m.copyHost(dst, ld, false)
}

func (m *Matrix) copyHost(host []float32, ld int, up bool) error {
	d := m.d
	if err := d.lock(); err != nil {
		return err
	}
	defer d.mu.Unlock()
	if err := m.usable(d); err != nil {
		return err
	}
	if ld < max(1, m.cols) {
		return fmt.Errorf("gpu: %w: ld=%d is less than the %d columns", ErrBadArgument, ld, m.cols)
	}
	if need := gemm.MinLen(m.rows, m.cols, ld); len(host) < need {
		return fmt.Errorf("gpu: %w: slice of %d elements; a %d×%d matrix with ld=%d needs %d", ErrBadArgument, len(host), m.rows, m.cols, ld, need)
	}
	return d.finish(d.transfer(m, host, ld, up))
}

// transfer copies between host memory and a matrix, through staging when
// the matrix is not mapped. The caller holds d.mu.
func (d *Device) transfer(m *Matrix, host []float32, ld int, up bool) error {
	if m.rows == 0 || m.cols == 0 {
		return nil
	}
	if err := d.dev.Idle(); err != nil { // earlier asynchronous work may use the matrix
		return err
	}
	if m.buf.Mapped != nil {
		dev := floats(m.buf, 0, m.buf.Size)
		if up {
			pack(dev, m.ld, host, ld, m.rows, m.cols)
		} else {
			unpack(host, ld, dev, m.ld, m.rows, m.cols)
		}
		return nil
	}
	size := 4 * int64(m.rows) * int64(m.ld)
	staging, err := d.pool.get(size, vk.Staging)
	if err != nil {
		return fmt.Errorf("gpu: allocating %d MiB of staging memory: %w", size>>20, err)
	}
	defer d.pool.put(staging, vk.Staging)
	st := floats(staging, 0, size)
	if up {
		pack(st, m.ld, host, ld, m.rows, m.cols)
	}
	b, err := d.dev.Begin()
	if err != nil {
		return err
	}
	if up {
		b.Copy(staging, m.buf, 0, 0, size)
	} else {
		b.Copy(m.buf, staging, 0, 0, size)
	}
	b.Barrier()
	if err := b.Submit(); err != nil {
		b.Abandon()
		return err
	}
	if _, err := b.Wait(d.timeout()); err != nil {
		return err
	}
	if !up {
		unpack(host, ld, st, m.ld, m.rows, m.cols)
	}
	return nil
}

// Pending is a product submitted to the device and not yet waited for.
type Pending struct {
	d      *Device
	batch  *vk.Batch
	t0, t1 int
	// dispatches recorded for the product
	dispatches int
	start      time.Time
	done       bool
	err        error
	timing     Timing
}

// MatMul computes C = alpha*op(A)*op(B) + beta*C on device-resident
// matrices, without host copies, and waits for it.
func (d *Device) MatMul(tA, tB blas.Transpose, alpha float32, a, b *Matrix, beta float32, c *Matrix) error {
	p, err := d.matMul(tA, tB, alpha, a, b, beta, c, false)
	if err != nil {
		return err
	}
	_, err = p.Wait()
	return err
}

// MatMulAsync submits C = alpha*op(A)*op(B) + beta*C and returns at once;
// Wait for the result. Products submitted later run after this one, so a
// chain A·B -> C, C·D -> E needs only the last Wait. Upload, Download and
// Release wait for earlier work themselves.
func (d *Device) MatMulAsync(tA, tB blas.Transpose, alpha float32, a, b *Matrix, beta float32, c *Matrix) (*Pending, error) {
	return d.matMul(tA, tB, alpha, a, b, beta, c, true)
}

// matMul submits a product; timed records timestamps for Pending.Wait's
// kernel time (MatMul leaves them out: about 100 µs a dispatch on lavapipe).
func (d *Device) matMul(tA, tB blas.Transpose, alpha float32, a, b *Matrix, beta float32, c *Matrix, timed bool) (*Pending, error) {
	start := time.Now()
	if err := d.lock(); err != nil {
		return nil, err
	}
	defer d.mu.Unlock()
	for _, x := range []*Matrix{a, b, c} {
		if err := x.usable(d); err != nil {
			return nil, err
		}
	}
	m, k := a.rows, a.cols
	if gemm.Transposed(tA) {
		m, k = k, m
	}
	kb, n := b.rows, b.cols
	if gemm.Transposed(tB) {
		kb, n = n, kb
	}
	if err := gemm.CheckArgs(tA, tB, m, n, k, a.rows*a.ld, a.ld, b.rows*b.ld, b.ld, c.rows*c.ld, c.ld); err != nil {
		return nil, err
	}
	if kb != k || c.rows != m || c.cols != n {
		return nil, fmt.Errorf("gpu: %w: op(A) is %d×%d, op(B) is %d×%d and C is %d×%d", ErrBadArgument, m, k, kb, n, c.rows, c.cols)
	}
	if c == a || c == b {
		return nil, fmt.Errorf("gpu: %w: C must not be A or B", ErrBadArgument)
	}
	p := &Pending{d: d, start: start, t0: -1, t1: -1}
	if m == 0 || n == 0 {
		p.done = true
		return p, nil
	}
	if alpha == 0 || k == 0 {
		// Still a dispatch: with k = 0 the kernel writes beta*C.
		alpha, k = 0, 0
	}
	kern := d.kernelFor(m, n, k)
	bm, bn := kern.block()
	props := d.dev.Properties()
	if gx, gy := ceilDiv(n, bn), ceilDiv(m, bm); gx > int(props.MaxWorkGroupCount[0]) || gy > int(props.MaxWorkGroupCount[1]) {
		return nil, fmt.Errorf("gpu: %w: a %d×%d result needs %d×%d workgroups, more than the device's %d×%d", ErrTooLarge, m, n, gx, gy, props.MaxWorkGroupCount[0], props.MaxWorkGroupCount[1])
	}
	pipe, err := d.pipeline(kern, gemm.Transposed(tA), gemm.Transposed(tB))
	if err != nil {
		return nil, d.finish(err)
	}
	batch, err := d.dev.Begin()
	if err != nil {
		return nil, d.finish(err)
	}
	if timed {
		p.t0 = batch.Timestamp()
	}
	ranges := [3]vk.Range{{Buf: a.buf, Size: a.buf.Size}, {Buf: b.buf, Size: b.buf.Size}, {Buf: c.buf, Size: c.buf.Size}}
	push := pushConstants{M: u32(m), N: u32(n), K: u32(k), LDA: u32(a.ld), LDB: u32(b.ld), LDC: u32(c.ld), Alpha: alpha, Beta: beta}
	nd, err := recordProduct(batch, pipe, ranges, push, [2]uint32{u32(ceilDiv(n, bn)), u32(ceilDiv(m, bm))}, int(kern.KChunk), gemm.Transposed(tA), gemm.Transposed(tB))
	if err != nil {
		batch.Abandon()
		return nil, d.finish(err)
	}
	p.dispatches = nd
	if timed {
		p.t1 = batch.Timestamp()
	}
	batch.Barrier()
	if err := batch.Submit(); err != nil {
		batch.Abandon()
		return nil, d.finish(err)
	}
	p.batch = batch
	return p, d.finish(nil)
}

// Wait waits for the product and reports its timing. Waiting again
// returns the same result.
func (p *Pending) Wait() (Timing, error) {
	d := p.d
	d.mu.Lock()
	defer d.mu.Unlock()
	if p.done {
		return p.timing, p.err
	}
	p.done = true
	if d.closed {
		p.err = fmt.Errorf("gpu: %w before the product was waited for", ErrClosed)
		return p.timing, p.err
	}
	ts, err := p.batch.Wait(d.timeout())
	p.timing = Timing{GPU: elapsed(ts, p.t0, p.t1), Wall: time.Since(p.start), Dispatches: p.dispatches}
	p.err = d.finish(err)
	return p.timing, p.err
}

// deviceHeap is the size of the largest device-local memory heap.
func (d *Device) deviceHeap() int64 {
	var best uint64
	for _, h := range d.info.Heaps {
		if h.DeviceLocal && h.Bytes > best {
			best = h.Bytes
		}
	}
	return int64(best)
}
