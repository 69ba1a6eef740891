package vk

import (
	"errors"
	"fmt"
	"time"
	"unsafe"

	vk "github.com/vulkan-go/vulkan"
)

// Bindings is the number of storage buffers every kernel binds (A, B, C).
// Kernels that read texels also bind A and B as uniform texel buffers
// (bindings 3 and 4); see NewPipeline.
const Bindings = 3

// Device is an open logical device with one compute queue and the objects
// every GEMM dispatch shares: a command pool, the descriptor set layout of
// three storage buffers, and a pipeline layout with one push-constant range.
type Device struct {
	inst     *Instance
	phys     PhysicalDevice
	h        vk.Device
	queue    vk.Queue
	cmdPool  vk.CommandPool
	setLay   [2]vk.DescriptorSetLayout // see layouts
	pipeLay  [2]vk.PipelineLayout
	descPool []vk.DescriptorPool
	cache    vk.PipelineCache
	pushSize uint32
	free     []*Batch // batches ready for reuse
	batches  []*Batch // every batch, destroyed with the device
	lost     bool
}

// NewDevice opens pd with one queue of its compute family. pushSize is the
// size of the kernels' push-constant block. cacheData, if it has a header
// written by this very device and driver, seeds the pipeline cache; other
// data is ignored.
func NewDevice(in *Instance, pd PhysicalDevice, pushSize uint32, cacheData []byte) (*Device, error) {
	fam := pd.Props.ComputeQueueFamily
	if !pd.Props.HasComputeQueue() {
		return nil, fmt.Errorf("%w: %s has no compute queue", ErrUnsupported, pd.Props.Name)
	}
	qinfo := []vk.DeviceQueueCreateInfo{{
		SType:            vk.StructureTypeDeviceQueueCreateInfo,
		QueueFamilyIndex: fam,
		QueueCount:       1,
		PQueuePriorities: []float32{1},
	}}
	info := &vk.DeviceCreateInfo{
		SType:                vk.StructureTypeDeviceCreateInfo,
		QueueCreateInfoCount: 1,
		PQueueCreateInfos:    qinfo,
	}
	var h vk.Device
	r := vk.CreateDevice(pd.h, info, nil, &h)
	info.Free()
	qinfo[0].Free()
	if err := check(r, "vkCreateDevice"); err != nil {
		return nil, err
	}
	d := &Device{inst: in, phys: pd, h: h, pushSize: pushSize}
	if !CacheDataFits(&pd.Props, cacheData) {
		cacheData = nil
	}
	if err := d.init(fam, cacheData); err != nil {
		d.Destroy()
		return nil, err
	}
	return d, nil
}

func (d *Device) init(fam uint32, cacheData []byte) error {
	// Handles are written into locals: the binding refuses pointers into
	// structs that hold Go pointers.
	var queue vk.Queue
	vk.GetDeviceQueue(d.h, fam, 0, &queue)
	d.queue = queue

	pinfo := &vk.CommandPoolCreateInfo{
		SType:            vk.StructureTypeCommandPoolCreateInfo,
		Flags:            vk.CommandPoolCreateFlags(vk.CommandPoolCreateResetCommandBufferBit),
		QueueFamilyIndex: fam,
	}
	var cmdPool vk.CommandPool
	r := vk.CreateCommandPool(d.h, pinfo, nil, &cmdPool)
	d.cmdPool = cmdPool
	pinfo.Free()
	if err := check(r, "vkCreateCommandPool"); err != nil {
		return err
	}

	for texels := range d.layouts() {
		if err := d.makeLayout(texels); err != nil {
			return err
		}
	}

	cache, r := createPipelineCache(d.inst.fns, d.h, cacheData)
	d.cache = cache
	return check(r, "vkCreatePipelineCache")
}

// layouts is how many descriptor-set layouts the device has: one for
// kernels that read storage buffers, and where the device has texel buffers
// one for kernels that read A and B through them. Kept apart so that a set
// bound for one kernel never holds the other's descriptors (lavapipe reads
// every descriptor of a bound set, and crashed on texel views that an
// earlier batch had destroyed).
func (d *Device) layouts() int {
	if d.phys.Props.TexelBuffers {
		return 2
	}
	return 1
}

