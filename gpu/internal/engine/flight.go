package engine

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/vkgemm/vkgemm/gpu/internal/vk"
)

// A submitted batch may still read or write its buffers until its fence
// signals, even after a wait for it timed out or its Pending was dropped.
// So every buffer a batch uses is leased to it, and goes back to the pool
// (or is destroyed) only when the owner and every batch using it are done.

// lease is a buffer shared by its owner and the batches in flight that use
// it.
type lease struct {
	buf  *vk.Buffer
	kind vk.BufferKind
	own  bool // a matrix's own buffer: destroyed at the end, not pooled
	refs int
}

// lease takes a buffer of at least size bytes from the pool, held once by
// the caller. It is the one place that asks the pool for memory.
func (d *Device) lease(size int64, kind vk.BufferKind) (*lease, error) {
	b, err := d.pool.get(size, kind)
	if err != nil {
		return nil, err
	}
	return &lease{buf: b, kind: kind, refs: 1}, nil
}

// drop lets go of one hold on l; the last one returns the buffer.
func (d *Device) drop(l *lease) {
	if l == nil {
		return
	}
	l.refs--
	if l.refs > 0 {
		return
	}
	if l.own {
		l.buf.Destroy()
		return
	}
	d.pool.put(l.buf, l.kind)
}

// flight is a submitted batch, the leases it holds and, once it has landed,
// its kernel time and error.
type flight struct {
	batch    *vk.Batch
	holds    []*lease
	t0, t1   int // timestamps around the kernels, -1 where none
	landed   bool
	timedOut bool // a wait for it timed out; it may still be running
	gpu      time.Duration
	err      error
}

// maxFlights bounds the batches in flight: a caller that submits
// asynchronous products without waiting for them waits here instead of
// piling up command buffers.
const maxFlights = 16

// launch submits b, which holds leases holds while it runs. t0 and t1 are
// the timestamps around its kernels (-1 where none). On error b is given up.
func (d *Device) launch(b *vk.Batch, t0, t1 int, holds ...*lease) (*flight, error) {
	if len(d.flights) >= maxFlights {
		d.reap()
	}
	for len(d.flights) >= maxFlights {
		if err := d.await(d.flights[0]); err != nil {
			b.Abandon()
			return nil, err
		}
	}
	if err := b.Submit(); err != nil {
		b.Abandon()
		return nil, err
	}
	f := &flight{batch: b, t0: t0, t1: t1}
	for _, l := range holds {
		if l != nil {
			l.refs++
			f.holds = append(f.holds, l)
		}
	}
	d.flights = append(d.flights, f)
	return f, nil
}

// land records the end of a flight and lets go of its leases.
func (d *Device) land(f *flight, ts []float64, err error) {
	f.landed, f.timedOut = true, false
	f.gpu, f.err = elapsed(ts, f.t0, f.t1), err
	for _, l := range f.holds {
		d.drop(l)
	}
	f.holds = nil
	if i := slices.Index(d.flights, f); i >= 0 {
		d.flights = slices.Delete(d.flights, i, i+1)
	}
}

// await waits for one flight, up to the device's timeout. After a timeout
// the flight stays in flight with its leases: nothing it uses is reused
// until its fence signals.
func (d *Device) await(f *flight) error {
	if f.landed {
		return f.err
	}
	ts, err := f.batch.Wait(d.timeout())
	if errors.Is(err, ErrTimeout) {
		f.timedOut = true
		return fmt.Errorf("gpu: %w; the device may still be running it, and its memory is kept until it ends", err)
	}
	d.land(f, ts, err)
	return err
}

// reap lands every flight whose fence has signalled, without waiting.
func (d *Device) reap() {
	for _, f := range slices.Clone(d.flights) {
		done, err := f.batch.Done()
		if !done {
			continue
		}
		var ts []float64
		if err == nil {
			ts, err = f.batch.Finish()
		}
		d.land(f, ts, err)
	}
}

// settle starts every call: it lands what has finished and, where a wait
// timed out earlier, waits for that work once more before new work is
// queued behind it.
func (d *Device) settle() error {
	d.reap()
	for _, f := range slices.Clone(d.flights) {
		if !f.timedOut {
			continue
		}
		if err := d.await(f); errors.Is(err, ErrTimeout) {
			return fmt.Errorf("gpu: %w: %s is still running work that timed out earlier (its memory is kept until it ends); "+
				"retry later, or Close the device (Close waits for it) and open it with a larger Config.Timeout or %s",
				ErrTimeout, d.name, "VKGEMM_TIMEOUT")
		}
	}
	return nil
}

// closeWait bounds Close's wait for work still in flight.
func (d *Device) closeWait() time.Duration { return max(d.timeout(), DefaultTimeout) }

// drain waits for every flight and lands it: Close's first step, before
// anything the device might still use is destroyed.
func (d *Device) drain() error {
	if err := d.dev.Drain(d.closeWait()); err != nil {
		return err
	}
	d.reap()
	return nil
}
