//go:build cgo && (linux || darwin || windows)

package vk

import (
	"errors"
	"fmt"
	"slices"
	"time"

	vk "github.com/vulkan-go/vulkan"
)

// Device is an open logical device with one compute queue and the objects
// every GEMM dispatch shares: a command pool, the descriptor set layout of
// three storage buffers, and a pipeline layout with one push-constant range.
// Where its QueuePlan splits uploads off, it also has the queue (and, on
// another family, the command pool) they go to (transfer.go).
type Device struct {
	inst     *Instance
	phys     PhysicalDevice
	h        vk.Device
	queue    vk.Queue
	cmdPool  vk.CommandPool
	queues   QueuePlan
	xfer     vk.Queue                  // the uploads' queue where queues.Split()
	xferPool vk.CommandPool            // its command pool: cmdPool unless Dedicated
	setLay   [2]vk.DescriptorSetLayout // see layouts
	pipeLay  [2]vk.PipelineLayout
	descPool []vk.DescriptorPool
	cache    vk.PipelineCache
	pushSize uint32
	free     []*Batch // batches ready for reuse
	batches  []*Batch // every batch, destroyed with the device
	inflight []*Batch // submitted and not yet collected, in submission order
	counts   Counts
	lost     bool
	// Memory: bytes allocated per heap, and whether VK_EXT_memory_budget
	// is enabled (budget.go).
	used      []int64
	budgetExt bool
	failAlloc int  // allocations to fail, for tests (SimulateOutOfMemory)
	stats     bool // VK_KHR_pipeline_executable_properties is enabled (see stats.go)
	capture   bool // pipelines are created capturing statistics
}

// NewDevice opens pd with one queue of its compute family and, as transfer
// says, a queue for the staging uploads (see TransferMode). pushSize is the
// size of the kernels' push-constant block. cacheData, if it has a header
// written by this very device and driver, seeds the pipeline cache; other
// data is ignored.
func NewDevice(in *Instance, pd PhysicalDevice, pushSize uint32, cacheData []byte, transfer TransferMode) (*Device, error) {
	fam := pd.Props.ComputeQueueFamily
	if !pd.Props.HasComputeQueue() {
		return nil, fmt.Errorf("%w: %s has no compute queue", ErrUnsupported, pd.Props.Name)
	}
	queues, err := PlanQueues(pd.Props.QueueFamilies, transfer)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", pd.Props.Name, err)
	}
	qinfo := queueInfos(queues)
	exts := DeviceExtensions(pd.extensions(in))
	statsExts, features := statsExtension(in, pd)
	defer features.free()
	names := append(nulTerminated(exts), statsExts...)
	pNext := features.p
	if pd.Props.IntegerDot {
		dot := enableIntDot(pNext)
		defer dot.free()
		if dot.p != nil {
			pNext = dot.p
			names = append(names, nulTerminated([]string{intDotExtension})...)
		}
	}
	if len(pd.Props.CoopMatrices) > 0 {
		bf16 := hasBF16(pd.Props.CoopMatrices)
		coop := enableCoop(pNext, bf16)
		defer coop.free()
		pNext = coop.p
		names = append(names, nulTerminated(coopExtensions)...)
		if bf16 {
			names = append(names, nulTerminated([]string{bf16Extension})...)
		}
	}
	info := &vk.DeviceCreateInfo{
		SType:                   vk.StructureTypeDeviceCreateInfo,
		PNext:                   pNext,
		QueueCreateInfoCount:    uint32(len(qinfo)),
		PQueueCreateInfos:       qinfo,
		EnabledExtensionCount:   uint32(len(names)),
		PpEnabledExtensionNames: names,
	}
	if pd.Props.ShaderFloat64 {
		// The float64 kernels (Dgemm) need it.
		info.PEnabledFeatures = []vk.PhysicalDeviceFeatures{{ShaderFloat64: vk.True}}
	}
	var h vk.Device
	r := vk.CreateDevice(pd.h, info, nil, &h)
	info.Free()
	for i := range qinfo {
		qinfo[i].Free()
	}
	if err := check(r, "vkCreateDevice"); err != nil {
		return nil, err
	}
	d := &Device{inst: in, phys: pd, h: h, pushSize: pushSize, queues: queues,
		budgetExt: slices.Contains(exts, extMemoryBudget), stats: len(statsExts) > 0}
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

	var err error
	if d.cmdPool, err = d.newCommandPool(fam); err != nil {
		return err
	}
	if err := d.initTransfer(); err != nil {
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

// newCommandPool creates a pool of resettable command buffers for queue
// family fam.
func (d *Device) newCommandPool(fam uint32) (vk.CommandPool, error) {
	pinfo := &vk.CommandPoolCreateInfo{
		SType:            vk.StructureTypeCommandPoolCreateInfo,
		Flags:            vk.CommandPoolCreateFlags(vk.CommandPoolCreateResetCommandBufferBit),
		QueueFamilyIndex: fam,
	}
	var pool vk.CommandPool
	r := vk.CreateCommandPool(d.h, pinfo, nil, &pool)
	pinfo.Free()
	return pool, d.check(r, "vkCreateCommandPool")
}

// layouts is how many descriptor-set layouts the device has: one for
// kernels that read storage buffers, and where the device has texel buffers
// one for kernels that read A and B through them. Kept apart so that a set
// bound for one kernel never holds the other's descriptors (lavapipe reads
// every descriptor of a bound set, and crashed on texel views that an
// earlier batch had destroyed).
func (d *Device) layouts() int {
	if d.phys.Props.TexelBuffers || d.phys.Props.UintTexelBuffers {
		return 2
	}
	return 1
}

// layoutIndex is the layout of a pipeline that reads texels or not (the
// descriptor type is the same for every texel format).
func layoutIndex(texels Texels) int {
	if texels != NoTexels {
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

// destroyWait bounds Destroy's wait for batches still in flight.
const destroyWait = 10 * time.Minute

// Destroy waits for the batches in flight and destroys the device and
// everything made from it that is still alive. Where they do not finish
// within destroyWait the device is left alive rather than destroyed under
// the driver's feet: call Drain first to choose the wait and see the error.
func (d *Device) Destroy() {
	if d.h == nil {
		return
	}
	if d.Drain(destroyWait) != nil {
		return
	}
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
	d.destroyTransfer()
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

// nulTerminated appends the NUL the binding's string slices need.
func nulTerminated(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = n + "\x00"
	}
	return out
}
