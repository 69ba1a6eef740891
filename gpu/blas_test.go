package gpu_test

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gemm/cpu"
	"github.com/vkgemm/vkgemm/gpu"
)

// The adapter sends products below the crossover to the CPU path and the
// rest to the device. A closed device shows which went where: the CPU path
// still answers, the device panics with ErrClosed.
func TestHybridDispatchRoutes(t *testing.T) {
	d := openDevice(t, gpu.Config{})
	require.NoError(t, d.Close())
	t.Setenv(gpu.EnvCPUBelow, "1e6")
	impl := gpu.NewBLAS(d)
	// 2·50³ = 250,000 flops: on the CPU.
	checkIdentityProduct(t, impl, 50)
	// 2·100³ = 2,000,000 flops: on the (closed) device.
	assert.PanicsWithValue(t, "vkgemm: gpu: vkgemm device is closed", func() { checkIdentityProduct(t, impl, 100) })

	// Without the override the crossovers are the device's own.
	t.Setenv(gpu.EnvCPUBelow, "")
	require.NoError(t, d.SetCPUBelow(gpu.Float32, gpu.ShapeSmall, gemm.Flops(64, 64, 64)))
	impl = gpu.NewBLAS(d)
	checkIdentityProduct(t, impl, 63)
	assert.Panics(t, func() { checkIdentityProduct(t, impl, 65) })

	// 0 sends everything to the device, even a 1×1×1 product.
	t.Setenv(gpu.EnvCPUBelow, "0")
	impl = gpu.NewBLAS(d)
	assert.Panics(t, func() { checkIdentityProduct(t, impl, 1) })

	// Dgemm goes to the device too where it has float64 kernels, and to the
	// CPU path where it has not (SwiftShader).
	a, c := []float64{1, 2, 3, 4}, make([]float64, 4)
	dgemm := func() { impl.Dgemm(blas.NoTrans, blas.NoTrans, 2, 2, 2, 1, a, 2, []float64{1, 0, 0, 1}, 2, 0, c, 2) }
	if strings.Contains(d.Describe(), "SwiftShader") {
		dgemm()
		assert.Equal(t, a, c)
	} else {
		assert.PanicsWithValue(t, "vkgemm: gpu: vkgemm device is closed", dgemm)
	}
	t.Setenv(gpu.EnvCPUBelow, "1e6")
	impl = gpu.NewBLAS(d)
	dgemm()
	assert.Equal(t, a, c, "a small Dgemm runs on the CPU path")
}

// checkIdentityProduct multiplies an n×n matrix by the identity through impl.
func checkIdentityProduct(t *testing.T, impl gpu.BLAS, n int) {
	t.Helper()
	a, id, c := make([]float32, n*n), make([]float32, n*n), make([]float32, n*n)
	for i := range a {
		a[i] = float32(i % 17)
	}
	for i := range n {
		id[i*n+i] = 1
	}
	impl.Sgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, id, n, 0, c, n)
	assert.Equal(t, a, c)
}

func TestCPUBelow(t *testing.T) {
	d := openDevice(t, gpu.Config{})
	name, err := cpu.OpenBLAS()
	for _, c := range gpu.ShapeClasses {
		below := d.CPUBelow(gpu.Float32, c)
		// A CPU driver shares the cores of the CPU path, at a third of
		// OpenBLAS's speed at best: with OpenBLAS it never wins.
		if d.Info().Type == gpu.TypeCPU && err == nil {
			assert.Equal(t, gpu.Never, below, "%s with %s, class %s", d.Describe(), name, c)
		}
		assert.Positive(t, below)
	}
	require.NoError(t, d.SetCPUBelow(gpu.Float64, gpu.ShapeTall, 12345))
	assert.Equal(t, 12345.0, d.CPUBelow(gpu.Float64, gpu.ShapeTall))
	assert.Equal(t, gpu.Never, mustSet(t, d, math.Inf(1)), "Never is the largest crossover, and finite for JSON")

	for _, bad := range []struct {
		p     gpu.Precision
		class string
		flops float64
	}{{"float16", gpu.ShapeSmall, 1}, {gpu.Float32, "huge", 1}, {gpu.Float32, gpu.ShapeSmall, -1}, {gpu.Float32, gpu.ShapeSmall, math.NaN()}} {
		assert.ErrorIs(t, d.SetCPUBelow(bad.p, bad.class, bad.flops), gpu.ErrBadArgument, "%+v", bad)
	}
}

func mustSet(t *testing.T, d *gpu.Device, flops float64) float64 {
	t.Helper()
	require.NoError(t, d.SetCPUBelow(gpu.Float32, gpu.ShapeWide, flops))
	return d.CPUBelow(gpu.Float32, gpu.ShapeWide)
}

// MeasureCPUBelow races the CPU path and the device and returns a crossover
// SetCPUBelow takes.
func TestMeasureCPUBelow(t *testing.T) {
	d := openDevice(t, gpu.Config{})
	below, err := d.MeasureCPUBelow(gpu.Float32, gpu.ShapeSmall)
	require.NoError(t, err)
	t.Logf("%s, %s: float32 small products below %g flops stay on the CPU path", d.Describe(), cpu.Engine{}.Describe(), below)
	assert.GreaterOrEqual(t, below, gemm.Flops(2, 2, 2), "the smallest size tried is 2³")
	require.NoError(t, d.SetCPUBelow(gpu.Float32, gpu.ShapeSmall, below))

	_, err = d.MeasureCPUBelow(gpu.Float32, "huge")
	assert.ErrorIs(t, err, gpu.ErrBadArgument)
}

// A bad VKGEMM_CPU_BELOW is ignored with a warning that says what to write.
func TestCPUBelowEnvWarns(t *testing.T) {
	var warned []string
	d := openDevice(t, gpu.Config{Logf: func(f string, args ...any) { warned = append(warned, f) }})
	t.Setenv(gpu.EnvCPUBelow, "lots")
	impl := gpu.NewBLAS(d)
	require.Len(t, warned, 1)
	assert.Contains(t, warned[0], "want a number of flops")
	checkIdentityProduct(t, impl, 8)
}
