package gpu_test

import (
	"errors"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/gpu"
)

// Close while a product is still running waits for it before destroying
// anything (it used to destroy the pipelines first: SIGSEGV on lavapipe,
// VUID-vkDestroyPipeline-pipeline-00765 on SwiftShader), and the product's
// result is still delivered.
func TestCloseWaitsForRunningWork(t *testing.T) {
	requireDevice(t)
	d, err := gpu.Open(gpu.Config{})
	require.NoError(t, err)
	const n = 384
	A, err := d.NewMatrix(n, n)
	require.NoError(t, err)
	B, _ := d.NewMatrix(n, n)
	C, _ := d.NewMatrix(n, n)
	ones := make([]float32, n*n)
	for i := range ones {
		ones[i] = 1
	}
	require.NoError(t, A.Upload(ones, n))
	require.NoError(t, B.Upload(ones, n))
	var pend []*gpu.Pending
	for range 3 {
		p, err := d.MatMulAsync(blas.NoTrans, blas.NoTrans, 1, A, B, 1, C)
		require.NoError(t, err)
		pend = append(pend, p)
	}
	require.Positive(t, gpu.InFlight(d), "Close must meet work still in flight")
	require.NoError(t, d.Close())
	for _, p := range pend {
		_, err := p.Wait()
		assert.NoError(t, err, "Close waited for the product, so its result stands")
	}
	assert.Zero(t, gpu.InFlight(d))
}

// A timed-out product keeps its buffers until the device is done with
// them: the next product, with beta = 1, must not get them from the pool
// while the device still writes them (it used to return a wrong C, every
// run, on both drivers). Until the timed-out work ends, calls say so.
func TestTimedOutWorkKeepsItsBuffers(t *testing.T) {
	timedOutWorkKeepsItsBuffers(t, gpu.Config{Timeout: 5 * time.Millisecond}, 768, 768)
}

// The same where uploads go in submissions of their own, as on a GPU with
// a transfer queue: the timed-out batch's upload and kernels are both
// waited for before its buffers are reused. Staged copies in two
// submissions overran 5 ms on a loaded SwiftShader, so the timeout is 20 ms
// and the product that times out is one block of 2.1 GFLOP (k under 1024 is
// not cut into slices), about 45 ms on an idle lavapipe.
func TestTimedOutWorkKeepsItsBuffersWithTransferQueue(t *testing.T) {
	timedOutWorkKeepsItsBuffers(t, gpu.Config{Timeout: 20 * time.Millisecond, ForceStaging: gpu.On, TransferQueue: "same"}, 1024, 1020)
}

// timedOutWorkKeepsItsBuffers times out an n×n×k product, then runs an
// n×n×4 one with beta = 1 until the device is free for it.
func timedOutWorkKeepsItsBuffers(t *testing.T, cfg gpu.Config, n, k int) {
	d := openDevice(t, cfg)
	big := gemmtest.Case{TA: blas.NoTrans, TB: blas.NoTrans, M: n, N: n, K: k, Alpha: 1, Beta: 0}
	pb := gemmtest.NewProblem(big, 1)
	err := d.Sgemm(big.TA, big.TB, big.M, big.N, big.K, 1, pb.A, pb.LDA, pb.B, pb.LDB, 0, pb.C, pb.LDC)
	require.ErrorIs(t, err, gpu.ErrTimeout, "a %dx%dx%d product takes longer than %v on a CPU driver", n, n, k, cfg.Timeout)
	require.Positive(t, gpu.InFlight(d), "the timed-out batch stays in flight with its buffers")

	c := gemmtest.Case{TA: blas.NoTrans, TB: blas.NoTrans, M: n, N: n, K: 4, Alpha: 1, Beta: 1}
	p := gemmtest.NewProblem(c, 2)
	want, scale := gemmtest.Reference(c.TA, c.TB, c.M, c.N, c.K, 1, p.A, p.LDA, p.B, p.LDB, 1, p.C, p.LDC)
	busy := 0
	for deadline := time.Now().Add(5 * time.Minute); ; {
		err = d.Sgemm(c.TA, c.TB, c.M, c.N, c.K, 1, p.A, p.LDA, p.B, p.LDB, 1, p.C, p.LDC)
		if !errors.Is(err, gpu.ErrTimeout) || time.Now().After(deadline) {
			break
		}
		if busy == 0 {
			t.Logf("while the timed-out work runs: %v", err)
		}
		busy++
		time.Sleep(20 * time.Millisecond)
	}
	require.NoError(t, err)
	t.Logf("%d calls found the device still busy", busy)
	r := gemmtest.Compare(c.M, c.N, c.K, p.C, p.LDC, want, scale)
	assert.True(t, r.OK, "beta=1 after a timeout: max rel err %g", r.MaxRelErr)
}

// A timeout of 1 ns makes every wait time out, the CLI's
// `VKGEMM_TIMEOUT=1ns vkgemm verify`: errors, never a crash, and Close
// still waits for everything and frees it.
func TestTimeoutOfOneNanosecond(t *testing.T) {
	requireDevice(t)
	for _, transfer := range []string{"off", "same"} {
		t.Run(transfer, func(t *testing.T) {
			timeoutOfOneNanosecond(t, gpu.Config{Timeout: time.Nanosecond, ForceStaging: onOff(transfer != "off"), TransferQueue: transfer})
		})
	}
}

