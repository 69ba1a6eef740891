//go:build cgo && (linux || darwin || windows)

package vk

import (
	"errors"
	"fmt"

	vk "github.com/vulkan-go/vulkan"
)

// Uploads on a queue of their own. Where the device's QueuePlan splits
// uploads off, a batch's copies from staging into device memory (CopyIn)
// are recorded into a second command buffer, submitted to the transfer
// queue before the main one, and signal a semaphore that the main
// submission waits for before its kernels. The next block's upload then
// runs on the copy engine while the compute queue still runs this block's
// kernels. Readbacks stay in the main command buffer, after the kernels: on
// the transfer queue they would wait for the kernels by a semaphore, and a
// waiting submission holds up the next block's upload queued behind it.
//
// Buffers both queues touch are CONCURRENT between the two families where
// they differ (Dedicated), instead of EXCLUSIVE with a release barrier on
// one queue and an acquire barrier on the other for every copy: for buffers
// (no image layouts or compression to lose) the spec allows it at no
// stated cost, and it keeps each batch's recording free of ownership
// bookkeeping for buffers that the pool hands from one use to the next.

// upload is a batch's upload part.
type upload struct {
	cmd   vk.CommandBuffer
	fence vk.Fence
	sem   vk.Semaphore // signalled by the upload, waited for by the main part
	open  bool         // being recorded in this use of the batch
	sent  bool         // submitted in this use: its fence is waited for
}

// uploadWaitStages are where the main part waits for its upload: its
// kernels read A, B and C, and its copies and fills may touch C.
const uploadWaitStages = uint32(vk.PipelineStageComputeShaderBit | vk.PipelineStageTransferBit)

// queueInfos are the queues NewDevice asks for: the compute queue and,
// where uploads are split off, theirs (a second queue of the compute
// family, or one of the transfer family).
func queueInfos(q QueuePlan) []vk.DeviceQueueCreateInfo {
	fams := []uint32{q.Compute}
	if q.Dedicated() {
		fams = append(fams, q.Transfer)
	}
	var infos []vk.DeviceQueueCreateInfo
	for _, fam := range fams {
		n := q.queueCounts()[fam]
		prio := make([]float32, n)
		for i := range prio {
			prio[i] = 1
		}
		infos = append(infos, vk.DeviceQueueCreateInfo{
			SType:            vk.StructureTypeDeviceQueueCreateInfo,
			QueueFamilyIndex: fam,
			QueueCount:       n,
			PQueuePriorities: prio,
		})
	}
	return infos
}

// initTransfer gets the uploads' queue and, on another family, its
// command pool.
func (d *Device) initTransfer() error {
	q := d.queues
	if !q.Split() {
		return nil
	}
	var queue vk.Queue
	vk.GetDeviceQueue(d.h, q.Transfer, q.TransferIndex, &queue)
	d.xfer = queue
	d.xferPool = d.cmdPool
	if q.Dedicated() {
		pool, err := d.newCommandPool(q.Transfer)
		d.xferPool = pool
		return err
	}
	return nil
}

// destroyTransfer destroys the transfer family's command pool, after the
// batches.
func (d *Device) destroyTransfer() {
	if d.queues.Dedicated() && d.xferPool != vk.NullCommandPool {
		vk.DestroyCommandPool(d.h, d.xferPool, nil)
	}
}

// Queues returns the device's queue plan: where uploads run.
func (d *Device) Queues() QueuePlan { return d.queues }

// sharing is how buffers are shared between the queues: CONCURRENT
// between the compute and transfer families where they differ.
func (d *Device) sharing() (vk.SharingMode, []uint32) {
	if d.queues.Dedicated() {
		return vk.SharingModeConcurrent, []uint32{d.queues.Compute, d.queues.Transfer}
	}
	return vk.SharingModeExclusive, nil
}

// CopyIn records a copy from staging into device memory: into the upload
// part where the device splits uploads off, else as Copy does.
func (b *Batch) CopyIn(src, dst *Buffer, srcOff, dstOff, size int64) error {
	if !b.d.queues.Split() {
		b.Copy(src, dst, srcOff, dstOff, size)
		return nil
	}
	if size <= 0 {
		return nil
	}
	if err := b.up.begin(b.d); err != nil {
		return err
	}
	copyBuffer(b.d.inst.fns, b.up.cmd, src, dst, srcOff, dstOff, size)
	return nil
}

