package tuning

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/gpu/internal/kernel"
	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"github.com/vkgemm/vkgemm/shaders"
)

// lavapipe is enough of a device for the file's checks.
var lavapipe = &vk.Properties{Name: "llvmpipe", Type: vk.TypeCPU, VendorID: 0x10005, DriverVersion: 42, SubgroupSize: 8, SubgroupBroadcast: true,
	MaxInvocations: 1024, MaxWorkGroupSize: [3]uint32{1024, 1024, 64}, MaxSharedMemory: 32 << 10,
	TexelBuffers: true, UintTexelBuffers: true, MaxTexelElements: 1 << 27, MaxStorageBufferRange: 1 << 27}

func write(t *testing.T, text string) string {
	path := filepath.Join(t.TempDir(), "t.json")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	return path
}

// A file of the previous format, as the last release wrote it, still loads,
// its keys and elements read into the typed ones.
func TestFormat2StillLoads(t *testing.T) {
	path := write(t, `{"format": "vkgemm-tuning/2", "device": "llvmpipe", "vendor_id": 65541, "device_id": 0, "driver_version": 42,
	  "kernels": {
	    "square": {"family": "direct", "wgx": 8, "wgy": 1, "tm": 12, "tn": 16, "tk": 4, "kchunk": 512, "texel": true},
	    "batched": {"family": "direct", "wgx": 8, "wgy": 1, "tm": 8, "tn": 8, "tk": 4},
	    "f16/small": {"family": "direct", "wgx": 8, "wgy": 1, "tm": 8, "tn": 8, "tk": 4, "kchunk": 512, "precision": "f16"}},
	  "gflops": {"square": 40.5, "f16/small": 3},
	  "cpu_below": {"float32/square": 1.7976931348623157e+308, "float64/small": 0}}`)
	f, err := Load(path, lavapipe)
	require.NoError(t, err)
	assert.Equal(t, shaders.F32, f.Kernels[Key{shaders.F32, kernel.Square}].Element)
	assert.True(t, f.Kernels[Key{shaders.F32, kernel.Square}].Texel)
	assert.Contains(t, f.Kernels, Key{shaders.F32, kernel.Batched})
	assert.Equal(t, shaders.F16, f.Kernels[Key{shaders.F16, kernel.Small}].Element)
	assert.Equal(t, 40.5, f.GFLOPS[Key{shaders.F32, kernel.Square}])
	assert.Equal(t, Never, f.CPUBelow[Key{shaders.F32, kernel.Square}])
	assert.Contains(t, f.CPUBelow, Key{shaders.F64, kernel.Small})
}

// What Save writes, Load reads back the same, keyed "element/class".
func TestSaveLoadRoundTrip(t *testing.T) {
	f := New(lavapipe)
	k := kernel.Kernel{Family: shaders.FamilyDirect, Element: shaders.BF16, WGX: 8, WGY: 1, TM: 8, TN: 8, TK: 4, KChunk: 512}
	f.Kernels[Key{shaders.BF16, kernel.Small}] = k
	f.GFLOPS[Key{shaders.BF16, kernel.Small}] = 2.5
	f.CPUBelow = map[Key]float64{{shaders.F64, kernel.Tall}: 1e9}
	path := filepath.Join(t.TempDir(), "sub", "t.json")
	require.NoError(t, Save(path, f))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"bf16/small"`)
	assert.Contains(t, string(data), `"f64/tall"`)
	got, err := Load(path, lavapipe)
	require.NoError(t, err)
	assert.Equal(t, f.Kernels, got.Kernels)
	assert.Equal(t, f.CPUBelow, got.CPUBelow)
}

// GemmInt8's kernels load by "int8/class", next to the others, and a file
// of format 3 from before them still loads.
func TestInt8KernelsLoad(t *testing.T) {
	f := New(lavapipe)
	k := kernel.Kernel{Family: shaders.FamilyDirect, Element: shaders.Int8, WGX: 16, WGY: 8, TM: 8, TN: 4, TK: 4}
	f.Kernels[Key{shaders.Int8, kernel.Square}] = k
	f.GFLOPS[Key{shaders.Int8, kernel.Square}] = 12
	f.Kernels[Key{shaders.F32, kernel.Small}] = kernel.Direct
	path := filepath.Join(t.TempDir(), "t.json")
	require.NoError(t, Save(path, f))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"int8/square"`)
	got, err := Load(path, lavapipe)
	require.NoError(t, err)
	assert.Equal(t, f.Kernels, got.Kernels)
	assert.Equal(t, 12.0, got.GFLOPS[Key{shaders.Int8, kernel.Square}])

	old := write(t, `{"format": "vkgemm-tuning/3", "device": "llvmpipe", "vendor_id": 65541, "device_id": 0, "driver_version": 42,
	  "kernels": {"f32/square": {"family": "direct", "element": "f32", "wgx": 8, "wgy": 1, "tm": 12, "tn": 16, "tk": 4, "kchunk": 512, "texel": true}}}`)
	got, err = Load(old, lavapipe)
	require.NoError(t, err)
	assert.Len(t, got.Kernels, 1)
}

