package engine

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/half"
	"github.com/vkgemm/vkgemm/shaders"
)

// A cooperative-matrix kernel whose self-check fails is switched off for
// the device with a warning that says why, and GemmHalf's F16 products run
// right on the other kernels instead. (The check is made to fail by altering
// its result: lavapipe 26's kernel is right.)
func TestCoopmatSelfCheckFailureFallsBack(t *testing.T) {
	d, log := openCoop(t, shaders.F16)
	d.coop[shaders.F16].corrupt = true

	const m, n, k = 21, 19, 40
	a, b := make([]float32, m*k), make([]float32, k*n)
	for i := range a {
		a[i] = float32(i%9 - 4)
	}
	for i := range b {
		b[i] = float32(i%7 - 3)
	}
	ah, bh := make([]uint16, len(a)), make([]uint16, len(b))
	half.F16.Encode(ah, a)
	half.F16.Encode(bh, b)
	c := make([]float32, m*n)
	require.NoError(t, d.GemmHalf(shaders.F16, blas.NoTrans, blas.NoTrans, m, n, k, 1, ah, k, bh, n, 0, c, n))
	for i := range m {
		for j := range n {
			var want float32
			for p := range k {
				want += a[i*k+p] * b[p*n+j]
			}
			require.Equal(t, want, c[i*n+j], "C(%d,%d)", i, j)
		}
	}
	logged := log()
	assert.Len(t, logged, 1)
	assert.True(t, len(logged) == 1 && strings.Contains(logged[0], "cooperative matrices switched off") &&
		strings.Contains(logged[0], "C(0,5)"), "%q", logged)
	assert.NotEqual(t, shaders.FamilyCoopmat, d.KernelFor(shaders.F16, m, n, k, 1).Family, "the other kernels from now on")
	_, err := d.CoopmatCheck()
	assert.ErrorContains(t, err, "C(0,5)", "the check's finding stays")
}

// The same for GemmInt8: a failed self-check leaves it on its direct
// kernel, exact; a passed one puts it on its cooperative matrices.
func TestCoopmatInt8SelfCheck(t *testing.T) {
	for _, corrupt := range []bool{false, true} {
		d, log := openCoop(t, shaders.Int8)
		d.coop[shaders.Int8].corrupt = corrupt
		const m, n, k = 21, 19, 41
		a, b := make([]int8, m*k), make([]int8, k*n)
		for i := range a {
			a[i] = int8(i*37 - 100)
		}
		for i := range b {
			b[i] = int8(i*53 + 7)
		}
		c := make([]int32, m*n)
		require.NoError(t, d.GemmInt8(blas.NoTrans, blas.NoTrans, m, n, k, a, k, b, n, c, n))
		for i := range m {
			for j := range n {
				var want int32
				for p := range k {
					want += int32(a[i*k+p]) * int32(b[p*n+j])
				}
				require.Equal(t, want, c[i*n+j], "C(%d,%d), corrupt %v", i, j, corrupt)
			}
		}
		family := d.KernelFor(shaders.Int8, m, n, k, 1).Family
		logged := log()
		if corrupt {
			assert.NotEqual(t, shaders.FamilyCoopmat, family)
			assert.True(t, len(logged) == 1 && strings.Contains(logged[0], "switched off for int8") && strings.Contains(logged[0], "C(0,5)"), "%q", logged)
		} else {
			assert.Equal(t, shaders.FamilyCoopmat, family)
			assert.Empty(t, logged)
		}
	}
}

// openCoop opens a device with cooperative matrices on wherever listed,
// closed when the test ends, and a function returning what it logged; it
// skips (fails with VKGEMM_REQUIRE_COOPMAT=1) where the device has no
// cooperative-matrix kernel for e.
func openCoop(t *testing.T, e shaders.Element) (*Device, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var logged []string
	d := openForTest(t, Config{Coopmat: CoopmatOn, Logf: func(f string, a ...any) {
		mu.Lock()
		defer mu.Unlock()
		logged = append(logged, fmt.Sprintf(f, a...))
	}})
	t.Cleanup(func() { require.NoError(t, d.Close()) })
	if !d.coop[e].enabled {
		if os.Getenv("VKGEMM_REQUIRE_COOPMAT") == "1" {
			t.Fatalf("%s has no %s cooperative-matrix kernel", d.name, e)
		}
		t.Skipf("%s lists no cooperative matrices for %s (Mesa 26 lavapipe does)", d.name, e)
	}
	return d, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(logged)
	}
}
