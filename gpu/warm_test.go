package gpu_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gpu"
	"github.com/vkgemm/vkgemm/gpu/tune"
)

// After Warm, no product of any class or transpose builds a pipeline.
func TestWarmBuildsEveryPipeline(t *testing.T) {
	d := openDevice(t, gpu.Config{Cache: gpu.Off})
	require.NoError(t, d.Warm())
	built := gpu.Pipelines(d)
	assert.Positive(t, built)
	require.NoError(t, d.Warm(), "warming twice is harmless")
	assert.Equal(t, built, gpu.Pipelines(d))
	for c, s := range map[tune.Class][3]int{
		tune.Square: {320, 320, 320}, tune.Small: {50, 60, 70}, tune.SmallK: {1024, 1024, 32},
		tune.Tall: {1024, 128, 384}, tune.Wide: {128, 1024, 384},
	} {
		m, n, k := s[0], s[1], s[2]
		require.Equal(t, c, tune.ClassOf(m, n, k))
		for _, tA := range []blas.Transpose{blas.NoTrans, blas.Trans} {
			for _, tB := range []blas.Transpose{blas.NoTrans, blas.Trans} {
				a, b, cc := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
				lda, ldb := k, n
				if tA == blas.Trans {
					lda = m
				}
				if tB == blas.Trans {
					ldb = k
				}
				require.NoError(t, d.Sgemm(tA, tB, m, n, k, 1, a, lda, b, ldb, 0, cc, n))
			}
		}
	}
	assert.Equal(t, built, gpu.Pipelines(d), "a product after Warm built a pipeline")
}

// Background warming after Open (VKGEMM_WARM=1) and a Close that comes
// before it ends leave nothing behind and log nothing.
func TestWarmInBackground(t *testing.T) {
	t.Setenv("VKGEMM_WARM", "1")
	var logged []string
	d := openDevice(t, gpu.Config{Cache: gpu.Off, Logf: func(f string, a ...any) { logged = append(logged, fmt.Sprintf(f, a...)) }})
	c := make([]float32, 4)
	require.NoError(t, d.Sgemm(blas.NoTrans, blas.NoTrans, 2, 2, 2, 1, []float32{1, 2, 3, 4}, 2, []float32{1, 0, 0, 1}, 2, 0, c, 2))
	assert.Equal(t, []float32{1, 2, 3, 4}, c)
	require.NoError(t, d.Close())
	time.Sleep(50 * time.Millisecond) // the background Warm sees the closed device
	assert.Empty(t, logged)
	assert.ErrorIs(t, d.Warm(), gpu.ErrClosed)
}

// BenchmarkFirstCall measures, in fresh processes, how long the first
// product of a process takes without and with Warm, and reports it in
// milliseconds. The machine's own caches stay as they are: run it twice to
// see a machine that has compiled once. VKGEMM_FIRST_CALL_COLD=1 also
// measures with Mesa's shader cache off (lavapipe compiling from scratch).
//
//	go test ./gpu -run '^$' -bench FirstCall -benchtime 1x -v
func BenchmarkFirstCall(b *testing.B) {
	if os.Getenv("VKGEMM_FIRST_CALL_CHILD") != "" {
		firstCallChild(b)
		return
	}
	openDevice(b, gpu.Config{})
	cache := b.TempDir()
	type run struct{ name, child, env string }
	runs := []run{
		{"plain", "plain", ""},
		{"warm", "warm", ""},
		{"plain-again", "plain", ""},
	}
	if os.Getenv("VKGEMM_FIRST_CALL_COLD") == "1" {
		runs = append([]run{
			{"plain-cold", "plain", "MESA_SHADER_CACHE_DISABLE=true"},
			{"warm-cold", "warm", "MESA_SHADER_CACHE_DISABLE=true"},
		}, runs...)
	}
	for b.Loop() {
		for _, r := range runs {
			cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^BenchmarkFirstCall$", "-test.benchtime=1x", "-test.v")
			cmd.Env = append(os.Environ(), "VKGEMM_CACHE_DIR="+cache, "VKGEMM_FIRST_CALL_CHILD="+r.child, r.env)
			out, err := cmd.CombinedOutput()
			if err != nil {
				b.Fatalf("%v: %s", err, out)
			}
			var first, warm float64
			var line string
			for sc := bufio.NewScanner(bytes.NewReader(out)); sc.Scan(); {
				if s := sc.Text(); strings.Contains(s, "first call:") {
					line = strings.TrimSpace(s[strings.Index(s, "first call:"):])
					fmt.Sscanf(line, "first call: %g ms (Warm %g ms", &first, &warm)
				}
			}
			if line == "" {
				b.Fatalf("no measurement in %s", out)
			}
			b.Logf("%-12s %s", r.name+":", line)
			b.ReportMetric(first, r.name+"-first-ms")
			if r.child == "warm" {
				b.ReportMetric(warm, r.name+"-Warm-ms")
			}
		}
	}
}

// firstCallChild opens the device, warms it if asked, and times its first
// 64³ product.
func firstCallChild(b *testing.B) {
	start := time.Now()
	d := openDevice(b, gpu.Config{})
	opened := time.Since(start)
	var warm time.Duration
	if os.Getenv("VKGEMM_FIRST_CALL_CHILD") == "warm" {
		t0 := time.Now()
		if err := d.Warm(); err != nil {
			b.Fatal(err)
		}
		warm = time.Since(t0)
	}
	built := gpu.Pipelines(d)
	const n = 64
	a, bm, c := make([]float32, n*n), make([]float32, n*n), make([]float32, n*n)
	var times [2]time.Duration
	for i := range times {
		t0 := time.Now()
		if err := d.Sgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, bm, n, 0, c, n); err != nil {
			b.Fatal(err)
		}
		times[i] = time.Since(t0)
	}
	if warm > 0 && built != gpu.Pipelines(d) {
		b.Fatal("the first call after Warm built a pipeline")
	}
	b.Logf("first call: %.1f ms (Warm %.0f ms, Open %.0f ms, second call %.2f ms) on %s",
		ms(times[0]), ms(warm), ms(opened), ms(times[1]), d.Describe())
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }
