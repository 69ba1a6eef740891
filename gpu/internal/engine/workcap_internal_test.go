package engine

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/vkgemm/vkgemm/gpu/internal/vk"
)

// The cap comes from the measured peak where there is one, else from a
// peak assumed for the device's type.
func TestSubmissionWorkFromPeak(t *testing.T) {
	d := &Device{props: &vk.Properties{Type: vk.TypeDiscrete}}
	assert.InDelta(t, 2.5e12, d.submissionWork(), 1, "5 TFLOPS assumed for a discrete GPU, for half a second")
	d.peakGFLOPS = 40000 // a measured H200-class peak
	assert.InDelta(t, 2e13, d.submissionWork(), 1)
	d.workCap = 1e6
	assert.InDelta(t, 1e6, d.submissionWork(), 0)
	assert.Greater(t, assumedPeakGFLOPS(vk.TypeIntegrated), assumedPeakGFLOPS(vk.TypeCPU))
}

func TestCapBlock(t *testing.T) {
	const tflops5 = 5e12 * 0.5 // half a second at 5 TFLOPS
	mb, nb, kb := capBlock(4096, 4096, 4096, tflops5)
	assert.Equal(t, [3]int{4096, 4096, 4096}, [3]int{mb, nb, kb}, "137 GFLOP fit in one submission")
	mb, nb, kb = capBlock(16384, 16384, 16384, tflops5)
	assert.Equal(t, [2]int{16384, 16384}, [2]int{mb, nb}, "8.8 TFLOP are split along k first")
	assert.Equal(t, 4656, kb)
	// So small a cap that a slice of 4 is too much: m and n are halved.
	mb, nb, kb = capBlock(1000, 800, 64, 2*100*100*4)
	assert.Equal(t, 4, kb)
	assert.LessOrEqual(t, 2*mb*nb*kb, 2*100*100*4)
	assert.Equal(t, [2]int{63, 100}, [2]int{mb, nb}, "the larger of the two halved in turn")

	rng := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		m, n, k := 1+rng.IntN(1<<14), 1+rng.IntN(1<<14), 1+rng.IntN(1<<14)
		work := float64(rng.Int64N(1 << 40))
		mb, nb, kb := capBlock(m, n, k, work)
		flops := 2 * float64(mb) * float64(nb) * float64(kb)
		assert.True(t, mb >= 1 && nb >= 1 && kb >= 1 && mb <= m && nb <= n && kb <= k, "%d×%d×%d -> %d×%d×%d", m, n, k, mb, nb, kb)
		assert.True(t, flops <= work || (mb == 1 && nb == 1 && kb == min(k, 4)), "%d×%d×%d cap %g -> %d×%d×%d", m, n, k, work, mb, nb, kb)
		assert.True(t, kb == k || kb%4 == 0, "slices of k stay multiples of 4: %d", kb)
	}
}
