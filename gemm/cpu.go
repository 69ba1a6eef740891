package gemm

import (
	"fmt"
	"runtime"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// CPU is the CPU engine: gonum's pure-Go Sgemm, which uses every core.
//
// RowsPerStep > 0 splits the product into bands of that many rows of C and
// yields to the scheduler between them. In a browser, where Go has no threads,
// that lets the page draw frames while a long product runs; on the desktop it
// is not needed.
type CPU struct {
	RowsPerStep int
	// Yield, if set, is called between bands instead of runtime.Gosched; a
	// browser build passes a short sleep so the event loop gets a turn.
	Yield func()
}

var _ Engine = CPU{}

// Name returns "CPU".
func (CPU) Name() string { return "CPU" }

// Device describes the processor and the implementation.
func (CPU) Device() string {
	threads := fmt.Sprintf("%d threads", runtime.GOMAXPROCS(0))
	if runtime.GOMAXPROCS(0) == 1 { // as in the browser, where Go has one
		threads = "1 thread"
	}
	return fmt.Sprintf("gonum Sgemm (%s/%s, %s)", runtime.GOOS, runtime.GOARCH, threads)
}

// Sgemm computes C = alpha*op(A)*op(B) + beta*C on the CPU.
func (e CPU) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) error {
	if err := CheckArgs(tA, tB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc); err != nil {
		return err
	}
	if m == 0 || n == 0 {
		return nil
	}
	var impl gonum.Implementation
	step := e.RowsPerStep
	if step <= 0 || step >= m {
		impl.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return nil
	}
	for i0 := 0; i0 < m; i0 += step {
		rows := min(step, m-i0)
		// Rows i0.. of op(A) start at row i0 of A, or at column i0 of A^T.
		aOff := i0 * lda
		if Transposed(tA) {
			aOff = i0
		}
		if k == 0 {
			aOff = 0
		}
		impl.Sgemm(tA, tB, rows, n, k, alpha, a[aOff:], lda, b, ldb, beta, c[i0*ldc:], ldc)
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
