package gpu

import (
	"fmt"
	"slices"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gemm/gemmtest"
)

// tuneTarget is what one kernel search tunes: float32 products of a shape
// class, a strided batch of small ones, or GemmHalf's products of a format
// and class.
type tuneTarget struct {
	key   string     // the key of Tuning.Kernels
	class string     // the shape class of its products (ShapeBatched for a batch)
	half  HalfFormat // GemmHalf's format; 0 for float32
	batch int        // products per call: BatchedCount for ShapeBatched, else 1
}

// tuneTargets lists the searches of a run: every class, then GemmHalf's
// per format and shape class.
func tuneTargets(classes []string, formats []HalfFormat) []tuneTarget {
	var out []tuneTarget
	for _, c := range classes {
		tg := tuneTarget{key: c, class: c, batch: 1}
		if c == ShapeBatched {
			tg.batch = BatchedCount
		}
		out = append(out, tg)
	}
	for _, f := range formats {
		for _, c := range classes {
			if c != ShapeBatched && !slices.ContainsFunc(out, func(t tuneTarget) bool { return t.key == halfKey(f, c) }) {
				out = append(out, tuneTarget{key: halfKey(f, c), class: c, half: f, batch: 1})
			}
		}
	}
	return out
}

// targetCandidates lists the kernels worth trying for tg, the one in use
// first. GemmHalf's are the float32 candidates of its class in tg's
// precision, where a module exists for them (Kernel.module) and they fit.
func (d *Device) targetCandidates(tg tuneTarget) []Kernel {
	m, n, k := ClassShape(tg.class, d.info.Type == TypeCPU)
	switch {
	case tg.half != 0:
		start := d.halfKernelFor(tg.half, m, n, k)
		out := []Kernel{start}
		for _, c := range d.candidates(d.kernels[tg.class]) {
			c.Precision = halfPrecision(tg.half)
			if _, err := c.module(); err == nil && c.fits(d.dev.Properties()) == nil && !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
		return out
	case tg.batch > 1:
		return d.candidates(d.kernelForBatch(m, n, k, tg.batch))
	}
	return d.candidates(d.kernels[tg.class])
}

// checkBatch is the number of products a batched candidate is checked on:
// enough to see the strides.
const checkBatch = 3

// checkProblem is tg's product of case c: the problem to run, and the
// comparison of its result with the float64 reference, taken before the
// run (which overwrites C). Half inputs are c's rounded to tg.half, and the
// reference takes the rounded values as exact.
func (tg tuneTarget) checkProblem(c gemmtest.Case, seed uint64) (*problem, func() error) {
	batch := min(tg.batch, checkBatch)
	prs := make([]*gemmtest.Problem, batch)
	for g := range prs {
		prs[g] = gemmtest.NewProblem(c, seed*checkBatch+uint64(g))
	}
	pr := prs[0]
	sA, sB, sC := len(pr.A), len(pr.B), len(pr.C)
	var a, b, cs []float32
	for _, q := range prs {
		a, b, cs = append(a, q.A...), append(b, q.B...), append(cs, q.C...)
	}
	p := &problem{tA: gemm.Transposed(c.TA), tB: gemm.Transposed(c.TB), m: c.M, n: c.N, k: c.K, alpha: c.Alpha, beta: c.Beta,
		a: a, lda: pr.LDA, b: b, ldb: pr.LDB, c: cs, ldc: pr.LDC}
	if batch > 1 {
		p.batch, p.sA, p.sB, p.sC = batch, sA, sB, sC
	}
	if tg.half != 0 {
		p.ah, p.bh = roundHalf(tg.half, a), roundHalf(tg.half, b)
		p.a, p.b = nil, nil
	}
	wants, scales := make([][]float64, batch), make([][]float64, batch)
	for g := range batch {
		wants[g], scales[g] = gemmtest.Reference(c.TA, c.TB, c.M, c.N, c.K, c.Alpha, a[g*sA:], pr.LDA, b[g*sB:], pr.LDB,
			c.Beta, cs[g*sC:(g+1)*sC], pr.LDC)
	}
	return p, func() error {
		for g := range batch {
			if r := gemmtest.Compare(c.M, c.N, c.K, cs[g*sC:], pr.LDC, wants[g], scales[g]); !r.OK {
				return fmt.Errorf("product %d of %d: max rel err %.2e", g+1, batch, r.MaxRelErr)
			}
		}
		return nil
	}
}

// roundHalf rounds x in place to format f's values and returns their bits.
func roundHalf(f HalfFormat, x []float32) []uint16 {
	bits := make([]uint16, len(x))
	f.Encode(bits, x)
	f.Decode(x, bits)
	return bits
}

// timedProblem is the product tg is timed on, and its flops: ClassShape's
// (on a CPU driver, its smaller one), BatchedCount of them in a batch.
func (tg tuneTarget) timedProblem(cpu bool) (*problem, float64) {
	m, n, k := ClassShape(tg.class, cpu)
	batch := max(1, tg.batch)
	a, b, c := make([]float32, batch*m*k), make([]float32, batch*k*n), make([]float32, batch*m*n)
	for i := range a {
		a[i] = float32(i%7) - 3
	}
	for i := range b {
		b[i] = float32(i%5) - 2
	}
	p := &problem{m: m, n: n, k: k, alpha: 1, a: a, lda: k, b: b, ldb: n, c: c, ldc: n, timed: true}
	if batch > 1 {
		p.batch, p.sA, p.sB, p.sC = batch, m*k, k*n, m*n
	}
	if tg.half != 0 {
		p.ah, p.bh = roundHalf(tg.half, a), roundHalf(tg.half, b)
		p.a, p.b = nil, nil
	}
	return p, float64(batch) * gemm.Flops(m, n, k)
}
