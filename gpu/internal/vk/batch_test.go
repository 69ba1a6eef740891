//go:build cgo && (linux || darwin || windows)

package vk

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/shaders"
)

// Push data longer than the pipeline layout's range is an error, not
// silently cut to 128 bytes.
func TestPushConstantsTooLong(t *testing.T) {
	in, d := openFirst(t, shaders.PushConstantsSize)
	p, buf := direct8(t, d)
	r := Range{buf, 0, 1024}
	for _, n := range []int{shaders.PushConstantsSize + 4, MaxPushBytes + 4} {
		b, err := d.Begin()
		require.NoError(t, err)
		err = b.Dispatch(p, [Bindings]Range{r, r, r}, make([]byte, n), 1, 1)
		assert.ErrorContains(t, err, "bytes of push constants", "%d bytes", n)
		b.Abandon()
	}
	assert.NoError(t, in.Messages())
}

// A batch whose wait timed out stays in flight and can be waited for
// again; Drain waits for every batch in flight, and waits for nothing when
// none is (vkQueueWaitIdle crashes RADV's null device).
func TestBatchesInFlight(t *testing.T) {
	in, d := openFirst(t, shaders.PushConstantsSize)
	require.NoError(t, d.Drain(defaultWait))
	assert.Zero(t, d.Counts().Waits, "nothing in flight: no wait at all")
	b, err := d.Begin()
	require.NoError(t, err)
	require.NoError(t, b.Submit())
	assert.Equal(t, 1, d.InFlight())
	require.NoError(t, d.Drain(defaultWait))
	done, err := b.Done()
	require.NoError(t, err)
	assert.True(t, done)
	assert.Equal(t, 1, d.InFlight(), "Drain waits but does not collect")
	_, err = b.Wait(defaultWait)
	require.NoError(t, err)
	assert.Zero(t, d.InFlight())
	_, err = b.Wait(defaultWait)
	assert.Error(t, err, "a collected batch cannot be waited for again")
	assert.Equal(t, Counts{Submits: 1, Waits: 2, QueueSubmits: 1, MaxInFlight: 1, Batches: 1}, d.Counts())
	assert.NoError(t, in.Messages())
}
