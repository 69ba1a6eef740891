package gemmtest

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
)

// Int8Problem is an int8 GEMM of a Case (Alpha, Beta and NaNC do not
// apply) with random operands over the whole int8 range.
type Int8Problem struct {
	Case          Case
	A, B          []int8
	C             []int32
	LDA, LDB, LDC int
}

// NewInt8Problem draws the operands of case c from seed; C starts filled
// with a marker value, so that writes outside the view show.
func NewInt8Problem(c Case, seed uint64) *Int8Problem {
	rng := rand.New(rand.NewPCG(seed, 8))
	ar, ac := gemm.Shape(c.TA, c.M, c.K)
	br, bc := gemm.Shape(c.TB, c.K, c.N)
	p := &Int8Problem{Case: c, LDA: max(1, ac) + c.PadA, LDB: max(1, bc) + c.PadB, LDC: max(1, c.N) + c.PadC}
	o := c.Offset
	p.A = make([]int8, o+max(1, ar)*p.LDA)
	p.B = make([]int8, o+max(1, br)*p.LDB)
	p.C = make([]int32, o+max(1, c.M)*p.LDC)
	for _, s := range [][]int8{p.A, p.B} {
		for i := range s {
			s[i] = int8(rng.IntN(256) - 128)
		}
	}
	for i := range p.C {
		p.C[i] = -0x5a5a5a5a
	}
	return p
}

// ReferenceInt8 is the exact op(A)·op(B), in int64.
func ReferenceInt8(tA, tB blas.Transpose, m, n, k int, a []int8, lda int, b []int8, ldb int) []int64 {
	out := make([]int64, m*n)
	for i := range m {
		for j := range n {
			var s int64
			for p := range k {
				ia, ib := i*lda+p, p*ldb+j
				if gemm.Transposed(tA) {
					ia = p*lda + i
				}
				if gemm.Transposed(tB) {
					ib = j*ldb + p
				}
				x, y := a[ia], b[ib]
				s += int64(x) * int64(y)
			}
			out[i*n+j] = s
		}
	}
	return out
}

// VerifyInt8 runs p on e and reports whether C is exactly the reference
// and nothing outside its view changed: the element first wrong (-1 where
// none is) and how many outside the view changed.
func VerifyInt8(e gemm.Int8Engine, p *Int8Problem) (wrong, outside int, err error) {
	c, o := p.Case, p.Case.Offset
	want := ReferenceInt8(c.TA, c.TB, c.M, c.N, c.K, p.A[o:], p.LDA, p.B[o:], p.LDB)
	before := slices.Clone(p.C)
	if err := e.GemmInt8(c.TA, c.TB, c.M, c.N, c.K, p.A[o:], p.LDA, p.B[o:], p.LDB, p.C[o:], p.LDC); err != nil {
		return -1, 0, err
	}
	wrong = -1
	for idx := range p.C {
		i, j := (idx-o)/p.LDC, (idx-o)%p.LDC
		if idx >= o && i < c.M && j < c.N {
			if int64(p.C[idx]) != want[i*c.N+j] && wrong < 0 {
				wrong = i*c.N + j
			}
		} else if p.C[idx] != before[idx] {
			outside++
		}
	}
	return wrong, outside, nil
}

// Int8Cases is the int8 sweep: Cases' shapes, with k at the extremes of
// MaxInt8K where short is false.
func Int8Cases(short bool) []Case {
	var cs []Case
	for _, c := range Cases(true) {
		c.Alpha, c.Beta, c.NaNC = 1, 0, false
		cs = append(cs, c)
	}
	if !short {
		cs = append(cs, Case{TA: blas.Trans, TB: blas.NoTrans, M: 3, N: 5, K: 4099, PadA: 1, PadB: 2, PadC: 3})
	}
	return cs
}

// CorrectnessInt8 runs every case of Int8Cases(short) on e as a subtest,
// then the extremes: every product -128·-128 and 127·-128 over the largest
// k, which reach int32's limits without passing them.
func CorrectnessInt8(t *testing.T, e gemm.Int8Engine, short bool) {
	t.Helper()
	for i, c := range Int8Cases(short) {
		t.Run(c.String(), func(t *testing.T) {
			wrong, outside, err := VerifyInt8(e, NewInt8Problem(c, uint64(i)))
			if err != nil {
				t.Fatalf("the engine failed: %v", err)
			}
			if wrong >= 0 {
				t.Errorf("C is not exact: element %d differs from the reference", wrong)
			}
			if outside != 0 {
				t.Errorf("%d elements outside the view of C were written", outside)
			}
		})
	}
	t.Run("extremes", func(t *testing.T) {
		const k = gemm.MaxInt8K
		for _, x := range []int8{-128, 127} {
			a, b := make([]int8, k), make([]int8, 2*k)
			for p := range k {
				a[p], b[2*p], b[2*p+1] = x, -128, 127
			}
			c := make([]int32, 2)
			if err := e.GemmInt8(blas.NoTrans, blas.NoTrans, 1, 2, k, a, k, b, 2, c, 2); err != nil {
				t.Fatalf("k=%d: %v", k, err)
			}
			want := []int32{int32(k * int(x) * -128), int32(k * int(x) * 127)}
			if !slices.Equal(c, want) {
				t.Errorf("A all %d, k=%d: C = %v, want %v", x, k, c, want)
			}
		}
		err := e.GemmInt8(blas.NoTrans, blas.NoTrans, 1, 1, k+1, make([]int8, k+1), k+1, make([]int8, k+1), 1, make([]int32, 1), 1)
		if !errors.Is(err, gemm.ErrBadArgument) {
			t.Errorf("k=%d: %v, want an error wrapping gemm.ErrBadArgument", k+1, err)
		}
	})
}

// BadArgumentsInt8 is BadArguments for an int8 GEMM.
func BadArgumentsInt8(t *testing.T, e gemm.Int8Engine) {
	t.Helper()
	c := make([]int32, 12)
	for name, call := range map[string]func() error{
		"negative m": func() error {
			return e.GemmInt8(blas.NoTrans, blas.NoTrans, -1, 3, 4, make([]int8, 12), 4, make([]int8, 12), 3, c, 3)
		},
		"lda too small": func() error {
			return e.GemmInt8(blas.NoTrans, blas.NoTrans, 3, 3, 4, make([]int8, 12), 3, make([]int8, 12), 3, c, 3)
		},
		"A too short": func() error {
			return e.GemmInt8(blas.NoTrans, blas.NoTrans, 3, 3, 4, make([]int8, 11), 4, make([]int8, 12), 3, c, 3)
		},
		"C too short": func() error {
			return e.GemmInt8(blas.NoTrans, blas.NoTrans, 3, 3, 4, make([]int8, 12), 4, make([]int8, 12), 3, c[:8], 3)
		},
		"bad transpose": func() error {
			return e.GemmInt8('x', blas.NoTrans, 3, 3, 4, make([]int8, 12), 4, make([]int8, 12), 3, c, 3)
		},
	} {
		t.Run(name, func(t *testing.T) {
			before := slices.Clone(c)
			err := callWithoutPanic(t, call)
			if !errors.Is(err, gemm.ErrBadArgument) {
				t.Errorf("error %v does not wrap gemm.ErrBadArgument", err)
			}
			if !slices.Equal(before, c) {
				t.Errorf("C changed on a rejected call")
			}
		})
	}
}
