package gemmtest

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
)

// Case is one GEMM problem of the correctness sweep: shapes, transposes,
// scalars, and how the matrices sit in memory.
type Case struct {
	TA, TB      blas.Transpose
	M, N, K     int
	Alpha, Beta float32
	// PadA, PadB and PadC are added to the smallest leading dimensions, so
	// rows are further apart than the matrix is wide.
	PadA, PadB, PadC int
	// Offset places every matrix that far into a larger slice, as a
	// sub-matrix view of a bigger one would be.
	Offset int
	// NaNC fills C with NaN before the call; with Beta == 0 none may survive.
	NaNC bool
}

func (c Case) String() string {
	s := fmt.Sprintf("%s%s m=%d n=%d k=%d alpha=%g beta=%g", tname(c.TA), tname(c.TB), c.M, c.N, c.K, c.Alpha, c.Beta)
	if c.PadA|c.PadB|c.PadC != 0 {
		s += fmt.Sprintf(" pad=%d/%d/%d", c.PadA, c.PadB, c.PadC)
	}
	if c.Offset != 0 {
		s += fmt.Sprintf(" offset=%d", c.Offset)
	}
	if c.NaNC {
		s += " C=NaN"
	}
	return s
}

func tname(t blas.Transpose) string {
	if gemm.Transposed(t) {
		return "T"
	}
	return "N"
}

// Cases is the correctness sweep every engine must pass. With short set it
// leaves out the cases that take seconds on a software driver.
func Cases(short bool) []Case {
	var cs []Case
	ts := []blas.Transpose{blas.NoTrans, blas.Trans}
	// Every transpose pair on shapes around tile edges.
	shapes := [][3]int{{1, 1, 1}, {7, 63, 65}, {64, 64, 64}, {65, 127, 7}, {127, 1, 257}, {257, 65, 63}, {63, 257, 127}}
	for _, ta := range ts {
		for _, tb := range ts {
			for _, s := range shapes {
				cs = append(cs, Case{TA: ta, TB: tb, M: s[0], N: s[1], K: s[2], Alpha: 1, Beta: 0})
			}
			// Wide leading dimensions inside a larger slice, with alpha and beta.
			cs = append(cs, Case{TA: ta, TB: tb, M: 65, N: 63, K: 127, Alpha: -1.5, Beta: 0.5, PadA: 3, PadB: 5, PadC: 7, Offset: 11})
		}
	}
	cs = append(cs,
		Case{TA: blas.NoTrans, TB: blas.NoTrans, M: 64, N: 65, K: 1, Alpha: 2, Beta: -1},             // k = 1
		Case{TA: blas.NoTrans, TB: blas.Trans, M: 63, N: 64, K: 4096, Alpha: 1, Beta: 1},             // long k
		Case{TA: blas.Trans, TB: blas.NoTrans, M: 7, N: 1000, K: 65, Alpha: 0.25, Beta: 0},           // wide
		Case{TA: blas.NoTrans, TB: blas.NoTrans, M: 1000, N: 7, K: 64, Alpha: 1, Beta: 2},            // tall
		Case{TA: blas.NoTrans, TB: blas.NoTrans, M: 127, N: 129, K: 65, Alpha: 1, NaNC: true},        // beta = 0 ignores NaN in C
		Case{TA: blas.Trans, TB: blas.Trans, M: 33, N: 17, K: 9, Alpha: 0, Beta: -2},                 // alpha = 0: beta*C
		Case{TA: blas.NoTrans, TB: blas.NoTrans, M: 33, N: 17, K: 0, Alpha: 3, Beta: 0.5},            // k = 0: beta*C
		Case{TA: blas.NoTrans, TB: blas.NoTrans, M: 33, N: 17, K: 0, Alpha: 1, NaNC: true},           // k = 0, beta = 0: zeros
		Case{TA: blas.NoTrans, TB: blas.NoTrans, M: 0, N: 17, K: 5, Alpha: 1, Beta: 1},               // empty
		Case{TA: blas.NoTrans, TB: blas.NoTrans, M: 9, N: 10, K: 11, Alpha: -1, Beta: -1, Offset: 1}, // unaligned view
	)
	if !short {
		cs = append(cs,
			Case{TA: blas.NoTrans, TB: blas.NoTrans, M: 1000, N: 1000, K: 1000, Alpha: 1, Beta: 0},
			Case{TA: blas.Trans, TB: blas.Trans, M: 1000, N: 257, K: 1000, Alpha: -0.5, Beta: 1.5, PadA: 1, PadB: 2, PadC: 3},
		)
	}
	return cs
}

// Problem is a Case laid out in memory with random float32 inputs.
type Problem = ProblemOf[float32]

