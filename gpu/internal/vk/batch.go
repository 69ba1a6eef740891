//go:build cgo && (linux || darwin || windows)

package vk

import (
	"errors"
	"fmt"
	"slices"
	"time"
	"unsafe"

	vk "github.com/vulkan-go/vulkan"
)

// Batch is one command buffer being recorded, submitted and waited for,
// with its fence, descriptor sets and timestamp queries. Batches are
// recycled once their fence has signalled and Wait or Finish collected them.
type Batch struct {
	d       *Device
	cmd     vk.CommandBuffer
	fence   vk.Fence
	queries vk.QueryPool
	nq      uint32
	sets    [2][]vk.DescriptorSet // per layout
	nsets   [2]int
	state   batchState
	// work: the main command buffer holds commands to submit (barriers
	// alone are not worth a submission).
	work bool
	// The upload part, where the device splits uploads off (transfer.go).
	up upload
}

type batchState int

const (
	recording batchState = iota
	submitted            // the device may be using it: nothing of it may be reused
	recycled             // back on the free list
)

const maxTimestamps = 64

// Begin starts recording a batch.
func (d *Device) Begin() (*Batch, error) {
	if d.lost {
		return nil, fmt.Errorf("vk: %w earlier; close the device and open it again", ErrDeviceLost)
	}
	var b *Batch
	if n := len(d.free); n > 0 {
		b, d.free = d.free[n-1], d.free[:n-1]
		if err := d.check(vk.ResetCommandBuffer(b.cmd, 0), "vkResetCommandBuffer"); err != nil {
			return nil, err
		}
		if err := d.check(vk.ResetFences(d.h, 1, []vk.Fence{b.fence}), "vkResetFences"); err != nil {
			return nil, err
		}
		if err := b.up.reset(d); err != nil {
			return nil, err
		}
	} else {
		var err error
		if b, err = d.newBatch(); err != nil {
			return nil, err
		}
		d.batches = append(d.batches, b)
	}
	b.nq, b.nsets, b.state, b.work = 0, [2]int{}, recording, false
	if err := d.beginCommands(b.cmd); err != nil {
		return nil, err
	}
	if b.queries != vk.NullQueryPool {
		vk.CmdResetQueryPool(b.cmd, b.queries, 0, maxTimestamps)
	}
	return b, nil
}

func (d *Device) newBatch() (*Batch, error) {
	b := &Batch{d: d}
	var err error
	if b.cmd, err = d.newCommandBuffer(d.cmdPool); err != nil {
		return nil, err
	}
	if b.fence, err = d.newFence(); err != nil {
		b.destroy()
		return nil, err
	}
	if d.phys.Props.TimestampValidBits > 0 {
		qinfo := &vk.QueryPoolCreateInfo{
			SType:      vk.StructureTypeQueryPoolCreateInfo,
			QueryType:  vk.QueryTypeTimestamp,
			QueryCount: maxTimestamps,
		}
		var queries vk.QueryPool
		r := vk.CreateQueryPool(d.h, qinfo, nil, &queries)
		b.queries = queries
		qinfo.Free()
		if err := d.check(r, "vkCreateQueryPool"); err != nil {
			b.destroy()
			return nil, err
		}
	}
	return b, nil
}

// newCommandBuffer allocates a primary command buffer from pool.
func (d *Device) newCommandBuffer(pool vk.CommandPool) (vk.CommandBuffer, error) {
	ainfo := &vk.CommandBufferAllocateInfo{
		SType:              vk.StructureTypeCommandBufferAllocateInfo,
		CommandPool:        pool,
		Level:              vk.CommandBufferLevelPrimary,
		CommandBufferCount: 1,
	}
	cmds := make([]vk.CommandBuffer, 1)
	r := vk.AllocateCommandBuffers(d.h, ainfo, cmds)
	ainfo.Free()
	return cmds[0], d.check(r, "vkAllocateCommandBuffers")
}

// newFence creates an unsignalled fence.
func (d *Device) newFence() (vk.Fence, error) {
	finfo := &vk.FenceCreateInfo{SType: vk.StructureTypeFenceCreateInfo}
	var fence vk.Fence
	r := vk.CreateFence(d.h, finfo, nil, &fence)
	finfo.Free()
	return fence, d.check(r, "vkCreateFence")
}

// beginCommands starts recording a command buffer that is submitted once.
func (d *Device) beginCommands(cmd vk.CommandBuffer) error {
	binfo := &vk.CommandBufferBeginInfo{
		SType: vk.StructureTypeCommandBufferBeginInfo,
		Flags: vk.CommandBufferUsageFlags(vk.CommandBufferUsageOneTimeSubmitBit),
	}
	r := vk.BeginCommandBuffer(cmd, binfo)
	binfo.Free()
	return d.check(r, "vkBeginCommandBuffer")
}

