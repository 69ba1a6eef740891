package engine

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/gpu/internal/kernel"
)

// GemmInt8's packed-dot-product module is exact where it runs: forced
// here on CPU drivers that have the feature (lavapipe and SwiftShader do,
// without accelerating it, so by default they keep the shifts module),
// through the same sweep and extremes as the default module.
func TestInt8PackedDotProducts(t *testing.T) {
	d := openForTest(t, Config{Validation: true})
	t.Cleanup(func() { require.NoError(t, d.Close()) })
	if !d.props.IntegerDot {
		if os.Getenv("VKGEMM_REQUIRE_DEVICE") == "1" {
			t.Fatalf("%s has no packed integer dot products (lavapipe and SwiftShader have)", d.name)
		}
		t.Skipf("%s has no packed integer dot products", d.name)
	}
	d.intDot = true
	mod, err := d.moduleOf(kernel.Int8(d.props))
	require.NoError(t, err)
	require.Equal(t, "gemm_int8_dot", mod)
	t.Logf("%s: accelerated %v", d.name, d.props.IntegerDotFast)
	gemmtest.CorrectnessInt8(t, d, testing.Short())
}
