package kernel

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"github.com/vkgemm/vkgemm/shaders"
)

// GemmInt8's candidates are the int8 direct module's blocks and workgroups
// that fit the device, the one in use first, each once: on lavapipe (8-wide
// subgroups), SwiftShader (4-wide, 256 invocations) and GPUs (whole
// subgroups per workgroup). None takes slices of k or texel loads, and each
// has a module; on CPU drivers the workgroups of one subgroup are there.
func TestInt8Candidates(t *testing.T) {
	lavapipe := &vk.Properties{Name: "llvmpipe", Type: vk.TypeCPU, SubgroupSize: 8, SubgroupBroadcast: true,
		MaxInvocations: 1024, MaxWorkGroupSize: [3]uint32{1024, 1024, 64}, MaxSharedMemory: 32 << 10}
	swiftshader := &vk.Properties{Name: "SwiftShader Device", Type: vk.TypeCPU, SubgroupSize: 4, SubgroupBroadcast: true,
		MaxInvocations: 256, MaxWorkGroupSize: [3]uint32{256, 256, 64}, MaxSharedMemory: 16 << 10}
	amd := gpuProps(vendorAMD, "AMD Radeon RX 7900 XTX (RADV NAVI31)", 64)
	for _, p := range []*vk.Properties{lavapipe, swiftshader, amd, gpuProps(vendorNVIDIA, "NVIDIA H200", 32)} {
		start := Int8(p)
		ks := Int8Candidates(p, start)
		require.NotEmpty(t, ks, p.Name)
		assert.Equal(t, start, ks[0], "%s: the kernel in use first", p.Name)
		seen := map[Kernel]bool{}
		blocks := map[[2]uint32]bool{}
		for _, k := range ks {
			assert.False(t, seen[k], "%s: %v twice", p.Name, k)
			seen[k] = true
			blocks[[2]uint32{k.TM, k.TN}] = true
			assert.Equal(t, shaders.FamilyDirect, k.Family, "%s: %v", p.Name, k)
			assert.Equal(t, shaders.Int8, k.Element, "%s: %v", p.Name, k)
			assert.NoError(t, k.Fits(p), "%s: %v", p.Name, k)
			assert.Zero(t, k.KChunk, "%s: %v", p.Name, k)
			assert.False(t, k.Texel, "%s: %v", p.Name, k)
			name, err := k.Module()
			require.NoError(t, err)
			assert.Equal(t, "gemm_int8", name)
			assert.LessOrEqual(t, k.WGX*k.WGY, p.MaxInvocations, "%s: %v", p.Name, k)
			if p.Type != vk.TypeCPU {
				assert.Zero(t, k.WGX*k.WGY%p.SubgroupSize, "%s: %v: whole subgroups", p.Name, k)
			}
		}
		for _, b := range [][2]uint32{{4, 4}, {4, 8}, {8, 4}, {8, 8}} {
			assert.True(t, blocks[b], "%s: %d×%d per invocation", p.Name, b[0], b[1])
		}
		if p.Type == vk.TypeCPU {
			k := Kernel{Family: shaders.FamilyDirect, Element: shaders.Int8, WGX: p.SubgroupSize, WGY: 1, TM: 8, TN: 8, TK: 4}
			assert.True(t, seen[k], "%s: one subgroup per workgroup", p.Name)
		}
		// The default's workgroup comes first, with every block.
		for i, k := range ks[1:4] {
			assert.Equal(t, [2]uint32{8, 8}, [2]uint32{k.WGX, k.WGY}, "%s: candidate %d", p.Name, i+1)
		}
		t.Logf("%s: %d int8 candidates", p.Name, len(ks))
	}
	// SwiftShader runs at most 256 invocations a workgroup: nothing larger.
	for _, k := range Int8Candidates(swiftshader, Int8(swiftshader)) {
		assert.LessOrEqual(t, k.WGX*k.WGY, uint32(256))
	}
	// A tuned start that is not among the listed shapes stays first.
	odd := Kernel{Family: shaders.FamilyDirect, Element: shaders.Int8, WGX: 4, WGY: 4, TM: 8, TN: 4, TK: 4}
	assert.Equal(t, odd, Int8Candidates(lavapipe, odd)[0])
}
