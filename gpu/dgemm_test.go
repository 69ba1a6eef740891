package gpu_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/gpu"
)

// dgemmSupported runs a 1×1×1 Dgemm: devices with float64 in shaders run it,
// others refuse it with ErrUnsupported and say why. lavapipe has float64,
// SwiftShader has not.
func dgemmSupported(t *testing.T, d *gpu.Device) bool {
	t.Helper()
	c := []float64{0}
	err := d.Dgemm(blas.NoTrans, blas.NoTrans, 1, 1, 1, 1, []float64{3}, 1, []float64{5}, 1, 0, c, 1)
	if strings.Contains(d.Describe(), "llvmpipe") {
		require.NoError(t, err, "lavapipe has shaderFloat64")
	}
	if err != nil {
		require.ErrorIs(t, err, gpu.ErrUnsupported)
		assert.Contains(t, err.Error(), "shaderFloat64")
		t.Logf("%s: %v", d.Describe(), err)
		return false
	}
	assert.Equal(t, []float64{15}, c)
	return true
}

func TestDgemmConformance(t *testing.T) {
	d := openDevice(t, gpu.Config{})
	// Bad arguments are reported as such on every device, before support.
	gemmtest.BadArguments64(t, d)
	if !dgemmSupported(t, d) {
		return
	}
	// The short sweep: the float64 kernel has one block, and the 1000³ cases
	// cost a minute of reference and kernel time on a CPU driver.
	gemmtest.Correctness64(t, d, true)
}

// Staging copies and splits into blocks move float64 matrices as they do
// float32 ones.
func TestDgemmStagedAndSplit(t *testing.T) {
	d := openDevice(t, gpu.Config{ForceStaging: gpu.On, MaxBindingBytes: 32 << 10})
	if !dgemmSupported(t, d) {
		return
	}
	for _, c := range []gemmtest.Case{
		{TA: blas.NoTrans, TB: blas.NoTrans, M: 100, N: 90, K: 80, Alpha: 1},
		{TA: blas.Trans, TB: blas.Trans, M: 70, N: 130, K: 300, Alpha: -1, Beta: 0.5, PadA: 3, PadB: 1, PadC: 2, Offset: 5},
	} {
		r, err := gemmtest.Verify64(d, gemmtest.NewProblem64(c, 9))
		require.NoError(t, err)
		assert.True(t, r.OK, "%s: max rel err %g, %d outside", c, r.MaxRelErr, r.Outside)
	}
}

// alpha and beta reach the kernel as float64: values that float32 would
// round are used exactly.
func TestDgemmScalarsAreFloat64(t *testing.T) {
	d := openDevice(t, gpu.Config{})
	if !dgemmSupported(t, d) {
		return
	}
	const alpha, beta = 1 + 0x1p-40, 1 - 0x1p-45
	c := []float64{1}
	require.NoError(t, d.Dgemm(blas.NoTrans, blas.NoTrans, 1, 1, 1, alpha, []float64{1}, 1, []float64{1}, 1, beta, c, 1))
	assert.Equal(t, alpha+beta, c[0])
}

// The float64 peak runs where Dgemm does and is refused, saying why, where
// it cannot.
func TestMeasurePeak64(t *testing.T) {
	d := openDevice(t, gpu.Config{})
	p, err := probe(d).MeasurePeak(true)
	if !dgemmSupported(t, d) {
		require.ErrorIs(t, err, gpu.ErrUnsupported)
		assert.Contains(t, err.Error(), "shaderFloat64")
		return
	}
	require.NoError(t, err)
	t.Logf("%s: %.1f GFLOPS float64 peak (%d invocations × %d iterations in %v)", d.Describe(), p.GFLOPS, p.Invocations, p.Iterations, p.KernelTime)
	assert.Positive(t, p.GFLOPS)
	assert.GreaterOrEqual(t, p.KernelTime, 50*time.Millisecond, "runs are long enough to time")
}
