package gpu_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/gpu"
)

// The transfer-queue path (uploads in submissions of their own, on their
// own queue, which the kernels wait for by a semaphore) run on CPU drivers,
// which have no transfer-only family: "same" puts the uploads on the
// compute queue ("second" is the same queue where, as on lavapipe and
// SwiftShader, the compute family has one queue). Staging is forced, as on
// a discrete GPU, so every product uploads. Conformance, batches and device
// matrices go through it.
func TestTransferQueuePath(t *testing.T) {
	for _, mode := range []string{"same"} {
		t.Run(mode, func(t *testing.T) {
			d := openDevice(t, gpu.Config{ForceStaging: gpu.On, TransferQueue: mode})
			q := gpu.Queues(d)
			require.True(t, q.Split(), "%s: %v", mode, q)
			t.Logf("%s: %v", d.Describe(), q)
			gemmtest.Correctness(t, d, true)
			t.Run("matrices", func(t *testing.T) { checkChain(t, d) })
			t.Run("batched", func(t *testing.T) {
				for _, tt := range transposes() {
					c := batchCase{Case: gemmtest.Case{TA: tt[0], TB: tt[1], M: 33, N: 17, K: 65, Alpha: -0.5, Beta: 2, PadA: 3, PadC: 2}, batch: 3, gapA: 5, gapC: 1}
					checkBatch(t, d, c)
				}
			})
		})
	}
}

// Each block whose A and B go through staging takes two queue submissions
// where uploads are split off, the upload and the kernels, and still one
// fence wait; without the split, one of each.
func TestTransferQueueSubmissions(t *testing.T) {
	multi := gemmtest.Case{TA: blas.NoTrans, TB: blas.NoTrans, M: 128, N: 128, K: 256, Alpha: 1, Beta: 0.5}
	for _, tc := range []struct {
		mode             string
		queued, uploads  int
		upload, download [2]int // queue submissions and uploads of Matrix.Upload and Download
	}{
		{mode: "off", queued: 16, uploads: 0, upload: [2]int{1, 0}, download: [2]int{1, 0}},
		{mode: "same", queued: 32, uploads: 16, upload: [2]int{1, 1}, download: [2]int{1, 0}},
		{mode: "second", queued: 32, uploads: 16, upload: [2]int{1, 1}, download: [2]int{1, 0}},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			// 16 KiB bindings cut the product into 2×2 tiles of 4 slices of k.
			d := openDevice(t, gpu.Config{ForceStaging: gpu.On, MaxBindingBytes: 16 << 10, TransferQueue: tc.mode})
			_, submits, waits, most := sgemmCounted(t, d, multi)
			n := gpu.Counts(d)
			t.Logf("%s: %d batches, %d vkQueueSubmit (%d uploads), %d waits, %d in flight at most", tc.mode, submits, n.QueueSubmits, n.Uploads, waits, most)
			assert.Equal(t, [3]int{16, 16, 2}, [3]int{submits, waits, most}, "batches, waits, most in flight")
			assert.Equal(t, [2]int{tc.queued, tc.uploads}, [2]int{n.QueueSubmits, n.Uploads}, "queue submissions, uploads")

			m := mustMatrix(t, d, 8, 8)
			host := make([]float32, 64)
			for i := range host {
				host[i] = float32(i)
			}
			gpu.ResetCounts(d)
			require.NoError(t, m.Upload(host, 8))
			n = gpu.Counts(d)
			assert.Equal(t, [3]int{1, tc.upload[0], tc.upload[1]}, [3]int{n.Waits, n.QueueSubmits, n.Uploads}, "Upload: waits, queue submissions, uploads")
			gpu.ResetCounts(d)
			back := make([]float32, 64)
			require.NoError(t, m.Download(back, 8))
			n = gpu.Counts(d)
			assert.Equal(t, [3]int{1, tc.download[0], tc.download[1]}, [3]int{n.Waits, n.QueueSubmits, n.Uploads}, "Download: waits, queue submissions, uploads")
			assert.Equal(t, host, back)
		})
	}
}

// A mode that does not exist is refused at Open.
func TestTransferQueueBadMode(t *testing.T) {
	_, err := gpu.Open(gpu.Config{TransferQueue: "dma"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "VKGEMM_TRANSFER_QUEUE")
	assert.Contains(t, err.Error(), "auto, off, second or same")
}
