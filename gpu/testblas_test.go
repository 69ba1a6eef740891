package gpu_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/testblas"
	"gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/lapack/testlapack"
	"gonum.org/v1/gonum/mat"

	"github.com/vkgemm/vkgemm/gpu"
)

// gonum's own conformance suite for Dgemm, against the adapter with every
// product sent to the device (Config.CPUBelow negative), wherever the adapter
// sends float64 products. testblas has no float32 GEMM test: Sgemm is held to
// package gemmtest's suite instead (TestConformance, TestGonumBLASAdapter).
func TestGonumTestblasDgemm(t *testing.T) {
	d := openDevice(t, gpu.Config{CPUBelow: -1})
	testblas.TestDgemm(t, gpu.NewBLAS(d))
}

// gonum's LU and Cholesky factorizations are blocked on Dgemm through
// blas64's implementation: with the adapter in place they pass gonum's own
// tests.
func TestGonumLapackOnTheAdapter(t *testing.T) {
	d := openDevice(t, gpu.Config{CPUBelow: -1})
	defer blas64.Use(blas64.Implementation())
	blas64.Use(gpu.NewBLAS(d))
	testlapack.DgetrfTest(t, gonum.Implementation{})
	testlapack.DpotrfTest(t, gonum.Implementation{})
}

// mat.Dense.Mul through blas64.Use(adapter) with every product on the
// device matches gonum's own result within float64's bound.
func TestMatDenseMulOnTheAdapter(t *testing.T) {
	d := openDevice(t, gpu.Config{CPUBelow: -1})
	a, b := mat.NewDense(70, 90, nil), mat.NewDense(90, 50, nil)
	for i := range 70 {
		for j := range 90 {
			a.Set(i, j, math.Sin(float64(i*90+j)))
		}
	}
	for i := range 90 {
		for j := range 50 {
			b.Set(i, j, math.Cos(float64(i*50+j)))
		}
	}
	var want, got mat.Dense
	want.Mul(a, b)
	defer blas64.Use(blas64.Implementation())
	blas64.Use(gpu.NewBLAS(d))
	got.Mul(a, b)
	assert.True(t, mat.EqualApprox(&want, &got, 1e-12), "mat.Dense.Mul through the adapter differs from gonum's")
}
