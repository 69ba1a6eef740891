package gpu_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/gpu"
	"github.com/vkgemm/vkgemm/gpu/internal/gputest"
	"github.com/vkgemm/vkgemm/shaders"
)

// halfInputs draws a rows×ld matrix of f's values in [-1, 1) and returns
// their bits and the float32s they stand for exactly.
func halfInputs(f gpu.HalfFormat, rng *rand.Rand, n int) ([]uint16, []float32) {
	return gputest.HalfInputs(f, rng, n)
}

// GemmHalf meets the float32 bound with the inputs taken as exact, for
// both formats, every transpose, odd sizes, padded rows, beta 0 over NaN.
func TestGemmHalf(t *testing.T) {
	gemmHalfConformance(t, openDevice(t, gpu.Config{}), gpu.F16, gpu.BF16)
}

// halfGemmer is a Device or a Group.
type halfGemmer interface {
	GemmHalf(f gpu.HalfFormat, tA, tB blas.Transpose, m, n, k int, alpha float32,
		a []uint16, lda int, b []uint16, ldb int, beta float32, c []float32, ldc int) error
}

// gemmHalfConformance holds GemmHalf in formats fs to the float32 bound with
// the inputs taken as exact, every transpose, odd sizes, padded rows, beta 0
// over NaN, and a long k.
func gemmHalfConformance(t *testing.T, d halfGemmer, fs ...gpu.HalfFormat) {
	for _, f := range fs {
		for _, tt := range transposes() {
			for _, c := range []gemmtest.Case{
				{M: 13, N: 7, K: 9, Alpha: 1, Beta: 0, NaNC: true},
				{M: 37, N: 29, K: 70, Alpha: -0.5, Beta: 2, PadA: 3, PadB: 1, PadC: 2},
				{M: 64, N: 64, K: 600, Alpha: 1, Beta: 1},
			} {
				c.TA, c.TB = tt[0], tt[1]
				t.Run(fmt.Sprintf("%v %v", f, c), func(t *testing.T) {
					rng := rand.New(rand.NewPCG(uint64(c.M), uint64(c.K)))
					p := gemmtest.NewProblem(c, 5) // for the shapes, C and the leading dimensions
					a, ax := halfInputs(f, rng, len(p.A))
					b, bx := halfInputs(f, rng, len(p.B))
					want, scale := gemmtest.Reference(c.TA, c.TB, c.M, c.N, c.K, c.Alpha, ax, p.LDA, bx, p.LDB, c.Beta, p.C, p.LDC)
					require.NoError(t, d.GemmHalf(f, c.TA, c.TB, c.M, c.N, c.K, c.Alpha, a, p.LDA, b, p.LDB, c.Beta, p.C, p.LDC))
					r := gemmtest.Compare(c.M, c.N, c.K, p.C, p.LDC, want, scale)
					assert.True(t, r.OK, "max rel err %g at %d", r.MaxRelErr, r.Worst)
				})
			}
		}
	}
}

// NaN, Inf and subnormal inputs are widened as IEEE 754 says: each element
// of C here is one product x·y, exact in float32 (or NaN, or Inf). F16
// subnormals widen to normal float32s, so their products are exact on every
// device. BF16 subnormals are float32 subnormals, which some devices' float32
// arithmetic flushes to zero (SwiftShader does, lavapipe does not): there
// the product is what Sgemm gives on the same float32 values.
func TestGemmHalfSpecialValues(t *testing.T) {
	d := openDevice(t, gpu.Config{})
	for _, tc := range []struct {
		f    gpu.HalfFormat
		a, b []uint16 // bits of A's column and B's row
	}{
		// F16: smallest subnormal 2^-24, largest subnormal, -0, Inf, NaN, 65504, a normal
		{gpu.F16, []uint16{0x0001, 0x03ff, 0x8000, 0x7c00, 0x7e00, 0x7bff, 0xbc00}, []uint16{0x6400, 0x3c00, 0x3c00, 0x0000, 0x3c00, 0xbc00}},
		// BF16: subnormals 2^-133 and largest, -0, Inf, NaN, largest finite, a normal
		{gpu.BF16, []uint16{0x0001, 0x007f, 0x8000, 0x7f80, 0x7fc0, 0x7f7f, 0xbf80}, []uint16{0x7000, 0x3f80, 0x3f80, 0x0000, 0x3f80, 0xbf80}},
	} {
		t.Run(tc.f.String(), func(t *testing.T) {
			m, n := len(tc.a), len(tc.b)
			c := make([]float32, m*n)
			require.NoError(t, d.GemmHalf(tc.f, blas.NoTrans, blas.NoTrans, m, n, 1, 1, tc.a, 1, tc.b, n, 0, c, n))
			af, bf := make([]float32, m), make([]float32, n)
			tc.f.Decode(af, tc.a)
			tc.f.Decode(bf, tc.b)
			f32 := make([]float32, m*n)
			require.NoError(t, d.Sgemm(blas.NoTrans, blas.NoTrans, m, n, 1, 1, af, 1, bf, n, 0, f32, n))
			for i, x := range af {
				for j, y := range bf {
					want, got := x*y, c[i*n+j]
					if tc.f == gpu.BF16 && (isSubnormal(x) || isSubnormal(y)) && f32[i*n+j] == 0 {
						want = 0 // this device flushes float32 subnormals
					}
					if math.IsNaN(float64(want)) {
						assert.True(t, math.IsNaN(float64(got)), "%04x·%04x: got %v, want NaN", tc.a[i], tc.b[j], got)
						continue
					}
					// == rather than bits: the sum starts at +0, so -0·1 gives +0 as in the float64 reference
					assert.True(t, got == want, "%04x·%04x: got %v, want %v", tc.a[i], tc.b[j], got, want)
				}
			}
		})
	}
}

