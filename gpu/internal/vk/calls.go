//go:build cgo && (linux || darwin || windows)

package vk

// Calls made here in C rather than through github.com/vulkan-go/vulkan.
// The binding converts slice arguments with helpers (unpackArgS...) that
// drop the C memory's owner and set a finalizer on it: a garbage
// collection during the call frees the create-infos while the driver reads
// them. It crashed vkCreateComputePipelines on SwiftShader (a pipeline
// compile takes milliseconds) about once in six test runs. Every call that
// takes a slice goes through here instead, with its structures on the C
// stack.

/*
#cgo CFLAGS: -DVK_NO_PROTOTYPES
#include <stdlib.h>
#include <string.h>
#include <vulkan/vulkan.h>

typedef struct {
	PFN_vkCreateShaderModule createShaderModule;
	PFN_vkDestroyShaderModule destroyShaderModule;
	PFN_vkCreateComputePipelines createComputePipelines;
	PFN_vkQueueSubmit queueSubmit;
	PFN_vkUpdateDescriptorSets updateDescriptorSets;
	PFN_vkCmdPipelineBarrier cmdPipelineBarrier;
	PFN_vkCmdCopyBuffer cmdCopyBuffer;
	PFN_vkGetPhysicalDeviceQueueFamilyProperties queueFamilies;
	PFN_vkCreatePipelineCache createPipelineCache;
	PFN_vkCreateBufferView createBufferView;
	PFN_vkDestroyBufferView destroyBufferView;
} vkgemm_fns;

// vkgemm_load_fns resolves the functions for one instance; NULL if any is missing.
static vkgemm_fns *vkgemm_load_fns(void *getProc, VkInstance inst) {
	PFN_vkGetInstanceProcAddr g = (PFN_vkGetInstanceProcAddr)getProc;
	vkgemm_fns *f = calloc(1, sizeof *f);
	if (!f) return NULL;
	f->createShaderModule = (PFN_vkCreateShaderModule)g(inst, "vkCreateShaderModule");
	f->destroyShaderModule = (PFN_vkDestroyShaderModule)g(inst, "vkDestroyShaderModule");
	f->createComputePipelines = (PFN_vkCreateComputePipelines)g(inst, "vkCreateComputePipelines");
	f->queueSubmit = (PFN_vkQueueSubmit)g(inst, "vkQueueSubmit");
	f->updateDescriptorSets = (PFN_vkUpdateDescriptorSets)g(inst, "vkUpdateDescriptorSets");
	f->cmdPipelineBarrier = (PFN_vkCmdPipelineBarrier)g(inst, "vkCmdPipelineBarrier");
	f->cmdCopyBuffer = (PFN_vkCmdCopyBuffer)g(inst, "vkCmdCopyBuffer");
	f->queueFamilies = (PFN_vkGetPhysicalDeviceQueueFamilyProperties)g(inst, "vkGetPhysicalDeviceQueueFamilyProperties");
	f->createPipelineCache = (PFN_vkCreatePipelineCache)g(inst, "vkCreatePipelineCache");
	f->createBufferView = (PFN_vkCreateBufferView)g(inst, "vkCreateBufferView");
	f->destroyBufferView = (PFN_vkDestroyBufferView)g(inst, "vkDestroyBufferView");
	if (!f->createBufferView || !f->destroyBufferView || !f->createPipelineCache ||!f->createShaderModule || !f->destroyShaderModule || !f->createComputePipelines || !f->queueSubmit ||
		!f->updateDescriptorSets || !f->cmdPipelineBarrier || !f->cmdCopyBuffer || !f->queueFamilies) {
		free(f);
		return NULL;
	}
	return f;
}

static void vkgemm_free_fns(vkgemm_fns *f) { free(f); }

// vkgemm_has_layer reports whether the loader offers an instance layer.
static int vkgemm_has_layer(void *getProc, const char *name) {
	PFN_vkEnumerateInstanceLayerProperties e =
		(PFN_vkEnumerateInstanceLayerProperties)((PFN_vkGetInstanceProcAddr)getProc)(NULL, "vkEnumerateInstanceLayerProperties");
	uint32_t n = 0;
	if (!e || e(&n, NULL) != VK_SUCCESS || n == 0) return 0;
	VkLayerProperties *props = calloc(n, sizeof *props);
	if (!props) return 0;
	int found = 0;
	if (e(&n, props) == VK_SUCCESS || n > 0) {
		for (uint32_t i = 0; i < n; i++) {
			if (strcmp(props[i].layerName, name) == 0) found = 1;
		}
	}
	free(props);
	return found;
}

// vkgemm_queue_families writes flags, queue count and timestamp bits of up to max families.
static uint32_t vkgemm_queue_families(vkgemm_fns *f, VkPhysicalDevice pd, uint32_t *flags, uint32_t *count, uint32_t *tsbits, uint32_t max) {
	uint32_t n = 0;
	f->queueFamilies(pd, &n, NULL);
	if (n > max) n = max;
	VkQueueFamilyProperties props[64];
	f->queueFamilies(pd, &n, props);
	for (uint32_t i = 0; i < n; i++) {
		flags[i] = props[i].queueFlags;
		count[i] = props[i].queueCount;
		tsbits[i] = props[i].timestampValidBits;
	}
	return n;
}

// vkgemm_pipeline builds a compute pipeline from SPIR-V with 32-bit
// specialization constants.
static VkResult vkgemm_pipeline(vkgemm_fns *f, VkDevice dev, VkPipelineCache cache, VkPipelineLayout layout,
		const uint32_t *code, size_t codeSize, const uint32_t *specIDs, const uint32_t *specVals, uint32_t nspec,
		VkPipelineCreateFlags flags, VkPipelineShaderStageCreateFlags stageFlags, VkPipeline *out) {
	VkShaderModuleCreateInfo mi = { VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO };
	mi.codeSize = codeSize;
	mi.pCode = code;
	VkShaderModule mod;
	VkResult r = f->createShaderModule(dev, &mi, NULL, &mod);
	if (r != VK_SUCCESS) return r;
	VkSpecializationMapEntry entries[16];
	if (nspec > 16) nspec = 16;
	for (uint32_t i = 0; i < nspec; i++) {
		entries[i].constantID = specIDs[i];
		entries[i].offset = 4 * i;
		entries[i].size = 4;
	}
	VkSpecializationInfo si = { nspec, entries, 4 * (size_t)nspec, specVals };
	VkComputePipelineCreateInfo ci = { VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO };
	ci.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
	ci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
	ci.stage.flags = stageFlags;
	ci.stage.module = mod;
	ci.stage.pName = "main";
	ci.stage.pSpecializationInfo = &si;
	ci.layout = layout;
	ci.flags = flags;
	r = f->createComputePipelines(dev, cache, 1, &ci, NULL, out);
	f->destroyShaderModule(dev, mod, NULL);
	return r;
}

static VkResult vkgemm_pipeline_cache(vkgemm_fns *f, VkDevice dev, const void *data, size_t size, VkPipelineCache *out) {
	VkPipelineCacheCreateInfo ci = { VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO };
	ci.initialDataSize = size;
	ci.pInitialData = data;
	return f->createPipelineCache(dev, &ci, NULL, out);
}

// vkgemm_submit submits one command buffer that, where wait is not null,
// waits for it at the stages waitStages and, where signal is not null,
// signals it.
static VkResult vkgemm_submit(vkgemm_fns *f, VkQueue q, VkCommandBuffer cmd, VkFence fence,
		VkSemaphore wait, VkPipelineStageFlags waitStages, VkSemaphore signal) {
	VkSubmitInfo si = { VK_STRUCTURE_TYPE_SUBMIT_INFO };
	si.commandBufferCount = 1;
	si.pCommandBuffers = &cmd;
	if (wait != VK_NULL_HANDLE) {
		si.waitSemaphoreCount = 1;
		si.pWaitSemaphores = &wait;
		si.pWaitDstStageMask = &waitStages;
	}
	if (signal != VK_NULL_HANDLE) {
		si.signalSemaphoreCount = 1;
		si.pSignalSemaphores = &signal;
	}
	return f->queueSubmit(q, 1, &si, fence);
}

// vkgemm_write_set writes the three storage buffers (bindings 0-2) and,
// where v0 and v1 are not null, the two uniform texel buffers (3 and 4).
static void vkgemm_write_set(vkgemm_fns *f, VkDevice dev, VkDescriptorSet set,
		VkBuffer b0, uint64_t o0, uint64_t r0, VkBuffer b1, uint64_t o1, uint64_t r1, VkBuffer b2, uint64_t o2, uint64_t r2,
		VkBufferView v0, VkBufferView v1) {
	VkDescriptorBufferInfo info[3] = { { b0, o0, r0 }, { b1, o1, r1 }, { b2, o2, r2 } };
	VkBufferView views[2] = { v0, v1 };
	VkWriteDescriptorSet w[5];
	memset(w, 0, sizeof w);
	uint32_t n = (v0 != VK_NULL_HANDLE && v1 != VK_NULL_HANDLE) ? 5 : 3;
	for (uint32_t i = 0; i < n; i++) {
		w[i].sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
		w[i].dstSet = set;
		w[i].dstBinding = i;
		w[i].descriptorCount = 1;
		if (i < 3) {
			w[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
			w[i].pBufferInfo = &info[i];
		} else {
			w[i].descriptorType = VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER;
			w[i].pTexelBufferView = &views[i - 3];
		}
	}
	f->updateDescriptorSets(dev, n, w, 0, NULL);
}

// vkgemm_create_view makes a view of a buffer range as vec4 (or uvec4) texels.
static VkResult vkgemm_create_view(vkgemm_fns *f, VkDevice dev, VkBuffer b, uint64_t off, uint64_t size, int uint_texels, VkBufferView *out) {
	VkBufferViewCreateInfo ci = { VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO };
	ci.buffer = b;
	ci.format = uint_texels ? VK_FORMAT_R32G32B32A32_UINT : VK_FORMAT_R32G32B32A32_SFLOAT;
	ci.offset = off;
	ci.range = size;
	return f->createBufferView(dev, &ci, NULL, out);
}

static void vkgemm_destroy_view(vkgemm_fns *f, VkDevice dev, VkBufferView v) { f->destroyBufferView(dev, v, NULL); }

static void vkgemm_barrier(vkgemm_fns *f, VkCommandBuffer cmd, uint32_t stages, uint32_t src, uint32_t dst) {
	VkMemoryBarrier b = { VK_STRUCTURE_TYPE_MEMORY_BARRIER };
	b.srcAccessMask = src;
	b.dstAccessMask = dst;
	f->cmdPipelineBarrier(cmd, stages, stages, 0, 1, &b, 0, NULL, 0, NULL);
}

static void vkgemm_copy(vkgemm_fns *f, VkCommandBuffer cmd, VkBuffer src, VkBuffer dst, uint64_t so, uint64_t dof, uint64_t size) {
	VkBufferCopy c = { so, dof, size };
	f->cmdCopyBuffer(cmd, src, dst, 1, &c);
}
*/
import "C"