// Every kind of wrong file is refused with a reason, never half-applied.
func TestBadFilesAreRefused(t *testing.T) {
	head := `"device": "llvmpipe", "vendor_id": 65541, "device_id": 0, "driver_version": 42`
	direct := `{"family": "direct", "element": "f32", "wgx": 8, "wgy": 1, "tm": 8, "tn": 8, "tk": 4}`
	for _, c := range []struct{ text, why string }{
		{`not json`, "not a vkgemm tuning file"},
		{`{"format": "vkgemm-tuning/9", ` + head + `}`, `format "vkgemm-tuning/9"`},
		{`{"format": "vkgemm-tuning/3", "device": "other", "vendor_id": 1, "device_id": 2, "driver_version": 3}`, "another device"},
		{`{"format": "vkgemm-tuning/3", ` + head + `, "kernels": {"square": ` + direct + `}}`, "not element/class"},
		{`{"format": "vkgemm-tuning/3", ` + head + `, "kernels": {"f32/huge": ` + direct + `}}`, "unknown shape class"},
		{`{"format": "vkgemm-tuning/3", ` + head + `, "kernels": {"f16/square": ` + direct + `}}`, `element type "f32" in the place of "f16"`},
		{`{"format": "vkgemm-tuning/3", ` + head + `, "kernels": {"f64/square": ` + direct + `}}`, "no tuned kernels"},
		{`{"format": "vkgemm-tuning/3", ` + head + `, "kernels": {"f32/square": {"family": "direct", "element": "f32", "wgx": 65536, "wgy": 65536, "tm": 8, "tn": 8, "tk": 4}}}`, "4294967296 invocations"},
		{`{"format": "vkgemm-tuning/3", ` + head + `, "cpu_below": {"f16/square": 5}}`, `unknown element type "f16"`},
		{`{"format": "vkgemm-tuning/3", ` + head + `, "cpu_below": {"f32/square": -1}}`, "flops >= 0"},
		{`{"format": "vkgemm-tuning/2", ` + head + `, "cpu_below": {"float16/square": 5}}`, `unknown element type "float16"`},
		// GemmInt8's kernels: the direct int8 module only, in a size it has.
		{`{"format": "vkgemm-tuning/3", ` + head + `, "kernels": {"int8/square": ` + direct + `}}`, `element type "f32" in the place of "int8"`},
		{`{"format": "vkgemm-tuning/3", ` + head + `, "kernels": {"int8/square": {"family": "coopmat", "element": "int8", "wgx": 32, "wgy": 1, "tm": 32, "tn": 32, "tk": 32, "matrix": [8, 8, 8]}}}`, `int8 kernel of the "coopmat" family`},
		{`{"format": "vkgemm-tuning/3", ` + head + `, "kernels": {"int8/square": {"family": "subgroup", "element": "int8", "wgx": 8, "wgy": 1, "tm": 8, "tn": 8, "tk": 4}}}`, `int8 kernel of the "subgroup" family`},
		{`{"format": "vkgemm-tuning/3", ` + head + `, "kernels": {"int8/square": {"family": "direct", "element": "int8", "wgx": 8, "wgy": 8, "tm": 16, "tn": 16, "tk": 4}}}`, "no int8 direct module"},
		{`{"format": "vkgemm-tuning/3", ` + head + `, "kernels": {"int8/square": {"family": "direct", "element": "int8", "wgx": 64, "wgy": 64, "tm": 4, "tn": 4, "tk": 4}}}`, "4096 invocations"},
		{`{"format": "vkgemm-tuning/3", ` + head + `, "kernels": {"int8/square": {"family": "direct", "element": "int8", "wgx": 8, "wgy": 8, "tm": 4, "tn": 4, "tk": 4, "kchunk": 512}}}`, "no slices of k"},
		{`{"format": "vkgemm-tuning/3", ` + head + `, "kernels": {"int8/batched": {"family": "direct", "element": "int8", "wgx": 8, "wgy": 8, "tm": 4, "tn": 4, "tk": 4}}}`, "tuned in f32 only"},
	} {
		_, err := Load(write(t, c.text), lavapipe)
		assert.ErrorContains(t, err, c.why, c.text)
	}
}

// A failed rename leaves no temporary file behind.
func TestWriteAtomicCleansUpAfterAFailedRename(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tuning.json")
	// A non-empty directory where the file should go: the rename fails.
	require.NoError(t, os.MkdirAll(filepath.Join(path, "occupied"), 0o755))
	assert.Error(t, WriteAtomic(path, []byte("{}")))
	left, err := filepath.Glob(filepath.Join(dir, "tuning.json.tmp*"))
	require.NoError(t, err)
	assert.Empty(t, left, "temporary files left behind")
	require.NoError(t, os.RemoveAll(path))
	require.NoError(t, WriteAtomic(path, []byte("{}")))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "{}", string(data))
}
