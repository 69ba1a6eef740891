package tune_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/gpu"
	"github.com/vkgemm/vkgemm/gpu/internal/gputest"
	"github.com/vkgemm/vkgemm/gpu/tune"
	"github.com/vkgemm/vkgemm/shaders"
)

// logs collects warnings a device reports.
type logs struct {
	sync.Mutex
	lines []string
}

func (l *logs) logf(format string, args ...any) {
	l.Lock()
	defer l.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *logs) String() string {
	l.Lock()
	defer l.Unlock()
	return strings.Join(l.lines, "\n")
}

// A tuning run checks, times and saves; the next Open uses what it saved.
func TestTuneSavesAndIsUsed(t *testing.T) {
	dir := t.TempDir()
	d := openDevice(t, gpu.Config{CacheDir: dir})
	var steps []tune.Progress
	tuning, err := tune.Run(d, tune.Options{Budget: 3 * time.Second, Classes: []tune.Class{tune.Small}, Save: true,
		Progress: func(p tune.Progress) { steps = append(steps, p) }})
	require.NoError(t, err)
	require.NotEmpty(t, steps)
	assert.Positive(t, tuning.GFLOPS[f32(tune.Small)])
	best := tuning.Kernels[f32(tune.Small)]
	assert.Equal(t, best, steps[len(steps)-1].Best)
	require.FileExists(t, tune.Path(d))

	d2 := openDevice(t, gpu.Config{CacheDir: dir})
	assert.Equal(t, best, kernels(d2)[f32(tune.Small)])
	gemmtest.Correctness(t, d2, true)
}

// hasFloat64 says whether d runs Dgemm (shaderFloat64).
func hasFloat64(t *testing.T, d *gpu.Device) bool {
	err := d.Dgemm(blas.NoTrans, blas.NoTrans, 1, 1, 1, 1, []float64{1}, 1, []float64{1}, 1, 0, []float64{0}, 1)
	if errors.Is(err, gpu.ErrUnsupported) {
		return false
	}
	require.NoError(t, err)
	return true
}