func (b *Batch) destroy() {
	d := b.d
	if b.queries != vk.NullQueryPool {
		vk.DestroyQueryPool(d.h, b.queries, nil)
	}
	if b.fence != vk.NullFence {
		vk.DestroyFence(d.h, b.fence, nil)
	}
	if b.cmd != nil {
		vk.FreeCommandBuffers(d.h, d.cmdPool, 1, []vk.CommandBuffer{b.cmd})
	}
	b.up.destroy(d)
	// Descriptor sets go back with their pools when the device is destroyed.
}

// Copy records a buffer-to-buffer copy.
func (b *Batch) Copy(src, dst *Buffer, srcOff, dstOff, size int64) {
	if size <= 0 {
		return
	}
	b.work = true
	copyBuffer(b.d.inst.fns, b.cmd, src, dst, srcOff, dstOff, size)
}

// Fill records writing zeros to the first size bytes of dst (a multiple
// of 4).
func (b *Batch) Fill(dst *Buffer, size int64) {
	if size <= 0 {
		return
	}
	b.work = true
	vk.CmdFillBuffer(b.cmd, dst.h, 0, vk.DeviceSize(size), 0)
}

// Barrier records a full memory barrier between transfers and compute
// shaders: every earlier write is visible to every later read or write.
func (b *Batch) Barrier() {
	stages := vk.PipelineStageTransferBit | vk.PipelineStageComputeShaderBit | vk.PipelineStageHostBit
	access := vk.AccessTransferReadBit | vk.AccessTransferWriteBit | vk.AccessShaderReadBit | vk.AccessShaderWriteBit
	barrier(b.d.inst.fns, b.cmd, uint32(stages), uint32(access|vk.AccessHostWriteBit), uint32(access|vk.AccessHostReadBit))
}

// Timestamp records a timestamp after all earlier work and returns its
// index, or -1 when the queue has no timestamps or the batch is full.
func (b *Batch) Timestamp() int {
	if b.queries == vk.NullQueryPool || b.nq >= maxTimestamps {
		return -1
	}
	b.work = true
	vk.CmdWriteTimestamp(b.cmd, vk.PipelineStageBottomOfPipeBit, b.queries, b.nq)
	b.nq++
	return int(b.nq - 1)
}

// Dispatch records a dispatch of p over a grid of gx×gy workgroups with
// the three buffer ranges bound and push as the push constants.
func (b *Batch) Dispatch(p *Pipeline, bufs [Bindings]Range, push []byte, gx, gy uint32) error {
	return b.DispatchBatch(p, bufs, push, gx, gy, 1)
}

// DispatchBatch is Dispatch with gz workgroups along z: the kernels run one
// product of a strided batch per layer.
func (b *Batch) DispatchBatch(p *Pipeline, bufs [Bindings]Range, push []byte, gx, gy, gz uint32) error {
	if len(push) > MaxPushBytes || uint32(len(push)) > b.d.pushSize {
		return fmt.Errorf("vk: %d bytes of push constants; the pipeline layout holds %d (at most %d)", len(push), b.d.pushSize, MaxPushBytes)
	}
	lay := layoutIndex(p.texels)
	set, err := b.set(lay)
	if err != nil {
		return err
	}
	var views []bufferView
	if p.texels != NoTexels {
		for _, r := range bufs[:2] {
			v, err := r.Buf.view(r.Offset, p.texels)
			if err != nil {
				return err
			}
			views = append(views, v)
		}
	}
	writeSet(b.d.inst.fns, b.d.h, set, bufs, views)
	vk.CmdBindPipeline(b.cmd, vk.PipelineBindPointCompute, p.h)
	vk.CmdBindDescriptorSets(b.cmd, vk.PipelineBindPointCompute, b.d.pipeLay[lay], 0, 1, []vk.DescriptorSet{set}, 0, nil)
	// Copied out first: push may point into a struct that holds Go pointers.
	var pc [MaxPushBytes]byte
	n := copy(pc[:], push)
	vk.CmdPushConstants(b.cmd, b.d.pipeLay[lay], vk.ShaderStageFlags(vk.ShaderStageComputeBit), 0, uint32(n), unsafe.Pointer(&pc[0]))
	b.work = true
	vk.CmdDispatch(b.cmd, gx, gy, gz)
	return nil
}

