package tune

import (
	"fmt"
	"slices"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/gpu/internal/engine"
	"github.com/vkgemm/vkgemm/gpu/internal/kernel"
	"github.com/vkgemm/vkgemm/half"
	"github.com/vkgemm/vkgemm/shaders"
)

// target is what one kernel search tunes: float32 products of a class, a
// strided batch of small ones, or GemmHalf's products of a format and
// class.
type target struct {
	key   Key // the kernel's key in the tuning file
	batch int // products per call: BatchedCount for Batched, else 1
}

// targets lists the searches of a run: every class, then GemmHalf's per
// format and class.
func targets(classes []Class, halves []shaders.Element) []target {
	var out []target
	add := func(tg target) {
		if !slices.ContainsFunc(out, func(t target) bool { return t.key == tg.key }) {
			out = append(out, tg)
		}
	}
	for _, c := range classes {
		tg := target{key: Key{Element: shaders.F32, Class: c}, batch: 1}
		if c == Batched {
			tg.batch = BatchedCount
		}
		add(tg)
	}
	for _, e := range halves {
		for _, c := range classes {
			if c != Batched {
				add(target{key: Key{Element: e, Class: c}, batch: 1})
			}
		}
	}
	return out
}

// candidates lists the kernels worth trying for tg, the one in use first.
// GemmHalf's are the float32 candidates of its class in tg's element type,
// where a module exists for them and they fit.
func (tg target) candidates(h engine.Held, d *engine.Device) []Kernel {
	m, n, k := Shape(tg.key.Class, d.CPU())
	start := h.KernelFor(tg.key.Element, m, n, k, tg.batch)
	if tg.key.Element == shaders.F32 {
		return kernel.Candidates(d.Props(), start)
	}
	f32 := kernel.Candidates(d.Props(), h.KernelFor(shaders.F32, m, n, k, 1))
	out := []Kernel{start}
	for _, c := range kernel.ForElement(f32, tg.key.Element, d.Props()) {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// checkBatch is the number of products a batched candidate is checked on:
// enough to see the strides.
const checkBatch = 3

// checkProblem is tg's product of case c: the product to run, and the
// comparison of its result with the float64 reference, taken before the
// run (which overwrites C). Half inputs are c's rounded to tg's format, and
// the reference takes the rounded values as exact.
func (tg target) checkProblem(c gemmtest.Case, seed uint64) (engine.Product, func() error) {
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
	p := engine.Product{TA: gemm.Transposed(c.TA), TB: gemm.Transposed(c.TB), M: c.M, N: c.N, K: c.K, Alpha: c.Alpha, Beta: c.Beta,
		A: a, LDA: pr.LDA, B: b, LDB: pr.LDB, C: cs, LDC: pr.LDC}
	if batch > 1 {
		p.Batch, p.StrideA, p.StrideB, p.StrideC = batch, sA, sB, sC
	}
	tg.toHalf(&p)
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

// toHalf rounds p's A and B in place to tg's half format and gives p their
// bits instead; float32 targets are left alone.
func (tg target) toHalf(p *engine.Product) {
	f, ok := map[shaders.Element]half.Format{shaders.F16: half.F16, shaders.BF16: half.BF16}[tg.key.Element]
	if !ok {
		return
	}
	round := func(x []float32) []uint16 {
		bits := make([]uint16, len(x))
		f.Encode(bits, x)
		f.Decode(x, bits)
		return bits
	}
	p.AH, p.BH = round(p.A), round(p.B)
	p.A, p.B = nil, nil
}

// timedProblem is the product tg is timed on: Shape's (on a CPU driver,
// its smaller one), BatchedCount of them in a batch.
func (tg target) timedProblem(cpu bool) engine.Product {
	m, n, k := Shape(tg.key.Class, cpu)
	batch := max(1, tg.batch)
	a, b, c := make([]float32, batch*m*k), make([]float32, batch*k*n), make([]float32, batch*m*n)
	for i := range a {
		a[i] = float32(i%7) - 3
	}
	for i := range b {
		b[i] = float32(i%5) - 2
	}
	p := engine.Product{M: m, N: n, K: k, Alpha: 1, A: a, LDA: k, B: b, LDB: n, C: c, LDC: n, Timed: true}
	if batch > 1 {
		p.Batch, p.StrideA, p.StrideB, p.StrideC = batch, m*k, k*n, m*n
	}
	tg.toHalf(&p)
	return p
}
