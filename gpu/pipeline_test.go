package gpu_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/gpu"
)

// sgemmCounted runs one product and returns the submissions and waits it
// made, checking its result against the reference.
func sgemmCounted(t *testing.T, d *gpu.Device, c gemmtest.Case) (gpu.Timing, int, int, int) {
	t.Helper()
	p := gemmtest.NewProblem(c, 7)
	want, scale := gemmtest.Reference(c.TA, c.TB, c.M, c.N, c.K, c.Alpha, p.A, p.LDA, p.B, p.LDB, c.Beta, p.C, p.LDC)
	gpu.ResetCounts(d)
	tm, err := gpu.SgemmTimed(d, c.TA, c.TB, c.M, c.N, c.K, c.Alpha, p.A, p.LDA, p.B, p.LDB, c.Beta, p.C, p.LDC)
	require.NoError(t, err)
	r := gemmtest.Compare(c.M, c.N, c.K, p.C, p.LDC, want, scale)
	assert.True(t, r.OK, "%s: max rel err %g", c, r.MaxRelErr)
	n := gpu.Counts(d)
	return tm, n.Submits, n.Waits, n.MaxInFlight
}

// A host-slice product of several blocks is a pipeline: one submission
// and one fence wait per block, with two blocks in flight, so the host
// packs the next while the device computes one. A single block costs one
// submission and one wait; so do Upload and Download through staging.
func TestSubmitsAndWaitsPerCall(t *testing.T) {
	// 16 KiB bindings cut this problem into 2×2 tiles of 4 slices of k.
	d := openDevice(t, gpu.Config{ForceStaging: gpu.On, MaxBindingBytes: 16 << 10})
	multi := gemmtest.Case{TA: blas.NoTrans, TB: blas.NoTrans, M: 128, N: 128, K: 256, Alpha: 1, Beta: 0.5}
	_, submits, waits, most := sgemmCounted(t, d, multi)
	assert.Equal(t, [3]int{16, 16, 2}, [3]int{submits, waits, most}, "submits, waits, most in flight: pipelined")

	gpu.SetDepth(d, 1)
	_, submits, waits, most = sgemmCounted(t, d, multi)
	assert.Equal(t, [3]int{16, 16, 1}, [3]int{submits, waits, most}, "the serial path, for comparison")
	gpu.SetDepth(d, 2)

	single := gemmtest.Case{TA: blas.Trans, TB: blas.NoTrans, M: 30, N: 20, K: 40, Alpha: 1, Beta: 1}
	_, submits, waits, most = sgemmCounted(t, d, single)
	assert.Equal(t, [3]int{1, 1, 1}, [3]int{submits, waits, most})

	m, err := d.NewMatrix(8, 8)
	require.NoError(t, err)
	defer m.Release()
	host := make([]float32, 64)
	gpu.ResetCounts(d)
	require.NoError(t, m.Upload(host, 8))
	require.NoError(t, m.Download(host, 8))
	n := gpu.Counts(d)
	assert.Equal(t, [2]int{2, 2}, [2]int{n.Submits, n.Waits}, "Upload and Download: one fence each, no vkQueueWaitIdle")

	out := mustMatrix(t, d, 8, 8)
	gpu.ResetCounts(d)
	p, err := d.MatMulAsync(blas.NoTrans, blas.NoTrans, 1, m, m, 0, out)
	require.NoError(t, err)
	n = gpu.Counts(d)
	assert.Equal(t, [2]int{1, 0}, [2]int{n.Submits, n.Waits}, "MatMulAsync submits and returns")
	_, err = p.Wait()
	require.NoError(t, err)
	assert.Equal(t, 1, gpu.Counts(d).Waits)
}

func mustMatrix(t *testing.T, d *gpu.Device, r, c int) *gpu.Matrix {
	t.Helper()
	m, err := d.NewMatrix(r, c)
	require.NoError(t, err)
	t.Cleanup(m.Release)
	return m
}

// With a tiny cap on the work of one submission, a product is split along
// k into several submissions (beta = 1 after the first) and is still right,
// on host slices and on device matrices.
func TestWorkCapSplitsSubmissions(t *testing.T) {
	d := openDevice(t, gpu.Config{})
	gpu.SetWorkCap(d, 2*100*90*12) // twelve of k per submission
	c := gemmtest.Case{TA: blas.NoTrans, TB: blas.Trans, M: 100, N: 90, K: 300, Alpha: 1.5, Beta: -1, PadA: 1}
	_, submits, waits, _ := sgemmCounted(t, d, c)
	assert.Equal(t, [2]int{25, 25}, [2]int{submits, waits})

	const m, n, k = 64, 48, 256
	gpu.SetWorkCap(d, 2*m*n*64)
	q := gemmtest.NewProblem(gemmtest.Case{TA: blas.Trans, TB: blas.NoTrans, M: m, N: n, K: k, Alpha: 1, Beta: 2}, 3)
	want, scale := gemmtest.Reference(blas.Trans, blas.NoTrans, m, n, k, 1, q.A, q.LDA, q.B, q.LDB, 2, q.C, q.LDC)
	A, B, C := mustMatrix(t, d, k, m), mustMatrix(t, d, k, n), mustMatrix(t, d, m, n)
	require.NoError(t, A.Upload(q.A, q.LDA))
	require.NoError(t, B.Upload(q.B, q.LDB))
	require.NoError(t, C.Upload(q.C, q.LDC))
	gpu.ResetCounts(d)
	require.NoError(t, matMul(d, blas.Trans, blas.NoTrans, 1, A, B, 2, C))
	assert.Equal(t, 4, gpu.Counts(d).Submits, "256 of k in slices of 64")
	require.NoError(t, C.Download(q.C, q.LDC))
	assert.True(t, gemmtest.Compare(m, n, k, q.C, q.LDC, want, scale).OK)
}
