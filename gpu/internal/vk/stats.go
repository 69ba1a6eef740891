package vk

// The driver compiler's statistics of a pipeline (registers, spills,
// scratch, shared memory, occupancy), through
// VK_KHR_pipeline_executable_properties: enabled at device creation where
// the driver offers it (RADV, NVIDIA, Intel's ANV do; lavapipe and
// SwiftShader do not), and read from pipelines created with
// VK_PIPELINE_CREATE_CAPTURE_STATISTICS_BIT_KHR after CaptureStatistics.

/*
#cgo CFLAGS: -DVK_NO_PROTOTYPES
#include <stdlib.h>
#include <string.h>
#include <vulkan/vulkan.h>

static int vkgemm_has_device_ext(void *getProc, VkInstance inst, VkPhysicalDevice pd, const char *name) {
	PFN_vkEnumerateDeviceExtensionProperties e = (PFN_vkEnumerateDeviceExtensionProperties)
		((PFN_vkGetInstanceProcAddr)getProc)(inst, "vkEnumerateDeviceExtensionProperties");
	uint32_t n = 0;
	if (!e || e(pd, NULL, &n, NULL) != VK_SUCCESS || n == 0) return 0;
	VkExtensionProperties *props = calloc(n, sizeof *props);
	if (!props) return 0;
	int found = 0;
	if (e(pd, NULL, &n, props) >= 0) {
		for (uint32_t i = 0; i < n; i++) {
			if (strcmp(props[i].extensionName, name) == 0) found = 1;
		}
	}
	free(props);
	return found;
}

// The feature struct chained into VkDeviceCreateInfo; C memory, since the
// binding copies pNext into C as a raw pointer.
static void *vkgemm_exec_features(void) {
	VkPhysicalDevicePipelineExecutablePropertiesFeaturesKHR *f = calloc(1, sizeof *f);
	if (!f) return NULL;
	f->sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PIPELINE_EXECUTABLE_PROPERTIES_FEATURES_KHR;
	f->pipelineExecutableInfo = VK_TRUE;
	return f;
}

typedef struct {
	char name[VK_MAX_DESCRIPTION_SIZE];
	double value;
} vkgemm_stat;

// vkgemm_exec_stats writes up to max statistics of executable index of a
// pipeline into out, with the executable's subgroup size; returns how many,
// or -1 when the calls are missing or fail.
static int vkgemm_exec_stats(void *getProc, VkInstance inst, VkDevice dev, VkPipeline pipe,
		uint32_t index, vkgemm_stat *out, int max, uint32_t *subgroup, uint32_t *executables) {
	PFN_vkGetDeviceProcAddr gdpa = (PFN_vkGetDeviceProcAddr)((PFN_vkGetInstanceProcAddr)getProc)(inst, "vkGetDeviceProcAddr");
	if (!gdpa) return -1;
	PFN_vkGetPipelineExecutablePropertiesKHR props = (PFN_vkGetPipelineExecutablePropertiesKHR)gdpa(dev, "vkGetPipelineExecutablePropertiesKHR");
	PFN_vkGetPipelineExecutableStatisticsKHR stats = (PFN_vkGetPipelineExecutableStatisticsKHR)gdpa(dev, "vkGetPipelineExecutableStatisticsKHR");
	if (!props || !stats) return -1;
	VkPipelineInfoKHR pi = { VK_STRUCTURE_TYPE_PIPELINE_INFO_KHR };
	pi.pipeline = pipe;
	uint32_t n = 0;
	if (props(dev, &pi, &n, NULL) != VK_SUCCESS) return -1;
	*executables = n;
	if (index >= n) return 0;
	VkPipelineExecutablePropertiesKHR *ep = calloc(n, sizeof *ep);
	if (!ep) return -1;
	for (uint32_t i = 0; i < n; i++) ep[i].sType = VK_STRUCTURE_TYPE_PIPELINE_EXECUTABLE_PROPERTIES_KHR;
	if (props(dev, &pi, &n, ep) < 0) { free(ep); return -1; }
	*subgroup = ep[index].subgroupSize;
	free(ep);
	VkPipelineExecutableInfoKHR ei = { VK_STRUCTURE_TYPE_PIPELINE_EXECUTABLE_INFO_KHR };
	ei.pipeline = pipe;
	ei.executableIndex = index;
	uint32_t ns = 0;
	if (stats(dev, &ei, &ns, NULL) != VK_SUCCESS) return -1;
	VkPipelineExecutableStatisticKHR *st = calloc(ns ? ns : 1, sizeof *st);
	if (!st) return -1;
	for (uint32_t i = 0; i < ns; i++) st[i].sType = VK_STRUCTURE_TYPE_PIPELINE_EXECUTABLE_STATISTIC_KHR;
	if (stats(dev, &ei, &ns, st) < 0) { free(st); return -1; }
	int k = 0;
	for (uint32_t i = 0; i < ns && k < max; i++, k++) {
		memcpy(out[k].name, st[i].name, sizeof out[k].name);
		switch (st[i].format) {
		case VK_PIPELINE_EXECUTABLE_STATISTIC_FORMAT_BOOL32_KHR: out[k].value = st[i].value.b32; break;
		case VK_PIPELINE_EXECUTABLE_STATISTIC_FORMAT_INT64_KHR: out[k].value = (double)st[i].value.i64; break;
		case VK_PIPELINE_EXECUTABLE_STATISTIC_FORMAT_UINT64_KHR: out[k].value = (double)st[i].value.u64; break;
		default: out[k].value = st[i].value.f64;
		}
	}
	free(st);
	return k;
}

// vkgemm_exec_ir returns the internal representation i of executable 0 of
// a pipeline (the compiler's IR or disassembly, as text) in *name and a
// malloc'd *text, 0 when there is none at i, -1 when the calls fail.
static int vkgemm_exec_ir(void *getProc, VkInstance inst, VkDevice dev, VkPipeline pipe,
		uint32_t i, char *name, char **text) {
	PFN_vkGetDeviceProcAddr gdpa = (PFN_vkGetDeviceProcAddr)((PFN_vkGetInstanceProcAddr)getProc)(inst, "vkGetDeviceProcAddr");
	if (!gdpa) return -1;
	PFN_vkGetPipelineExecutableInternalRepresentationsKHR irs = (PFN_vkGetPipelineExecutableInternalRepresentationsKHR)
		gdpa(dev, "vkGetPipelineExecutableInternalRepresentationsKHR");
	if (!irs) return -1;
	VkPipelineExecutableInfoKHR ei = { VK_STRUCTURE_TYPE_PIPELINE_EXECUTABLE_INFO_KHR };
	ei.pipeline = pipe;
	ei.executableIndex = 0;
	uint32_t n = 0;
	if (irs(dev, &ei, &n, NULL) != VK_SUCCESS) return -1;
	if (i >= n) return 0;
	VkPipelineExecutableInternalRepresentationKHR *r = calloc(n, sizeof *r);
	if (!r) return -1;
	for (uint32_t j = 0; j < n; j++) r[j].sType = VK_STRUCTURE_TYPE_PIPELINE_EXECUTABLE_INTERNAL_REPRESENTATION_KHR;
	if (irs(dev, &ei, &n, r) < 0) { free(r); return -1; }
	size_t size = r[i].dataSize;
	for (uint32_t j = 0; j < n; j++) r[j].pData = NULL;
	r[i].pData = calloc(1, size + 1);
	if (!r[i].pData) { free(r); return -1; }
	if (irs(dev, &ei, &n, r) < 0) { free(r[i].pData); free(r); return -1; }
	memcpy(name, r[i].name, VK_MAX_DESCRIPTION_SIZE);
	if (!r[i].isText) ((char *)r[i].pData)[0] = 0;
	*text = r[i].pData;
	free(r);
	return 1;
}
*/
import "C"

