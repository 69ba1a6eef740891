package gpu_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/gpu"
	"github.com/vkgemm/vkgemm/gpu/tune"
)

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
	d := openDevice(t, gpu.Config{CacheDir: dir, Cache: gpu.Off})
	_, err := gemmtest.Verify(d, gemmtest.NewProblem(gemmtest.Case{TA: blas.NoTrans, TB: blas.NoTrans, M: 5, N: 5, K: 5, Alpha: 1}, 1))
	require.NoError(t, err)
	assert.Empty(t, tune.Path(d))
	require.NoError(t, d.Close())
	entries, _ := os.ReadDir(dir)
	assert.Empty(t, entries)
}