// set returns the batch's next descriptor set of layout lay, allocating
// one if needed.
func (b *Batch) set(lay int) (vk.DescriptorSet, error) {
	if b.nsets[lay] < len(b.sets[lay]) {
		b.nsets[lay]++
		return b.sets[lay][b.nsets[lay]-1], nil
	}
	s, err := b.d.allocSet(lay)
	if err != nil {
		return nil, err
	}
	b.sets[lay] = append(b.sets[lay], s)
	b.nsets[lay]++
	return s, nil
}

const setsPerPool = 256

func (d *Device) allocSet(lay int) (vk.DescriptorSet, error) {
	if n := len(d.descPool); n > 0 {
		var s vk.DescriptorSet
		r := vk.AllocateDescriptorSets(d.h, d.setInfo(d.descPool[n-1], lay), &s)
		if r == vk.Success {
			return s, nil
		}
		if r != vk.ErrorOutOfPoolMemory && r != vk.ErrorFragmentedPool {
			return nil, d.check(r, "vkAllocateDescriptorSets")
		}
	}
	sizes := []vk.DescriptorPoolSize{{Type: vk.DescriptorTypeStorageBuffer, DescriptorCount: setsPerPool * Bindings}}
	if d.layouts() > 1 { // sets of either layout come from the same pools
		sizes = append(sizes, vk.DescriptorPoolSize{Type: vk.DescriptorTypeUniformTexelBuffer, DescriptorCount: setsPerPool * 2})
	}
	pinfo := &vk.DescriptorPoolCreateInfo{
		SType:         vk.StructureTypeDescriptorPoolCreateInfo,
		MaxSets:       setsPerPool,
		PoolSizeCount: uint32(len(sizes)),
		PPoolSizes:    sizes,
	}
	var pool vk.DescriptorPool
	r := vk.CreateDescriptorPool(d.h, pinfo, nil, &pool)
	pinfo.Free()
	for i := range sizes {
		sizes[i].Free()
	}
	if err := d.check(r, "vkCreateDescriptorPool"); err != nil {
		return nil, err
	}
	d.descPool = append(d.descPool, pool)
	var s vk.DescriptorSet
	if err := d.check(vk.AllocateDescriptorSets(d.h, d.setInfo(pool, lay), &s), "vkAllocateDescriptorSets"); err != nil {
		return nil, err
	}
	return s, nil
}

// setInfo builds a fresh allocate-info: the binding caches stale C copies.
func (d *Device) setInfo(pool vk.DescriptorPool, lay int) *vk.DescriptorSetAllocateInfo {
	return &vk.DescriptorSetAllocateInfo{
		SType:              vk.StructureTypeDescriptorSetAllocateInfo,
		DescriptorPool:     pool,
		DescriptorSetCount: 1,
		PSetLayouts:        []vk.DescriptorSetLayout{d.setLay[lay]},
	}
}

// Submit ends recording and submits the batch. From then on the batch
// is in flight until Wait or Finish collects it, and Drain and Destroy wait
// for its fence.
func (b *Batch) Submit() error {
	d := b.d
	if b.state != recording {
		return errors.New("vk: batch submitted twice")
	}
	if err := d.check(vk.EndCommandBuffer(b.cmd), "vkEndCommandBuffer"); err != nil {
		return err
	}
	if b.up.open {
		if err := b.submitSplit(); err != nil {
			return err
		}
	} else {
		if err := d.check(submit(d.inst.fns, d.queue, b.cmd, b.fence, nil, 0, nil), "vkQueueSubmit"); err != nil {
			return err
		}
		b.up.sent, b.work = false, true
		d.counts.QueueSubmits++
	}
	b.state = submitted
	d.inflight = append(d.inflight, b)
	d.counts.Submits++
	d.counts.MaxInFlight = max(d.counts.MaxInFlight, len(d.inflight))
	return nil
}

// fences are the fences of what the batch submitted: the main command
// buffer's and, where it was submitted, the upload's.
func (b *Batch) fences() []vk.Fence {
	var fs []vk.Fence
	if b.work {
		fs = append(fs, b.fence)
	}
	if b.up.sent {
		fs = append(fs, b.up.fence)
	}
	return fs
}