import (
	"fmt"
	"unsafe"
)

const execPropsExtension = "VK_KHR_pipeline_executable_properties"

// cFeatures is a feature struct in C memory for VkDeviceCreateInfo.pNext.
type cFeatures struct{ p unsafe.Pointer }

func (f cFeatures) free() {
	if f.p != nil {
		C.free(f.p)
	}
}

// statsExtension is what NewDevice enables for compiler statistics: the
// extension and its feature where pd offers them, else nothing.
func statsExtension(in *Instance, pd PhysicalDevice) ([]string, cFeatures) {
	name := C.CString(execPropsExtension)
	defer C.free(unsafe.Pointer(name))
	if C.vkgemm_has_device_ext(getProc, C.VkInstance(unsafe.Pointer(in.h)), C.VkPhysicalDevice(unsafe.Pointer(pd.h)), name) == 0 {
		return nil, cFeatures{}
	}
	f := cFeatures{C.vkgemm_exec_features()}
	if f.p == nil {
		return nil, f
	}
	return []string{execPropsExtension + "\x00"}, f
}

// HasStatistics reports whether the driver reports compiler statistics.
func (d *Device) HasStatistics() bool { return d.stats }

// CaptureStatistics makes the pipelines created from now on keep their
// compiler statistics for Pipeline.Statistics. An error wrapping
// ErrUnsupported where the driver does not offer them.
func (d *Device) CaptureStatistics() error {
	if !d.stats {
		return fmt.Errorf("%w: %s (%s) does not offer %s, so its compiler's statistics (registers, spills, occupancy) cannot be read; RADV, NVIDIA and ANV offer it, lavapipe and SwiftShader do not",
			ErrUnsupported, d.phys.Props.Name, d.phys.Props.DriverName, execPropsExtension)
	}
	d.capture = true
	return nil
}

