package spirv_test

import (
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/gpu/internal/spirv"
	"github.com/vkgemm/vkgemm/shaders"
)

var modules = []string{
	"gemm_direct", "gemm_direct_8", "gemm_direct_texel", "gemm_subgroup", "gemm_subgroup_4",
	"gemm_subgroup_texel", "gemm_tiled", "peak",
}

// opcodes lists the opcodes of a module's instructions and the SpecId
// decorations it still has.
func opcodes(t *testing.T, module []byte) (ops map[uint32]int, specIDs int) {
	t.Helper()
	ops = map[uint32]int{}
	for i := 20; i < len(module); {
		w := binary.LittleEndian.Uint32(module[i:])
		n := int(w >> 16)
		require.NotZero(t, n, "word count at byte %d", i)
		ops[w&0xffff]++
		if w&0xffff == 71 && n == 4 && binary.LittleEndian.Uint32(module[i+8:]) == 1 {
			specIDs++
		}
		i += 4 * n
	}
	return ops, specIDs
}

// Every kernel module freezes into a valid module without specialization
// constants, for the values the gpu package gives and for the defaults.
func TestFreezeEveryKernelModule(t *testing.T) {
	val := validator(t)
	values := map[uint32]uint32{
		shaders.SpecWorkgroupX: 8, shaders.SpecWorkgroupY: 1, shaders.SpecTM: 12, shaders.SpecTN: 8,
		shaders.SpecTK: 4, shaders.SpecTransA: 1, shaders.SpecTransB: 0,
	}
	for _, name := range modules {
		for _, vals := range []map[uint32]uint32{values, nil} {
			module, err := shaders.SPIRV(name)
			require.NoError(t, err)
			orig := append([]byte(nil), module...)
			frozen, err := spirv.Freeze(module, vals)
			require.NoError(t, err, name)
			assert.Equal(t, orig, module, "%s: Freeze changed its input", name)

			ops, specIDs := opcodes(t, frozen)
			for _, op := range []uint32{48, 49, 50, 51, 52} { // OpSpecConstant*
				assert.Zero(t, ops[op], "%s: %d instructions with opcode %d left", name, ops[op], op)
			}
			assert.Zero(t, specIDs, "%s: SpecId decorations left", name)
			assert.Less(t, len(frozen), len(module), name)
			val(name, frozen)
		}
	}
}

// The values given are the ones in the module, and defaults stay where no
// value is given: the tiled kernel's shared-memory arrays are sized from
// its spec constants, so their lengths show what was folded.
func TestFreezeUsesTheValuesGiven(t *testing.T) {
	module, err := shaders.SPIRV("gemm_tiled")
	require.NoError(t, err)
	arrayLengths := func(vals map[uint32]uint32) []uint32 {
		frozen, err := spirv.Freeze(module, vals)
		require.NoError(t, err)
		consts := map[uint32]uint32{}
		var lengths []uint32
		for i := 20; i < len(frozen); {
			w := binary.LittleEndian.Uint32(frozen[i:])
			n := int(w >> 16)
			word := func(k int) uint32 { return binary.LittleEndian.Uint32(frozen[i+4*k:]) }
			switch w & 0xffff {
			case 43: // OpConstant
				consts[word(2)] = word(3)
			case 28: // OpTypeArray: result, element type, length id
				lengths = append(lengths, consts[word(3)])
			}
			i += 4 * n
		}
		return lengths
	}
	// gemm_tiled.comp: shared float As[TK][BM + 1]... sizes follow WGY*TM and WGX*TN.
	small := arrayLengths(map[uint32]uint32{0: 4, 1: 4, 2: 4, 3: 4, 4: 8})
	large := arrayLengths(map[uint32]uint32{0: 16, 1: 16, 2: 8, 3: 8, 4: 16})
	def := arrayLengths(nil)
	require.NotEmpty(t, small)
	assert.NotEqual(t, small, large)
	assert.NotEqual(t, small, def)
}

func TestFreezeRefusesWhatIsNotAModule(t *testing.T) {
	module, err := shaders.SPIRV("peak")
	require.NoError(t, err)
	for name, b := range map[string][]byte{
		"empty":           nil,
		"header only":     module[:16],
		"partial word":    module[:len(module)-1],
		"wrong magic":     append([]byte{1, 2, 3, 4}, module[4:]...),
		"zero word count": append(append([]byte(nil), module[:20]...), 0, 0, 0, 0),
		"cut instruction": append(append([]byte(nil), module...), 0, 0, 5, 0, 0, 0, 0, 0), // 5 words, 2 there
	} {
		_, err := spirv.Freeze(b, nil)
		assert.ErrorIs(t, err, spirv.ErrMalformed, name)
	}
}

// FuzzFreeze: any input gives a module or ErrMalformed, never a panic.
func FuzzFreeze(f *testing.F) {
	module, err := shaders.SPIRV("gemm_tiled")
	require.NoError(f, err)
	f.Add(module)
	f.Add(module[:64])
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := spirv.Freeze(b, map[uint32]uint32{0: 7, 2: 0, 5: 1}); err != nil {
			assert.ErrorIs(t, err, spirv.ErrMalformed)
		}
	})
}

// validator returns a function that runs spirv-val on a module. Where
// spirv-val is missing the test is skipped with the package to install,
// except in CI and device runs, where it fails.
func validator(t *testing.T) func(name string, module []byte) {
	t.Helper()
	tool, err := exec.LookPath("spirv-val")
	if err != nil {
		if os.Getenv("CI") == "true" || os.Getenv("VKGEMM_REQUIRE_DEVICE") == "1" {
			t.Fatal("spirv-val is not installed (apt-get install spirv-tools)")
		}
		t.Skip("spirv-val is not installed (apt-get install spirv-tools)")
	}
	dir := t.TempDir()
	return func(name string, module []byte) {
		t.Helper()
		path := filepath.Join(dir, name+".spv")
		require.NoError(t, os.WriteFile(path, module, 0o644))
		out, err := exec.Command(tool, "--target-env", "vulkan1.1", path).CombinedOutput()
		assert.NoError(t, err, "%s: spirv-val: %s", name, out)
	}
}
