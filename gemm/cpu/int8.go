package cpu

import (
	"runtime"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
)

var _ gemm.Int8Engine = Engine{}

// GemmInt8 computes C = op(A)·op(B) exactly, with int8 A and B and int32 C
// overwritten (gemm.Int8Engine), in Go on every core: no CPU BLAS has an
// int8 GEMM with these arguments. A k over gemm.MaxInt8K is refused.
func (e Engine) GemmInt8(tA, tB blas.Transpose, m, n, k int, a []int8, lda int, b []int8, ldb int, c []int32, ldc int) error {
	if err := gemm.CheckInt8Args(tA, tB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc); err != nil {
		return err
	}
	if m == 0 || n == 0 {
		return nil
	}
	step := e.RowsPerStep
	if step <= 0 || step >= m {
		parallelRows(m, func(i0, i1 int) { int8Rows(tA, tB, i0, i1, n, k, a, lda, b, ldb, c, ldc) })
		return nil
	}
	for i0 := 0; i0 < m; i0 += step {
		int8Rows(tA, tB, i0, min(i0+step, m), n, k, a, lda, b, ldb, c, ldc)
		if i0+step < m {
			if e.Yield != nil {
				e.Yield()
			} else {
				runtime.Gosched()
			}
		}
	}
	return nil
}

// parallelRows runs f on bands of the m rows, one goroutine per core.
func parallelRows(m int, f func(i0, i1 int)) {
	workers := min(runtime.GOMAXPROCS(0), m)
	if workers <= 1 {
		f(0, m)
		return
	}
	done := make(chan struct{})
	for w := range workers {
		go func() {
			f(w*m/workers, (w+1)*m/workers)
			done <- struct{}{}
		}()
	}
	for range workers {
		<-done
	}
}

// int8Rows computes rows i0..i1 of C. Row i of C accumulates k rows of
// op(B) scaled by op(A)'s row i, a row of op(B) at a time, so op(B)'s rows
// stream contiguously where B is not transposed.
func int8Rows(tA, tB blas.Transpose, i0, i1, n, k int, a []int8, lda int, b []int8, ldb int, c []int32, ldc int) {
	transA, transB := gemm.Transposed(tA), gemm.Transposed(tB)
	for i := i0; i < i1; i++ {
		row := c[i*ldc : i*ldc+n]
		clear(row)
		for p := range k {
			var x int32
			if transA {
				x = int32(a[p*lda+i])
			} else {
				x = int32(a[i*lda+p])
			}
			if x == 0 {
				continue
			}
			if !transB {
				for j, y := range b[p*ldb : p*ldb+n] {
					row[j] += x * int32(y)
				}
				continue
			}
			for j := range row {
				row[j] += x * int32(b[j*ldb+p])
			}
		}
	}
}
