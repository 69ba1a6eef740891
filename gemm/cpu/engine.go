package cpu

import (
	"fmt"
	"runtime"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/vkgemm/vkgemm/gemm"
)

// Engine is the CPU engine: the best CPU BLAS present. Where OpenBLAS is
// installed it is loaded at run time and called (see OpenBLAS); elsewhere,
// and with PureGo set, gonum's pure-Go code runs. Both use every core.
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
// threads" or "gonum, pure Go (linux/amd64, 2 threads)".
func (e Engine) Describe() string {
	if l := e.library(); l != nil {
		return l.Describe()
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

// Sgemm computes C = alpha*op(A)*op(B) + beta*C in float32 on the CPU.
func (e Engine) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) error {
	var impl gonum.Implementation
	f := impl.Sgemm
	if l := e.library(); l != nil && l.fits(m, n, k, lda, ldb, ldc) {
		f = l.sgemm
	}
	return gemmInBands(e, f, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Dgemm computes C = alpha*op(A)*op(B) + beta*C in float64 on the CPU, with
// the same convention and errors as Sgemm.
func (e Engine) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int,
	b []float64, ldb int, beta float64, c []float64, ldc int) error {
	var impl gonum.Implementation
	f := impl.Dgemm
	if l := e.library(); l != nil && l.fits(m, n, k, lda, ldb, ldc) {
		f = l.dgemm
	}
	return gemmInBands(e, f, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// gemmInBands checks the arguments, so that f never sees bad ones, and runs
// f on the whole product or in bands of e.RowsPerStep rows.
func gemmInBands[T float32 | float64](e Engine, f gemmFunc[T], tA, tB blas.Transpose, m, n, k int, alpha T, a []T, lda int,
	b []T, ldb int, beta T, c []T, ldc int) error {
	if err := gemm.CheckArgs(tA, tB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc); err != nil {
		return err
	}
	if m == 0 || n == 0 {
		return nil
	}
	step := e.RowsPerStep
	if step <= 0 || step >= m {
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
