package cpu

import (
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
)

// OpenBLASOnly calls OpenBLAS at every size, as the engine did before it
// left small and thin products to gonum: the conformance suite checks the
// binding on every shape of its corpus, and the benchmark shows what the
// choice by size gains. Where OpenBLAS is absent it returns why.
type OpenBLASOnly struct{ Engine }

func (OpenBLASOnly) Describe() string {
	l, err := loadedBLAS()
	if err != nil {
		return err.Error()
	}
	return l.Describe() + " at every size"
}

func (OpenBLASOnly) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) error {
	return openBLASOnly(func(l *cblas) gemmFunc[float32] { return l.sgemm }, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func (OpenBLASOnly) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int,
	b []float64, ldb int, beta float64, c []float64, ldc int) error {
	return openBLASOnly(func(l *cblas) gemmFunc[float64] { return l.dgemm }, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func openBLASOnly[T float32 | float64](lib func(*cblas) gemmFunc[T],
	tA, tB blas.Transpose, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) error {
	l, err := loadedBLAS()
	if err != nil {
		return err
	}
	if err := gemm.CheckArgs(tA, tB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc); err != nil {
		return err
	}
	if m > 0 && n > 0 {
		lib(l)(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}
	return nil
}
