package gpu_test

import (
	"encoding/json"
	"fmt"
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
	t.Run("a kernel the device cannot run", func(t *testing.T) {
		info := probe.Info()
		// Read the real ids back from a tuning the device writes itself.
		_, err := probe.Tune(gpu.TuneOptions{Budget: time.Second, Classes: []string{gpu.ShapeSmall}, Save: true})
		require.NoError(t, err)
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		var tu gpu.Tuning
		require.NoError(t, json.Unmarshal(data, &tu))
		tu.Kernels[gpu.ShapeSmall] = gpu.Kernel{Family: "direct", WGX: 64, WGY: 64, TM: 4, TN: 4, TK: 8} // 4096 invocations
		data, _ = json.Marshal(tu)
		require.NoError(t, os.WriteFile(path, data, 0o644))
		var l logs
		d := openDevice(t, gpu.Config{CacheDir: dir, Logf: l.logf})
		assert.Contains(t, l.String(), "invocations", "on %s", info.Name)
		assert.Equal(t, defaults, d.Kernels())
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
	c := gemm.Case{TA: blas.NoTrans, TB: blas.NoTrans, M: 9, N: 9, K: 9, Alpha: 1}
	_, err = gemm.Verify(d, gemm.NewProblem(c, 1))
	require.NoError(t, err)
	require.NoError(t, d.Close())
	files, _ := filepath.Glob(filepath.Join(dir, "*.pipelines"))
	require.Len(t, files, 1, "Close saves the pipeline cache")
	st, err := os.Stat(files[0])
	require.NoError(t, err)
	assert.Positive(t, st.Size())

	d2 := openDevice(t, gpu.Config{CacheDir: dir})
	r, err := gemm.Verify(d2, gemm.NewProblem(c, 2))
	require.NoError(t, err)
	assert.True(t, r.OK)

	require.NoError(t, os.WriteFile(files[0], []byte("not a pipeline cache at all, but long enough for a header"), 0o644))
	d3 := openDevice(t, gpu.Config{CacheDir: dir})
	r, err = gemm.Verify(d3, gemm.NewProblem(c, 3))
	require.NoError(t, err)
	assert.True(t, r.OK)
}

func TestNoCacheWritesNothing(t *testing.T) {
	dir := t.TempDir()
	d := openDevice(t, gpu.Config{CacheDir: dir, NoCache: true})
	_, err := gemm.Verify(d, gemm.NewProblem(gemm.Case{TA: blas.NoTrans, TB: blas.NoTrans, M: 5, N: 5, K: 5, Alpha: 1}, 1))
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
