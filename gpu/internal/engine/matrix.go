package engine

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
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
	hold       *lease // the matrix's own buffer, also held by products using it
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
	ld, size, ok := matrixBytes(rows, cols)
	if !ok {
		return nil, fmt.Errorf("gpu: %w: a %d×%d matrix has more bytes than a 64-bit size can count", ErrTooLarge, rows, cols)
	}
	if err := d.lock(); err != nil {
		return nil, err
	}
	defer d.mu.Unlock()
	if heap := d.deviceHeap(); size > heap {
		return nil, fmt.Errorf("gpu: %w: a %d×%d matrix needs %s; %s has %s of device memory", ErrOutOfMemory, rows, cols, vk.FormatBytes(size), d.name, vk.FormatBytes(heap))
	}
	if size > d.maxBind {
		return nil, fmt.Errorf("gpu: %w: a %d×%d matrix needs %s; one storage buffer binding on %s holds at most %s (use Sgemm on host slices, which splits)",
			ErrTooLarge, rows, cols, vk.FormatBytes(size), d.name, vk.FormatBytes(d.maxBind))
	}
	buf, err := d.dev.NewBuffer(size, vk.Storage, d.cfg.ForceStaging)
	if err != nil {
		return nil, d.finish(fmt.Errorf("gpu: allocating a %d×%d matrix: %w", rows, cols, err))
	}
	m := &Matrix{d: d, hold: &lease{buf: buf, kind: vk.Storage, own: true, refs: 1}, rows: rows, cols: cols, ld: ld}
	d.matrices[m] = struct{}{}
	if buf.Mapped != nil {
		clear(buf.Mapped)
		return m, d.finish(nil)
	}
	f, _, err := d.submit(&submission{in: []transferOp{{dst: buf, size: size}}}, m.hold)
	if err == nil {
		err = d.await(f)
	}
	return m, d.finish(err)
}

// matrixBytes is the padded leading dimension and the size in bytes of a
// rows×cols matrix on the device (at least one padded row); ok is false
// where the size overflows.
func matrixBytes(rows, cols int) (ld int, size int64, ok bool) {
	if cols > math.MaxInt-3 {
		return 0, 0, false
	}
	ld = pad4(max(cols, 1))
	hi, lo := bits.Mul64(uint64(max(rows, 1)), uint64(ld))
	if hi != 0 || lo > math.MaxInt64/4 {
		return 0, 0, false
	}
	return ld, int64(lo) * 4, true
}

// Dims returns the rows and columns of the matrix.
func (m *Matrix) Dims() (rows, cols int) { return m.rows, m.cols }

// Release frees the matrix's device memory once the products using it
// have ended; later use is an error. It does not wait.
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
	d.drop(m.hold)
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

// operands checks the matrices of a device-resident product: each usable
// on d, and C neither A nor B (the kernels read A and B while writing C).
func (d *Device) operands(a, b, c *Matrix) error {
	for _, x := range []*Matrix{a, b, c} {
		if err := x.usable(d); err != nil {
			return err
		}
	}
	if c == a || c == b {
		return fmt.Errorf("gpu: %w: C must not be A or B", ErrBadArgument)
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

// transfer copies between host memory and a matrix: directly where the
// matrix is mapped (after the products using it have ended), else through
// staging memory in one batch waited for by its fence. The caller holds d.mu.
func (d *Device) transfer(m *Matrix, host []float32, ld int, up bool) error {
	if m.rows == 0 || m.cols == 0 {
		return nil
	}
	buf := m.hold.buf
	if buf.Mapped != nil {
		for _, f := range slices.Clone(d.flights) {
			if slices.Contains(f.holds, m.hold) {
				if err := d.await(f); err != nil {
					return err
				}
			}
		}
		dev := floats(buf, 0, buf.Size)
		if up {
			pack(dev, m.ld, host, ld, m.rows, m.cols)
		} else {
			unpack(host, ld, dev, m.ld, m.rows, m.cols)
		}
		return nil
	}
	size := 4 * int64(m.rows) * int64(m.ld)
	kind := vk.Readback
	if up {
		kind = vk.Upload
	}
	staging, err := d.lease(size, kind)
	if err != nil {
		return fmt.Errorf("gpu: allocating %s of staging memory: %w", vk.FormatBytes(size), err)
	}
	defer d.drop(staging)
	st := floats(staging.buf, 0, size)
	s := &submission{out: []transferOp{{src: buf, dst: staging.buf, size: size}}}
	if up {
		pack(st, m.ld, host, ld, m.rows, m.cols)
		s = &submission{in: []transferOp{{src: staging.buf, dst: buf, size: size}}}
	}
	// Products submitted earlier end with a barrier, so the copy runs after them.
	f, _, err := d.submit(s, staging, m.hold)
	if err != nil {
		return err
	}
	if err := d.await(f); err != nil {
		return err
	}
	if !up {
		if err := staging.buf.Invalidate(); err != nil {
			return err
		}
		unpack(host, ld, st, m.ld, m.rows, m.cols)
	}
	return nil
}

// Pending is a product submitted to the device and not yet waited for.
// One that is never waited for is reclaimed once it has ended.
type Pending struct {
	d       *Device
	flights []*flight // one per submission of the product
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
// chain A·B -> C, C·D -> E needs only the last Wait; products never waited
// for are reclaimed once they end. Upload and Download wait for earlier work
// on the matrix themselves; Release frees it once that work has ended. No
// submission carries more than about half a second of work: a longer
// product is split along k.
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
	if err := d.operands(a, b, c); err != nil {
		return nil, err
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
	p := &Pending{d: d, start: start}
	if m == 0 || n == 0 {
		p.done = true
		return p, nil
	}
	if alpha == 0 || k == 0 {
		// Still a dispatch: with k = 0 the kernel writes beta*C.
		alpha, k = 0, 0
	}
	err := d.submitDeviceProduct(p, deviceProduct{tA: gemm.Transposed(tA), tB: gemm.Transposed(tB), m: m, n: n, k: k,
		alpha: alpha, beta: beta, a: a, b: b, c: c, batch: 1}, timed)
	return p, d.finish(err)
}

// Wait waits for the product and reports its timing. Waiting again
// returns the same result; after ErrTimeout it waits again.
func (p *Pending) Wait() (Timing, error) {
	d := p.d
	d.mu.Lock()
	defer d.mu.Unlock()
	if p.done {
		return p.timing, p.err
	}
	t := Timing{Dispatches: p.dispatches}
	var errs []error
	for _, f := range p.flights {
		if !f.landed && d.closed {
			return t, fmt.Errorf("gpu: %w before the product was waited for", ErrClosed)
		}
		err := d.await(f)
		if errors.Is(err, ErrTimeout) {
			return t, d.finish(err)
		}
		errs = append(errs, err)
		t.GPU += f.gpu
	}
	t.Wall = time.Since(p.start)
	err := errors.Join(errs...)
	if !d.closed { // after Close the validation messages are no longer the device's
		err = d.finish(err)
	}
	p.done, p.timing, p.err = true, t, err
	return p.timing, p.err
}

// deviceHeap is the size of the largest device-local memory heap.
func (d *Device) deviceHeap() int64 {
	var best uint64
	for _, h := range d.props.Heaps {
		if h.DeviceLocal && h.Size > best {
			best = h.Size
		}
	}
	return int64(best)
}