// begin starts recording the upload part, creating it on first use.
func (u *upload) begin(d *Device) error {
	if u.open {
		return nil
	}
	var err error
	if u.cmd == nil {
		if u.cmd, err = d.newCommandBuffer(d.xferPool); err != nil {
			return err
		}
	}
	if u.fence == vk.NullFence {
		if u.fence, err = d.newFence(); err != nil {
			return err
		}
	}
	if u.sem == vk.NullSemaphore {
		sinfo := &vk.SemaphoreCreateInfo{SType: vk.StructureTypeSemaphoreCreateInfo}
		var sem vk.Semaphore
		r := vk.CreateSemaphore(d.h, sinfo, nil, &sem)
		sinfo.Free()
		u.sem = sem
		if err := d.check(r, "vkCreateSemaphore"); err != nil {
			return err
		}
	}
	// An abandoned batch may have left it recording.
	if err := d.check(vk.ResetCommandBuffer(u.cmd, 0), "vkResetCommandBuffer"); err != nil {
		return err
	}
	if err := d.beginCommands(u.cmd); err != nil {
		return err
	}
	u.open = true
	return nil
}

// reset readies the upload part of a recycled batch: its fence, if it was
// submitted, goes back to unsignalled.
func (u *upload) reset(d *Device) error {
	u.open = false
	if !u.sent {
		return nil
	}
	u.sent = false
	return d.check(vk.ResetFences(d.h, 1, []vk.Fence{u.fence}), "vkResetFences")
}

// submitSplit submits the upload part to the transfer queue and, where the
// main part holds work, the main part to the compute queue waiting for it.
// The main command buffer has been ended.
func (b *Batch) submitSplit() error {
	d, u := b.d, &b.up
	if err := d.check(vk.EndCommandBuffer(u.cmd), "vkEndCommandBuffer"); err != nil {
		return err
	}
	u.open = false
	var signal vk.Semaphore
	if b.work {
		signal = u.sem
	}
	if err := d.check(submit(d.inst.fns, d.xfer, u.cmd, u.fence, nil, 0, signal), "vkQueueSubmit"); err != nil {
		return err
	}
	u.sent = true
	d.counts.QueueSubmits++
	d.counts.Uploads++
	if !b.work {
		return nil
	}
	if err := d.check(submit(d.inst.fns, d.queue, b.cmd, b.fence, u.sem, uploadWaitStages, nil), "vkQueueSubmit"); err != nil {
		return errors.Join(err, u.abandon(d))
	}
	d.counts.QueueSubmits++
	return nil
}

// abandon waits for an upload whose main part could not be submitted, so
// that nothing of the batch runs once Submit returns (its buffers go back
// to their owners), and replaces its semaphore, left signalled with no
// waiter. Where the upload does not end the device is marked lost: it
// can no longer tell when its buffers are free.
func (u *upload) abandon(d *Device) error {
	u.sent = false
	r := vk.WaitForFences(d.h, 1, []vk.Fence{u.fence}, vk.True, uint64(destroyWait.Nanoseconds()))
	if err := d.check(r, "vkWaitForFences"); err != nil || r == vk.Timeout {
		d.lost = true
		return fmt.Errorf("vk: an upload whose kernels could not be submitted did not end: %w", errors.Join(err, ErrDeviceLost))
	}
	vk.DestroySemaphore(d.h, u.sem, nil)
	u.sem = vk.NullSemaphore
	return d.check(vk.ResetFences(d.h, 1, []vk.Fence{u.fence}), "vkResetFences")
}

func (u *upload) destroy(d *Device) {
	if u.sem != vk.NullSemaphore {
		vk.DestroySemaphore(d.h, u.sem, nil)
	}
	if u.fence != vk.NullFence {
		vk.DestroyFence(d.h, u.fence, nil)
	}
	if u.cmd != nil {
		vk.FreeCommandBuffers(d.h, d.xferPool, 1, []vk.CommandBuffer{u.cmd})
	}
}
