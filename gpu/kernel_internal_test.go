package gpu

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/gpu/internal/vk"
)

// The subgroup family runs only where a workgroup is exactly one subgroup
// of the width its shaders are written for, with broadcast in compute; a
// forced family the device cannot run is refused with the reason, and the
// choice without forcing never lands on a kernel that does not fit.
func TestSubgroupFamilyNeedsItsSubgroupWidth(t *testing.T) {
	props := func(width uint32, broadcast bool) *vk.Properties {
		return &vk.Properties{Name: "test device", Type: vk.TypeCPU, SubgroupSize: width, SubgroupBroadcast: broadcast,
			MaxInvocations: 1024, MaxWorkGroupSize: [3]uint32{1024, 1024, 64}, MaxSharedMemory: 32 << 10}
	}
	for _, width := range []uint32{4, 8} {
		k, err := defaultKernel(props(width, true), kernelSubgroup)
		require.NoError(t, err)
		assert.Equal(t, width, k.WGX)
		assert.NoError(t, k.fits(props(width, true)))
	}
	for _, p := range []*vk.Properties{props(32, true), props(8, false), props(1, true)} {
		_, err := defaultKernel(p, kernelSubgroup)
		require.ErrorIs(t, err, ErrUnsupported)
		assert.Contains(t, err.Error(), "-wide subgroups")
		k, err := defaultKernel(p, "")
		require.NoError(t, err, "the unforced choice")
		assert.Equal(t, kernelDirect, k.Family)
	}
	// A block the shaders do not unroll is refused, not run wrong.
	for _, k := range []Kernel{
		{Family: kernelSubgroup, WGX: 8, WGY: 1, TM: 32, TN: 8, TK: 4},
		{Family: kernelSubgroup, WGX: 8, WGY: 1, TM: 12, TN: 8, TK: 4},
		{Family: kernelSubgroup, WGX: 4, WGY: 1, TM: 24, TN: 8, TK: 4},
		{Family: kernelSubgroup, WGX: 8, WGY: 2, TM: 16, TN: 8, TK: 4},
		{Family: kernelSubgroup, WGX: 8, WGY: 1, TM: 16, TN: 12, TK: 4},
	} {
		assert.Error(t, k.fits(props(k.WGX, true)), "%v", k)
	}
}

// Every shader module and load path is correct on every device that can run
// it: the direct modules (blocks up to 8x8 and up to 16x16, storage and
// texel loads), the subgroup ones (4 and 8 wide, storage and texel loads),
// the tiled one, the block one. Defaults and
// tuning pick among these, so each is run here whatever the device's
// default.
func TestEveryKernelModule(t *testing.T) {
	d := openForTest(t, Config{NoCache: true})
	t.Cleanup(func() { require.NoError(t, d.Close()) })
	p := d.dev.Properties()
	ran := 0
	for _, k := range []Kernel{
		defaultDirect,
		{Family: kernelDirect, WGX: 8, WGY: 1, TM: 12, TN: 16, TK: 4, KChunk: 512},
		{Family: kernelSubgroup, WGX: 8, WGY: 1, TM: 24, TN: 8, TK: 4, KChunk: 512},
		{Family: kernelSubgroup, WGX: 8, WGY: 1, TM: 16, TN: 4, TK: 4, Texel: true},
		{Family: kernelDirect, WGX: 8, WGY: 1, TM: 12, TN: 16, TK: 4, KChunk: 512, Texel: true},
		{Family: kernelSubgroup, WGX: 4, WGY: 1, TM: 12, TN: 8, TK: 4, KChunk: 512},
		defaultTiled,
		// The default block kernel runs in TestKernelFamilies. This one has
		// tiles of a vec4 count no multiple of the invocations' (192), and
		// a tile of A 12 vec4s wide, which is not swizzled.
		{Family: kernelBlock, WGX: 16, WGY: 12, TM: 4, TN: 8, TK: 8},
	} {
		if err := k.fits(p); err != nil {
			t.Logf("%s: skipped on %s: %v", k, p.Name, err)
			continue
		}
		ran++
		t.Run(k.String(), func(t *testing.T) {
			for c := range d.kernels {
				d.kernels[c] = k
			}
			gemmtest.Correctness(t, d, true)
		})
	}
	assert.GreaterOrEqual(t, ran, 4, "a direct, a subgroup, the tiled and the block kernels run on every device here")
}