func isSubnormal(x float32) bool { return x != 0 && math.Abs(float64(x)) < 0x1p-126 }

func TestGemmHalfBadArguments(t *testing.T) {
	d := openDevice(t, gpu.Config{})
	a, b, c := make([]uint16, 4), make([]uint16, 4), make([]float32, 4)
	n := blas.NoTrans
	assert.ErrorIs(t, d.GemmHalf(gpu.HalfFormat(7), n, n, 2, 2, 2, 1, a, 2, b, 2, 0, c, 2), gpu.ErrBadArgument)
	assert.ErrorIs(t, d.GemmHalf(gpu.F16, n, n, 2, 2, 2, 1, a[:3], 2, b, 2, 0, c, 2), gpu.ErrBadArgument)
	assert.ErrorIs(t, d.GemmHalf(gpu.BF16, n, n, 2, 2, 2, 1, a, 1, b, 2, 0, c, 2), gpu.ErrBadArgument)
	assert.ErrorIs(t, d.GemmHalf(gpu.BF16, n, blas.Transpose('x'), 2, 2, 2, 1, a, 2, b, 2, 0, c, 2), gpu.ErrBadArgument)
	c[0] = 3
	require.NoError(t, d.GemmHalf(gpu.BF16, n, n, 2, 2, 0, 1, nil, 1, nil, 2, 2, c, 2)) // k = 0: C = beta*C
	assert.Equal(t, []float32{6, 0, 0, 0}, c)
}

// Every kernel family a device may be forced to runs half inputs: the
// direct, subgroup and block (GPU) ones widen as they load, the block
// family's in every transpose and over a tile edge in m, n and k; the
// tiled family falls back to the direct half kernel.
func TestGemmHalfEveryFamily(t *testing.T) {
	for _, family := range []shaders.Family{shaders.FamilyDirect, shaders.FamilySubgroup, shaders.FamilyBlock, shaders.FamilyTiled} {
		t.Run(string(family), func(t *testing.T) {
			d, err := gpu.Open(gpu.Config{Kernel: family})
			if err != nil {
				t.Skipf("%s: %v", family, err) // the subgroup family needs 4- or 8-wide subgroups
			}
			defer d.Close()
			m, n, k := 19, 21, 23
			tts := [][2]blas.Transpose{{blas.NoTrans, blas.Trans}}
			if family == "block" && !testing.Short() { // 8 pipelines: 2 s each on lavapipe
				m, n, k, tts = 131, 133, 37, transposes() // past a 128×128 block and a 16-deep k-tile
			}
			rng := rand.New(rand.NewPCG(1, 2))
			for _, f := range []gpu.HalfFormat{gpu.F16, gpu.BF16} {
				for _, tt := range tts {
					lda, ldb := k, n
					if tt[0] == blas.Trans {
						lda = m
					}
					if tt[1] == blas.Trans {
						ldb = k
					}
					a, ax := halfInputs(f, rng, m*k)
					b, bx := halfInputs(f, rng, n*k)
					c := make([]float32, m*n)
					require.NoError(t, d.GemmHalf(f, tt[0], tt[1], m, n, k, 1, a, lda, b, ldb, 0, c, n))
					want, scale := gemmtest.Reference(tt[0], tt[1], m, n, k, 1, ax, lda, bx, ldb, 0, nil, n)
					assert.True(t, gemmtest.Compare(m, n, k, c, n, want, scale).OK, "%v %c%c", f, tt[0], tt[1])
				}
			}
		})
	}
}
