// Package gputest holds what the tests of package gpu and of the packages
// built on it share: opening a device for a test, and half-precision inputs
// with their exact values.
package gputest

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/vkgemm/vkgemm/gpu"
)

// Open opens a device for a test and closes it when the test ends. Where
// Vulkan is missing the test is skipped with the reason, unless required
// (tests pass VKGEMM_REQUIRE_DEVICE=1, as CI sets it), where a missing device
// fails it.
func Open(t testing.TB, cfg gpu.Config, required bool) *gpu.Device {
	t.Helper()
	d, err := gpu.Open(cfg)
	if err != nil {
		if !required && (errors.Is(err, gpu.ErrNoLoader) || errors.Is(err, gpu.ErrNoDevice)) {
			t.Skipf("no Vulkan device (set VKGEMM_REQUIRE_DEVICE=1 to fail instead): %v", err)
		}
		t.Fatalf("opening a device: %v", err)
	}
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Errorf("closing the device: %v", err)
		}
	})
	return d
}

// HalfInputs is n values of format f drawn from rng in [-1, 1): their bits,
// and the float32 values they hold exactly.
func HalfInputs(f gpu.HalfFormat, rng *rand.Rand, n int) ([]uint16, []float32) {
	bits, exact := make([]uint16, n), make([]float32, n)
	for i := range bits {
		bits[i] = f.FromFloat32(rng.Float32()*2 - 1)
		exact[i] = f.ToFloat32(bits[i])
	}
	return bits, exact
}
