package engine

import (
	"fmt"
	"math"
	"time"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"github.com/vkgemm/vkgemm/shaders"
)

// MatMulStridedBatched is SgemmStridedBatched on device-resident matrices,
// waited for: product g reads rows g*strideA.. of a and g*strideB.. of b
// and writes rows g*strideC.. of c (strides in rows; 0 for a or b shares
// one matrix among all products), each an m×n×k product of the matrices'
// leading columns. A model's layers chain on the device without copies.
func (d *Device) MatMulStridedBatched(tA, tB blas.Transpose, m, n, k int, alpha float32, a *Matrix, strideA int,
	b *Matrix, strideB int, beta float32, c *Matrix, strideC int, batch int) error {
	p, err := d.MatMulStridedBatchedAsync(tA, tB, m, n, k, alpha, a, strideA, b, strideB, beta, c, strideC, batch)
	if err != nil {
		return err
	}
	_, err = p.Wait()
	return err
}

// MatMulStridedBatchedAsync submits MatMulStridedBatched and returns at
// once; Wait for the result. Products submitted later run after it.
func (d *Device) MatMulStridedBatchedAsync(tA, tB blas.Transpose, m, n, k int, alpha float32, a *Matrix, strideA int,
	b *Matrix, strideB int, beta float32, c *Matrix, strideC int, batch int) (*Pending, error) {
	if err := d.lock(); err != nil {
		return nil, err
	}
	defer d.mu.Unlock()
	if err := d.operands(a, b, c); err != nil {
		return nil, err
	}
	// Strides in rows become strides in elements; the lengths are the
	// matrices' whole buffers, so a batch that runs past a matrix's rows is
	// refused like a slice too short.
	sA, sB, sC, ok := rowStrides(batch, strideA, a.ld, strideB, b.ld, strideC, c.ld)
	if !ok {
		return nil, fmt.Errorf("gpu: %w: strides of %d, %d and %d rows are negative or overflow", ErrBadArgument, strideA, strideB, strideC)
	}
	_, aCols := gemm.Shape(tA, m, k)
	_, bCols := gemm.Shape(tB, k, n)
	if aCols > a.cols || bCols > b.cols || n > c.cols {
		return nil, fmt.Errorf("gpu: %w: op(A) %d×%d, op(B) %d×%d, C %d×%d need more columns than the %d, %d and %d of a, b and c",
			ErrBadArgument, m, k, k, n, m, n, a.cols, b.cols, c.cols)
	}
	if err := gemm.CheckStridedArgs(tA, tB, m, n, k, a.rows*a.ld, a.ld, sA, b.rows*b.ld, b.ld, sB, c.rows*c.ld, c.ld, sC, batch); err != nil {
		return nil, err
	}
	p := &Pending{d: d, start: time.Now()}
	if m == 0 || n == 0 || batch == 0 {
		p.done = true
		return p, nil
	}
	err := d.submitDeviceProduct(p, deviceProduct{tA: gemm.Transposed(tA), tB: gemm.Transposed(tB), m: m, n: n, k: k,
		alpha: alpha, beta: beta, a: a, b: b, c: c, batch: batch, sA: sA, sB: sB, sC: sC}, false)
	return p, d.finish(err)
}

// rowStrides converts strides in rows to strides in elements. A batch of
// one uses no stride, so any stride that is not negative is taken there, as
// SgemmStridedBatched takes it.
func rowStrides(batch int, rows ...int) (sA, sB, sC int, ok bool) {
	var s [3]int
	for i := range s {
		r, ld := rows[2*i], rows[2*i+1]
		switch {
		case r < 0 || batch > 1 && r > 0 && ld > math.MaxInt/r:
			return 0, 0, 0, false
		case batch > 1:
			s[i] = r * ld
		}
	}
	return s[0], s[1], s[2], true
}

// deviceProduct is a checked product, or strided batch of products, on
// device-resident matrices; strides are in elements.
type deviceProduct struct {
	tA, tB      bool
	m, n, k     int
	alpha, beta float32
	a, b, c     *Matrix
	batch       int
	sA, sB, sC  int
}

// submitDeviceProduct records and submits q into p's flights: one layer of
// workgroups per product, as many layers a dispatch as the grid allows,
// and the work of one submission capped along k (later slices add to C).
// The caller holds d.mu.
func (d *Device) submitDeviceProduct(p *Pending, q deviceProduct, timed bool) error {
	m, n, k, alpha := q.m, q.n, q.k, q.alpha
	if alpha == 0 || k == 0 {
		// Still a dispatch: with k = 0 the kernel writes beta*C.
		alpha, k = 0, 0
	}
	kern := d.kernelFor(shaders.F32, m, n, k, q.batch)
	bm, bn := kern.Block()
	props := d.props
	if gx, gy := ceilDiv(n, bn), ceilDiv(m, bm); gx > int(props.MaxWorkGroupCount[0]) || gy > int(props.MaxWorkGroupCount[1]) {
		return fmt.Errorf("gpu: %w: a %d×%d result needs %d×%d workgroups, more than the device's %d×%d", ErrTooLarge, m, n, gx, gy, props.MaxWorkGroupCount[0], props.MaxWorkGroupCount[1])
	}
	pipe, err := d.pipeline(kern, q.tA, q.tB)
	if err != nil {
		return err
	}
	a, b, c := q.a, q.b, q.c
	prod := product{
		pipe:   pipe,
		ranges: [3]vk.Range{{Buf: a.hold.buf, Size: a.hold.buf.Size}, {Buf: b.hold.buf, Size: b.hold.buf.Size}, {Buf: c.hold.buf, Size: c.hold.buf.Size}},
		push: pushConstants{M: u32(m), N: u32(n), K: u32(k), LDA: u32(a.ld), LDB: u32(b.ld), LDC: u32(c.ld), Alpha: alpha, Beta: q.beta,
			StrideA: u32(q.sA), StrideB: u32(q.sB), StrideC: u32(q.sC)},
		groups: [2]uint32{u32(ceilDiv(n, bn)), u32(ceilDiv(m, bm))},
		kChunk: int(kern.KChunk),
		tA:     q.tA, tB: q.tB,
	}
	_, _, slab := capBlock(m, n, max(k, 1), d.submissionWork())
	per := layers(q.batch, props.MaxWorkGroupCount[2], int64(q.batch), d.submissionWork()/gemm.Flops(m, n, max(min(slab, k), 1)))
	for z0 := 0; z0 < q.batch; z0 += per {
		for p0 := 0; p0 == 0 || p0 < k; p0 += slab {
			slice := prod
			slice.layers = u32(min(per, q.batch-z0))
			slice.push = prod.push.sliceK(p0, min(slab, k-p0), slice.tA, slice.tB)
			slice.push.OffA += u32(z0 * q.sA)
			slice.push.OffB += u32(z0 * q.sB)
			slice.push.OffC += u32(z0 * q.sC)
			if p0 > 0 {
				slice.push.Beta = 1
			}
			f, nd, err := d.submit(&submission{prod: &slice, timed: timed}, a.hold, b.hold, c.hold)
			if err != nil {
				return err
			}
			p.flights = append(p.flights, f)
			p.dispatches += nd
		}
	}
	return nil
}
