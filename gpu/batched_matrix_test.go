package gpu_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/gpu"
)

// A batch of products on device matrices stacked by rows, B shared
// (stride 0), chained into a second batched product without host copies;
// then split by the work cap. Checked against the float64 reference.
func TestMatMulStridedBatched(t *testing.T) {
	d := openDevice(t, gpu.Config{})
	const batch, m, n, k = 5, 9, 7, 13
	rng := rand.New(rand.NewPCG(7, 8))
	random := func(n int) []float32 {
		s := make([]float32, n)
		for i := range s {
			s[i] = rng.Float32()*2 - 1
		}
		return s
	}
	ah, bh, eh := random(batch*m*k), random(k*n), random(batch*n*3)
	upload := func(rows, cols int, host []float32) *gpu.Matrix {
		x, err := d.NewMatrix(rows, cols)
		require.NoError(t, err)
		require.NoError(t, x.Upload(host, cols))
		return x
	}
	a, b, e := upload(batch*m, k, ah), upload(k, n, bh), upload(batch*n, 3, eh)
	c, err := d.NewMatrix(batch*m, n)
	require.NoError(t, err)
	f, err := d.NewMatrix(batch*m, 3)
	require.NoError(t, err)

	// C_g = A_g·B, then F_g = C_g·E_g, the second waited for only.
	_, err = d.MatMulStridedBatchedAsync(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, m, b, 0, 0, c, m, batch)
	require.NoError(t, err)
	require.NoError(t, matMulStridedBatched(d, blas.NoTrans, blas.NoTrans, m, 3, n, 1, c, m, e, n, 0, f, m, batch))
	ch, fh := make([]float32, batch*m*n), make([]float32, batch*m*3)
	require.NoError(t, c.Download(ch, n))
	require.NoError(t, f.Download(fh, 3))
	for g := range batch {
		want, scale := gemmtest.Reference(blas.NoTrans, blas.NoTrans, m, n, k, 1, ah[g*m*k:], k, bh, n, 0, nil, n)
		assert.True(t, gemmtest.Compare(m, n, k, ch[g*m*n:], n, want, scale).OK, "C_%d", g)
		want, scale = gemmtest.Reference(blas.NoTrans, blas.NoTrans, m, 3, n, 1, ch[g*m*n:], n, eh[g*n*3:], 3, 0, nil, 3)
		assert.True(t, gemmtest.Compare(m, 3, n, fh[g*m*3:], 3, want, scale).OK, "F_%d", g)
	}

	// Transposed A_g (stored k×m, stacked), beta = 1, two products per submission.
	at, err := d.NewMatrix(batch*k, m)
	require.NoError(t, err)
	ath := random(batch * k * m)
	require.NoError(t, at.Upload(ath, m))
	gpu.SetWorkCap(d, 2*gemm.Flops(m, n, k))
	gpu.ResetCounts(d)
	require.NoError(t, matMulStridedBatched(d, blas.Trans, blas.NoTrans, m, n, k, 1, at, k, b, 0, 1, c, m, batch))
	assert.Equal(t, 3, gpu.Counts(d).Submits, "5 products, 2 per submission")
	before := ch
	ch = make([]float32, batch*m*n)
	require.NoError(t, c.Download(ch, n))
	for g := range batch {
		want, scale := gemmtest.Reference(blas.Trans, blas.NoTrans, m, n, k, 1, ath[g*k*m:], m, bh, n, 1, before[g*m*n:], n)
		assert.True(t, gemmtest.Compare(m, n, k, ch[g*m*n:], n, want, scale).OK, "C_%d with beta 1", g)
	}
}

func TestMatMulStridedBatchedBadArguments(t *testing.T) {
	d := openDevice(t, gpu.Config{})
	a, err := d.NewMatrix(8, 4)
	require.NoError(t, err)
	b, _ := d.NewMatrix(4, 4)
	c, _ := d.NewMatrix(8, 4)
	n := blas.NoTrans
	for name, err := range map[string]error{
		"C rows overlap":       matMulStridedBatched(d, n, n, 4, 4, 4, 1, a, 4, b, 0, 0, c, 2, 2),
		"A runs past its rows": matMulStridedBatched(d, n, n, 4, 4, 4, 1, a, 4, b, 0, 0, c, 4, 3),
		"negative stride":      matMulStridedBatched(d, n, n, 4, 4, 4, 1, a, -4, b, 0, 0, c, 4, 2),
		"overflowing stride":   matMulStridedBatched(d, n, n, 4, 4, 4, 1, a, 1<<62, b, 0, 0, c, 4, 2),
		"too many columns":     matMulStridedBatched(d, n, n, 4, 5, 4, 1, a, 4, b, 0, 0, c, 4, 2),
		"C is A":               matMulStridedBatched(d, n, n, 4, 4, 4, 1, a, 4, b, 0, 0, a, 4, 2),
		"negative batch":       matMulStridedBatched(d, n, n, 4, 4, 4, 1, a, 4, b, 0, 0, c, 4, -1),
	} {
		assert.ErrorIs(t, err, gpu.ErrBadArgument, name)
	}
	// One rule for both strided calls: a batch of one uses no stride, so
	// any stride that is not negative is taken.
	assert.NoError(t, matMulStridedBatched(d, n, n, 4, 4, 4, 1, a, 1<<62, b, 1<<62, 0, c, 1<<62, 1))
	host := make([]float32, 16)
	assert.NoError(t, d.SgemmStridedBatched(n, n, 4, 4, 4, 1, host, 4, 1<<62, host, 4, 1<<62, 0, make([]float32, 16), 4, 1<<62, 1))
	assert.ErrorIs(t, matMulStridedBatched(d, n, n, 4, 4, 4, 1, a, -1, b, 0, 0, c, 4, 1), gpu.ErrBadArgument)
	assert.ErrorIs(t, d.SgemmStridedBatched(n, n, 4, 4, 4, 1, host, 4, -1, host, 4, 0, 0, make([]float32, 16), 4, 0, 1), gpu.ErrBadArgument)
}
