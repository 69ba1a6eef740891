package gpu

import (
	"time"

	"github.com/vkgemm/vkgemm/gpu/internal/vk"
)

// The floors under the cost of a product, for benchmarks: what the driver
// charges for a submission, and for a dispatch, before any kernel runs.

// RoundTrip submits an empty command buffer and waits for it: the floor
// under the cost of any dispatch on this device and driver.
func (d *Device) RoundTrip() (time.Duration, error) {
	if err := d.lock(); err != nil {
		return 0, err
	}
	defer d.mu.Unlock()
	t, err := d.timeBatch(func(*vk.Batch) error { return nil })
	return t, d.finish(err)
}

// EmptyDispatch submits one invocation of a shader that does next to
// nothing (the peak shader with no iterations) and waits for it: the
// driver's own cost of a dispatch, the floor under any product. On CPU
// drivers that is most of the cost of a small product: waking the
// driver's worker threads.
func (d *Device) EmptyDispatch() (time.Duration, error) {
	if err := d.lock(); err != nil {
		return 0, err
	}
	defer d.mu.Unlock()
	pipe, err := d.pipeline(Kernel{Family: kernelPeak, WGX: 1, WGY: 1, TM: 1, TN: 1, TK: 1}, false, false)
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
