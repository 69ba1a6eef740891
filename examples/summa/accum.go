package main

import (
	"errors"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gpu"
)

// Accumulator holds a process's block of C, mb×nb, and adds products of
// panels to it.
type Accumulator interface {
	// Add adds A·B to C, A the packed mb×w panel a and B the packed w×nb
	// panel b. The product may still be running when Add returns, but a
	// and b have been read: the caller may refill them.
	Add(w int, a, b []float32) error
	// Result waits for every product and returns C, mb×nb, row-major.
	Result() ([]float32, error)
}

// LocalGemm adds A·B to C, A m×k, B k×n and C m×n, row-major with leading
// dimensions lda, ldb and ldc: a device's Sgemm with alpha = beta = 1.
type LocalGemm func(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) error

// HostC keeps C in host memory and adds each product with one call of
// gemm, in which a device's Sgemm copies C to the device and back.
type HostC struct {
	gemm   LocalGemm
	mb, nb int
	c      []float32
}

// NewHostC returns a zero mb×nb C in host memory.
func NewHostC(mb, nb int, gemm LocalGemm) *HostC {
	return &HostC{gemm, mb, nb, make([]float32, mb*nb)}
}

func (h *HostC) Add(w int, a, b []float32) error {
	if h.mb == 0 || h.nb == 0 {
		return nil
	}
	return h.gemm(h.mb, h.nb, w, a, w, b, h.nb, h.c, h.nb)
}

func (h *HostC) Result() ([]float32, error) { return h.c, nil }

// SgemmC is HostC with the device's Sgemm.
func SgemmC(dev *gpu.Device, mb, nb int) *HostC {
	return NewHostC(mb, nb, func(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) error {
		return dev.Sgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, lda, b, ldb, 1, c, ldc)
	})
}

// ResidentC keeps C on the device (a gpu.Matrix) for the whole product:
// each step uploads only the two panels and submits C += A·B without
// waiting, so the next broadcast overlaps the product in flight. Panels
// alternate between two pairs of device matrices, and a pair is reused
// only once the product that read it has ended.
type ResidentC struct {
	dev     *gpu.Device
	mb, nb  int
	c       *gpu.Matrix
	slot    int
	panels  [2]map[int][2]*gpu.Matrix // per slot, by panel width: A's and B's
	pending [2]*gpu.Pending
}

// NewResidentC returns a zero mb×nb C on dev.
func NewResidentC(dev *gpu.Device, mb, nb int) (*ResidentC, error) {
	r := &ResidentC{dev: dev, mb: mb, nb: nb}
	if mb == 0 || nb == 0 {
		return r, nil
	}
	var err error
	if r.c, err = dev.NewMatrix(mb, nb); err != nil {
		return nil, err
	}
	if err := r.c.Upload(make([]float32, mb*nb), nb); err != nil {
		r.c.Release()
		return nil, err
	}
	r.panels = [2]map[int][2]*gpu.Matrix{{}, {}}
	return r, nil
}

func (r *ResidentC) Add(w int, a, b []float32) error {
	if r.c == nil {
		return nil
	}
	s := r.slot
	r.slot ^= 1
	if p := r.pending[s]; p != nil {
		r.pending[s] = nil
		if _, err := p.Wait(); err != nil {
			return err
		}
	}
	pair, ok := r.panels[s][w]
	if !ok {
		var err error
		if pair[0], err = r.dev.NewMatrix(r.mb, w); err != nil {
			return err
		}
		if pair[1], err = r.dev.NewMatrix(w, r.nb); err != nil {
			pair[0].Release()
			return err
		}
		r.panels[s][w] = pair
	}
	if err := pair[0].Upload(a, w); err != nil {
		return err
	}
	if err := pair[1].Upload(b, r.nb); err != nil {
		return err
	}
	p, err := r.dev.MatMulAsync(blas.NoTrans, blas.NoTrans, 1, pair[0], pair[1], 1, r.c)
	r.pending[s] = p
	return err
}

// Result waits for the products, downloads C and releases the device
// matrices.
func (r *ResidentC) Result() ([]float32, error) {
	c := make([]float32, r.mb*r.nb)
	if r.c == nil {
		return c, nil
	}
	var errs []error
	for _, s := range []int{r.slot, r.slot ^ 1} { // in submission order
		if p := r.pending[s]; p != nil {
			_, err := p.Wait()
			errs = append(errs, err)
		}
		r.pending[s] = nil
	}
	errs = append(errs, r.c.Download(c, r.nb))
	for _, m := range r.panels {
		for _, pair := range m {
			pair[0].Release()
			pair[1].Release()
		}
	}
	r.c.Release()
	r.c = nil
	return c, errors.Join(errs...)
}