import (
	"fmt"
	"unsafe"

	vk "github.com/vulkan-go/vulkan"
)

// fns holds the functions called from C for one instance.
type fns = C.vkgemm_fns

func loadFns(inst vk.Instance) (*fns, error) {
	f := C.vkgemm_load_fns(getProc, C.VkInstance(unsafe.Pointer(inst)))
	if f == nil {
		return nil, fmt.Errorf("%w: the Vulkan loader lacks core 1.0 functions", ErrUnsupported)
	}
	return f, nil
}

func freeFns(f *fns) { C.vkgemm_free_fns(f) }

func hasLayer(name string) bool {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	return C.vkgemm_has_layer(getProc, cname) != 0
}

type queueFamily struct {
	flags, count, timestampBits uint32
}

func queueFamilies(f *fns, pd vk.PhysicalDevice) []queueFamily {
	var flags, count, ts [64]C.uint32_t
	n := C.vkgemm_queue_families(f, C.VkPhysicalDevice(unsafe.Pointer(pd)), &flags[0], &count[0], &ts[0], 64)
	out := make([]queueFamily, n)
	for i := range out {
		out[i] = queueFamily{uint32(flags[i]), uint32(count[i]), uint32(ts[i])}
	}
	return out
}

func createPipeline(f *fns, dev vk.Device, cache vk.PipelineCache, layout vk.PipelineLayout, code []uint32, ids, vals []uint32, flags, stageFlags uint32) (vk.Pipeline, vk.Result) {
	var p C.VkPipeline
	var idp, valp *C.uint32_t
	if len(ids) > 0 {
		idp, valp = (*C.uint32_t)(&ids[0]), (*C.uint32_t)(&vals[0])
	}
	r := C.vkgemm_pipeline(f, C.VkDevice(unsafe.Pointer(dev)), C.VkPipelineCache(unsafe.Pointer(cache)), C.VkPipelineLayout(unsafe.Pointer(layout)),
		(*C.uint32_t)(&code[0]), C.size_t(4*len(code)), idp, valp, C.uint32_t(len(ids)), C.VkPipelineCreateFlags(flags), C.VkPipelineShaderStageCreateFlags(stageFlags), &p)
	return vk.Pipeline(unsafe.Pointer(p)), vk.Result(r)
}

func createPipelineCache(f *fns, dev vk.Device, data []byte) (vk.PipelineCache, vk.Result) {
	var c C.VkPipelineCache
	var p unsafe.Pointer
	if len(data) > 0 {
		p = unsafe.Pointer(&data[0])
	}
	r := C.vkgemm_pipeline_cache(f, C.VkDevice(unsafe.Pointer(dev)), p, C.size_t(len(data)), &c)
	return vk.PipelineCache(unsafe.Pointer(c)), vk.Result(r)
}

// submit submits cmd to q with fence; wait (at stages waitStages) and
// signal are semaphores, or nil for none.
func submit(f *fns, q vk.Queue, cmd vk.CommandBuffer, fence vk.Fence, wait vk.Semaphore, waitStages uint32, signal vk.Semaphore) vk.Result {
	return vk.Result(C.vkgemm_submit(f, C.VkQueue(unsafe.Pointer(q)), C.VkCommandBuffer(unsafe.Pointer(cmd)), C.VkFence(unsafe.Pointer(fence)),
		C.VkSemaphore(unsafe.Pointer(wait)), C.VkPipelineStageFlags(waitStages), C.VkSemaphore(unsafe.Pointer(signal))))
}

func cbuf(b *Buffer) C.VkBuffer { return C.VkBuffer(unsafe.Pointer(b.h)) }