// layoutIndex is the layout of a pipeline that reads texels or not.
func layoutIndex(texels bool) int {
	if texels {
		return 1
	}
	return 0
}

// makeLayout creates descriptor-set and pipeline layout number texels
// (0: three storage buffers; 1: the same plus two uniform texel buffers).
func (d *Device) makeLayout(texels int) error {
	binds := make([]vk.DescriptorSetLayoutBinding, Bindings+2*texels)
	for i := range binds {
		binds[i] = vk.DescriptorSetLayoutBinding{
			Binding:         uint32(i),
			DescriptorType:  vk.DescriptorTypeStorageBuffer,
			DescriptorCount: 1,
			StageFlags:      vk.ShaderStageFlags(vk.ShaderStageComputeBit),
		}
		if i >= Bindings {
			binds[i].DescriptorType = vk.DescriptorTypeUniformTexelBuffer
		}
	}
	linfo := &vk.DescriptorSetLayoutCreateInfo{
		SType:        vk.StructureTypeDescriptorSetLayoutCreateInfo,
		BindingCount: uint32(len(binds)),
		PBindings:    binds,
	}
	var setLay vk.DescriptorSetLayout
	r := vk.CreateDescriptorSetLayout(d.h, linfo, nil, &setLay)
	d.setLay[texels] = setLay
	linfo.Free()
	for i := range binds {
		binds[i].Free()
	}
	if err := check(r, "vkCreateDescriptorSetLayout"); err != nil {
		return err
	}

	ranges := []vk.PushConstantRange{{StageFlags: vk.ShaderStageFlags(vk.ShaderStageComputeBit), Size: d.pushSize}}
	plinfo := &vk.PipelineLayoutCreateInfo{
		SType:                  vk.StructureTypePipelineLayoutCreateInfo,
		SetLayoutCount:         1,
		PSetLayouts:            []vk.DescriptorSetLayout{setLay},
		PushConstantRangeCount: 1,
		PPushConstantRanges:    ranges,
	}
	var pipeLay vk.PipelineLayout
	r = vk.CreatePipelineLayout(d.h, plinfo, nil, &pipeLay)
	d.pipeLay[texels] = pipeLay
	plinfo.Free()
	ranges[0].Free()
	return check(r, "vkCreatePipelineLayout")
}

// Properties returns the properties of the device.
func (d *Device) Properties() *Properties { return &d.phys.Props }

// Messages returns the validation messages collected since the last call.
func (d *Device) Messages() error { return d.inst.Messages() }

// Destroy waits for the device to finish and destroys it and everything
// made from it that is still alive.
func (d *Device) Destroy() {
	if d.h == nil {
		return
	}
	vk.DeviceWaitIdle(d.h)
	for _, b := range d.batches {
		b.destroy()
	}
	d.free, d.batches = nil, nil
	for _, p := range d.descPool {
		vk.DestroyDescriptorPool(d.h, p, nil)
	}
	if d.cache != vk.NullPipelineCache {
		vk.DestroyPipelineCache(d.h, d.cache, nil)
	}
	for i := range d.pipeLay {
		if d.pipeLay[i] != vk.NullPipelineLayout {
			vk.DestroyPipelineLayout(d.h, d.pipeLay[i], nil)
		}
		if d.setLay[i] != vk.NullDescriptorSetLayout {
			vk.DestroyDescriptorSetLayout(d.h, d.setLay[i], nil)
		}
	}
	if d.cmdPool != vk.NullCommandPool {
		vk.DestroyCommandPool(d.h, d.cmdPool, nil)
	}
	vk.DestroyDevice(d.h, nil)
	d.h = nil
}

// SimulateLoss marks the device lost, as VK_ERROR_DEVICE_LOST does; no
// driver can be made to lose a device on demand, so tests use this.
func (d *Device) SimulateLoss() { d.lost = true }

// Lost reports whether the device has reported VK_ERROR_DEVICE_LOST.
func (d *Device) Lost() bool { return d.lost }

func (d *Device) check(r vk.Result, call string) error {
	err := check(r, call)
	if errors.Is(err, ErrDeviceLost) {
		d.lost = true
	}
	return err
}

// Pipeline is a compute pipeline of one kernel with its specialization.
type Pipeline struct {
	h vk.Pipeline
	d *Device
	// texels: the kernel reads its first two ranges as uniform texel buffers
	// of vec4 (bindings 3 and 4) instead of storage buffers (0 and 1).
	texels bool
}

// NewPipeline builds a compute pipeline from SPIR-V with specialization
// constants given as id -> 32-bit value (bools as 0 or 1). With texels the
// kernel reads A and B as uniform texel buffers (bindings 3 and 4, the same
// ranges as 0 and 1), which needs Properties().TexelBuffers.
func (d *Device) NewPipeline(spirv []byte, spec map[uint32]uint32, texels bool) (*Pipeline, error) {
	if texels && !d.phys.Props.TexelBuffers {
		return nil, fmt.Errorf("vkgemm: %w: %s has no vec4 texel buffers", ErrUnsupported, d.phys.Props.Name)
	}
	if len(spirv)%4 != 0 || len(spirv) == 0 {
		return nil, fmt.Errorf("vkgemm: SPIR-V of %d bytes is not a whole number of words", len(spirv))
	}
	code := make([]uint32, len(spirv)/4)
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&code[0])), len(spirv)), spirv)
	ids := make([]uint32, 0, len(spec))
	vals := make([]uint32, 0, len(spec))
	for id, v := range spec {
		ids, vals = append(ids, id), append(vals, v)
	}
	h, r := createPipeline(d.inst.fns, d.h, d.cache, d.pipeLay[layoutIndex(texels)], code, ids, vals)
	if err := d.check(r, "vkCreateComputePipelines"); err != nil {
		return nil, err
	}
	return &Pipeline{h: h, d: d, texels: texels}, nil
}

// Destroy destroys the pipeline.
func (p *Pipeline) Destroy() { vk.DestroyPipeline(p.d.h, p.h, nil) }

// Buffer is a storage buffer with its own memory. Mapped is non-nil when
// the memory is host-visible and was mapped (it stays mapped).
type Buffer struct {
	h      vk.Buffer
	mem    vk.DeviceMemory
	Size   int64
	Mapped []byte
	d      *Device
	views  map[int64]bufferView // texel views by offset; see view
}

// BufferKind says what a buffer is for.
type BufferKind int

const (
	// Storage buffers are bound to kernels; they are mapped where the
	// device-local memory is also host-visible (CPU drivers, integrated GPUs,
	// resizable BAR), unless noMap is set.
	Storage BufferKind = iota
	// Staging buffers are host-visible and used only for copies.
	Staging
)

