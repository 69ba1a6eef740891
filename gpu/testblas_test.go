package gpu_test

import (
	"testing"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/testblas"
	"gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/lapack/testlapack"

	"github.com/vkgemm/vkgemm/gpu"
)

// gonum's own conformance suite for Dgemm, against the adapter with every
// product sent to the device (VKGEMM_CPU_BELOW=0), wherever the adapter
// sends float64 products. testblas has no float32 GEMM test: Sgemm is held to
// package gemmtest's suite instead (TestConformance, TestGonumBLASAdapter).
func TestGonumTestblasDgemm(t *testing.T) {
	d := openDevice(t, gpu.Config{})
	t.Setenv(gpu.EnvCPUBelow, "0")
	testblas.TestDgemm(t, gpu.NewBLAS(d))
}

// gonum's LU and Cholesky factorizations are blocked on Dgemm through
// blas64's implementation: with the adapter in place they pass gonum's own
// tests.
func TestGonumLapackOnTheAdapter(t *testing.T) {
	d := openDevice(t, gpu.Config{})
	t.Setenv(gpu.EnvCPUBelow, "0")
	defer blas64.Use(blas64.Implementation())
	blas64.Use(gpu.NewBLAS(d))
	testlapack.DgetrfTest(t, gonum.Implementation{})
	testlapack.DpotrfTest(t, gonum.Implementation{})
}
