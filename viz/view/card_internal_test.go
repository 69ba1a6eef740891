//go:build display

package view

import (
	"image"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/viz"
)

// texts returns the text ops of a frame drawn at w×h, by their text.
func texts(w, h int, s viz.Snapshot) map[string]image.Rectangle {
	out := map[string]image.Rectangle{}
	for _, o := range record(nil, w, h, s, Frame{Now: time.Now()}) {
		if o.kind == opText {
			out[o.label.s] = o.bounds()
		}
	}
	return out
}

// TestCardsSayPlainlyWhatTheyShow draws a finished 1024³ race at the
// desktop's default 960×540, at the browser's 720×405 and at 640×360.
func TestCardsSayPlainlyWhatTheyShow(t *testing.T) {
	res := viz.Result{N: 1024, Runs: 3, Best: 120 * time.Millisecond, GFLOPS: 17.9, MaxRelErr: 1.9e-7, CheckedRows: 16, OK: true}
	s := viz.Snapshot{Sizes: []int{1024}, Done: 2, Total: 2, Finished: true, Lanes: []viz.Lane{
		{Role: "GPU", Name: "Vulkan", Note: "CPU driver, not a GPU:", Device: "llvmpipe (LLVM 15.0.6, 256 bits) (Vulkan, CPU driver)",
			Available: true, Enabled: true, Results: []viz.Result{res}},
		{Role: "CPU", Name: "CPU", Device: "gonum Sgemm (linux/amd64, 2 threads)", Available: true, Enabled: true, Results: []viz.Result{res}},
	}}
	for _, size := range []image.Point{{960, 540}, {720, 405}, {640, 360}} {
		l := viz.NewLayout(float64(size.X), float64(size.Y), 2)
		got := texts(size.X, size.Y, s)
		var all []string
		for text := range got {
			all = append(all, text)
		}
		for i, want := range []string{"Vulkan", "CPU driver, not a GPU:"} {
			assert.Contains(t, got, want, "%v lane %d; texts: %q", size, i, all)
		}
		assert.NotContains(t, got, "CPU CPU")
		verdict, ok := got["OK: 16 of 1024 rows checked"]
		require.True(t, ok, "%v: the verdict whole; texts: %q", size, all)
		assert.LessOrEqual(t, float64(verdict.Max.X-2), l.Cards[0].Box.Right(), "%v: the verdict inside the card", size)
		for text := range got {
			if strings.HasPrefix(text, "1024×1024×1024: max rel err") {
				assert.NotContains(t, text, "…", "%v: the error figure is not cut off", size)
			}
		}
		assert.Contains(t, got, "1024×1024×1024: max rel err 1.9e-07 ", "%v; texts: %q", size, all)
	}
}

