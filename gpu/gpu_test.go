package gpu_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/gpu"
	"github.com/vkgemm/vkgemm/gpu/internal/gputest"
	"github.com/vkgemm/vkgemm/gpu/tune"
	"github.com/vkgemm/vkgemm/internal/diag"
	"github.com/vkgemm/vkgemm/shaders"
)

// openDevice opens a device for a test (gputest.Open).
func openDevice(t testing.TB, cfg gpu.Config) *gpu.Device {
	t.Helper()
	return gputest.Open(t, cfg, os.Getenv("VKGEMM_REQUIRE_DEVICE") == "1")
}

// requireDevice skips a test that needs a Vulkan device where there is none
// (failing instead under VKGEMM_REQUIRE_DEVICE=1).
func requireDevice(t *testing.T) {
	t.Helper()
	openDevice(t, gpu.Config{})
}

func TestConformance(t *testing.T) {
	d := openDevice(t, gpu.Config{})
	t.Logf("device: %s, kernel: %s", d.Describe(), squareKernel(d))
	gemmtest.Correctness(t, d, testing.Short())
	gemmtest.BadArguments(t, d)
}

// The floors under a product's cost take time and leave the device usable.
func TestDispatchFloors(t *testing.T) {
	d := openDevice(t, gpu.Config{})
	for range 3 {
		rt, err := probe(d).RoundTrip()
		require.NoError(t, err)
		assert.Positive(t, rt)
		ed, err := probe(d).EmptyDispatch()
		require.NoError(t, err)
		assert.Positive(t, ed)
	}
	c := make([]float32, 4)
	require.NoError(t, d.Sgemm(blas.NoTrans, blas.NoTrans, 2, 2, 2, 1, []float32{1, 2, 3, 4}, 2, []float32{1, 0, 0, 1}, 2, 0, c, 2))
	assert.Equal(t, []float32{1, 2, 3, 4}, c)
}

// matMul submits a device-resident product and waits for it.
func matMul(d *gpu.Device, tA, tB blas.Transpose, alpha float32, a, b *gpu.Matrix, beta float32, c *gpu.Matrix) error {
	p, err := d.MatMulAsync(tA, tB, alpha, a, b, beta, c)
	if err != nil {
		return err
	}
	_, err = p.Wait()
	return err
}

// matMulStridedBatched submits a device-resident strided batch and waits
// for it.
func matMulStridedBatched(d *gpu.Device, tA, tB blas.Transpose, m, n, k int, alpha float32, a *gpu.Matrix, strideA int,
	b *gpu.Matrix, strideB int, beta float32, c *gpu.Matrix, strideC int, batch int) error {
	p, err := d.MatMulStridedBatchedAsync(tA, tB, m, n, k, alpha, a, strideA, b, strideB, beta, c, strideC, batch)
	if err != nil {
		return err
	}
	_, err = p.Wait()
	return err
}

// probe is d's diagnostics.
func probe(d *gpu.Device) diag.Prober {
	p, err := diag.Of(d)
	if err != nil {
		panic(err)
	}
	return p
}

// onOff is On for true, Off for false.
func onOff(on bool) gpu.Switch {
	if on {
		return gpu.On
	}
	return gpu.Off
}

// squareKernel is the kernel of square float32 products on d.
func squareKernel(d *gpu.Device) tune.Kernel {
	ks, _ := tune.Kernels(d)
	return ks[tune.Key{Element: shaders.F32, Class: tune.Square}]
}
