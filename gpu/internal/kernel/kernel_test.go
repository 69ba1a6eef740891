package kernel

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"github.com/vkgemm/vkgemm/shaders"
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
		k, err := Default(props(width, true), shaders.FamilySubgroup)
		require.NoError(t, err)
		assert.Equal(t, width, k.WGX)
		assert.NoError(t, k.Fits(props(width, true)))
	}
	for _, p := range []*vk.Properties{props(32, true), props(8, false), props(1, true)} {
		_, err := Default(p, shaders.FamilySubgroup)
		require.ErrorIs(t, err, vk.ErrUnsupported)
		assert.Contains(t, err.Error(), "-wide subgroups")
		k, err := Default(p, "")
		require.NoError(t, err, "the unforced choice")
		assert.Equal(t, shaders.FamilyDirect, k.Family)
	}
	// A block the shaders do not unroll is refused, not run wrong.
	for _, k := range []Kernel{
		{Family: shaders.FamilySubgroup, Element: shaders.F32, WGX: 8, WGY: 1, TM: 32, TN: 8, TK: 4},
		{Family: shaders.FamilySubgroup, Element: shaders.F32, WGX: 8, WGY: 1, TM: 12, TN: 8, TK: 4},
		{Family: shaders.FamilySubgroup, Element: shaders.F32, WGX: 4, WGY: 1, TM: 24, TN: 8, TK: 4},
		{Family: shaders.FamilySubgroup, Element: shaders.F32, WGX: 8, WGY: 2, TM: 16, TN: 8, TK: 4},
		{Family: shaders.FamilySubgroup, Element: shaders.F32, WGX: 8, WGY: 1, TM: 16, TN: 12, TK: 4},
	} {
		assert.Error(t, k.Fits(props(k.WGX, true)), "%v", k)
	}
}

// honeykrisp is Apple's M1 as Asahi Linux's driver reports it: Mesa's
// vendor id, Honeykrisp's driver id.
var honeykrisp = func() *vk.Properties {
	p := gpuProps(0x10005, "Apple M1 (G13G A0)", 32)
	p.DriverID, p.Type = driverHoneykrisp, vk.TypeIntegrated
	return p
}()

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
		{honeykrisp, "Apple"},
		{gpuProps(vendorARM, "Mali-G710", 16), "Mali"},
		{gpuProps(vendorQualcomm, "Adreno (TM) 740", 64), "Adreno"},
	} {
		got := Builtin(c.p)
		var want map[Class][]Kernel
		for _, a := range vendorKernels {
			if a.name == c.arch {
				want = a.kernels
			}
		}
		require.NotNil(t, want, c.arch)
		assert.Equal(t, want, got, "%s should get the %s built-ins", c.p.Name, c.arch)
		for _, class := range Classes {
			require.NotEmpty(t, got[class], "%s: %s", c.p.Name, class)
			for _, k := range got[class] {
				assert.NoError(t, k.Fits(c.p), "%s: %s", c.p.Name, class)
				assert.Zero(t, k.WGX*k.WGY%c.p.SubgroupSize, "%s: %v is not whole subgroups", c.p.Name, k)
			}
		}
	}
	// CPU drivers other than the measured ones get none.
	cpu := gpuProps(0x10005, "llvmpipe", 8)
	cpu.Type = vk.TypeCPU
	assert.Nil(t, Builtin(cpu))
}

// Every kernel the engine may choose by itself has a module and fits a
// device it is chosen for; the half and float64 kernels derived from the
// defaults have modules too.
func TestDefaultsHaveModules(t *testing.T) {
	lavapipe := &vk.Properties{Name: "llvmpipe", Type: vk.TypeCPU, DriverID: 13, SubgroupSize: 8, SubgroupBroadcast: true,
		MaxInvocations: 1024, MaxWorkGroupSize: [3]uint32{1024, 1024, 64}, MaxSharedMemory: 32 << 10,
		TexelBuffers: true, UintTexelBuffers: true, MaxTexelElements: 1 << 27, MaxStorageBufferRange: 1 << 27, ShaderFloat64: true}
	for _, p := range []*vk.Properties{lavapipe, gpuProps(vendorNVIDIA, "NVIDIA H200", 32)} {
		for class, ks := range Builtin(p) {
			for _, k := range ks {
				_, err := k.Module()
				assert.NoError(t, err, "%s: %s: %v", p.Name, class, k)
				for _, e := range []shaders.Element{shaders.F16, shaders.BF16} {
					_, err := Half(k, e, p).Module()
					assert.NoError(t, err, "%s: %s: %v in %s", p.Name, class, k, e)
				}
			}
		}
	}
	assert.NoError(t, Float64(lavapipe).Fits(lavapipe))
	assert.True(t, Float64(lavapipe).Texel)
	assert.Equal(t, uint32(8), Float64(lavapipe).WGX, "CPU drivers keep the 8-wide direct kernel")
	gpu := *lavapipe
	gpu.Type = vk.TypeDiscrete
	assert.Equal(t, float64GPU, Float64(&gpu), "GPUs get blocks that keep to registers")
	noTexels := *lavapipe
	noTexels.UintTexelBuffers = false
	assert.NoError(t, Float64(&noTexels).Fits(&noTexels))
	assert.False(t, Float64(&noTexels).Texel)
	for _, e := range []shaders.Element{shaders.F32, shaders.F64} {
		_, err := Peak(e, 256).Module()
		assert.NoError(t, err)
	}
}