func timeoutOfOneNanosecond(t *testing.T, cfg gpu.Config) {
	d, err := gpu.Open(cfg)
	require.NoError(t, err)
	for i, c := range []gemmtest.Case{
		{TA: blas.NoTrans, TB: blas.NoTrans, M: 200, N: 150, K: 300, Alpha: 1, Beta: 1},
		{TA: blas.Trans, TB: blas.Trans, M: 64, N: 64, K: 64, Alpha: 2, Beta: 0},
		{TA: blas.NoTrans, TB: blas.Trans, M: 300, N: 3, K: 500, Alpha: 1, Beta: -1},
	} {
		p := gemmtest.NewProblem(c, uint64(i))
		err := d.Sgemm(c.TA, c.TB, c.M, c.N, c.K, c.Alpha, p.A, p.LDA, p.B, p.LDB, c.Beta, p.C, p.LDC)
		if err != nil {
			assert.ErrorIs(t, err, gpu.ErrTimeout)
		}
	}
	m, err := d.NewMatrix(64, 64)
	if err == nil {
		_, err = d.MatMulAsync(blas.NoTrans, blas.NoTrans, 1, m, m, 0, m)
		assert.ErrorIs(t, err, gpu.ErrBadArgument, "C must not be A")
	}
	require.NoError(t, d.Close(), "Close waits for the timed-out work, with its own bound")
	assert.Zero(t, gpu.InFlight(d))
}

// Sizes whose arithmetic overflows are errors, never a panic or a tiny
// buffer.
func TestOverflowingSizesAreErrors(t *testing.T) {
	for _, staging := range []bool{false, true} {
		d := openDevice(t, gpu.Config{ForceStaging: onOff(staging)})
		b, c := make([]float32, 4), make([]float32, 4)
		err := d.Sgemm(blas.NoTrans, blas.NoTrans, 2, 2, 2, 1, make([]float32, 4), math.MaxInt, b, 2, 0, c, 2)
		assert.ErrorIs(t, err, gpu.ErrBadArgument)
		err = d.Sgemm(blas.Trans, blas.NoTrans, 3, 2, 1<<40, 1, make([]float32, 4), 3, b, 2, 0, c, 2)
		assert.ErrorIs(t, err, gpu.ErrBadArgument)
		for _, dims := range [][2]int{{1, 1 << 62}, {1 << 31, 1 << 31}, {1, math.MaxInt}, {math.MaxInt, 1}, {1 << 40, 1 << 40}} {
			m, err := d.NewMatrix(dims[0], dims[1])
			assert.Nil(t, m)
			assert.True(t, errors.Is(err, gpu.ErrTooLarge) || errors.Is(err, gpu.ErrOutOfMemory), "NewMatrix(%d, %d): %v", dims[0], dims[1], err)
		}
		m, err := d.NewMatrix(4, 4)
		require.NoError(t, err)
		assert.ErrorIs(t, m.Upload(make([]float32, 16), math.MaxInt), gpu.ErrBadArgument)
		m.Release()
	}
}

// Products that are never waited for are reclaimed once they have ended:
// chaining many and waiting only for the last keeps a bounded number of
// command buffers (it used to keep every one until Close, about 10.7 MiB
// of RSS per 1000 products).
func TestUnwaitedProductsAreReclaimed(t *testing.T) {
	d := openDevice(t, gpu.Config{})
	const n, products = 16, 200
	A, err := d.NewMatrix(n, n)
	require.NoError(t, err)
	B, _ := d.NewMatrix(n, n)
	C, _ := d.NewMatrix(n, n)
	gpu.ResetCounts(d)
	var last *gpu.Pending
	most := 0
	for i := range products {
		x, y := B, C
		if i%2 == 1 {
			x, y = C, B
		}
		last, err = d.MatMulAsync(blas.NoTrans, blas.NoTrans, 1, A, x, 0, y)
		require.NoError(t, err)
		most = max(most, gpu.InFlight(d))
	}
	_, err = last.Wait()
	require.NoError(t, err)
	c := gpu.Counts(d)
	t.Logf("%d products: at most %d in flight, %d command buffers made", products, most, c.Batches)
	assert.Equal(t, products, c.Submits)
	assert.LessOrEqual(t, most, gpu.MaxFlights)
	assert.LessOrEqual(t, c.Batches, gpu.MaxFlights+4, "command buffers are recycled, not kept per product")
	_, err = probe(d).RoundTrip()
	require.NoError(t, err)
	assert.Zero(t, gpu.InFlight(d), "every product has been reclaimed")
}

// Open and Close on RADV's null-hardware device, a discrete AMD GPU on
// which nothing can be submitted: Close must wait for nothing (its
// vkQueueWaitIdle segfaults). Run in a child process: the driver reads
// RADV_FORCE_FAMILY once per process.
func TestCloseWithNothingSubmitted(t *testing.T) {
	const icd = "/usr/share/vulkan/icd.d/radeon_icd.x86_64.json"
	if _, err := os.Stat(icd); err != nil {
		if os.Getenv("VKGEMM_REQUIRE_DEVICE") == "1" {
			t.Fatalf("RADV is needed (apt-get install mesa-vulkan-drivers): %v", err)
		}
		t.Skipf("no RADV driver: %v", err)
	}
	for _, transfer := range []string{"auto", "same", "second"} {
		out := runChild(t, "RADV_FORCE_FAMILY=navi21", "VK_DRIVER_FILES="+icd, "VK_ICD_FILENAMES="+icd, "VKGEMM_CACHE_DIR"+"="+t.TempDir(),
			"VKGEMM_TRANSFER_QUEUE"+"="+transfer)
		assert.Contains(t, out, "RESULT opened", "Open and Close on the null device, transfer queue %s", transfer)
		assert.Contains(t, out, "QUEUES queue family")
		t.Logf("%s: %s", transfer, out[strings.Index(out, "QUEUES"):])
	}
}
