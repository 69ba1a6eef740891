package tune

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/shaders"
)

// A run searches float32 first, then each half format per class, then
// int8 per class; batches are searched in float32 only, and nothing twice.
func TestTargets(t *testing.T) {
	var keys []string
	for _, tg := range targets([]Class{Square, Batched, Small, Small}, []shaders.Element{shaders.F16, shaders.BF16}, false) {
		keys = append(keys, tg.key.String())
		assert.Equal(t, tg.key.Class == Batched, tg.batch == BatchedCount, tg.key)
	}
	assert.Equal(t, []string{"f32/square", "f32/batched", "f32/small", "f16/square", "f16/small", "bf16/square", "bf16/small"}, keys)

	keys = nil
	for _, tg := range targets([]Class{Square, Batched, Small}, []shaders.Element{shaders.BF16}, true) {
		keys = append(keys, tg.key.String())
		assert.Equal(t, tg.key.Class == Batched, tg.batch == BatchedCount, tg.key)
	}
	assert.Equal(t, []string{"f32/square", "f32/batched", "f32/small", "bf16/square", "bf16/small", "int8/square", "int8/small"}, keys)
}

// The int8 search's reference of a class's product is the exact product,
// whole on a CPU driver's shapes and in bands of rows on a GPU's, and one
// wrong element anywhere in those rows makes the candidate wrong.
func TestInt8Reference(t *testing.T) {
	tg := target{key: Key{Element: shaders.Int8, Class: Small}, batch: 1}
	pr := tg.timedProblem(true)
	require.NotNil(t, pr.A8)
	bands, want, err := int8Reference(pr, refLimit)
	require.NoError(t, err)
	assert.Equal(t, [][2]int{{0, pr.M}}, bands, "a small product whole")
	exact := gemmtest.ReferenceInt8(blas.NoTrans, blas.NoTrans, pr.M, pr.N, pr.K, pr.A8, pr.LDA, pr.B8, pr.LDB)
	for i, w := range exact {
		require.Equal(t, w, int64(want[i]), "C(%d,%d)", i/pr.N, i%pr.N)
	}
	got := append([]int32(nil), want...)
	require.NoError(t, compareInt8(pr.M, pr.N, bands, got, want))
	got[len(got)-1]++
	err = compareInt8(pr.M, pr.N, bands, got, want)
	require.ErrorIs(t, err, errWrongResult)
	assert.Contains(t, err.Error(), "C(127,127)")

	// A product over the limit: bands of rows at the top and the bottom,
	// within it, and only they are compared.
	const m, n, k = 64, 8, 8
	pr.M, pr.N, pr.K, pr.A8, pr.LDA, pr.B8, pr.LDB = m, n, k, pr.A8[:m*k], k, pr.B8[:k*n], n
	bands, want, err = int8Reference(pr, 2*n*k*4)
	require.NoError(t, err)
	assert.Equal(t, [][2]int{{0, 4}, {60, 64}}, bands)
	exact = gemmtest.ReferenceInt8(blas.NoTrans, blas.NoTrans, m, n, k, pr.A8, k, pr.B8, n)
	got = make([]int32, m*n)
	for _, r := range bands {
		for i := r[0] * n; i < r[1]*n; i++ {
			assert.Equal(t, exact[i], int64(want[i]))
			got[i] = want[i]
		}
	}
	assert.NoError(t, compareInt8(m, n, bands, got, want), "rows outside the bands are not compared")
	got[61*n+3]--
	assert.ErrorIs(t, compareInt8(m, n, bands, got, want), errWrongResult)
}
