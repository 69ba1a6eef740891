package gpu_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/testblas"
	"gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/lapack/testlapack"
	"gonum.org/v1/gonum/mat"

	"github.com/vkgemm/vkgemm/gemm/gemmtest"
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

// The adapter on a group: gonum's own Dgemm suite and mat.Dense.Mul with
// every product leaving the CPU path (Config.CPUBelow negative on each
// device) and dealt over the group's devices, float32 through gemmtest's
// suite; a group without float64 (SwiftShader with lavapipe left out) keeps
// Dgemm on the CPU path.
func TestGroupBLAS(t *testing.T) {
	for _, kind := range groupKinds {
		t.Run(kind.name, func(t *testing.T) {
			var log logLines
			g := kind.open(t, &log)
			for _, d := range g.Devices() {
				require.NoError(t, d.Close())
			}
			// The same devices, every product on them.
			cfg := gpu.Config{CPUBelow: -1, Logf: log.logf}
			var devs []*gpu.Device
			for _, d := range g.Devices() {
				c := cfg
				c.Device = fmt.Sprint(d.Info().Index)
				dev, err := gpu.Open(c)
				require.NoError(t, err)
				devs = append(devs, dev)
			}
			g = gpu.NewGroup(devs, log.logf)
			t.Cleanup(func() { assert.NoError(t, g.Close()) })
			gpu.SetGroupSplit(g, 0, true)
			b := gpu.NewBLAS(g)
			gemmtest.Correctness(t, blasEngine{b}, true)
			testblas.TestDgemm(t, b)
			x, y := mat.NewDense(70, 90, nil), mat.NewDense(90, 50, nil)
			for i := range 70 * 90 {
				x.RawMatrix().Data[i] = math.Sin(float64(i))
			}
			for i := range 90 * 50 {
				y.RawMatrix().Data[i] = math.Cos(float64(i))
			}
			var want, got mat.Dense
			want.Mul(x, y)
			defer blas64.Use(blas64.Implementation())
			blas64.Use(b)
			got.Mul(x, y)
			assert.True(t, mat.EqualApprox(&want, &got, 1e-12))
			assert.Empty(t, log.String(), "no device failed")
		})
	}
}

// blasEngine runs gemmtest's float32 suite through the adapter: a
// gemm.Engine whose Sgemm is the adapter's, its panic (a device failure)
// returned as an error.
type blasEngine struct{ b gpu.BLAS }

func (blasEngine) Backend() string  { return "gonum BLAS adapter" }
func (blasEngine) Describe() string { return "gpu.NewBLAS" }

func (e blasEngine) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	e.b.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	return nil
}