// pipelineFlags are the creation flags of every new pipeline.
func (d *Device) pipelineFlags() uint32 {
	if d.capture {
		return uint32(C.VK_PIPELINE_CREATE_CAPTURE_STATISTICS_BIT_KHR | C.VK_PIPELINE_CREATE_CAPTURE_INTERNAL_REPRESENTATIONS_BIT_KHR)
	}
	return 0
}

// Statistics is what the compiler reports about one executable (shader
// stage) of a pipeline, by the driver's names ("VGPRs", "Spilled SGPRs",
// "Scratch size", "Subgroups per SIMD", ...), with its subgroup size and
// its internal representations: the compiler's IR and disassembly as text,
// by the driver's names ("ACO IR", "Assembly", "NAK assembly", ...).
type Statistics struct {
	SubgroupSize    uint32
	Values          map[string]float64
	Names           []string // the driver's order
	Representations map[string]string
}

// Statistics returns the compiler's statistics of the pipeline's compute
// executable. The pipeline must have been created after CaptureStatistics.
func (p *Pipeline) Statistics() (*Statistics, error) {
	if !p.d.capture {
		return nil, fmt.Errorf("vk: %w: the pipeline was not created to capture statistics (Device.CaptureStatistics)", ErrUnsupported)
	}
	var out [64]C.vkgemm_stat
	var sub, execs C.uint32_t
	n := C.vkgemm_exec_stats(getProc, C.VkInstance(unsafe.Pointer(p.d.inst.h)), C.VkDevice(unsafe.Pointer(p.d.h)), C.VkPipeline(unsafe.Pointer(p.h)),
		0, &out[0], C.int(len(out)), &sub, &execs)
	if n < 0 {
		return nil, fmt.Errorf("vk: reading the pipeline's statistics failed on %s", p.d.phys.Props.Name)
	}
	if execs == 0 {
		return nil, fmt.Errorf("vk: %s reports no executables for the pipeline", p.d.phys.Props.Name)
	}
	s := &Statistics{SubgroupSize: uint32(sub), Values: map[string]float64{}}
	for i := range int(n) {
		name := C.GoString(&out[i].name[0])
		s.Names = append(s.Names, name)
		s.Values[name] = float64(out[i].value)
	}
	s.Representations = p.representations()
	return s, nil
}

// representations reads the pipeline's internal representations that are
// text; none where the driver keeps none.
func (p *Pipeline) representations() map[string]string {
	out := map[string]string{}
	var name [C.VK_MAX_DESCRIPTION_SIZE]C.char
	for i := C.uint32_t(0); i < 64; i++ {
		var text *C.char
		r := C.vkgemm_exec_ir(getProc, C.VkInstance(unsafe.Pointer(p.d.inst.h)), C.VkDevice(unsafe.Pointer(p.d.h)), C.VkPipeline(unsafe.Pointer(p.h)),
			i, &name[0], &text)
		if r <= 0 {
			break
		}
		if t := C.GoString(text); t != "" {
			out[C.GoString(&name[0])] = t
		}
		C.free(unsafe.Pointer(text))
	}
	return out
}
