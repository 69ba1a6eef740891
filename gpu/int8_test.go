package gpu_test

import (
	"testing"

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