// Classes are decided by size first, then by shape.
func TestClassOf(t *testing.T) {
	assert.Equal(t, Small, ClassOf(128, 128, 128))
	assert.Equal(t, SmallK, ClassOf(1024, 1024, 32))
	assert.Equal(t, Tall, ClassOf(4096, 512, 512))
	assert.Equal(t, Wide, ClassOf(512, 4096, 512))
	assert.Equal(t, Square, ClassOf(1024, 1024, 1024))
	for _, c := range append(Classes, Batched) {
		assert.True(t, c.Valid())
		m, n, k := Shape(c, true)
		assert.Positive(t, m*n*k)
	}
	assert.False(t, Class("huge").Valid())
}

// Sizes from a hand-edited tuning file do not overflow into a kernel that
// seems to fit, nor into a message quoting a wrapped number.
func TestFitsDoesNotOverflow(t *testing.T) {
	p := gpuProps(vendorNVIDIA, "NVIDIA H200", 32)
	p.MaxWorkGroupSize = [3]uint32{1 << 20, 1 << 20, 64}
	k := Kernel{Family: shaders.FamilyDirect, Element: shaders.F32, WGX: 1 << 16, WGY: 1 << 16, TM: 4, TN: 4, TK: 4}
	err := k.Fits(p)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "4294967296 invocations")
}

// GemmHalf's kernel keeps the float32 kernel's family where a half module
// exists for it (the block family on GPUs), takes the 12×16 step-8 texel
// module wherever float32 reads texels, and slices k in multiples of 8.
func TestHalfKernelModules(t *testing.T) {
	p := &vk.Properties{Name: "test GPU", Type: vk.TypeDiscrete, SubgroupSize: 32, MaxInvocations: 1024,
		MaxWorkGroupSize: [3]uint32{1024, 1024, 64}, MaxSharedMemory: 48 << 10, MaxStorageBufferRange: 1 << 30}
	for _, tc := range []struct {
		f32    Kernel
		e      shaders.Element
		module string
	}{
		{blockDefault, shaders.BF16, "gemm_block_bf16"},
		{blockDefault, shaders.F16, "gemm_block_f16"},
		{tiledDefault, shaders.BF16, "gemm_direct_bf16"},
		{Kernel{Family: shaders.FamilySubgroup, Element: shaders.F32, WGX: 8, WGY: 1, TM: 24, TN: 8, TK: 4, KChunk: 512, Texel: true}, shaders.F16, "gemm_direct_texel_f16_12x16"},
		{Kernel{Family: shaders.FamilyDirect, Element: shaders.F32, WGX: 8, WGY: 1, TM: 8, TN: 8, TK: 4, KChunk: 260, Texel: true}, shaders.BF16, "gemm_direct_texel_bf16_12x16"},
	} {
		// Texel views as large as storage buffers, in uvec4s, where f32 reads texels.
		q := *p
		if tc.f32.Texel {
			q.MaxTexelElements, q.TexelBuffers, q.UintTexelBuffers = 1<<26, true, true
		}
		k := Half(tc.f32, tc.e, &q)
		module, err := k.Module()
		require.NoError(t, err, "%v", k)
		assert.Equal(t, tc.module, module, "%v", tc.f32)
		assert.Zero(t, k.KChunk%8, "%v", k)
		assert.NoError(t, k.Fits(&q), "%v", k)
	}
	sliced := Kernel{Family: shaders.FamilyDirect, WGX: 8, WGY: 1, TM: 8, TN: 8, TK: 4, KChunk: 12, Element: shaders.BF16}
	assert.ErrorContains(t, sliced.Fits(p), "multiples of 8", "a tuning file's half kernel with slices of 12")
}

