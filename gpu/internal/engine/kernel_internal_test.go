package engine

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/gpu/internal/kernel"
	"github.com/vkgemm/vkgemm/shaders"
)

// Every shader module and load path is correct on every device that can run
// it: the direct modules (blocks up to 8x8 and up to 16x16, storage and
// texel loads), the subgroup ones (4 and 8 wide, storage and texel loads),
// the tiled one, the block one. Defaults and
// tuning pick among these, so each is run here whatever the device's
// default.
func TestEveryKernelModule(t *testing.T) {
	d := openForTest(t, Config{})
	t.Cleanup(func() { require.NoError(t, d.Close()) })
	p := d.props
	ran := 0
	const direct, subgroup, f32 = shaders.FamilyDirect, shaders.FamilySubgroup, shaders.F32
	for _, k := range []kernel.Kernel{
		kernel.Direct,
		{Family: direct, Element: f32, WGX: 8, WGY: 1, TM: 12, TN: 16, TK: 4, KChunk: 512},
		{Family: subgroup, Element: f32, WGX: 8, WGY: 1, TM: 24, TN: 8, TK: 4, KChunk: 512},
		{Family: subgroup, Element: f32, WGX: 8, WGY: 1, TM: 16, TN: 4, TK: 4, Texel: true},
		{Family: direct, Element: f32, WGX: 8, WGY: 1, TM: 12, TN: 16, TK: 4, KChunk: 512, Texel: true},
		{Family: subgroup, Element: f32, WGX: 4, WGY: 1, TM: 12, TN: 8, TK: 4, KChunk: 512},
		{Family: shaders.FamilyTiled, Element: f32, WGX: 16, WGY: 16, TM: 8, TN: 8, TK: 16},
		// The default block kernel runs in TestKernelFamilies. This one has
		// tiles of a vec4 count no multiple of the invocations' (192), and
		// a tile of A 12 vec4s wide, which is not swizzled.
		{Family: shaders.FamilyBlock, Element: f32, WGX: 16, WGY: 12, TM: 4, TN: 8, TK: 8},
	} {
		if err := k.Fits(p); err != nil {
			t.Logf("%s: skipped on %s: %v", k, p.Name, err)
			continue
		}
		ran++
		t.Run(k.String(), func(t *testing.T) {
			d.mu.Lock()
			for c := range d.kernels {
				d.kernels[c] = k
			}
			d.mu.Unlock()
			gemmtest.Correctness(t, d, true)
		})
	}
	assert.GreaterOrEqual(t, ran, 4, "a direct, a subgroup, the tiled and the block kernels run on every device here")
}
