package shaders_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/vkgemm/vkgemm/shaders"
)

// Half-precision modules are found by precision only: ModuleFor never
// returns one for a float32 kernel.
func TestModuleForPrecision(t *testing.T) {
	assert.Equal(t, shaders.Direct, shaders.ModuleFor(shaders.FamilyDirect, false, 0, 16, 16))
	assert.Equal(t, shaders.DirectF16, shaders.ModuleForPrecision(shaders.PrecisionF16, shaders.FamilyDirect, false, 0, 12, 16))
	assert.Equal(t, shaders.DirectBF16, shaders.ModuleForPrecision(shaders.PrecisionBF16, shaders.FamilyDirect, false, 0, 8, 8))
	assert.Equal(t, shaders.SubgroupBF16, shaders.ModuleForPrecision(shaders.PrecisionBF16, shaders.FamilySubgroup, false, 8, 24, 8))
	assert.Equal(t, shaders.Subgroup4F16, shaders.ModuleForPrecision(shaders.PrecisionF16, shaders.FamilySubgroup, false, 4, 16, 8))
	assert.Equal(t, shaders.DirectTexelF16x8, shaders.ModuleForPrecision(shaders.PrecisionF16, shaders.FamilyDirect, true, 0, 12, 16), "the exact 12x16 module")
	assert.Equal(t, shaders.DirectTexelBF16x8, shaders.ModuleForPrecision(shaders.PrecisionBF16, shaders.FamilyDirect, true, 0, 12, 16), "the exact 12x16 module")
	assert.Empty(t, shaders.ModuleForPrecision(shaders.PrecisionF16, shaders.FamilyDirect, true, 0, 12, 12), "half texels: 12x16 only")
	assert.Empty(t, shaders.ModuleForPrecision(shaders.PrecisionBF16, shaders.FamilySubgroup, true, 8, 24, 8), "no subgroup half texel modules")
	assert.Empty(t, shaders.ModuleForPrecision(shaders.PrecisionF16, shaders.FamilySubgroup, true, 4, 16, 8), "no 4-wide texel modules")
	assert.Equal(t, shaders.BlockBF16, shaders.ModuleForPrecision(shaders.PrecisionBF16, shaders.FamilyBlock, false, 0, 4, 4))
	assert.Empty(t, shaders.ModuleForPrecision(shaders.PrecisionF16, shaders.FamilyBlock, true, 0, 8, 8), "no texel block modules")
}
