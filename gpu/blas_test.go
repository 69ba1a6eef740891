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
	"github.com/vkgemm/vkgemm/gpu/tune"
	"github.com/vkgemm/vkgemm/shaders"
)

// The adapter sends products below the crossover to the CPU path and the
// rest to the device. A closed device shows which went where: the CPU path
// still answers, the device panics with ErrClosed.
func TestHybridDispatchRoutes(t *testing.T) {
	t.Setenv("VKGEMM_CPU_BELOW", "")
	closed := func(cfg gpu.Config) *gpu.Device {
		d := openDevice(t, cfg)
		require.NoError(t, d.Close())
		return d
	}
	d := closed(gpu.Config{CPUBelow: 1e6})
	impl := gpu.NewBLAS(d)
	// 2·50³ = 250,000 flops: on the CPU.
	checkIdentityProduct(t, impl, 50)
	// 2·100³ = 2,000,000 flops: on the (closed) device.
	assert.PanicsWithValue(t, "vkgemm: gpu: vkgemm device is closed", func() { checkIdentityProduct(t, impl, 100) })
	// Dgemm too, below the override, where the device has float64 kernels.
	a, c := []float64{1, 2, 3, 4}, make([]float64, 4)
	dgemm := func(impl gpu.BLAS) func() {
		return func() { impl.Dgemm(blas.NoTrans, blas.NoTrans, 2, 2, 2, 1, a, 2, []float64{1, 0, 0, 1}, 2, 0, c, 2) }
	}
	dgemm(impl)()
	assert.Equal(t, a, c, "a small Dgemm runs on the CPU path")

	// Without the override the crossovers are the device's own.
	d = closed(gpu.Config{})
	require.NoError(t, tune.SetCrossover(d, shaders.F32, tune.Small, gemm.Flops(64, 64, 64)))
	impl = gpu.NewBLAS(d)
	checkIdentityProduct(t, impl, 63)
	assert.Panics(t, func() { checkIdentityProduct(t, impl, 65) })

	// Products under 32³ run gonum's own code whatever the crossover.
	require.NoError(t, tune.SetCrossover(d, shaders.F32, tune.Small, 0))
	checkIdentityProduct(t, impl, 31)
	assert.Panics(t, func() { checkIdentityProduct(t, impl, 33) })

	// A negative override sends everything to the device, even a 1×1×1
	// product; so does VKGEMM_CPU_BELOW=0.
	for _, cfg := range []gpu.Config{{CPUBelow: -1}, {}} {
		if cfg.CPUBelow == 0 {
			t.Setenv("VKGEMM_CPU_BELOW", "0")
		}
		impl = gpu.NewBLAS(closed(cfg))
		assert.Panics(t, func() { checkIdentityProduct(t, impl, 1) })
		// Dgemm goes to the device too where it has float64 kernels, and to
		// the CPU path where it has not (SwiftShader).
		if strings.Contains(d.Describe(), "SwiftShader") {
			clear(c)
			dgemm(impl)()
			assert.Equal(t, a, c)
		} else {
			assert.PanicsWithValue(t, "vkgemm: gpu: vkgemm device is closed", dgemm(impl))
		}
	}
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
	for _, c := range tune.Classes[:5] {
		below := tune.Crossover(d, shaders.F32, c)
		// A CPU driver shares the cores of the CPU path, at a third of
		// OpenBLAS's speed at best: with OpenBLAS it never wins.
		if d.Info().Type == gpu.TypeCPU && err == nil {
			assert.Equal(t, tune.Never, below, "%s with %s, class %s", d.Describe(), name, c)
		}
		assert.Positive(t, below)
	}
	require.NoError(t, tune.SetCrossover(d, shaders.F64, tune.Tall, 12345))
	assert.Equal(t, 12345.0, tune.Crossover(d, shaders.F64, tune.Tall))
	assert.Equal(t, tune.Never, mustSet(t, d, math.Inf(1)), "Never is the largest crossover, and finite for JSON")

	for _, bad := range []struct {
		p     shaders.Element
		class tune.Class
		flops float64
	}{{"float16", tune.Small, 1}, {shaders.F32, "huge", 1}, {shaders.F32, tune.Small, -1}, {shaders.F32, tune.Small, math.NaN()}} {
		assert.ErrorIs(t, tune.SetCrossover(d, bad.p, bad.class, bad.flops), gpu.ErrBadArgument, "%+v", bad)
	}
}

func mustSet(t *testing.T, d *gpu.Device, flops float64) float64 {
	t.Helper()
	require.NoError(t, tune.SetCrossover(d, shaders.F32, tune.Wide, flops))
	return tune.Crossover(d, shaders.F32, tune.Wide)
}

// MeasureCPUBelow races the CPU path and the device and returns a crossover
// SetCPUBelow takes.
func TestMeasureCPUBelow(t *testing.T) {
	d := openDevice(t, gpu.Config{})
	below, err := tune.MeasureCrossover(d, shaders.F32, tune.Small)
	require.NoError(t, err)
	t.Logf("%s, %s: float32 small products below %g flops stay on the CPU path", d.Describe(), cpu.Engine{}.Describe(), below)
	assert.GreaterOrEqual(t, below, gemm.Flops(2, 2, 2), "the smallest size tried is 2³")
	require.NoError(t, tune.SetCrossover(d, shaders.F32, tune.Small, below))

	_, err = tune.MeasureCrossover(d, shaders.F32, "huge")
	assert.ErrorIs(t, err, gpu.ErrBadArgument)
}

// A bad VKGEMM_CPU_BELOW is refused with a message that says what to
// write, where it would be used: not where the Config sets the field.
func TestCPUBelowEnvIsChecked(t *testing.T) {
	requireDevice(t)
	t.Setenv("VKGEMM_CPU_BELOW", "lots")
	_, err := gpu.Open(gpu.Config{Cache: gpu.Off})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `VKGEMM_CPU_BELOW="lots"`)
	assert.Contains(t, err.Error(), "a number of flops")
	d := openDevice(t, gpu.Config{Cache: gpu.Off, CPUBelow: 1e9})
	checkIdentityProduct(t, gpu.NewBLAS(d), 8)
}
