package tune

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gemm/cpu"
	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/gpu/internal/engine"
	"github.com/vkgemm/vkgemm/gpu/internal/kernel"
	"github.com/vkgemm/vkgemm/half"
	"github.com/vkgemm/vkgemm/shaders"
)

// target is what one kernel search tunes: float32 products of a class, a
// strided batch of small ones, GemmHalf's products of a format and class,
// or GemmInt8's of a class.
type target struct {
	key   Key // the kernel's key in the tuning file
	batch int // products per call: BatchedCount for Batched, else 1
}

// targets lists the searches of a run: every class, then GemmHalf's per
// format and class, then GemmInt8's per class where int8 is set.
func targets(classes []Class, halves []shaders.Element, int8 bool) []target {
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
	if int8 {
		halves = append(slices.Clip(halves), shaders.Int8)
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
// where a module exists for them and they fit; GemmInt8's the int8 direct
// module's (kernel.Int8Candidates), starting from the built-in where
// GemmInt8 runs on cooperative matrices, which are not searched.
func (tg target) candidates(h engine.Held, d *engine.Device) []Kernel {
	m, n, k := Shape(tg.key.Class, d.CPU())
	start := h.KernelFor(tg.key.Element, m, n, k, tg.batch)
	switch tg.key.Element {
	case shaders.F32:
		return kernel.Candidates(d.Props(), start)
	case shaders.Int8:
		if start.Family != shaders.FamilyDirect {
			start = kernel.Int8(d.Props())
		}
		return kernel.Int8Candidates(d.Props(), start)
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
// its smaller one), BatchedCount of them in a batch; for int8, random
// values over the whole int8 range.
func (tg target) timedProblem(cpu bool) engine.Product {
	m, n, k := Shape(tg.key.Class, cpu)
	if tg.key.Element == shaders.Int8 {
		rng := rand.New(rand.NewPCG(uint64(m), uint64(k)))
		a, b := make([]int8, m*k), make([]int8, k*n)
		for _, s := range [][]int8{a, b} {
			for i := range s {
				s[i] = int8(rng.Uint32())
			}
		}
		return engine.Product{M: m, N: n, K: k, A8: a, LDA: k, B8: b, LDB: n, C32: make([]int32, m*n), LDC: n, Timed: true}
	}
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

// checkInt8 runs int8 kernel k on case c (its Alpha and Beta do not apply)
// with operands over the whole int8 range and says whether C is exactly
// the reference and nothing outside its view changed (errWrongResult
// where not).
func checkInt8(h engine.Held, k Kernel, c gemmtest.Case, seed uint64) error {
	c.Alpha, c.Beta = 1, 0
	wrong, outside, err := gemmtest.VerifyInt8(held8{h, k}, gemmtest.NewInt8Problem(c, seed))
	switch {
	case err != nil:
		return err
	case wrong >= 0:
		return fmt.Errorf("%w: int8 %s: C(%d,%d) is not the exact sum", errWrongResult, c, wrong/c.N, wrong%c.N)
	case outside > 0:
		return fmt.Errorf("%w: int8 %s: %d elements outside the view of C written", errWrongResult, c, outside)
	}
	return nil
}

// held8 runs GemmInt8's products on a held device with one kernel, as a
// gemm.Int8Engine for gemmtest.
type held8 struct {
	h engine.Held
	k Kernel
}

func (e held8) GemmInt8(tA, tB blas.Transpose, m, n, k int, a []int8, lda int, b []int8, ldb int, c []int32, ldc int) error {
	_, err := e.h.Run(engine.Product{TA: gemm.Transposed(tA), TB: gemm.Transposed(tB), M: m, N: n, K: k,
		A8: a, LDA: lda, B8: b, LDB: ldb, C32: c, LDC: ldc}, e.k)
	return err
}

// refLimit is the most multiply-adds the int8 reference of a class's
// product takes (about a second of the CPU engine on a few cores): the
// products of CPU drivers' classes whole, and on a GPU, whose products are
// larger, bands of rows at the top and bottom of C.
const refLimit = 1 << 30

// int8Reference is the exact product of pr, an untransposed int8 product
// as timedProblem makes it, from the CPU engine's int8 GEMM, in the rows
// it has: all of them where that takes at most limit multiply-adds (the
// search's refLimit), else a band at the top and one at the bottom of C.
// It returns the rows computed, as [start, end) pairs, and C with them
// filled.
func int8Reference(pr engine.Product, limit int) ([][2]int, []int32, error) {
	m, n, k := pr.M, pr.N, pr.K
	bands := [][2]int{{0, m}}
	if rows := limit / max(1, 2*n*k); rows < m/2 {
		rows = max(1, rows)
		bands = [][2]int{{0, rows}, {m - rows, m}}
	}
	want := make([]int32, m*n)
	for _, r := range bands {
		if err := (cpu.Engine{}).GemmInt8(blas.NoTrans, blas.NoTrans, r[1]-r[0], n, k, pr.A8[r[0]*pr.LDA:], pr.LDA,
			pr.B8, pr.LDB, want[r[0]*n:], n); err != nil {
			return nil, nil, err
		}
	}
	return bands, want, nil
}

// compareInt8 says whether got holds want in the rows of bands, exactly
// (errWrongResult with the first difference where not).
func compareInt8(m, n int, bands [][2]int, got, want []int32) error {
	for _, r := range bands {
		for i := r[0] * n; i < r[1]*n; i++ {
			if got[i] != want[i] {
				return fmt.Errorf("%w: int8 %d×%d: C(%d,%d) = %d, want %d", errWrongResult, m, n, i/n, i%n, got[i], want[i])
			}
		}
	}
	return nil
}
