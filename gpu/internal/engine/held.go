package engine

import (
	"errors"
	"fmt"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gpu/internal/kernel"
	"github.com/vkgemm/vkgemm/gpu/internal/tuning"
	"github.com/vkgemm/vkgemm/internal/diag"
	"github.com/vkgemm/vkgemm/shaders"
)

// Product is a host-slice product the tuner runs with a kernel of its own
// choosing: float32 A and B, or their halves in AH and BH, and float32 C; a
// strided batch where Batch > 1; or GemmInt8's int8 A8 and B8 and int32 C32
// (C = op(A)·op(B), Alpha and Beta unused, no batch). Its arguments must be
// right: the tuner makes them, and nothing checks them again.
type Product struct {
	TA, TB                    bool
	M, N, K                   int
	Alpha, Beta               float32
	A, B                      []float32
	AH, BH                    []uint16 // instead of A and B
	A8, B8                    []int8   // instead of A and B, with C32 instead of C
	C32                       []int32
	LDA, LDB                  int
	C                         []float32
	LDC                       int
	Batch                     int
	StrideA, StrideB, StrideC int
	Timed                     bool // record the kernels' time
}

// Held is the device held by Exclusive, for the tuner: it runs products
// with any kernel and sets the kernel of a class.
type Held struct{ d *Device }

// Exclusive holds the device while f runs, so that no product runs in
// between, and returns f's error or else what the validation layer
// reported meanwhile.
func (d *Device) Exclusive(f func(Held) error) error {
	if err := d.lock(); err != nil {
		return err
	}
	defer d.mu.Unlock()
	return d.finish(f(Held{d}))
}

// Run runs p with kernel k.
func (h Held) Run(p Product, k kernel.Kernel) (Timing, error) {
	q := problem{tA: p.TA, tB: p.TB, m: p.M, n: p.N, k: p.K, alpha: p.Alpha, beta: p.Beta,
		a: p.A, b: p.B, ah: p.AH, bh: p.BH, lda: p.LDA, ldb: p.LDB, c: p.C, ldc: p.LDC, timed: p.Timed}
	if p.Batch > 1 {
		q.batch, q.sA, q.sB, q.sC = p.Batch, p.StrideA, p.StrideB, p.StrideC
	}
	if p.A8 != nil {
		q.a8, q.b8, q.c = p.A8, p.B8, int32s(p.C32)
	}
	if k.Element == shaders.F64 {
		return Timing{}, fmt.Errorf("gpu: %w: the tuner runs no float64 kernels", ErrBadArgument)
	}
	return h.d.run(&q, k)
}

// KernelFor is Device.KernelFor.
func (h Held) KernelFor(e shaders.Element, m, n, k, batch int) kernel.Kernel {
	return h.d.kernelFor(e, m, n, k, batch)
}

// SetKernel makes k the kernel of key's products.
func (h Held) SetKernel(key tuning.Key, k kernel.Kernel) { h.d.kernels[key] = k }

// ErrSpills discards a candidate whose compiler statistics show spilled
// registers or scratch memory: it would be slow, and timing it costs time.
var ErrSpills = errors.New("spills registers")

// Spills reports ErrSpills for k where the driver reports statistics and
// they show spills or scratch; nil where it reports none.
func (h Held) Spills(k kernel.Kernel) error {
	d := h.d
	if !d.dev.HasStatistics() || d.dev.CaptureStatistics() != nil {
		return nil
	}
	p, err := d.newPipeline(k, false, false)
	if err != nil {
		return err
	}
	defer p.Destroy()
	s, err := p.Statistics()
	if err != nil {
		return nil // statistics are advice: a driver that fails to report them does not stop tuning
	}
	st := diag.PipelineStats{Statistics: s.Values}
	unifyStats(&st, d.props.DriverName)
	if st.Spilled() {
		return fmt.Errorf("%w: %s", ErrSpills, spillText(st))
	}
	return nil
}

// Flops is the work of p.
func (p Product) Flops() float64 { return float64(max(1, p.Batch)) * gemm.Flops(p.M, p.N, p.K) }

// spillText says what a compiler spilled.
func spillText(st diag.PipelineStats) string {
	n := func(v *int) int {
		if v == nil {
			return 0
		}
		return *v
	}
	return fmt.Sprintf("%d registers spilled, %d fills, %d bytes of scratch (%s)", n(st.Spills), n(st.Fills), n(st.ScratchBytes), st.Compiler)
}
