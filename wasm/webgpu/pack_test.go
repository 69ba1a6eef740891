package webgpu_test

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gemm/gemmtest"
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

func TestRound16AndFlip(t *testing.T) {
	for n, want := range map[int]int{0: 0, 1: 16, 16: 16, 17: 32, 301: 304} {
		assert.Equal(t, want, webgpu.Round16(n), "%d", n)
	}
	assert.Equal(t, blas.Trans, webgpu.Flip(blas.NoTrans))
	assert.Equal(t, blas.NoTrans, webgpu.Flip(blas.Trans))
	assert.Equal(t, blas.NoTrans, webgpu.Flip(blas.ConjTrans))
}

// TestInt8PackingFeedsTheKernel packs gemm's int8 cases as GemmInt8 does
// (op(A) m4×k16, op(B)ᵀ n4×k16, zero-padded), then runs the WGSL kernel's
// arithmetic on the host: the bytes read as little-endian u32 words, each
// unpacked by the kernel's shifts (byte b shifted up by 24-8b as u32, then
// arithmetically down by 24 as i32), a word of A times the word of B at the
// same index summed in int32. Every element must equal the exact int64
// reference: the layout, the padding and the sign extension, checked
// without a browser.
func TestInt8PackingFeedsTheKernel(t *testing.T) {
	unpack := func(w uint32) [4]int32 {
		var v [4]int32
		for b, s := range []uint32{24, 16, 8, 0} {
			v[b] = int32(w<<s) >> 24
		}
		return v
	}
	words := func(x []int8) []uint32 {
		out := make([]uint32, len(x)/4)
		for i := range out {
			out[i] = binary.LittleEndian.Uint32([]byte{byte(x[4*i]), byte(x[4*i+1]), byte(x[4*i+2]), byte(x[4*i+3])})
		}
		return out
	}
	cases := gemmtest.Int8Cases(true)
	// The extremes: a k that is not a multiple of 16, every value -128.
	cases = append(cases, gemmtest.Case{TA: blas.Trans, TB: blas.NoTrans, M: 3, N: 5, K: 37, PadA: 1, PadB: 2})
	for i, c := range cases {
		p := gemmtest.NewInt8Problem(c, uint64(i))
		if i == len(cases)-1 {
			for _, x := range [][]int8{p.A, p.B} {
				for j := range x {
					x[j] = -128
				}
			}
		}
		o := c.Offset
		m4, n4, k16 := webgpu.Round4(c.M), webgpu.Round4(c.N), webgpu.Round16(c.K)
		a := webgpu.Pack(c.TA, c.M, c.K, p.A[o:], p.LDA, m4, k16)
		b := webgpu.Pack(webgpu.Flip(c.TB), c.N, c.K, p.B[o:], p.LDB, n4, k16)
		require.Len(t, a, m4*k16, c.String())
		require.Len(t, b, n4*k16, c.String())
		aw, bw := words(a), words(b)
		want := gemmtest.ReferenceInt8(c.TA, c.TB, c.M, c.N, c.K, p.A[o:], p.LDA, p.B[o:], p.LDB)
		wrong := 0
		for r := range m4 {
			for col := range n4 {
				var sum int32
				for w := range k16 / 4 {
					x, y := unpack(aw[r*k16/4+w]), unpack(bw[col*k16/4+w])
					sum += x[0]*y[0] + x[1]*y[1] + x[2]*y[2] + x[3]*y[3]
				}
				switch {
				case r >= c.M || col >= c.N:
					if sum != 0 {
						wrong++ // padding must add nothing
					}
				case int64(sum) != want[r*c.N+col]:
					wrong++
				}
			}
		}
		assert.Zero(t, wrong, c.String())
	}
	assert.LessOrEqual(t, int64(gemm.MaxInt8K)*128*128, int64(math.MaxInt32), "no int32 sum can overflow at gemm.MaxInt8K")
}
