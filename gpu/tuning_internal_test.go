package gpu

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"github.com/vkgemm/vkgemm/shaders"
)

// Tuned kernels of batches and half formats take over only where they
// apply: a batch of small products, GemmHalf of their format and class.
func TestTunedBatchAndHalfKernelsApplyWhereTheyShould(t *testing.T) {
	small := Kernel{Family: kernelDirect, WGX: 8, WGY: 1, TM: 8, TN: 8, TK: 4}
	square := Kernel{Family: kernelDirect, WGX: 8, WGY: 1, TM: 16, TN: 16, TK: 4}
	batched := Kernel{Family: kernelDirect, WGX: 8, WGY: 1, TM: 12, TN: 16, TK: 4}
	f16 := Kernel{Family: kernelSubgroup, WGX: 8, WGY: 1, TM: 16, TN: 8, TK: 4, Precision: "f16"}
	d := openValidated(t)
	defer func() { assert.NoError(t, d.Close()) }()
	d.kernels = map[string]Kernel{ShapeSmall: small, ShapeSquare: square}
	p := d.dev.Properties()

	assert.Equal(t, small, d.kernelForBatch(128, 128, 64, 64), "untuned: the class's kernel")
	assert.Equal(t, halfKernel(small, F16, p), d.halfKernelFor(F16, 128, 128, 64))

	d.kernels[ShapeBatched], d.kernels["f16/small"] = batched, f16
	assert.Equal(t, batched, d.kernelForBatch(128, 128, 64, 64))
	assert.Equal(t, small, d.kernelForBatch(128, 128, 64, 1), "one product is no batch")
	assert.Equal(t, square, d.kernelForBatch(1024, 1024, 1024, 4), "a batch of large products")
	assert.Equal(t, f16, d.halfKernelFor(F16, 128, 128, 64))
	assert.Equal(t, halfKernel(small, BF16, p), d.halfKernelFor(BF16, 128, 128, 64), "another format")
	assert.Equal(t, halfKernel(square, F16, p), d.halfKernelFor(F16, 1024, 1024, 1024), "another class")
}

func TestTuneTargets(t *testing.T) {
	assert.Equal(t, "f16/small", halfKey(F16, ShapeSmall))
	assert.Equal(t, "bf16/square", halfKey(BF16, ShapeSquare))
	var keys []string
	for _, tg := range tuneTargets([]string{ShapeSquare, ShapeBatched, ShapeSmall}, []HalfFormat{F16, BF16}) {
		keys = append(keys, tg.key)
		assert.Equal(t, tg.key == ShapeBatched, tg.batch == BatchedCount, tg.key)
	}
	assert.Equal(t, []string{"square", "batched", "small", "f16/square", "f16/small", "bf16/square", "bf16/small"}, keys,
		"float32 first; no half batch")
}

// GemmHalf's kernel keeps the float32 kernel's family where a half module
// exists for it (the block family on GPUs), takes the 12×16 step-8 texel
// module wherever float32 reads texels, and slices k in multiples of 8.
func TestHalfKernelModules(t *testing.T) {
	p := &vk.Properties{Name: "test GPU", Type: vk.TypeDiscrete, SubgroupSize: 32, MaxInvocations: 1024,
		MaxWorkGroupSize: [3]uint32{1024, 1024, 64}, MaxSharedMemory: 48 << 10, MaxStorageBufferRange: 1 << 30}
	for _, tc := range []struct {
		f32    Kernel
		f      HalfFormat
		module string
	}{
		{defaultBlock, BF16, shaders.BlockBF16},
		{defaultBlock, F16, shaders.BlockF16},
		{defaultTiled, BF16, shaders.DirectBF16},
		{Kernel{Family: kernelSubgroup, WGX: 8, WGY: 1, TM: 24, TN: 8, TK: 4, KChunk: 512, Texel: true}, F16, shaders.DirectTexelF16x8},
		{Kernel{Family: kernelDirect, WGX: 8, WGY: 1, TM: 8, TN: 8, TK: 4, KChunk: 260, Texel: true}, BF16, shaders.DirectTexelBF16x8},
	} {
		// Texel views as large as storage buffers, in uvec4s, where f32 reads texels.
		q := *p
		if tc.f32.Texel {
			q.MaxTexelElements, q.TexelBuffers, q.UintTexelBuffers = 1<<26, true, true
		}
		k := halfKernel(tc.f32, tc.f, &q)
		module, err := k.module()
		require.NoError(t, err, "%v", k)
		assert.Equal(t, tc.module, module, "%v", tc.f32)
		assert.Zero(t, k.KChunk%8, "%v", k)
		assert.NoError(t, k.fits(&q), "%v", k)
	}
	sliced := Kernel{Family: kernelDirect, WGX: 8, WGY: 1, TM: 8, TN: 8, TK: 4, KChunk: 12, Precision: shaders.PrecisionBF16}
	assert.ErrorContains(t, sliced.fits(p), "multiples of 8", "a tuning file's half kernel with slices of 12")
}
