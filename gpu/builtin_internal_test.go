package gpu

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/gpu/internal/vk"
)

// gpuProps is a typical discrete GPU of a vendor: 1024 invocations, 32 KiB
// of shared memory (the least of the vendors below), 32- or 64-wide
// subgroups.
func gpuProps(vendorID uint32, name string, subgroup uint32) *vk.Properties {
	return &vk.Properties{Name: name, VendorID: vendorID, Type: vk.TypeDiscrete, SubgroupSize: subgroup, SubgroupBroadcast: true,
		MaxInvocations: 1024, MaxWorkGroupSize: [3]uint32{1024, 1024, 64}, MaxSharedMemory: 32 << 10}
}

// Each vendor and architecture gets its own row of built-ins, and every
// built-in fits the GPUs it is for, in every shape class.
func TestVendorBuiltins(t *testing.T) {
	for _, c := range []struct {
		p    *vk.Properties
		arch string
	}{
		{gpuProps(vendorNVIDIA, "NVIDIA H200", 32), "NVIDIA"},
		{gpuProps(vendorAMD, "AMD Radeon RX 6800 (RADV NAVI21)", 64), "AMD RDNA"},
		{gpuProps(vendorAMD, "AMD Radeon RX 5700 XT", 64), "AMD RDNA"},
		{gpuProps(vendorAMD, "AMD Radeon RX Vega (RADV VEGA10)", 64), "AMD GCN/CDNA"},
		{gpuProps(vendorAMD, "AMD Instinct MI210", 64), "AMD GCN/CDNA"},
		{gpuProps(vendorAMD, "Radeon RX 580 Series", 64), "AMD GCN/CDNA"},
		{gpuProps(vendorIntel, "Intel(R) Arc(tm) A770 Graphics (DG2)", 32), "Intel"},
		{gpuProps(vendorApple, "Apple M2", 32), "Apple"},
		{gpuProps(vendorARM, "Mali-G710", 16), "Mali"},
		{gpuProps(vendorQualcomm, "Adreno (TM) 740", 64), "Adreno"},
	} {
		got := builtinFor(c.p)
		var want map[string][]Kernel
		for _, a := range vendorKernels {
			if a.name == c.arch {
				want = a.kernels
			}
		}
		require.NotNil(t, want, c.arch)
		assert.Equal(t, want, got, "%s should get the %s built-ins", c.p.Name, c.arch)
		for _, class := range ShapeClasses {
			require.NotEmpty(t, got[class], "%s: %s", c.p.Name, class)
			for _, k := range got[class] {
				assert.NoError(t, k.fits(c.p), "%s: %s", c.p.Name, class)
				assert.Zero(t, k.WGX*k.WGY%c.p.SubgroupSize, "%s: %v is not whole subgroups", c.p.Name, k)
			}
		}
	}
	// CPU drivers other than the measured ones get none.
	cpu := gpuProps(0x10005, "llvmpipe", 8)
	cpu.Type = vk.TypeCPU
	assert.Nil(t, builtinFor(cpu))
}

// A failed rename leaves no temporary file behind.
func TestWriteAtomicCleansUpAfterAFailedRename(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tuning.json")
	// A non-empty directory where the file should go: the rename fails.
	require.NoError(t, os.MkdirAll(filepath.Join(path, "occupied"), 0o755))
	assert.Error(t, writeAtomic(path, []byte("{}")))
	left, err := filepath.Glob(filepath.Join(dir, "tuning.json.tmp*"))
	require.NoError(t, err)
	assert.Empty(t, left, "temporary files left behind")
	require.NoError(t, os.RemoveAll(path))
	require.NoError(t, writeAtomic(path, []byte("{}")))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "{}", string(data))
}
