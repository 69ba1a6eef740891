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
	start := time.Now()
	b, err := d.dev.Begin()
	if err != nil {
		return 0, d.finish(err)
	}
	if err := b.Submit(); err != nil {
		b.Abandon()
		return 0, d.finish(err)
	}
	_, err = b.Wait(d.timeout())
	return time.Since(start), d.finish(err)
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
	buf, err := d.pool.get(16, vk.Storage)
	if err != nil {
		return 0, d.finish(err)
	}
	defer d.pool.put(buf, vk.Storage)
	r := vk.Range{Buf: buf, Size: 16}
	var none pushConstants // no iterations
	start := time.Now()
	b, err := d.dev.Begin()
	if err != nil {
		return 0, d.finish(err)
	}
	if err := b.Dispatch(pipe, [3]vk.Range{r, r, r}, none.bytes(), 1, 1); err != nil {
		b.Abandon()
		return 0, d.finish(err)
	}
	if err := b.Submit(); err != nil {
		b.Abandon()
		return 0, d.finish(err)
	}
	_, err = b.Wait(d.timeout())
	return time.Since(start), d.finish(err)
}