// NewBuffer allocates a buffer of size bytes. With noMap a storage buffer
// is never mapped, as on a discrete GPU, so data must go through staging.
func (d *Device) NewBuffer(size int64, kind BufferKind, noMap bool) (*Buffer, error) {
	if size <= 0 {
		size = 4
	}
	if kind == Storage && d.phys.Props.TexelBuffers {
		size = (size + 15) &^ 15 // whole vec4 texels
	}
	usage := vk.BufferUsageTransferSrcBit | vk.BufferUsageTransferDstBit
	if kind == Storage {
		usage |= vk.BufferUsageStorageBufferBit
		if d.phys.Props.TexelBuffers {
			usage |= vk.BufferUsageUniformTexelBufferBit
		}
	}
	binfo := &vk.BufferCreateInfo{
		SType:       vk.StructureTypeBufferCreateInfo,
		Size:        vk.DeviceSize(size),
		Usage:       vk.BufferUsageFlags(usage),
		SharingMode: vk.SharingModeExclusive,
	}
	b := &Buffer{Size: size, d: d}
	var bh vk.Buffer
	r := vk.CreateBuffer(d.h, binfo, nil, &bh)
	b.h = bh
	binfo.Free()
	if err := d.check(r, "vkCreateBuffer"); err != nil {
		return nil, err
	}
	var req vk.MemoryRequirements
	vk.GetBufferMemoryRequirements(d.h, b.h, &req)
	req.Deref()
	ti, err := d.memoryType(req.MemoryTypeBits, kind)
	if err != nil {
		vk.DestroyBuffer(d.h, b.h, nil)
		return nil, err
	}
	mt := d.phys.Props.MemoryTypes[ti]
	if heap := d.phys.Props.Heaps[mt.Heap].Size; uint64(req.Size) > heap {
		vk.DestroyBuffer(d.h, b.h, nil)
		return nil, fmt.Errorf("%w: %d MiB requested, the memory heap holds %d MiB", ErrOutOfMemory, req.Size>>20, heap>>20)
	}
	if max := d.phys.Props.MaxAllocationSize; max > 0 && uint64(req.Size) > max {
		vk.DestroyBuffer(d.h, b.h, nil)
		return nil, fmt.Errorf("%w: %d MiB requested, the device allocates at most %d MiB at once", ErrOutOfMemory, req.Size>>20, max>>20)
	}
	ainfo := &vk.MemoryAllocateInfo{
		SType:           vk.StructureTypeMemoryAllocateInfo,
		AllocationSize:  req.Size,
		MemoryTypeIndex: uint32(ti),
	}
	var mem vk.DeviceMemory
	r = vk.AllocateMemory(d.h, ainfo, nil, &mem)
	b.mem = mem
	ainfo.Free()
	if err := d.check(r, "vkAllocateMemory"); err != nil {
		vk.DestroyBuffer(d.h, b.h, nil)
		return nil, err
	}
	if err := d.check(vk.BindBufferMemory(d.h, b.h, b.mem, 0), "vkBindBufferMemory"); err != nil {
		b.Destroy()
		return nil, err
	}
	if mt.HostVisible && mt.Coherent && !(kind == Storage && noMap) {
		var p unsafe.Pointer
		if err := d.check(vk.MapMemory(d.h, b.mem, 0, vk.DeviceSize(size), 0, &p), "vkMapMemory"); err != nil {
			b.Destroy()
			return nil, err
		}
		b.Mapped = unsafe.Slice((*byte)(p), size)
	}
	return b, nil
}

