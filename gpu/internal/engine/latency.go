package engine

import (
	"time"

	"github.com/vkgemm/vkgemm/gpu/internal/kernel"
	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"github.com/vkgemm/vkgemm/shaders"
)

// The floors under the cost of a product, for benchmarks: what the driver
// charges for a submission, and for a dispatch, before any kernel runs.

// RoundTrip times an empty submission (see diag.Prober).
func (d *Device) RoundTrip() (time.Duration, error) {
	if err := d.lock(); err != nil {
		return 0, err
	}
	defer d.mu.Unlock()
	t, err := d.timeBatch(func(*vk.Batch) error { return nil })
	return t, d.finish(err)
}

// EmptyDispatch times one invocation of the peak shader with no
// iterations (see diag.Prober).
func (d *Device) EmptyDispatch() (time.Duration, error) {
	if err := d.lock(); err != nil {
		return 0, err
	}
	defer d.mu.Unlock()
	pipe, err := d.pipeline(kernel.Peak(shaders.F32, 1), false, false)
	if err != nil {
		return 0, d.finish(err)
	}
	buf, err := d.lease(16, vk.Storage)
	if err != nil {
		return 0, d.finish(err)
	}
	defer d.drop(buf)
	r := vk.Range{Buf: buf.buf, Size: 16}
	var none pushConstants // no iterations
	t, err := d.timeBatch(func(b *vk.Batch) error {
		return b.Dispatch(pipe, [3]vk.Range{r, r, r}, none.bytes(), 1, 1)
	}, buf)
	return t, d.finish(err)
}

// timeBatch times a batch from its start, through what record puts in it,
// to the end of the wait for it; the batch holds holds while it runs. The
// caller holds d.mu.
func (d *Device) timeBatch(record func(*vk.Batch) error, holds ...*lease) (time.Duration, error) {
	start := time.Now()
	b, err := d.dev.Begin()
	if err != nil {
		return 0, err
	}
	if err := record(b); err != nil {
		b.Abandon()
		return 0, err
	}
	f, err := d.launch(b, -1, -1, holds...)
	if err != nil {
		return 0, err
	}
	err = d.await(f)
	return time.Since(start), err
}
