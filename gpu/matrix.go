package gpu

import (
	"fmt"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gpu/internal/engine"
)

// Matrix is a rows×cols float32 matrix that lives in device memory, so
// products can be chained without copies to and from the host. A nil
// *Matrix is a bad argument to every call, never a panic.
type Matrix struct{ m *engine.Matrix }

// NewMatrix allocates a rows×cols matrix on the device, filled with zeros.
// A matrix must fit in one storage-buffer binding (DeviceInfo's
// MaxStorageBufferRange); larger ones are refused with an error wrapping
// ErrTooLarge.
func (d *Device) NewMatrix(rows, cols int) (*Matrix, error) {
	e, err := d.engine()
	if err != nil {
		return nil, err
	}
	m, err := e.NewMatrix(rows, cols)
	if err != nil {
		return nil, err
	}
	return &Matrix{m}, nil
}

// inner is the engine's matrix, nil for a nil *Matrix or one NewMatrix
// did not make.
func (m *Matrix) inner() *engine.Matrix {
	if m == nil {
		return nil
	}
	return m.m
}

// Dims returns the rows and columns of the matrix (0, 0 for nil).
func (m *Matrix) Dims() (rows, cols int) {
	if m.inner() == nil {
		return 0, 0
	}
	return m.m.Dims()
}

// Upload copies a rows×cols matrix from src (row-major, leading dimension
// ld) to the device, after the products submitted earlier that use the
// matrix.
func (m *Matrix) Upload(src []float32, ld int) error {
	if m.inner() == nil {
		return errNilMatrix
	}
	return m.m.Upload(src, ld)
}

// Download copies the matrix from the device into dst (row-major, leading
// dimension ld), after the products submitted earlier that write it;
// elements of dst outside the matrix are left alone.
func (m *Matrix) Download(dst []float32, ld int) error {
	if m.inner() == nil {
		return errNilMatrix
	}
	return m.m.Download(dst, ld)
}

// Release frees the matrix's device memory once the products using it have
// ended; later use is an error wrapping ErrBadArgument. It does not wait.
// Releasing nil or a released matrix does nothing.
func (m *Matrix) Release() {
	if m.inner() != nil {
		m.m.Release()
	}
}

var errNilMatrix = fmt.Errorf("gpu: %w: a nil *gpu.Matrix, or one not made by NewMatrix", ErrBadArgument)

// Pending is a product submitted to the device and not yet waited for.
// One that is never waited for is reclaimed once it has ended.
type Pending struct{ p *engine.Pending }

// Wait waits for the product and reports its timing. Waiting again returns
// the same result; after ErrTimeout it waits again.
func (p *Pending) Wait() (Timing, error) {
	if p == nil || p.p == nil {
		return Timing{}, fmt.Errorf("gpu: %w: a nil *gpu.Pending, or one no product returned", ErrBadArgument)
	}
	t, err := p.p.Wait()
	return Timing(t), err
}

// MatMulAsync submits C = alpha*op(A)*op(B) + beta*C on device-resident
// matrices and returns at once, without host copies; Wait for the result.
// Products submitted later run after this one, so a chain A·B -> C,
// C·D -> E needs only the last Wait; products never waited for are
// reclaimed once they end. C must be neither A nor B. No submission carries
// more than about half a second of work: a longer product is split along k.
func (d *Device) MatMulAsync(tA, tB blas.Transpose, alpha float32, a, b *Matrix, beta float32, c *Matrix) (*Pending, error) {
	e, err := d.engine()
	if err != nil {
		return nil, err
	}
	p, err := e.MatMulAsync(tA, tB, alpha, a.inner(), b.inner(), beta, c.inner())
	return pending(p, err)
}

// MatMulStridedBatchedAsync submits SgemmStridedBatched on device-resident
// matrices and returns at once; Wait for the result. Product g reads rows
// g*strideA.. of a and g*strideB.. of b and writes rows g*strideC.. of c
// (strides in rows; 0 for a or b shares one matrix among all products),
// each an m×n×k product of the matrices' leading columns, so a model's
// layers chain on the device without copies. Strides follow
// SgemmStridedBatched's rule. Products submitted later run after it.
func (d *Device) MatMulStridedBatchedAsync(tA, tB blas.Transpose, m, n, k int, alpha float32, a *Matrix, strideA int,
	b *Matrix, strideB int, beta float32, c *Matrix, strideC int, batch int) (*Pending, error) {
	e, err := d.engine()
	if err != nil {
		return nil, err
	}
	p, err := e.MatMulStridedBatchedAsync(tA, tB, m, n, k, alpha, a.inner(), strideA, b.inner(), strideB, beta, c.inner(), strideC, batch)
	return pending(p, err)
}

// pending wraps the engine's pending product, nil on error.
func pending(p *engine.Pending, err error) (*Pending, error) {
	if p == nil {
		return nil, err
	}
	return &Pending{p}, err
}