// memoryType picks a memory type: device-local for storage (host-visible
// too if there is such a type), host-visible and coherent for staging
// (cached if possible, since results are read back through it).
func (d *Device) memoryType(bits uint32, kind BufferKind) (int, error) {
	best, bestScore := -1, -1
	for i, t := range d.phys.Props.MemoryTypes {
		if bits&(1<<i) == 0 {
			continue
		}
		score := 0
		switch kind {
		case Storage:
			if t.DeviceLocal {
				score += 4
			}
			if t.HostVisible && t.Coherent {
				score++
			}
		case Staging:
			if !t.HostVisible || !t.Coherent {
				continue
			}
			if t.HostCached {
				score += 2
			}
			if !t.DeviceLocal {
				score++ // leave the scarce device-local host-visible memory alone
			}
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	if best < 0 {
		return 0, fmt.Errorf("%w: no memory type fits a buffer", ErrUnsupported)
	}
	return best, nil
}

// Destroy frees the buffer and its memory.
func (b *Buffer) Destroy() {
	for _, v := range b.views {
		destroyView(b.d.inst.fns, b.d.h, v)
	}
	b.views = nil
	if b.Mapped != nil {
		vk.UnmapMemory(b.d.h, b.mem)
		b.Mapped = nil
	}
	vk.DestroyBuffer(b.d.h, b.h, nil)
	vk.FreeMemory(b.d.h, b.mem, nil)
}

// view returns the buffer from offset on as vec4 texels, made on first use
// and kept until the buffer is destroyed: a view per dispatch cost lavapipe
// several microseconds. It spans the rest of the buffer, not just the range
// bound: kernels index within their range anyway.
func (b *Buffer) view(offset int64) (bufferView, error) {
	if v, ok := b.views[offset]; ok {
		return v, nil
	}
	props := &b.d.phys.Props
	if a := int64(props.TexelAlignment); a > 1 && offset%a != 0 {
		return nil, fmt.Errorf("vkgemm: texel view at offset %d, not a multiple of the device's %d", offset, a)
	}
	// Whole texels, at most the device's maximum (bound ranges are within
	// it where kernels read texels: gpu checks that storage ranges are).
	size := min((b.Size-offset)&^15, 16*int64(props.MaxTexelElements))
	v, res := createView(b.d.inst.fns, b.d.h, Range{Buf: b, Offset: offset, Size: size})
	if err := b.d.check(res, "vkCreateBufferView"); err != nil {
		return nil, err
	}
	if b.views == nil {
		b.views = map[int64]bufferView{}
	}
	b.views[offset] = v
	return v, nil
}

// Range is a part of a buffer bound to a kernel.
type Range struct {
	Buf          *Buffer
	Offset, Size int64
}

// Batch is one command buffer being recorded, submitted and waited for,
// with its fence, descriptor sets and timestamp queries. Batches are
// recycled after Wait.
type Batch struct {
	d       *Device
	cmd     vk.CommandBuffer
	fence   vk.Fence
	queries vk.QueryPool
	nq      uint32
	sets    [2][]vk.DescriptorSet // per layout
	nsets   [2]int
	done    bool
}

const maxTimestamps = 64

// Begin starts recording a batch.
func (d *Device) Begin() (*Batch, error) {
	if d.lost {
		return nil, fmt.Errorf("vkgemm: %w earlier; close the device and open it again", ErrDeviceLost)
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
	} else {
		var err error
		if b, err = d.newBatch(); err != nil {
			return nil, err
		}
		d.batches = append(d.batches, b)
	}
	b.nq, b.nsets, b.done = 0, [2]int{}, false
	binfo := &vk.CommandBufferBeginInfo{
		SType: vk.StructureTypeCommandBufferBeginInfo,
		Flags: vk.CommandBufferUsageFlags(vk.CommandBufferUsageOneTimeSubmitBit),
	}
	r := vk.BeginCommandBuffer(b.cmd, binfo)
	binfo.Free()
	if err := d.check(r, "vkBeginCommandBuffer"); err != nil {
		return nil, err
	}
	if b.queries != vk.NullQueryPool {
		vk.CmdResetQueryPool(b.cmd, b.queries, 0, maxTimestamps)
	}
	return b, nil
}

func (d *Device) newBatch() (*Batch, error) {
	b := &Batch{d: d}
	ainfo := &vk.CommandBufferAllocateInfo{
		SType:              vk.StructureTypeCommandBufferAllocateInfo,
		CommandPool:        d.cmdPool,
		Level:              vk.CommandBufferLevelPrimary,
		CommandBufferCount: 1,
	}
	cmds := make([]vk.CommandBuffer, 1)
	r := vk.AllocateCommandBuffers(d.h, ainfo, cmds)
	ainfo.Free()
	if err := d.check(r, "vkAllocateCommandBuffers"); err != nil {
		return nil, err
	}
	b.cmd = cmds[0]
	finfo := &vk.FenceCreateInfo{SType: vk.StructureTypeFenceCreateInfo}
	var fence vk.Fence
	r = vk.CreateFence(d.h, finfo, nil, &fence)
	b.fence = fence
	finfo.Free()
	if err := d.check(r, "vkCreateFence"); err != nil {
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
		r = vk.CreateQueryPool(d.h, qinfo, nil, &queries)
		b.queries = queries
		qinfo.Free()
		if err := d.check(r, "vkCreateQueryPool"); err != nil {
			b.destroy()
			return nil, err
		}
	}
	return b, nil
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
	// Descriptor sets go back with their pools when the device is destroyed.
}

// Copy records a buffer-to-buffer copy.
func (b *Batch) Copy(src, dst *Buffer, srcOff, dstOff, size int64) {
	if size <= 0 {
		return
	}
	copyBuffer(b.d.inst.fns, b.cmd, src, dst, srcOff, dstOff, size)
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
	vk.CmdWriteTimestamp(b.cmd, vk.PipelineStageBottomOfPipeBit, b.queries, b.nq)
	b.nq++
	return int(b.nq - 1)
}

// Dispatch records a dispatch of p over a grid of gx×gy workgroups with
// the three buffer ranges bound and push as the push constants.
func (b *Batch) Dispatch(p *Pipeline, bufs [Bindings]Range, push []byte, gx, gy uint32) error {
	lay := layoutIndex(p.texels)
	set, err := b.set(lay)
	if err != nil {
		return err
	}
	var views []bufferView
	if p.texels {
		for _, r := range bufs[:2] {
			v, err := r.Buf.view(r.Offset)
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
	var pc [128]byte
	n := copy(pc[:], push)
	vk.CmdPushConstants(b.cmd, b.d.pipeLay[lay], vk.ShaderStageFlags(vk.ShaderStageComputeBit), 0, uint32(n), unsafe.Pointer(&pc[0]))
	vk.CmdDispatch(b.cmd, gx, gy, 1)
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

// Submit ends recording and submits the batch.
func (b *Batch) Submit() error {
	d := b.d
	if err := d.check(vk.EndCommandBuffer(b.cmd), "vkEndCommandBuffer"); err != nil {
		return err
	}
	r := submit(d.inst.fns, d.queue, b.cmd, b.fence)
	return d.check(r, "vkQueueSubmit")
}

// Wait waits up to timeout for a submitted batch, returns the timestamps
// it recorded in nanoseconds, and recycles the batch. After a timeout the
// batch is abandoned (the device may still be using it) and ErrTimeout is
// returned.
func (b *Batch) Wait(timeout time.Duration) ([]float64, error) {
	d := b.d
	if b.done {
		return nil, errors.New("vkgemm: batch waited for twice")
	}
	b.done = true
	r := vk.WaitForFences(d.h, 1, []vk.Fence{b.fence}, vk.True, uint64(timeout.Nanoseconds()))
	if r == vk.Timeout {
		return nil, fmt.Errorf("%w after %v (raise Config.Timeout for very large products)", ErrTimeout, timeout)
	}
	if err := d.check(r, "vkWaitForFences"); err != nil {
		return nil, err
	}
	var ts []float64
	if b.nq > 0 {
		raw := make([]uint64, b.nq)
		r := vk.GetQueryPoolResults(d.h, b.queries, 0, b.nq, uint(8*b.nq), unsafe.Pointer(&raw[0]), 8,
			vk.QueryResultFlags(vk.QueryResult64Bit|vk.QueryResultWaitBit))
		if err := d.check(r, "vkGetQueryPoolResults"); err != nil {
			return nil, err
		}
		bits := d.phys.Props.TimestampValidBits
		period := float64(d.phys.Props.TimestampPeriod)
		ts = make([]float64, b.nq)
		for i, v := range raw {
			if bits < 64 {
				v &= 1<<bits - 1
			}
			ts[i] = float64(v) * period
		}
	}
	d.free = append(d.free, b)
	return ts, nil
}

// Abandon gives up on a batch that was not submitted.
func (b *Batch) Abandon() {
	if b.done {
		return
	}
	b.done = true
	// Begin resets the command buffer, whatever state it was left in.
	b.d.free = append(b.d.free, b)
}

// Idle waits until the queue has finished all submitted work.
func (d *Device) Idle() error {
	return d.check(vk.QueueWaitIdle(d.queue), "vkQueueWaitIdle")
}

// CacheDataFits checks the header of pipeline-cache data (Vulkan spec,
// "Pipeline Cache"): header version one, and the vendor, device and cache
// UUID of this device. Data from another device or driver is not passed to
// the driver at all.
func CacheDataFits(p *Properties, data []byte) bool {
	if len(data) < 32 {
		return false
	}
	le := func(b []byte) uint32 { return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24 }
	return le(data[0:]) >= 32 && int(le(data[0:])) <= len(data) && le(data[4:]) == 1 &&
		le(data[8:]) == p.VendorID && le(data[12:]) == p.DeviceID && string(data[16:32]) == string(p.PipelineCacheUUID[:])
}

// PipelineCacheData returns the pipeline cache's contents, to be saved and
// passed to NewDevice next time.
func (d *Device) PipelineCacheData() ([]byte, error) {
	var n uint
	if err := d.check(vk.GetPipelineCacheData(d.h, d.cache, &n, nil), "vkGetPipelineCacheData"); err != nil || n == 0 {
		return nil, err
	}
	buf := make([]byte, n)
	r := vk.GetPipelineCacheData(d.h, d.cache, &n, unsafe.Pointer(&buf[0]))
	if r != vk.Success && r != vk.Incomplete {
		return nil, d.check(r, "vkGetPipelineCacheData")
	}
	return buf[:n], nil
}