// Tune with crossovers measures one per precision the device runs and
// class, sets them, stores them, and the next Open in the cache directory
// reports them; Never survives the JSON.
func TestTuneStoresCrossovers(t *testing.T) {
	dir := t.TempDir()
	d := openDevice(t, gpu.Config{CacheDir: dir})
	var races []tune.Race
	tuning, err := tune.Run(d, tune.Options{Budget: 2 * time.Second, Classes: []tune.Class{tune.Small}, Crossovers: true, Save: true,
		Progress: func(p tune.Progress) {
			if p.Race != nil {
				assert.Equal(t, tune.Small, p.Key.Class)
				races = append(races, *p.Race)
			}
		}})
	require.NoError(t, err)
	precisions := []shaders.Element{shaders.F32}
	if hasFloat64(t, d) {
		precisions = append(precisions, shaders.F64)
	}
	require.Len(t, tuning.CPUBelow, len(precisions), "%v", tuning.CPUBelow)
	require.NotEmpty(t, races, "every race is reported")
	m, n, k := tune.Shape(tune.Small, d.Info().Type == gpu.TypeCPU)
	assert.Equal(t, [3]int{m, n, k}, [3]int{races[0].M, races[0].N, races[0].K}, "the largest size first")
	d2 := openDevice(t, gpu.Config{CacheDir: dir})
	for _, p := range precisions {
		below, ok := tuning.CPUBelow[tune.Key{Element: p, Class: tune.Small}]
		require.True(t, ok, "%s", p)
		assert.True(t, below == tune.Never || below <= gemm.Flops(m, n, k), "%s: %g is Never or one of the sizes raced", p, below)
		assert.Equal(t, below, tune.Crossover(d, p, tune.Small), "set on the tuned device")
		assert.Equal(t, below, tune.Crossover(d2, p, tune.Small), "applied by the next Open")
		t.Logf("%s crossover of small products on %s: %g flops", p, d.Describe(), below)
	}

	// The next Open applies what the file says, whatever the measurement
	// gave, and Never round-trips.
	data, err := os.ReadFile(tune.Path(d))
	require.NoError(t, err)
	var tu tune.Tuning
	require.NoError(t, json.Unmarshal(data, &tu))
	tu.CPUBelow = map[tune.Key]float64{f32(tune.Small): 12345, f32(tune.Tall): tune.Never}
	data, err = json.Marshal(tu)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"f32/tall":1.7976931348623157e+308`)
	require.NoError(t, os.WriteFile(tune.Path(d), data, 0o644))
	untuned := openDevice(t, gpu.Config{Cache: gpu.Off})
	d3 := openDevice(t, gpu.Config{CacheDir: dir})
	assert.Equal(t, 12345.0, tune.Crossover(d3, shaders.F32, tune.Small))
	assert.Equal(t, tune.Never, tune.Crossover(d3, shaders.F32, tune.Tall))
	assert.Equal(t, tune.Crossover(untuned, shaders.F32, tune.Square), tune.Crossover(d3, shaders.F32, tune.Square), "a class not in the file keeps the built-in")
	assert.Equal(t, tune.Crossover(untuned, shaders.F64, tune.Small), tune.Crossover(d3, shaders.F64, tune.Small))
}

// Tune searches kernels for a strided batch of small products and for
// GemmHalf, stores them with their precision, and the next Open lists them
// and runs both products right with them. (One half format: each half
// search costs four pipeline builds, minutes on SwiftShader; both formats
// take the same path, and the keys of both are checked without a device.)
func TestTuneBatchedAndHalf(t *testing.T) {
	dir := t.TempDir()
	d := openDevice(t, gpu.Config{CacheDir: dir})
	seen := map[tune.Key]bool{}
	tuning, err := tune.Run(d, tune.Options{Budget: 2 * time.Second, Classes: []tune.Class{tune.Small, tune.Batched},
		Half: []gpu.HalfFormat{gpu.BF16}, Save: true,
		Progress: func(p tune.Progress) { seen[p.Key] = true }})
	require.NoError(t, err)
	keys := []tune.Key{f32(tune.Small), f32(tune.Batched), {Element: shaders.BF16, Class: tune.Small}}
	for _, key := range keys {
		assert.True(t, seen[key], "progress of %s", key)
		assert.Positive(t, tuning.GFLOPS[key], key)
	}
	require.Len(t, tuning.Kernels, len(keys))
	assert.Empty(t, tuning.CPUBelow, "crossovers only when asked for")
	assert.Equal(t, shaders.F32, tuning.Kernels[f32(tune.Batched)].Element)
	assert.Equal(t, shaders.BF16, tuning.Kernels[keys[2]].Element)

	d2 := openDevice(t, gpu.Config{CacheDir: dir})
	for _, key := range keys {
		assert.Equal(t, tuning.Kernels[key], kernels(d2)[key], key)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, f := range []gpu.HalfFormat{gpu.BF16} {
		c := gemmtest.Case{TA: blas.Trans, TB: blas.NoTrans, M: 37, N: 29, K: 70, Alpha: 1, Beta: 0.5, PadA: 1}
		p := gemmtest.NewProblem(c, 9)
		a, ax := gputest.HalfInputs(f, rng, len(p.A))
		b, bx := gputest.HalfInputs(f, rng, len(p.B))
		want, scale := gemmtest.Reference(c.TA, c.TB, c.M, c.N, c.K, c.Alpha, ax, p.LDA, bx, p.LDB, c.Beta, p.C, p.LDC)
		require.NoError(t, d2.GemmHalf(f, c.TA, c.TB, c.M, c.N, c.K, c.Alpha, a, p.LDA, b, p.LDB, c.Beta, p.C, p.LDC))
		r := gemmtest.Compare(c.M, c.N, c.K, p.C, p.LDC, want, scale)
		assert.True(t, r.OK, "%v: max rel err %g", f, r.MaxRelErr)
	}
	const batch, m, n, k = 5, 33, 20, 17
	a, b, c := make([]float32, batch*m*k), make([]float32, batch*k*n), make([]float32, batch*m*n)
	for _, s := range [][]float32{a, b} {
		for i := range s {
			s[i] = rng.Float32()*2 - 1
		}
	}
	require.NoError(t, d2.SgemmStridedBatched(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, m*k, b, n, k*n, 0, c, n, m*n, batch))
	for g := range batch {
		want, scale := gemmtest.Reference(blas.NoTrans, blas.NoTrans, m, n, k, 1, a[g*m*k:], k, b[g*k*n:], n, 0, make([]float32, m*n), n)
		r := gemmtest.Compare(m, n, k, c[g*m*n:], n, want, scale)
		assert.True(t, r.OK, "product %d: max rel err %g", g, r.MaxRelErr)
	}
}

// Tune with Int8 searches GemmInt8's kernel of a class among the int8
// direct module's, checking each exactly; the file keeps it under
// "int8/class", the next Open runs GemmInt8 of that class on it (where
// cooperative matrices do not) and stays exact. A kernel of the file other
// than the built-in is applied and exact too.
func TestTuneInt8(t *testing.T) {
	dir := t.TempDir()
	d := openDevice(t, gpu.Config{CacheDir: dir, Coopmat: gpu.Off})
	key := tune.Key{Element: shaders.Int8, Class: tune.Small}
	builtin := tune.KernelFor(d, shaders.Int8, 128, 128, 128, 1)
	var steps []tune.Progress
	tuning, err := tune.Run(d, tune.Options{Budget: 4 * time.Second, Classes: []tune.Class{tune.Small}, Int8: true, Save: true,
		Progress: func(p tune.Progress) {
			if p.Key == key {
				steps = append(steps, p)
			}
		}})
	require.NoError(t, err)
	require.NotEmpty(t, steps, "progress of the int8 search")
	for _, p := range steps {
		assert.Equal(t, shaders.Int8, p.Candidate.Element, "%v", p.Candidate)
		assert.Equal(t, shaders.FamilyDirect, p.Candidate.Family, "%v", p.Candidate)
		if p.Err != nil {
			t.Logf("discarded: %v: %v", p.Candidate, p.Err)
		}
	}
	assert.Equal(t, builtin, steps[0].Candidate, "the kernel in use first")
	best := tuning.Kernels[key]
	assert.Equal(t, shaders.Int8, best.Element)
	assert.Equal(t, shaders.FamilyDirect, best.Family)
	assert.Positive(t, tuning.GFLOPS[key], "GOPS")
	t.Logf("%s: int8/small %v at %.2f GOPS (the built-in %v), %d candidates tried", d.Describe(), best, tuning.GFLOPS[key], builtin, len(steps))
	assert.Equal(t, best, tune.KernelFor(d, shaders.Int8, 100, 90, 80, 1), "used by the tuned device")
	data, err := os.ReadFile(tune.Path(d))
	require.NoError(t, err)
	assert.Contains(t, string(data), `"int8/small"`)

	d2 := openDevice(t, gpu.Config{CacheDir: dir, Coopmat: gpu.Off})
	ks, source := tune.Kernels(d2)
	assert.Equal(t, tune.Path(d), source)
	assert.Equal(t, best, ks[key], "listed by Kernels")
	assert.Equal(t, best, tune.KernelFor(d2, shaders.Int8, 100, 90, 80, 1), "applied by the next Open")
	assert.Equal(t, builtin, tune.KernelFor(d2, shaders.Int8, 512, 512, 512, 1), "classes not tuned keep the built-in")
	gemmtest.CorrectnessInt8(t, d2, true)

	// A kernel the search might not have picked, written into the file.
	var tu tune.Tuning
	require.NoError(t, json.Unmarshal(data, &tu))
	other := tune.Kernel{Family: shaders.FamilyDirect, Element: shaders.Int8, WGX: 16, WGY: 8, TM: 8, TN: 4, TK: 4}
	if other == best {
		other.TM, other.TN = 4, 8
	}
	tu.Kernels[key] = other
	data, err = json.Marshal(tu)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(tune.Path(d), data, 0o644))
	var l logs
	d3 := openDevice(t, gpu.Config{CacheDir: dir, Coopmat: gpu.Off, Logf: l.logf})
	assert.Empty(t, l.String())
	require.Equal(t, other, tune.KernelFor(d3, shaders.Int8, 100, 90, 80, 1))
	gemmtest.CorrectnessInt8(t, d3, true)

	// Cooperative matrices, where the device has them for int8 and they
	// pass their self-check, still come first.
	d4 := openDevice(t, gpu.Config{CacheDir: dir, Coopmat: gpu.On})
	require.NoError(t, d4.GemmInt8(blas.NoTrans, blas.NoTrans, 1, 1, 1, []int8{3}, 1, []int8{-4}, 1, make([]int32, 1), 1))
	if k := tune.KernelFor(d4, shaders.Int8, 100, 90, 80, 1); k.Family == shaders.FamilyCoopmat {
		t.Logf("%s: GemmInt8 on cooperative matrices, the tuned kernel behind them", d4.Describe())
	} else {
		assert.Equal(t, other, k)
		if os.Getenv("VKGEMM_REQUIRE_COOPMAT") == "1" && strings.Contains(fmt.Sprint(d4.Info().MatrixShapes), "s8×s8→s32") {
			t.Errorf("%s lists s8×s8→s32 matrices, but GemmInt8 runs %v", d4.Describe(), k)
		}
	}
}

// deviceTuning is a tuning file the device writes itself (a one-second
// search of the small class), as read back: its ids are the device's.
func deviceTuning(t *testing.T, d *gpu.Device) tune.Tuning {
	t.Helper()
	_, err := tune.Run(d, tune.Options{Budget: time.Second, Classes: []tune.Class{tune.Small}, Save: true})
	require.NoError(t, err)
	data, err := os.ReadFile(tune.Path(d))
	require.NoError(t, err)
	var tu tune.Tuning
	require.NoError(t, json.Unmarshal(data, &tu))
	return tu
}

func TestBadTuningFilesAreIgnoredWithAWarning(t *testing.T) {
	dir := t.TempDir()
	probe := openDevice(t, gpu.Config{CacheDir: dir})
	path, defaults := tune.Path(probe), kernels(probe)
	require.NotEmpty(t, path)

	var foreign tune.Tuning
	foreign.Format = "vkgemm-tuning/3"
	foreign.VendorID, foreign.DeviceID = 0x10de, 0x2330
	foreign.Kernels = map[tune.Key]tune.Kernel{f32(tune.Square): {Family: "direct", Element: shaders.F32, WGX: 8, WGY: 8, TM: 2, TN: 2, TK: 8}}
	foreignJSON, _ := json.Marshal(foreign)
	for _, tc := range []struct{ name, content, warning string }{
		{"not JSON", "{{{ garbage", "not a vkgemm tuning file"},
		{"another device", string(foreignJSON), "another device or driver"},
		{"wrong format", `{"format": "something else"}`, "has format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, os.WriteFile(path, []byte(tc.content), 0o644))
			var l logs
			d := openDevice(t, gpu.Config{CacheDir: dir, Logf: l.logf})
			assert.Contains(t, l.String(), tc.warning)
			assert.Contains(t, l.String(), "vkgemm tune")
			assert.Equal(t, defaults, kernels(d), "defaults are used instead")
			gemmtest.Correctness(t, d, true)
		})
	}
	// Files the device writes itself, then damaged.
	tu := deviceTuning(t, probe)
	for _, tc := range []struct {
		name, warning string
		damage        func(*tune.Tuning)
	}{
		{"a kernel the device cannot run", "4096 invocations", func(tu *tune.Tuning) {
			tu.Kernels[f32(tune.Small)] = tune.Kernel{Family: "direct", Element: shaders.F32, WGX: 64, WGY: 64, TM: 4, TN: 4, TK: 8}
		}},
		{"an unknown class", `unknown shape class "round"`, func(tu *tune.Tuning) { tu.Kernels[f32("round")] = tu.Kernels[f32(tune.Small)] }},
		{"a float32 kernel for half inputs", `kernel of element type "f32" in the place of "f16"`, func(tu *tune.Tuning) {
			tu.Kernels[tune.Key{Element: shaders.F16, Class: tune.Small}] = tu.Kernels[f32(tune.Small)]
		}},
		{"an int8 kernel the device cannot run", "int8/small: kernel direct 64x64 workgroup", func(tu *tune.Tuning) {
			tu.Kernels[tune.Key{Element: shaders.Int8, Class: tune.Small}] = tune.Kernel{Family: "direct", Element: shaders.Int8, WGX: 64, WGY: 64, TM: 4, TN: 4, TK: 4}
		}},
		{"an int8 kernel of another family", `int8 kernel of the "coopmat" family`, func(tu *tune.Tuning) {
			tu.Kernels[tune.Key{Element: shaders.Int8, Class: tune.Square}] = tune.Kernel{Family: "coopmat", Element: shaders.Int8, WGX: 128, WGY: 1,
				TM: 64, TN: 64, TK: 32, Matrix: [3]uint32{8, 8, 8}}
		}},
		{"an int8 block without a module", "no int8 direct module", func(tu *tune.Tuning) {
			tu.Kernels[tune.Key{Element: shaders.Int8, Class: tune.Small}] = tune.Kernel{Family: "direct", Element: shaders.Int8, WGX: 8, WGY: 8, TM: 16, TN: 16, TK: 4}
		}},
		{"an unknown crossover element", `crossover f16/small: unknown element type "f16"`, func(tu *tune.Tuning) {
			tu.CPUBelow = map[tune.Key]float64{{Element: shaders.F16, Class: tune.Small}: 1e6}
		}},
		{"a negative crossover", `crossover f32/small: -1 flops`, func(tu *tune.Tuning) {
			tu.CPUBelow = map[tune.Key]float64{f32(tune.Small): -1}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := tu
			bad.Kernels = maps.Clone(tu.Kernels)
			tc.damage(&bad)
			data, err := json.Marshal(bad)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(path, data, 0o644))
			var l logs
			d := openDevice(t, gpu.Config{CacheDir: dir, Logf: l.logf})
			assert.Contains(t, l.String(), tc.warning, "on %s", probe.Info().Name)
			assert.Contains(t, l.String(), "vkgemm tune")
			assert.Equal(t, defaults, kernels(d))
			assert.Equal(t, tune.Crossover(probe, shaders.F32, tune.Small), tune.Crossover(d, shaders.F32, tune.Small))
		})
	}

	// Files of format 1 (float32 kernels by class, no crossovers) still
	// load; the crossovers stay the built-in ones.
	t.Run("format 1", func(t *testing.T) {
		small := tu.Kernels[f32(tune.Small)]
		k := map[string]any{"family": small.Family, "wgx": small.WGX, "wgy": small.WGY, "tm": small.TM, "tn": small.TN, "tk": small.TK,
			"kchunk": small.KChunk, "texel": small.Texel}
		old := map[string]any{"format": "vkgemm-tuning/1", "device": tu.Device, "vendor_id": tu.VendorID, "device_id": tu.DeviceID,
			"driver_version": tu.DriverVersion, "created": tu.Created, "kernels": map[string]any{"small": k}}
		data, err := json.Marshal(old)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, data, 0o644))
		var l logs
		d := openDevice(t, gpu.Config{CacheDir: dir, Logf: l.logf})
		assert.Empty(t, l.String())
		ks, source := tune.Kernels(d)
		assert.Equal(t, small, ks[f32(tune.Small)])
		assert.Equal(t, path, source)
		untuned := openDevice(t, gpu.Config{Cache: gpu.Off})
		for _, p := range []shaders.Element{shaders.F32, shaders.F64} {
			assert.Equal(t, tune.Crossover(untuned, p, tune.Small), tune.Crossover(d, p, tune.Small))
		}
	})
}

// Every class is timed on a product of that class.
func TestTuneShapesBelongToTheirClass(t *testing.T) {
	for _, cpu := range []bool{true, false} {
		for _, c := range tune.Classes[:5] {
			m, n, k := tune.Shape(c, cpu)
			assert.Equal(t, c, tune.ClassOf(m, n, k), "cpu=%v", cpu)
		}
	}
}

// Bad options are errors wrapping ErrBadArgument before anything runs; a
// closed device says so.
func TestTuneRefusesBadOptions(t *testing.T) {
	d := openDevice(t, gpu.Config{Cache: gpu.Off})
	_, err := tune.Run(d, tune.Options{Classes: []tune.Class{"round"}})
	require.ErrorIs(t, err, gpu.ErrBadArgument)
	assert.Contains(t, err.Error(), `unknown shape class "round"`)
	_, err = tune.Run(d, tune.Options{Half: []gpu.HalfFormat{7}})
	require.ErrorIs(t, err, gpu.ErrBadArgument)
	assert.Contains(t, err.Error(), "neither gpu.F16 nor gpu.BF16")
	_, err = tune.Run(nil, tune.Options{})
	require.ErrorIs(t, err, gpu.ErrBadArgument)

	closed, err := gpu.Open(gpu.Config{Cache: gpu.Off})
	require.NoError(t, err)
	require.NoError(t, closed.Close())
	_, err = tune.Run(closed, tune.Options{Budget: time.Second, Classes: []tune.Class{tune.Small}, Crossovers: true})
	assert.ErrorIs(t, err, gpu.ErrClosed)
}

func openDevice(t testing.TB, cfg gpu.Config) *gpu.Device {
	return gputest.Open(t, cfg, os.Getenv("VKGEMM_REQUIRE_DEVICE") == "1")
}

// f32 is the key of float32 products of class c.
func f32(c tune.Class) tune.Key { return tune.Key{Element: shaders.F32, Class: c} }

// kernels is the kernels d uses.
func kernels(d *gpu.Device) map[tune.Key]tune.Kernel {
	ks, _ := tune.Kernels(d)
	return ks
}
