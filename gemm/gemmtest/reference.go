package gemmtest

import (
	"math"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
)

// Unit is the unit roundoff of float32: half the distance from 1 to the next
// float32.
const Unit = 1.0 / (1 << 24)

// Reference computes alpha*op(A)*op(B) + beta*C in float64 from the same
// float32 inputs, and for every element the magnitude
// |alpha|*(|op(A)|*|op(B)|) + |beta|*|C| that the error bound scales with.
// Both results are m×n, row-major, with leading dimension n. C is not read
// when beta == 0. The arguments must already have passed gemm.CheckArgs.
func Reference(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) (want, scale []float64) {
	return reference(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Reference64 is Reference for float64 inputs. Its sums are compensated
// (Ogita, Rump and Oishi's Dot2, SIAM J. Sci. Comput. 26(6), 2005): as
// accurate as if computed in twice float64's precision, so the reference
// is far closer to the exact product than Bound64 allows a result to be.
func Reference64(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int,
	b []float64, ldb int, beta float64, c []float64, ldc int) (want, scale []float64) {
	return reference(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func reference[T float32 | float64](tA, tB blas.Transpose, m, n, k int, alpha T, a []T, lda int,
	b []T, ldb int, beta T, c []T, ldc int) (want, scale []float64) {
	// float32 products are exact in float64 and their sums far more accurate
	// than float32's bound; float64 sums need compensation.
	var zero T
	_, compensated := any(zero).(float64)
	want = make([]float64, m*n)
	scale = make([]float64, m*n)
	at := func(i, p int) float64 {
		if gemm.Transposed(tA) {
			return float64(a[p*lda+i])
		}
		return float64(a[i*lda+p])
	}
	bt := func(p, j int) float64 {
		if gemm.Transposed(tB) {
			return float64(b[j*ldb+p])
		}
		return float64(b[p*ldb+j])
	}
	row := make([]float64, k)
	for i := 0; i < m; i++ {
		for p := range k {
			row[p] = at(i, p)
		}
		for j := range n {
			var sum, mag float64
			if alpha != 0 {
				var errSum float64 // Dot2's running error term
				for p := range k {
					x := row[p] * bt(p, j)
					mag += math.Abs(x)
					if !compensated {
						sum += x
						continue
					}
					xErr := math.FMA(row[p], bt(p, j), -x)
					s := sum + x
					bb := s - sum
					errSum += (sum - (s - bb)) + (x - bb) + xErr
					sum = s
				}
				sum += errSum
			}
			w := float64(alpha) * sum
			s := math.Abs(float64(alpha)) * mag
			if beta != 0 {
				cv := float64(c[i*ldc+j])
				w += float64(beta) * cv
				s += math.Abs(float64(beta)) * math.Abs(cv)
			}
			want[i*n+j] = w
			scale[i*n+j] = s
		}
	}
	return want, scale
}

// Bound is the largest error this package accepts in one element of a
// float32 GEMM with inner dimension k whose element magnitude is scale (as
// returned by Reference):
//
//	|got - want| <= (k+2)·u·scale + 2^-126
//
// It is the classical worst-case bound for a dot product of length k
// evaluated in any order in float32 (Higham, Accuracy and Stability of
// Numerical Algorithms, 2nd ed., §3.1: |error| <= γ_k·|a|·|b| with
// γ_k = k·u/(1-k·u)), widened by two roundings for the products with alpha and
// beta and by the smallest normal float32 for results near underflow. Fused
// multiply-adds, any summation order (tiles, split-K) and any vector width
// stay within it, so every engine is held to the same bound.
func Bound(k int, scale float64) float64 {
	ku := float64(k+2) * Unit
	return ku/(1-ku)*scale + 0x1p-126
}

// Unit64 is the unit roundoff of float64.
const Unit64 = 0x1p-53

// Bound64 is Bound for float64: (k+2)·u·scale/(1-(k+2)·u) + 2^-1022 with
// u = 2^-53.
func Bound64(k int, scale float64) float64 {
	ku := float64(k+2) * Unit64
	return ku/(1-ku)*scale + 0x1p-1022
}

// Comparison is the outcome of checking a result against Reference.
type Comparison struct {
	MaxAbsErr float64 // largest |got - want|
	// MaxRelErr is the largest |got - want| / scale, the error relative to the
	// magnitude the bound scales with (0 where scale is 0 and the result exact).
	MaxRelErr float64
	// Worst is the row-major index (i*n + j) of the element that comes
	// closest to its bound, or goes furthest past it.
	Worst int
	// Outside counts elements of C's slice outside the m×n view that the
	// engine changed (Verify sets it; it must be 0).
	Outside int
	OK      bool // every element within Bound, no NaN where want is finite, Outside == 0
}

// Compare checks an m×n result c (leading dimension ldc) against want and
// scale from Reference, for a GEMM of inner dimension k.
func Compare(m, n, k int, c []float32, ldc int, want, scale []float64) Comparison {
	return compare(m, n, k, c, ldc, want, scale, Bound)
}

// Compare64 is Compare for a float64 result, within Bound64.
func Compare64(m, n, k int, c []float64, ldc int, want, scale []float64) Comparison {
	return compare(m, n, k, c, ldc, want, scale, Bound64)
}

func compare[T float32 | float64](m, n, k int, c []T, ldc int, want, scale []float64, bound func(int, float64) float64) Comparison {
	r := Comparison{OK: true}
	worstExcess := math.Inf(-1)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			got := float64(c[i*ldc+j])
			idx := i*n + j
			diff := math.Abs(got - want[idx])
			if math.IsNaN(diff) {
				// A NaN is within bounds only where the reference is NaN too.
				if math.IsNaN(want[idx]) && math.IsNaN(got) {
					continue
				}
				diff = math.Inf(1)
			}
			rel := 0.0
			if scale[idx] > 0 {
				rel = diff / scale[idx]
			} else if diff > 0 {
				rel = math.Inf(1)
			}
			r.MaxAbsErr = max(r.MaxAbsErr, diff)
			r.MaxRelErr = max(r.MaxRelErr, rel)
			excess := diff - bound(k, scale[idx])
			if excess > worstExcess {
				worstExcess, r.Worst = excess, idx
			}
			if excess > 0 {
				r.OK = false
			}
		}
	}
	return r
}
