package gpu_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
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
)

func TestShapeClasses(t *testing.T) {
	assert.Equal(t, gpu.ShapeSmall, gpu.ShapeClass(100, 100, 100))
	assert.Equal(t, gpu.ShapeSmallK, gpu.ShapeClass(2048, 2048, 32))
	assert.Equal(t, gpu.ShapeTall, gpu.ShapeClass(8192, 256, 512))
	assert.Equal(t, gpu.ShapeWide, gpu.ShapeClass(256, 8192, 512))
	assert.Equal(t, gpu.ShapeSquare, gpu.ShapeClass(1024, 1024, 1024))
}

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
	var steps []gpu.TuneProgress
	tuning, err := d.Tune(gpu.TuneOptions{Budget: 3 * time.Second, Classes: []string{gpu.ShapeSmall}, Save: true,
		Progress: func(p gpu.TuneProgress) { steps = append(steps, p) }})
	require.NoError(t, err)
	require.NotEmpty(t, steps)
	assert.Positive(t, tuning.GFLOPS[gpu.ShapeSmall])
	best := tuning.Kernels[gpu.ShapeSmall]
	assert.Equal(t, best, steps[len(steps)-1].Best)
	require.FileExists(t, d.TuningPath())

	d2 := openDevice(t, gpu.Config{CacheDir: dir})
	assert.Equal(t, best, d2.Kernels()[gpu.ShapeSmall])
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
	var races []gpu.CrossoverRace
	tuning, err := d.Tune(gpu.TuneOptions{Budget: 2 * time.Second, Classes: []string{gpu.ShapeSmall}, Crossovers: true, Save: true,
		Progress: func(p gpu.TuneProgress) {
			if p.Crossover != nil {
				assert.Equal(t, gpu.ShapeSmall, p.Class)
				races = append(races, *p.Crossover)
			}
		}})
	require.NoError(t, err)
	precisions := []gpu.Precision{gpu.Float32}
	if hasFloat64(t, d) {
		precisions = append(precisions, gpu.Float64)
	}
	require.Len(t, tuning.CPUBelow, len(precisions), "%v", tuning.CPUBelow)
	require.NotEmpty(t, races, "every race is reported")
	m, n, k := gpu.ClassShape(gpu.ShapeSmall, d.Info().Type == gpu.TypeCPU)
	assert.Equal(t, [3]int{m, n, k}, [3]int{races[0].M, races[0].N, races[0].K}, "the largest size first")
	d2 := openDevice(t, gpu.Config{CacheDir: dir})
	for _, p := range precisions {
		below, ok := tuning.CPUBelow[string(p)+"/small"]
		require.True(t, ok, "%s", p)
		assert.True(t, below == gpu.Never || below <= gemm.Flops(m, n, k), "%s: %g is Never or one of the sizes raced", p, below)
		assert.Equal(t, below, d.CPUBelow(p, gpu.ShapeSmall), "set on the tuned device")
		assert.Equal(t, below, d2.CPUBelow(p, gpu.ShapeSmall), "applied by the next Open")
		t.Logf("%s crossover of small products on %s: %g flops", p, d.Describe(), below)
	}

	// The next Open applies what the file says, whatever the measurement
	// gave, and Never round-trips.
	data, err := os.ReadFile(d.TuningPath())
	require.NoError(t, err)
	var tu gpu.Tuning
	require.NoError(t, json.Unmarshal(data, &tu))
	tu.CPUBelow = map[string]float64{"float32/small": 12345, "float32/tall": gpu.Never}
	data, err = json.Marshal(tu)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"float32/tall":1.7976931348623157e+308`)
	require.NoError(t, os.WriteFile(d.TuningPath(), data, 0o644))
	untuned := openDevice(t, gpu.Config{NoCache: true})
	d3 := openDevice(t, gpu.Config{CacheDir: dir})
	assert.Equal(t, 12345.0, d3.CPUBelow(gpu.Float32, gpu.ShapeSmall))
	assert.Equal(t, gpu.Never, d3.CPUBelow(gpu.Float32, gpu.ShapeTall))
	assert.Equal(t, untuned.CPUBelow(gpu.Float32, gpu.ShapeSquare), d3.CPUBelow(gpu.Float32, gpu.ShapeSquare), "a class not in the file keeps the built-in")
	assert.Equal(t, untuned.CPUBelow(gpu.Float64, gpu.ShapeSmall), d3.CPUBelow(gpu.Float64, gpu.ShapeSmall))
}

// Tune searches kernels for a strided batch of small products and for
// GemmHalf, stores them with their precision, and the next Open lists them
// and runs both products right with them. (One half format: each half
// search costs four pipeline builds, minutes on SwiftShader; both formats
// take the same path, and the keys of both are checked without a device.)
func TestTuneBatchedAndHalf(t *testing.T) {
	dir := t.TempDir()
	d := openDevice(t, gpu.Config{CacheDir: dir})
	seen := map[string]bool{}
	tuning, err := d.Tune(gpu.TuneOptions{Budget: 2 * time.Second, Classes: []string{gpu.ShapeSmall, gpu.ShapeBatched},
		Half: []gpu.HalfFormat{gpu.BF16}, Save: true,
		Progress: func(p gpu.TuneProgress) { seen[p.Class] = true }})
	require.NoError(t, err)
	keys := []string{"small", "batched", "bf16/small"}
	for _, key := range keys {
		assert.True(t, seen[key], "progress of %s", key)
		assert.Positive(t, tuning.GFLOPS[key], key)
	}
	require.Len(t, tuning.Kernels, len(keys))
	assert.Empty(t, tuning.CPUBelow, "crossovers only when asked for")
	assert.Empty(t, tuning.Kernels["batched"].Precision)
	assert.Equal(t, "bf16", tuning.Kernels["bf16/small"].Precision)

	d2 := openDevice(t, gpu.Config{CacheDir: dir})
	for _, key := range keys {
		assert.Equal(t, tuning.Kernels[key], d2.Kernels()[key], key)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, f := range []gpu.HalfFormat{gpu.BF16} {
		c := gemmtest.Case{TA: blas.Trans, TB: blas.NoTrans, M: 37, N: 29, K: 70, Alpha: 1, Beta: 0.5, PadA: 1}
		p := gemmtest.NewProblem(c, 9)
		a, ax := halfInputs(f, rng, len(p.A))
		b, bx := halfInputs(f, rng, len(p.B))
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

// deviceTuning is a tuning file the device writes itself (a one-second
// search of the small class), as read back: its ids are the device's.
func deviceTuning(t *testing.T, d *gpu.Device) gpu.Tuning {
	t.Helper()
	_, err := d.Tune(gpu.TuneOptions{Budget: time.Second, Classes: []string{gpu.ShapeSmall}, Save: true})
	require.NoError(t, err)
	data, err := os.ReadFile(d.TuningPath())
	require.NoError(t, err)
	var tu gpu.Tuning
	require.NoError(t, json.Unmarshal(data, &tu))
	return tu
}

func TestBadTuningFilesAreIgnoredWithAWarning(t *testing.T) {
	dir := t.TempDir()
	probe := openDevice(t, gpu.Config{CacheDir: dir})
	path, defaults := probe.TuningPath(), probe.Kernels()
	require.NotEmpty(t, path)

	var foreign gpu.Tuning
	foreign.Format = "vkgemm-tuning/1"
	foreign.VendorID, foreign.DeviceID = 0x10de, 0x2330
	foreign.Kernels = map[string]gpu.Kernel{gpu.ShapeSquare: {Family: "direct", WGX: 8, WGY: 8, TM: 2, TN: 2, TK: 8}}
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
			assert.Equal(t, defaults, d.Kernels(), "defaults are used instead")
			gemmtest.Correctness(t, d, true)
		})
	}
	// Files the device writes itself, then damaged.
	tu := deviceTuning(t, probe)
	for _, tc := range []struct {
		name, warning string
		damage        func(*gpu.Tuning)
	}{
		{"a kernel the device cannot run", "invocations", func(tu *gpu.Tuning) {
			tu.Kernels[gpu.ShapeSmall] = gpu.Kernel{Family: "direct", WGX: 64, WGY: 64, TM: 4, TN: 4, TK: 8} // 4096 invocations
		}},
		{"an unknown class", `unknown shape class "round"`, func(tu *gpu.Tuning) { tu.Kernels["round"] = tu.Kernels[gpu.ShapeSmall] }},
		{"a float32 kernel for half inputs", `kernel of precision "" in the place of "f16"`, func(tu *gpu.Tuning) {
			tu.Kernels["f16/small"] = tu.Kernels[gpu.ShapeSmall]
		}},
		{"an unknown crossover precision", `crossover "float16/small": unknown precision "float16"`, func(tu *gpu.Tuning) {
			tu.CPUBelow = map[string]float64{"float16/small": 1e6}
		}},
		{"a negative crossover", `crossover "float32/small" is -1 flops`, func(tu *gpu.Tuning) {
			tu.CPUBelow = map[string]float64{"float32/small": -1}
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
			assert.Equal(t, defaults, d.Kernels())
			assert.Equal(t, probe.CPUBelow(gpu.Float32, gpu.ShapeSmall), d.CPUBelow(gpu.Float32, gpu.ShapeSmall))
		})
	}

	// Files of format 1 (float32 kernels by class, no crossovers) still
	// load; the crossovers stay the built-in ones.
	t.Run("format 1", func(t *testing.T) {
		small := tu.Kernels[gpu.ShapeSmall]
		old := map[string]any{"format": "vkgemm-tuning/1", "device": tu.Device, "vendor_id": tu.VendorID, "device_id": tu.DeviceID,
			"driver_version": tu.DriverVersion, "created": tu.Created, "kernels": map[string]gpu.Kernel{gpu.ShapeSmall: small}}
		data, err := json.Marshal(old)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path, data, 0o644))
		var l logs
		d := openDevice(t, gpu.Config{CacheDir: dir, Logf: l.logf})
		assert.Empty(t, l.String())
		assert.Equal(t, small, d.Kernels()[gpu.ShapeSmall])
		assert.Contains(t, d.Kernel(), "tuned: ")
		untuned := openDevice(t, gpu.Config{NoCache: true})
		for _, p := range []gpu.Precision{gpu.Float32, gpu.Float64} {
			assert.Equal(t, untuned.CPUBelow(p, gpu.ShapeSmall), d.CPUBelow(p, gpu.ShapeSmall))
		}
	})
}

// Compiled pipelines are kept for the next Open; a damaged cache file is
// never handed to the driver.
func TestPipelineCache(t *testing.T) {
	dir := t.TempDir()
	d, err := gpu.Open(gpu.Config{CacheDir: dir})
	if err != nil {
		openDevice(t, gpu.Config{}) // skips or fails with the reason
	}
	c := gemmtest.Case{TA: blas.NoTrans, TB: blas.NoTrans, M: 9, N: 9, K: 9, Alpha: 1}
	_, err = gemmtest.Verify(d, gemmtest.NewProblem(c, 1))
	require.NoError(t, err)
	require.NoError(t, d.Close())
	files, _ := filepath.Glob(filepath.Join(dir, "*.pipelines"))
	require.Len(t, files, 1, "Close saves the pipeline cache")
	st, err := os.Stat(files[0])
	require.NoError(t, err)
	assert.Positive(t, st.Size())

	d2 := openDevice(t, gpu.Config{CacheDir: dir})
	r, err := gemmtest.Verify(d2, gemmtest.NewProblem(c, 2))
	require.NoError(t, err)
	assert.True(t, r.OK)

	require.NoError(t, os.WriteFile(files[0], []byte("not a pipeline cache at all, but long enough for a header"), 0o644))
	d3 := openDevice(t, gpu.Config{CacheDir: dir})
	r, err = gemmtest.Verify(d3, gemmtest.NewProblem(c, 3))
	require.NoError(t, err)
	assert.True(t, r.OK)
}

func TestNoCacheWritesNothing(t *testing.T) {
	dir := t.TempDir()
	d := openDevice(t, gpu.Config{CacheDir: dir, NoCache: true})
	_, err := gemmtest.Verify(d, gemmtest.NewProblem(gemmtest.Case{TA: blas.NoTrans, TB: blas.NoTrans, M: 5, N: 5, K: 5, Alpha: 1}, 1))
	require.NoError(t, err)
	assert.Empty(t, d.TuningPath())
	require.NoError(t, d.Close())
	entries, _ := os.ReadDir(dir)
	assert.Empty(t, entries)
}

// Every class is timed on a product of that class.
func TestTuneShapesBelongToTheirClass(t *testing.T) {
	for _, cpu := range []bool{true, false} {
		for _, c := range gpu.ShapeClasses {
			m, n, k := gpu.ClassShape(c, cpu)
			assert.Equal(t, c, gpu.ShapeClass(m, n, k), "cpu=%v", cpu)
		}
	}
}

// Bad options are errors wrapping ErrBadArgument before anything runs; a
// closed device says so.
func TestTuneRefusesBadOptions(t *testing.T) {
	d := openDevice(t, gpu.Config{NoCache: true})
	_, err := d.Tune(gpu.TuneOptions{Classes: []string{"round"}})
	require.ErrorIs(t, err, gpu.ErrBadArgument)
	assert.Contains(t, err.Error(), `unknown shape class "round"`)
	_, err = d.Tune(gpu.TuneOptions{Half: []gpu.HalfFormat{7}})
	require.ErrorIs(t, err, gpu.ErrBadArgument)
	assert.Contains(t, err.Error(), "neither gpu.F16 nor gpu.BF16")

	closed, err := gpu.Open(gpu.Config{NoCache: true})
	require.NoError(t, err)
	require.NoError(t, closed.Close())
	_, err = closed.Tune(gpu.TuneOptions{Budget: time.Second, Classes: []string{gpu.ShapeSmall}, Crossovers: true})
	assert.ErrorIs(t, err, gpu.ErrClosed)
}
