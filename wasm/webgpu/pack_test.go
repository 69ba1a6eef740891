package webgpu_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/wasm/webgpu"
)

func TestPackPadsAndTransposes(t *testing.T) {
	// A 2×3 matrix stored with ld 4, and its transpose stored 3×2 with ld 3.
	x := []float32{1, 2, 3, 99, 4, 5, 6}
	assert.Equal(t, []float32{
		1, 2, 3, 0,
		4, 5, 6, 0,
		0, 0, 0, 0,
		0, 0, 0, 0,
	}, webgpu.Pack(blas.NoTrans, 2, 3, x, 4, 4, 4))
	xt := []float32{1, 4, 99, 2, 5, 99, 3, 6}
	assert.Equal(t, []float32{
		1, 2, 3, 0,
		4, 5, 6, 0,
	}, webgpu.Pack(blas.Trans, 2, 3, xt, 3, 2, 4))
}

func TestUnpackAppliesBeta(t *testing.T) {
	out := []float32{1, 2, 0, 0, 3, 4, 0, 0}
	c := []float32{10, 20, -1, 30, 40, -1}
	webgpu.Unpack(2, 2, out, 4, 0.5, c, 3)
	assert.Equal(t, []float32{6, 12, -1, 18, 24, -1}, c, "padding between rows of C untouched")
	nan := float32(math.NaN())
	c = []float32{nan, nan}
	webgpu.Unpack(1, 2, out, 4, 0, c, 2)
	assert.Equal(t, []float32{1, 2}, c, "beta 0 does not read C")
	c = []float32{nan, 3, 7}
	webgpu.ScaleC(1, 2, 0, c, 3)
	assert.Equal(t, []float32{0, 0, 7}, c)
	c = []float32{2, 3}
	webgpu.ScaleC(1, 2, -2, c, 2)
	assert.Equal(t, []float32{-4, -6}, c)
}

func TestBandsCoverEveryRowOnce(t *testing.T) {
	assert.Equal(t, 68, webgpu.Round4(65))
	assert.Equal(t, 64, webgpu.Round4(64))
	assert.Equal(t, 0, webgpu.Round4(0))
	for _, m4 := range []int{4, 64, 1024, 1028} {
		bs := webgpu.Bands(m4, 1024, 1024, 64, 16e6)
		next := 0
		for _, b := range bs {
			assert.Equal(t, next, b.Row0)
			assert.Greater(t, b.RowEnd, b.Row0)
			assert.Zero(t, b.Row0%64, "bands start on a workgroup row")
			next = b.RowEnd
		}
		assert.Equal(t, m4, next)
	}
	assert.Len(t, webgpu.Bands(1024, 1024, 1024, 64, 1e12), 1, "a small product is one dispatch")
	assert.Len(t, webgpu.Bands(1024, 1024, 1024, 64, 1), 16, "at least one workgroup row per band")
	assert.Nil(t, webgpu.Bands(0, 5, 5, 64, 1e6))
}

func TestPackedCopiesOnlyWhenTheLayoutDiffers(t *testing.T) {
	x := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}
	same := webgpu.Packed(blas.NoTrans, 2, 4, x, 4, 2, 4)
	assert.Equal(t, []float32{1, 2, 3, 4, 5, 6, 7, 8}, same)
	assert.Same(t, &x[0], &same[0], "already packed: used as it is")
	padded := webgpu.Packed(blas.NoTrans, 2, 3, x, 4, 4, 4)
	assert.Equal(t, webgpu.Pack(blas.NoTrans, 2, 3, x, 4, 4, 4), padded)
	trans := webgpu.Packed(blas.Trans, 2, 2, x, 2, 2, 2)
	assert.Equal(t, []float32{1, 3, 2, 4}, trans)
	assert.NotSame(t, &x[0], &trans[0])
}

func TestPackBatchPlacesEachProductAtItsStep(t *testing.T) {
	// Two 1×2 matrices 3 apart (ld 2), packed 1×4 each, 8 apart.
	x := []float32{1, 2, 99, 3, 4}
	assert.Equal(t, []float32{1, 2, 0, 0, 0, 0, 0, 0, 3, 4, 0, 0}, webgpu.PackBatch(blas.NoTrans, 1, 2, x, 2, 3, 1, 4, 2, 8))
	// Stride 0: one matrix for every product, packed once.
	assert.Equal(t, []float32{1, 2, 0, 0}, webgpu.PackBatch(blas.NoTrans, 1, 2, x, 2, 0, 1, 4, 2, 8))
	// 16-bit values, transposed: a 2×1 op(X) stored as 1×2.
	h := []uint16{7, 8, 5, 9, 6}
	assert.Equal(t, []uint16{7, 0, 0, 0, 8, 0, 0, 0, 9, 0, 0, 0, 6, 0, 0, 0}, webgpu.PackBatch(blas.Trans, 2, 1, h, 2, 3, 2, 4, 2, 8))
}
