package engine

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/vkgemm/vkgemm/gpu/internal/kernel"
	"github.com/vkgemm/vkgemm/gpu/internal/tuning"
	"github.com/vkgemm/vkgemm/shaders"
)

// Tuned kernels of batches and half formats take over only where they
// apply: a batch of small products, GemmHalf of their format and class.
func TestTunedBatchAndHalfKernelsApplyWhereTheyShould(t *testing.T) {
	const direct, f32 = shaders.FamilyDirect, shaders.F32
	small := kernel.Kernel{Family: direct, Element: f32, WGX: 8, WGY: 1, TM: 8, TN: 8, TK: 4}
	square := kernel.Kernel{Family: direct, Element: f32, WGX: 8, WGY: 1, TM: 16, TN: 16, TK: 4}
	batched := kernel.Kernel{Family: direct, Element: f32, WGX: 8, WGY: 1, TM: 12, TN: 16, TK: 4}
	f16 := kernel.Kernel{Family: shaders.FamilySubgroup, Element: shaders.F16, WGX: 8, WGY: 1, TM: 16, TN: 8, TK: 4}
	d := openValidated(t)
	defer func() { assert.NoError(t, d.Close()) }()
	key := func(e shaders.Element, c kernel.Class) tuning.Key { return tuning.Key{Element: e, Class: c} }
	d.kernels = map[tuning.Key]kernel.Kernel{key(f32, kernel.Small): small, key(f32, kernel.Square): square}
	p := d.props

	assert.Equal(t, small, d.KernelFor(f32, 128, 128, 64, 64), "untuned: the class's kernel")
	assert.Equal(t, kernel.Half(small, shaders.F16, p), d.KernelFor(shaders.F16, 128, 128, 64, 1))

	d.kernels[key(f32, kernel.Batched)], d.kernels[key(shaders.F16, kernel.Small)] = batched, f16
	assert.Equal(t, batched, d.KernelFor(f32, 128, 128, 64, 64))
	assert.Equal(t, small, d.KernelFor(f32, 128, 128, 64, 1), "one product is no batch")
	assert.Equal(t, square, d.KernelFor(f32, 1024, 1024, 1024, 4), "a batch of large products")
	assert.Equal(t, f16, d.KernelFor(shaders.F16, 128, 128, 64, 1))
	assert.Equal(t, kernel.Half(small, shaders.BF16, p), d.KernelFor(shaders.BF16, 128, 128, 64, 1), "another format")
	assert.Equal(t, kernel.Half(square, shaders.F16, p), d.KernelFor(shaders.F16, 1024, 1024, 1024, 1), "another class")
	assert.Equal(t, kernel.Float64(p), d.KernelFor(shaders.F64, 128, 128, 64, 1))
}