// The memory tables of gpu/internal/vk replay tune's shape classes; this
// keeps their list in step with Shape.
func TestMemoryWorkloadMatchesTune(t *testing.T) {
	data, err := os.ReadFile("../vk/testdata/memory/workload.json")
	require.NoError(t, err)
	var w struct {
		Products []struct {
			Name    string
			M, N, K int
		}
	}
	require.NoError(t, json.Unmarshal(data, &w))
	got := map[string][3]int{}
	for _, p := range w.Products {
		got[p.Name] = [3]int{p.M, p.N, p.K}
	}
	for _, class := range Classes {
		m, n, k := Shape(class, false)
		assert.Equal(t, [3]int{m, n, k}, got[string(class)], "workload.json's %s product", class)
	}
}

// lavapipe's table follows the Mesa release it was measured on.
func TestLavapipeTablesByMesaRelease(t *testing.T) {
	p := &vk.Properties{Name: "llvmpipe", Type: vk.TypeCPU, DriverID: driverLavapipe, SubgroupSize: 8, SubgroupBroadcast: true,
		MaxInvocations: 1024, MaxWorkGroupSize: [3]uint32{1024, 1024, 64}, MaxSharedMemory: 32 << 10,
		TexelBuffers: true, UintTexelBuffers: true, MaxTexelElements: 1 << 27, MaxStorageBufferRange: 1 << 27}
	first := func(major uint32) Kernel {
		p.DriverVersion = major<<22 | 1<<12
		for _, k := range Builtin(p)[Square] {
			if k.Fits(p) == nil {
				return k
			}
		}
		return Kernel{}
	}
	assert.Equal(t, lavapipeTexel, first(22))
	assert.Equal(t, lavapipeTexel, first(25))
	assert.Equal(t, lavapipeSubgroupTexel, first(26))
	assert.NoError(t, lavapipeSubgroupTexel.Fits(p))
	assert.Equal(t, lavapipeSubgroupTexel, func() Kernel { k, _ := Default(p, shaders.FamilySubgroup); return k }(),
		"the subgroup family's default on lavapipe, forced")
}

// The coopmat kernel of each element takes the first shape the device
// lists with that element's types (from the device, never a table), none
// where it lists none, and a shape of other types never fits it.
func TestCoopmatTakesTheDevicesShapes(t *testing.T) {
	p := gpuProps(vendorAMD, "AMD Radeon RX 9070 (RADV GFX1201)", 32)
	p.CoopMatrices = []vk.CoopMatrix{
		{M: 16, N: 16, K: 16, A: vk.ComponentF16, B: vk.ComponentF16, C: vk.ComponentF16, Result: vk.ComponentF16},
		{M: 16, N: 16, K: 16, A: vk.ComponentE4M3, B: vk.ComponentE4M3, C: vk.ComponentF32, Result: vk.ComponentF32},
		{M: 16, N: 16, K: 16, A: vk.ComponentF16, B: vk.ComponentF16, C: vk.ComponentF32, Result: vk.ComponentF32},
		{M: 16, N: 16, K: 32, A: vk.ComponentS8, B: vk.ComponentS8, C: vk.ComponentS32, Result: vk.ComponentS32, Saturating: true},
		{M: 16, N: 16, K: 16, A: vk.ComponentS8, B: vk.ComponentS8, C: vk.ComponentS32, Result: vk.ComponentS32},
	}
	for _, c := range []struct {
		e    shaders.Element
		want [3]uint32
	}{{shaders.F16, [3]uint32{16, 16, 16}}, {shaders.Int8, [3]uint32{16, 16, 16}}} {
		k, ok := Coopmat(p, c.e)
		require.True(t, ok, "%s", c.e)
		assert.Equal(t, shaders.FamilyCoopmat, k.Family)
		assert.Equal(t, c.want, k.Matrix, "%s: the first listed shape of its types, not a saturating one", c.e)
		assert.Equal(t, uint32(4*32), k.WGX, "2×2 full subgroups")
		require.NoError(t, k.Fits(p))
	}
	_, ok := Coopmat(p, shaders.BF16)
	assert.False(t, ok, "no bf16×bf16→f32 shape listed")
	p.CoopMatrices = append(p.CoopMatrices, vk.CoopMatrix{M: 16, N: 16, K: 16, A: vk.ComponentBF16, B: vk.ComponentBF16, C: vk.ComponentF32, Result: vk.ComponentF32})
	k, ok := Coopmat(p, shaders.BF16)
	require.True(t, ok)
	mod, err := k.Module()
	require.NoError(t, err)
	assert.Equal(t, "gemm_coopmat_bf16", mod)
	k.Element = shaders.F64
	assert.ErrorContains(t, k.Fits(p), "takes f16, bf16 or int8 inputs")
	k.Element, k.Matrix = shaders.Int8, [3]uint32{8, 8, 8}
	assert.ErrorContains(t, k.Fits(p), "lists no 8x8x8 s8×s8→s32")
	p.CoopMatrices = nil
	_, ok = Coopmat(p, shaders.F16)
	assert.False(t, ok)
}