// Problem64 is a Case laid out in memory with random float64 inputs.
type Problem64 = ProblemOf[float64]

// ProblemOf is a Case laid out in memory with random inputs of type T.
type ProblemOf[T float32 | float64] struct {
	Case
	A, B, C       []T // the whole slices, views start at Offset
	LDA, LDB, LDC int
}

// NewProblem fills a Case with uniform random inputs in [-1, 1) drawn from
// seed, so every engine can be given the same problem.
func NewProblem(c Case, seed uint64) *Problem {
	return newProblem(c, seed, func(r *rand.Rand) float32 { return r.Float32()*2 - 1 })
}

// NewProblem64 is NewProblem with float64 inputs, using all 53 bits.
func NewProblem64(c Case, seed uint64) *Problem64 {
	return newProblem(c, seed, func(r *rand.Rand) float64 { return r.Float64()*2 - 1 })
}

func newProblem[T float32 | float64](c Case, seed uint64, draw func(*rand.Rand) T) *ProblemOf[T] {
	rng := rand.New(rand.NewPCG(seed, 0x766b67656d6d))
	ar, ac := gemm.Shape(c.TA, c.M, c.K)
	br, bc := gemm.Shape(c.TB, c.K, c.N)
	p := &ProblemOf[T]{Case: c, LDA: max(1, ac) + c.PadA, LDB: max(1, bc) + c.PadB, LDC: max(1, c.N) + c.PadC}
	fill := func(rows, ld int, nan bool) []T {
		s := make([]T, c.Offset+rows*ld)
		for i := range s {
			if nan {
				s[i] = T(math.NaN())
			} else {
				s[i] = draw(rng)
			}
		}
		return s
	}
	p.A = fill(ar, p.LDA, false)
	p.B = fill(br, p.LDB, false)
	p.C = fill(c.M, p.LDC, c.NaNC)
	return p
}

// Verify runs p on e, compares C with the float64 reference within Bound,
// and checks that elements of the slices outside the views were left alone.
// The error is what the engine returned; the Comparison says whether the
// result is right.
func Verify(e gemm.Engine, p *Problem) (Comparison, error) {
	c := p.Case
	o := c.Offset
	want, scale := Reference(c.TA, c.TB, c.M, c.N, c.K, c.Alpha, p.A[o:], p.LDA, p.B[o:], p.LDB, c.Beta, p.C[o:], p.LDC)
	return verify(p, want, scale, Compare, func() error {
		return e.Sgemm(c.TA, c.TB, c.M, c.N, c.K, c.Alpha, p.A[o:], p.LDA, p.B[o:], p.LDB, c.Beta, p.C[o:], p.LDC)
	})
}

// Verify64 is Verify for a float64 GEMM, within Bound64 of Reference64.
func Verify64(e gemm.Dgemmer, p *Problem64) (Comparison, error) {
	c := p.Case
	o := c.Offset
	alpha, beta := float64(c.Alpha), float64(c.Beta)
	want, scale := Reference64(c.TA, c.TB, c.M, c.N, c.K, alpha, p.A[o:], p.LDA, p.B[o:], p.LDB, beta, p.C[o:], p.LDC)
	return verify(p, want, scale, Compare64, func() error {
		return e.Dgemm(c.TA, c.TB, c.M, c.N, c.K, alpha, p.A[o:], p.LDA, p.B[o:], p.LDB, beta, p.C[o:], p.LDC)
	})
}

func verify[T float32 | float64](p *ProblemOf[T], want, scale []float64,
	compare func(m, n, k int, c []T, ldc int, want, scale []float64) Comparison, run func() error) (Comparison, error) {
	c := p.Case
	cBefore := append([]T(nil), p.C...)
	o := c.Offset
	if err := run(); err != nil {
		return Comparison{}, err
	}
	r := compare(c.M, c.N, c.K, p.C[o:], p.LDC, want, scale)
	// Nothing outside the m×n view of C may change: not the padding between
	// rows, not the elements before the offset or after the last row.
	for idx := range p.C {
		i, j := (idx-o)/p.LDC, (idx-o)%p.LDC
		inside := idx >= o && i < c.M && j < c.N
		if !inside && !sameBits(p.C[idx], cBefore[idx]) {
			r.OK = false
			r.Outside++
		}
	}
	return r, nil
}

func sameBits[T float32 | float64](x, y T) bool {
	switch x := any(x).(type) {
	case float32:
		return math.Float32bits(x) == math.Float32bits(any(y).(float32))
	default:
		return math.Float64bits(any(x).(float64)) == math.Float64bits(any(y).(float64))
	}
}