// TestCardsSayWhatIsRacedAndHow draws a BF16 race whose GPU engine runs
// GemmHalf and an F16 race that the GPU engine sits out.
func TestCardsSayWhatIsRacedAndHow(t *testing.T) {
	res := viz.Result{N: 256, Rows: 256, Runs: 3, Best: 20 * time.Millisecond, GFLOPS: 1.7, MaxRelErr: 1e-7, CheckedRows: 256, OK: true}
	s := viz.Snapshot{Mode: viz.BF16, Sizes: []int{256}, Done: 2, Total: 2, Finished: true, Lanes: []viz.Lane{
		{Role: "GPU", Name: "Vulkan", Device: "llvmpipe", Method: "GemmHalf, widened in the kernel", Available: true, Enabled: true, Results: []viz.Result{res}},
		{Role: "CPU", Name: "CPU", Device: "OpenBLAS", Method: "widened to float32, then Sgemm", Available: true, Enabled: true, Results: []viz.Result{res}},
	}}
	got := texts(960, 540, s)
	var all []string
	for text := range got {
		all = append(all, text)
	}
	for _, want := range []string{
		"BF16 inputs, float32 accumulate  ·  GPU vs CPU  ·  M switches",
		"GFLOPS against size n (n×n×n GEMM, BF16 inputs, log–log)",
	} {
		assert.Contains(t, got, want, "texts: %q", all)
	}
	for _, l := range s.Lanes {
		found := false
		for text := range got {
			// The method may be shortened with an ellipsis to fit the card.
			found = found || strings.HasPrefix(l.Method, strings.TrimSuffix(text, "…")) && len(text) > 12
		}
		assert.True(t, found, "%s's method %q on its card; texts: %q", l.Role, l.Method, all)
	}

	s.Mode = viz.Batched
	s.Lanes[0].Method = "SgemmStridedBatched, one call"
	s.Lanes[0].Results[0].Rows = 64 * 64
	s.Lanes[0].Results[0].CheckedRows = 256
	got = texts(960, 540, s)
	assert.Contains(t, got, "OK: 256 of 4096 rows checked", "the verdict whole at the desktop's default size")
	got = texts(1280, 720, s)
	assert.Contains(t, got, "GFLOPS against size n (64 products of n/4×n/4×n/4, log–log)")
	assert.Contains(t, got, "64 × 64³: max rel err 1.0e-07 ")
	assert.Contains(t, got, "SgemmStridedBatched, one call")

	s.Mode = viz.F16
	s.Lanes[0].Method, s.Lanes[0].Unsupported = "", "the F16 kernel needs shader-f16"
	s.Total = 1
	got = texts(1280, 720, s)
	all = all[:0]
	for text := range got {
		all = append(all, text)
	}
	assert.Contains(t, got, "sits this race out", "texts: %q", all)
	joined := strings.Join(all, " | ")
	assert.Contains(t, joined, "Vulkan cannot race F16 inputs, float32 accumulate:", "the reason, in red, on the card")
	assert.Contains(t, got, "the GPU path cannot race this: M switches to another race")
}

// TestCardsShowAnInt8Race draws an int8 race: operations counted as GOPS,
// and results checked for equality, not against an error bound.
func TestCardsShowAnInt8Race(t *testing.T) {
	res := viz.Result{N: 256, Rows: 256, Runs: 3, Best: 20 * time.Millisecond, GFLOPS: 1.7, CheckedRows: 256, OK: true}
	wrong := res
	wrong.OK, wrong.Wrong = false, 3
	s := viz.Snapshot{Mode: viz.Int8, Sizes: []int{256}, Done: 2, Total: 2, Finished: true, Lanes: []viz.Lane{
		{Role: "GPU", Name: "Vulkan", Device: "llvmpipe", Method: "GemmInt8, int32 accumulate", Available: true, Enabled: true, Results: []viz.Result{res}},
		{Role: "CPU", Name: "CPU", Device: "gonum", Method: "GemmInt8 in pure Go, no BLAS", Available: true, Enabled: true, Results: []viz.Result{wrong}},
	}}
	for _, size := range []image.Point{{960, 540}, {720, 405}, {1280, 720}} {
		got := texts(size.X, size.Y, s)
		var all []string
		for text := range got {
			all = append(all, text)
		}
		for _, want := range []string{
			"int8 inputs, int32 accumulate (exact)  ·  GPU vs CPU  ·  M switches",
			"GOPS against size n (n×n×n GEMM, int8 inputs, log–log)",
			"GOPS",
			"1.70 GOPS",
			"256×256×256: exact vs int64 ",
			"256×256×256: 3 elements wrong ",
			"OK: all 256 rows checked",
			"WRONG: all 256 rows checked",
		} {
			assert.Contains(t, got, want, "%v; texts: %q", size, all)
		}
		for text := range got {
			assert.NotContains(t, text, "GFLOPS", "%v: an int8 race counts integer operations", size)
			assert.NotContains(t, text, "rel err", "%v: no error bound for int8", size)
		}
	}
}