// Wait waits up to timeout for a submitted batch, then collects it as
// Finish does. After a timeout the batch stays in flight, untouched, and
// may be waited for again; ErrTimeout is returned.
func (b *Batch) Wait(timeout time.Duration) ([]float64, error) {
	d := b.d
	if b.state != submitted {
		return nil, errors.New("vk: waiting for a batch that is not in flight")
	}
	d.counts.Waits++
	fs := b.fences()
	r := vk.WaitForFences(d.h, uint32(len(fs)), fs, vk.True, uint64(timeout.Nanoseconds()))
	if r == vk.Timeout {
		return nil, fmt.Errorf("%w after %v (raise Config.Timeout for very large products)", ErrTimeout, timeout)
	}
	if err := d.check(r, "vkWaitForFences"); err != nil {
		b.retire() // a lost device signals nothing more; the batch is dead
		return nil, err
	}
	return b.Finish()
}

// Done reports, without waiting, whether a submitted batch's fence has
// signalled.
func (b *Batch) Done() (bool, error) {
	if b.state != submitted {
		return b.state == recycled, nil
	}
	for _, f := range b.fences() {
		r := vk.GetFenceStatus(b.d.h, f)
		if r == vk.NotReady {
			return false, nil
		}
		if err := b.d.check(r, "vkGetFenceStatus"); err != nil {
			b.retire()
			return true, err
		}
	}
	return true, nil
}

// Finish collects a batch whose fence has signalled (Done returned true):
// it returns the timestamps recorded, in nanoseconds, and recycles the batch.
func (b *Batch) Finish() ([]float64, error) {
	d := b.d
	if b.state != submitted {
		return nil, errors.New("vk: finishing a batch that is not in flight")
	}
	defer b.retire()
	if b.nq == 0 || !b.work {
		return nil, nil
	}
	raw := make([]uint64, b.nq)
	r := vk.GetQueryPoolResults(d.h, b.queries, 0, b.nq, uint(8*b.nq), unsafe.Pointer(&raw[0]), 8,
		vk.QueryResultFlags(vk.QueryResult64Bit|vk.QueryResultWaitBit))
	if err := d.check(r, "vkGetQueryPoolResults"); err != nil {
		return nil, err
	}
	bits := d.phys.Props.TimestampValidBits
	period := float64(d.phys.Props.TimestampPeriod)
	ts := make([]float64, b.nq)
	for i, v := range raw {
		if bits < 64 {
			v &= 1<<bits - 1
		}
		ts[i] = float64(v) * period
	}
	return ts, nil
}

// retire takes a batch out of flight and puts it on the free list.
func (b *Batch) retire() {
	d := b.d
	if i := slices.Index(d.inflight, b); i >= 0 {
		d.inflight = slices.Delete(d.inflight, i, i+1)
	}
	b.state = recycled
	d.free = append(d.free, b)
}

// Abandon gives up on a batch that was not submitted.
func (b *Batch) Abandon() {
	if b.state != recording {
		return
	}
	// Begin resets the command buffers, whatever state they were left in.
	b.up.open = false
	b.state = recycled
	b.d.free = append(b.d.free, b)
}

// Drain waits up to timeout for the fences of every batch in flight,
// without collecting them. It submits nothing and waits for nothing when no
// batch is in flight (vkQueueWaitIdle crashes RADV's null device). A lost
// device counts as drained: it will signal nothing more.
func (d *Device) Drain(timeout time.Duration) error {
	if len(d.inflight) == 0 || d.lost {
		return nil
	}
	var fences []vk.Fence
	for _, b := range d.inflight {
		fences = append(fences, b.fences()...)
	}
	d.counts.Waits++
	r := vk.WaitForFences(d.h, uint32(len(fences)), fences, vk.True, uint64(timeout.Nanoseconds()))
	if r == vk.Timeout {
		return fmt.Errorf("%w: %d command buffers still running after %v", ErrTimeout, len(fences), timeout)
	}
	if err := d.check(r, "vkWaitForFences"); err != nil && !d.lost {
		return err
	}
	return nil
}

// InFlight is the number of batches submitted and not yet collected.
func (d *Device) InFlight() int { return len(d.inflight) }

// Counts are the submissions and fence waits a device has made, for tests
// that show how many a call costs.
type Counts struct {
	// Submits counts batches; QueueSubmits the vkQueueSubmit calls they
	// took, Uploads those of upload parts (a batch whose uploads go on the
	// transfer queue takes two, one of them an upload).
	Submits, Waits        int
	QueueSubmits, Uploads int
	MaxInFlight           int // the most batches in flight at once
	Batches               int // command buffers ever created
}

// Counts returns the submissions and waits since the last ResetCounts.
func (d *Device) Counts() Counts {
	c := d.counts
	c.Batches = len(d.batches)
	return c
}

// ResetCounts starts the counts again from zero.
func (d *Device) ResetCounts() { d.counts = Counts{} }
