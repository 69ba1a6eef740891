package cpu

import (
	"fmt"
	"runtime"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/vkgemm/vkgemm/gemm"
)

// Engine is the CPU engine: the best CPU BLAS present. Where OpenBLAS is
// installed it is loaded at run time (see OpenBLAS) and runs most products;
// gonum's pure-Go code runs those where it is about as fast or faster (under
// 32³ multiply-adds, and A·Bᵀ whose C has fewer than 16 rows or columns),
// everything where OpenBLAS is absent, and everything with PureGo set. Both
// use every core.
//
// RowsPerStep > 0 splits the product into bands of that many rows of C and
// yields to the scheduler between them. In a browser, where Go has no threads,
// that lets the page draw frames while a long product runs; on the desktop it
// is not needed.
type Engine struct {
	RowsPerStep int
	// Yield, if set, is called between bands instead of runtime.Gosched; a
	// browser build passes a short sleep so the event loop gets a turn.
	Yield func()
	// PureGo runs gonum's pure-Go code even where OpenBLAS is installed.
	PureGo bool
}

var _ gemm.Engine = Engine{}

// Backend returns "CPU".
func (Engine) Backend() string { return "CPU" }

// Describe says which implementation runs, e.g. "OpenBLAS 0.3.21 (Zen), 2
// threads; gonum below 32³ and for thin A·Bᵀ" or "gonum, pure Go
// (linux/amd64, 2 threads)".
func (e Engine) Describe() string {
	if l := e.library(); l != nil {
		return fmt.Sprintf("%s; gonum below %d³ and for thin A·Bᵀ", l.Describe(), gonumBelow)
	}
	return fmt.Sprintf("gonum, pure Go (%s/%s, %s)", runtime.GOOS, runtime.GOARCH, threads(runtime.GOMAXPROCS(0)))
}

// threads says "1 thread" (as in the browser, where Go has one) or "n threads".
func threads(n int) string {
	if n == 1 {
		return "1 thread"
	}
	return fmt.Sprintf("%d threads", n)
}

// library is the C library this engine calls, or nil for gonum's code.
func (e Engine) library() *cblas {
	if e.PureGo {
		return nil
	}
	l, err := loadedBLAS()
	if err != nil {
		return nil
	}
	return l
}

// Where gonum's code beats OpenBLAS's. Measured with OpenBLAS 0.3.21 on a
// 2-core machine; the figures and the command are in docs/cpu-path.md.
const (
	// Under gonumBelow³ multiply-adds, calling OpenBLAS (about a
	// microsecond, most of it the run-time binding's) can cost more than
	// gonum's whole product. Cubes cross over near 12³ here, but 16³ in
	// float32 ran at 0.6 times gonum's speed on a Zen machine; at 32³
	// OpenBLAS was at least 2.4 times as fast as gonum on every A·B of as
	// many multiply-adds here, and 3 times on cubes with its Zen kernels.
	gonumBelow = 32
	// In A·Bᵀ (A not transposed, B transposed) each element of C is a dot
	// product of two rows stored contiguously, which gonum's vector kernels
	// stream at memory speed. Where C has fewer than thinBelow rows or
	// columns, OpenBLAS ran up to 30 times slower than that.
	thinBelow = 16
)

// openBLASFaster reports whether OpenBLAS beats gonum's code on an m×n×k
// product with these transposes.
func openBLASFaster(tA, tB blas.Transpose, m, n, k int) bool {
	if float64(m)*float64(n)*float64(k) < gonumBelow*gonumBelow*gonumBelow {
		return false
	}
	thinDots := !gemm.Transposed(tA) && gemm.Transposed(tB) && min(m, n) < thinBelow
	return !thinDots
}

// Sgemm computes C = alpha*op(A)*op(B) + beta*C in float32 on the CPU.
func (e Engine) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) error {
	var impl gonum.Implementation
	return gemmInBands(e, impl.Sgemm, func(l *cblas) gemmFunc[float32] { return l.sgemm },
		tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Dgemm computes C = alpha*op(A)*op(B) + beta*C in float64 on the CPU, with
// the same convention and errors as Sgemm.
func (e Engine) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int,
	b []float64, ldb int, beta float64, c []float64, ldc int) error {
	var impl gonum.Implementation
	return gemmInBands(e, impl.Dgemm, func(l *cblas) gemmFunc[float64] { return l.dgemm },
		tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// faster returns the library's GEMM where OpenBLAS beats gonum's code on
// this shape, is loaded, and its integers hold the sizes; gonum's code
// (pure) elsewhere.
func faster[T float32 | float64](e Engine, pure gemmFunc[T], lib func(*cblas) gemmFunc[T],
	tA, tB blas.Transpose, m, n, k, lda, ldb, ldc int) gemmFunc[T] {
	if !openBLASFaster(tA, tB, m, n, k) {
		return pure // before e.library(): the smallest products notice its nanoseconds
	}
	if l := e.library(); l != nil && l.fits(m, n, k, lda, ldb, ldc) {
		return lib(l)
	}
	return pure
}

// gemmInBands checks the arguments, so that neither implementation sees bad
// ones, and runs the product whole or in bands of e.RowsPerStep rows, each
// on the faster of gonum's code (pure) and the library's GEMM (lib) for its
// shape.
func gemmInBands[T float32 | float64](e Engine, pure gemmFunc[T], lib func(*cblas) gemmFunc[T],
	tA, tB blas.Transpose, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) error {
	if err := gemm.CheckArgs(tA, tB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc); err != nil {
		return err
	}
	if m == 0 || n == 0 {
		return nil
	}
	step := e.RowsPerStep
	if step <= 0 || step >= m {
		f := faster(e, pure, lib, tA, tB, m, n, k, lda, ldb, ldc)
		f(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return nil
	}
	for i0 := 0; i0 < m; i0 += step {
		rows := min(step, m-i0)
		// Rows i0.. of op(A) start at row i0 of A, or at column i0 of A^T.
		aOff := i0 * lda
		if gemm.Transposed(tA) {
			aOff = i0
		}
		if k == 0 {
			aOff = 0
		}
		f := faster(e, pure, lib, tA, tB, rows, n, k, lda, ldb, ldc)
		f(tA, tB, rows, n, k, alpha, a[aOff:], lda, b, ldb, beta, c[i0*ldc:], ldc)
		if i0+rows < m {
			if e.Yield != nil {
				e.Yield()
			} else {
				runtime.Gosched()
			}
		}
	}
	return nil
}
