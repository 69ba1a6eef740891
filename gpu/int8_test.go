package gpu_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/gpu"
)

// GemmInt8 is exact over the sweep (every transpose, edges, padding,
// offsets), at int32's limits over the largest k, refuses a larger k and
// every bad argument, and runs through staging and split blocks too.
func TestGemmInt8(t *testing.T) {
	d := openDevice(t, gpu.Config{})
	gemmtest.CorrectnessInt8(t, d, testing.Short())
	gemmtest.BadArgumentsInt8(t, d)
	t.Run("staged and split", func(t *testing.T) {
		d := openDevice(t, gpu.Config{ForceStaging: gpu.On, MaxBindingBytes: 16 << 10})
		gemmtest.CorrectnessInt8(t, d, true)
	})
}

// KernelTime times the kernels of the products its call runs (here
// GemmInt8 and GemmHalf, which report no time of their own), returns the
// call's error, and times nothing after it returns.
func TestKernelTime(t *testing.T) {
	d := openDevice(t, gpu.Config{})
	const n = 96
	a, b, c := make([]int8, n*n), make([]int8, n*n), make([]int32, n*n)
	ah, bh, ch := make([]uint16, n*n), make([]uint16, n*n), make([]float32, n*n)
	took, err := probe(d).KernelTime(func() error {
		if err := d.GemmInt8(blas.NoTrans, blas.NoTrans, n, n, n, a, n, b, n, c, n); err != nil {
			return err
		}
		return d.GemmHalf(gpu.F16, blas.NoTrans, blas.NoTrans, n, n, n, 1, ah, n, bh, n, 0, ch, n)
	})
	require.NoError(t, err)
	assert.Positive(t, took)
	took, err = probe(d).KernelTime(func() error { return nil })
	assert.NoError(t, err)
	assert.Zero(t, took, "nothing ran")
	took, err = probe(d).KernelTime(func() error {
		return d.GemmInt8(blas.NoTrans, blas.NoTrans, n, n, n, a, n-1, b, n, c, n)
	})
	assert.ErrorIs(t, err, gpu.ErrBadArgument)
	assert.Zero(t, took)
	require.NoError(t, d.Close())
	_, err = probe(d).KernelTime(func() error { return nil })
	assert.ErrorIs(t, err, gpu.ErrClosed)
}
