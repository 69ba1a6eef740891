package gpu

import (
	"errors"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm/cpu"
	"github.com/vkgemm/vkgemm/gpu/internal/kernel"
	"github.com/vkgemm/vkgemm/shaders"
)

// The adapter never waits for a compile: a product whose pipeline is not
// built yet runs on the CPU path while the pipeline is built in the
// background, and the next product after the build runs on the device.
// Which path ran is told apart by the bits of C: the device and the CPU
// path sum in different orders.
func TestAdapterDoesNotWaitForAPipeline(t *testing.T) {
	t.Setenv("VKGEMM_CPU_BELOW", "")
	d, err := Open(Config{Validation: On, Cache: Off})
	if (errors.Is(err, ErrNoLoader) || errors.Is(err, ErrNoDevice)) && os.Getenv("VKGEMM_REQUIRE_DEVICE") != "1" {
		t.Skipf("no Vulkan device: %v", err)
	}
	require.NoError(t, err)
	defer func() { require.NoError(t, d.Close()) }()
	const n = 64
	require.NoError(t, d.e.SetCPUBelow(shaders.F32, kernel.ClassOf(n, n, n), 0))
	release := make(chan struct{})
	d.e.HoldBuilds(release)

	rng := rand.New(rand.NewPCG(1, 2))
	a, b := make([]float32, n*n), make([]float32, n*n)
	for i := range a {
		a[i], b[i] = rng.Float32()-0.5, rng.Float32()-0.5
	}
	product := func(sgemm func(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)) []float32 {
		c := make([]float32, n*n)
		sgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, b, n, 0, c, n)
		return c
	}
	var cpu cpu.Engine
	onCPU := product(func(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		require.NoError(t, cpu.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc))
	})

	adapter := NewBLAS(d)
	first := product(adapter.Sgemm)
	require.Equal(t, onCPU, first, "the first product ran on the CPU path")
	require.Zero(t, d.e.Pipelines(), "no pipeline was built while the background build was held")

	close(release)
	deadline := time.Now().Add(5 * time.Minute)
	for !d.e.Ready(shaders.F32, blas.NoTrans, blas.NoTrans, n, n, n) {
		require.True(t, time.Now().Before(deadline), "the background build finished")
		time.Sleep(10 * time.Millisecond)
	}
	onDevice := product(func(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		require.NoError(t, d.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc))
	})
	require.False(t, slices.Equal(onCPU, onDevice), "the device and the CPU path give different bits here, so the test can tell them apart")
	require.Equal(t, onDevice, product(adapter.Sgemm), "once built, products run on the device")
	require.Less(t, maxAbsDiff(onCPU, onDevice), float32(1e-4))
}

func maxAbsDiff(x, y []float32) float32 {
	var m float32
	for i := range x {
		m = max(m, abs32(x[i]-y[i]))
	}
	return m
}

func abs32(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}
