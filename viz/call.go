package viz

import (
	"fmt"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gemm/cpu"
	"github.com/vkgemm/vkgemm/half"
)

// StridedBatcher is an engine with a strided-batched GEMM in one call, as
// gpu.Device has (cuBLAS's SgemmStridedBatched on gonum's row-major
// convention). Engines without it race Batched as a loop of Sgemm calls.
type StridedBatcher interface {
	gemm.Engine
	SgemmStridedBatched(tA, tB blas.Transpose, m, n, k int, alpha float32,
		a []float32, lda, strideA int, b []float32, ldb, strideB int, beta float32,
		c []float32, ldc, strideC int, batch int) error
}

// HalfEngine is an engine that takes A and B as 16-bit bit patterns and
// accumulates in float32, as gpu.Device and the browser's WebGPU engine do.
// Engines without it (the CPU engine) race BF16 and F16 by widening the
// inputs to float32 on the host, inside the timed run, then calling Sgemm.
type HalfEngine interface {
	gemm.Engine
	GemmHalf(f half.Format, tA, tB blas.Transpose, m, n, k int, alpha float32,
		a []uint16, lda int, b []uint16, ldb int, beta float32, c []float32, ldc int) error
}

// HalfChecker is a HalfEngine that can say before a race that it cannot
// take a format on its device (F16 on a WebGPU device without it).
type HalfChecker interface {
	CanGemmHalf(f half.Format) error
}

// Method says how engine e runs mode m, for its card, or why it cannot.
func Method(m Mode, e gemm.Engine) (string, error) {
	switch m {
	case Batched:
		if _, ok := e.(StridedBatcher); ok {
			return "SgemmStridedBatched, one call", nil
		}
		return fmt.Sprintf("a loop of %d Sgemm calls", BatchCount), nil
	case BF16, F16:
		f, _ := m.Half()
		h, ok := e.(HalfEngine)
		if !ok {
			return "widened to float32, then Sgemm", nil
		}
		if c, ok := h.(HalfChecker); ok {
			if err := c.CanGemmHalf(f); err != nil {
				return "", err
			}
		}
		return "GemmHalf, widened in the kernel", nil
	case Int8:
		// No fallback through Sgemm: float32 sums are not exact past 2²⁴,
		// and an int8 race is about the integer path. An engine without
		// one sits the race out and says so.
		if _, ok := e.(gemm.Int8Engine); !ok {
			return "", fmt.Errorf("the %s engine in this build has no int8 GEMM", e.Backend())
		}
		if _, ok := e.(cpu.Engine); ok {
			// Its description names the BLAS of Sgemm, which int8 skips.
			return "GemmInt8 in pure Go, no BLAS", nil
		}
		return "GemmInt8, int32 accumulate", nil
	}
	return "Sgemm", nil
}

// call runs one race step of mode m at size n on e: the products of
// m.Shape(n) on p's inputs into c, or into ci for Int8. between is called
// after each product of a batch that e runs one by one.
func call(m Mode, e gemm.Engine, n int, p *problem, c []float32, ci []int32, between func()) error {
	const N = blas.NoTrans
	batch, s := m.Shape(n)
	switch m {
	case Int8:
		ie, ok := e.(gemm.Int8Engine)
		if !ok {
			// Method keeps such an engine out of the race; this is the
			// error should it get here anyway.
			return fmt.Errorf("the %s engine has no int8 GEMM", e.Backend())
		}
		return ie.GemmInt8(N, N, n, n, n, p.a8, n, p.b8, n, ci, n)
	case Batched:
		if b, ok := e.(StridedBatcher); ok {
			return b.SgemmStridedBatched(N, N, s, s, s, 1, p.a, s, s*s, p.b, s, s*s, 0, c, s, s*s, batch)
		}
		for g := range batch {
			o := g * s * s
			if err := e.Sgemm(N, N, s, s, s, 1, p.a[o:], s, p.b[o:], s, 0, c[o:], s); err != nil {
				return err
			}
			between()
		}
		return nil
	case BF16, F16:
		f, _ := m.Half()
		if h, ok := e.(HalfEngine); ok {
			return h.GemmHalf(f, N, N, n, n, n, 1, p.ah, n, p.bh, n, 0, c, n)
		}
		// The widening is part of what this engine does with half inputs.
		f.Decode(p.wa, p.ah)
		f.Decode(p.wb, p.bh)
		return e.Sgemm(N, N, n, n, n, 1, p.wa, n, p.wb, n, 0, c, n)
	}
	return e.Sgemm(N, N, n, n, n, 1, p.a, n, p.b, n, 0, c, n)
}