// bufferView is a VkBufferView, kept as C's handle type.
type bufferView = C.VkBufferView

// writeSet writes the storage buffers and, where views are given, the
// texel buffers of a descriptor set.
func writeSet(f *fns, dev vk.Device, set vk.DescriptorSet, r [Bindings]Range, views []bufferView) {
	var v0, v1 C.VkBufferView
	if len(views) == 2 {
		v0, v1 = views[0], views[1]
	}
	C.vkgemm_write_set(f, C.VkDevice(unsafe.Pointer(dev)), C.VkDescriptorSet(unsafe.Pointer(set)),
		cbuf(r[0].Buf), C.uint64_t(r[0].Offset), C.uint64_t(r[0].Size),
		cbuf(r[1].Buf), C.uint64_t(r[1].Offset), C.uint64_t(r[1].Size),
		cbuf(r[2].Buf), C.uint64_t(r[2].Offset), C.uint64_t(r[2].Size), v0, v1)
}

func createView(f *fns, dev vk.Device, r Range, uintTexels bool) (bufferView, vk.Result) {
	var v C.VkBufferView
	u := C.int(0)
	if uintTexels {
		u = 1
	}
	res := C.vkgemm_create_view(f, C.VkDevice(unsafe.Pointer(dev)), cbuf(r.Buf), C.uint64_t(r.Offset), C.uint64_t(r.Size), u, &v)
	return v, vk.Result(res)
}

func destroyView(f *fns, dev vk.Device, v bufferView) {
	C.vkgemm_destroy_view(f, C.VkDevice(unsafe.Pointer(dev)), v)
}

func barrier(f *fns, cmd vk.CommandBuffer, stages, src, dst uint32) {
	C.vkgemm_barrier(f, C.VkCommandBuffer(unsafe.Pointer(cmd)), C.uint32_t(stages), C.uint32_t(src), C.uint32_t(dst))
}

func copyBuffer(f *fns, cmd vk.CommandBuffer, src, dst *Buffer, srcOff, dstOff, size int64) {
	C.vkgemm_copy(f, C.VkCommandBuffer(unsafe.Pointer(cmd)), cbuf(src), cbuf(dst), C.uint64_t(srcOff), C.uint64_t(dstOff), C.uint64_t(size))
}

// check turns a Vulkan result into an error naming the call (CheckResult).
func check(r vk.Result, call string) error { return CheckResult(int32(r), call) }
