//go:build cgo && (linux || darwin || windows)

package vk

// What github.com/vulkan-go/vulkan lacks, called through the loader's
// vkGetInstanceProcAddr with the system headers (libvulkan-dev):
// vkCreateInstance with the portability flag and a chained messenger,
// extension lists, vkGetPhysicalDeviceProperties2 with the subgroup, driver
// and maintenance3 properties, VK_EXT_memory_budget, and VK_EXT_debug_utils
// messengers whose messages are collected, per instance, for Go to drain.

/*
#cgo CFLAGS: -DVK_NO_PROTOTYPES
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vulkan/vulkan.h>

static PFN_vkGetInstanceProcAddr gipa(void *f) { return (PFN_vkGetInstanceProcAddr)f; }

typedef struct {
	uint32_t subgroupSize;
	uint32_t subgroupStages;
	uint32_t subgroupOps;
	uint32_t driverID;
	char driverName[VK_MAX_DRIVER_NAME_SIZE];
	char driverInfo[VK_MAX_DRIVER_INFO_SIZE];
	uint64_t maxMemoryAllocationSize;
	int haveDriver;
} vkgemm_props2;

static int vkgemm_properties2(void *getProc, VkInstance inst, VkPhysicalDevice pd, int driverProps, vkgemm_props2 *out) {
	PFN_vkGetPhysicalDeviceProperties2 f =
		(PFN_vkGetPhysicalDeviceProperties2)gipa(getProc)(inst, "vkGetPhysicalDeviceProperties2");
	if (!f) return 0;
	VkPhysicalDeviceDriverProperties drv = { VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES };
	VkPhysicalDeviceMaintenance3Properties m3 = { VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_3_PROPERTIES };
	VkPhysicalDeviceSubgroupProperties sg = { VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES };
	sg.pNext = &m3;
	if (driverProps) m3.pNext = &drv;
	VkPhysicalDeviceProperties2 p2 = { VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2 };
	p2.pNext = &sg;
	f(pd, &p2);
	out->subgroupSize = sg.subgroupSize;
	out->subgroupStages = sg.supportedStages;
	out->subgroupOps = sg.supportedOperations;
	out->maxMemoryAllocationSize = m3.maxMemoryAllocationSize;
	out->haveDriver = driverProps;
	if (driverProps) {
		out->driverID = drv.driverID;
		memcpy(out->driverName, drv.driverName, sizeof out->driverName);
		memcpy(out->driverInfo, drv.driverInfo, sizeof out->driverInfo);
	}
	return 1;
}

// Debug messages are kept in C memory, one buffer per instance, until Go
// drains them: the callback runs on whatever thread the driver calls from,
// so it must not call Go.
// A spin lock guards each buffer: messages are rare, and GCC's and Clang's
// atomic builtins work wherever cgo does (pthreads do not link on every
// MinGW).
typedef struct {
	char busy;
	char *msgs;
	size_t len, count;
} vkgemm_msgbuf;

static void vkgemm_lock(vkgemm_msgbuf *b) { while (__atomic_test_and_set(&b->busy, __ATOMIC_ACQUIRE)) {} }
static void vkgemm_unlock(vkgemm_msgbuf *b) { __atomic_clear(&b->busy, __ATOMIC_RELEASE); }

static vkgemm_msgbuf *vkgemm_msgbuf_new(void) { return calloc(1, sizeof(vkgemm_msgbuf)); }

static void vkgemm_msgbuf_free(vkgemm_msgbuf *b) {
	if (!b) return;
	free(b->msgs);
	free(b);
}

static VKAPI_ATTR VkBool32 VKAPI_CALL vkgemm_debug_cb(VkDebugUtilsMessageSeverityFlagBitsEXT sev,
		VkDebugUtilsMessageTypeFlagsEXT type, const VkDebugUtilsMessengerCallbackDataEXT *data, void *user) {
	(void)type;
	vkgemm_msgbuf *b = user;
	const char *msg = data && data->pMessage ? data->pMessage : "(no message)";
	const char *level = (sev & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) ? "error" : "warning";
	size_t add = strlen(level) + 2 + strlen(msg) + 1;
	vkgemm_lock(b);
	// Keep at most 1 MiB; later messages are counted but dropped.
	if (b->len + add < (1u << 20)) {
		char *grown = realloc(b->msgs, b->len + add + 1);
		if (grown) {
			b->msgs = grown;
			snprintf(b->msgs + b->len, add + 1, "%s: %s\n", level, msg);
			b->len += add;
		}
	}
	b->count++;
	vkgemm_unlock(b);
	return VK_FALSE;
}

// vkgemm_drain returns the messages collected so far (malloc'd, caller frees) and forgets them.
static char *vkgemm_drain(vkgemm_msgbuf *b, size_t *count) {
	vkgemm_lock(b);
	char *out = b->msgs;
	*count = b->count;
	b->msgs = NULL;
	b->len = 0;
	b->count = 0;
	vkgemm_unlock(b);
	return out;
}

static void vkgemm_messenger_info(VkDebugUtilsMessengerCreateInfoEXT *ci, vkgemm_msgbuf *b) {
	memset(ci, 0, sizeof *ci);
	ci->sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT;
	ci->messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
	ci->messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
		VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
	ci->pfnUserCallback = vkgemm_debug_cb;
	ci->pUserData = b;
}

static VkResult vkgemm_create_messenger(void *getProc, VkInstance inst, vkgemm_msgbuf *b, VkDebugUtilsMessengerEXT *out) {
	PFN_vkCreateDebugUtilsMessengerEXT f =
		(PFN_vkCreateDebugUtilsMessengerEXT)gipa(getProc)(inst, "vkCreateDebugUtilsMessengerEXT");
	if (!f) return VK_ERROR_EXTENSION_NOT_PRESENT;
	VkDebugUtilsMessengerCreateInfoEXT ci;
	vkgemm_messenger_info(&ci, b);
	return f(inst, &ci, NULL, out);
}

static void vkgemm_destroy_messenger(void *getProc, VkInstance inst, VkDebugUtilsMessengerEXT m) {
	PFN_vkDestroyDebugUtilsMessengerEXT f =
		(PFN_vkDestroyDebugUtilsMessengerEXT)gipa(getProc)(inst, "vkDestroyDebugUtilsMessengerEXT");
	if (f) f(inst, m, NULL);
}

// vkgemm_create_instance creates an instance for API 1.1 with the given
// layers and extensions; flags carries the enumerate-portability bit. With
// msgs, a messenger create-info is chained so that vkCreateInstance and
// vkDestroyInstance report into msgs too.
static VkResult vkgemm_create_instance(void *getProc, const char **layers, uint32_t nlayers,
		const char **exts, uint32_t nexts, uint32_t flags, vkgemm_msgbuf *msgs, VkInstance *out) {
	PFN_vkCreateInstance f = (PFN_vkCreateInstance)gipa(getProc)(NULL, "vkCreateInstance");
	if (!f) return VK_ERROR_INITIALIZATION_FAILED;
	VkApplicationInfo app = { VK_STRUCTURE_TYPE_APPLICATION_INFO };
	app.pApplicationName = "vkgemm";
	app.applicationVersion = VK_MAKE_VERSION(0, 1, 0);
	app.pEngineName = "vkgemm";
	app.engineVersion = VK_MAKE_VERSION(0, 1, 0);
	app.apiVersion = VK_API_VERSION_1_1;
	VkDebugUtilsMessengerCreateInfoEXT dbg;
	VkInstanceCreateInfo ci = { VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO };
	if (msgs) {
		vkgemm_messenger_info(&dbg, msgs);
		ci.pNext = &dbg;
	}
	ci.flags = flags;
	ci.pApplicationInfo = &app;
	ci.enabledLayerCount = nlayers;
	ci.ppEnabledLayerNames = layers;
	ci.enabledExtensionCount = nexts;
	ci.ppEnabledExtensionNames = exts;
	return f(&ci, NULL, out);
}

// vkgemm_instance_extensions returns the instance extensions the loader
// offers, one per line (malloc'd, caller frees), or NULL.
static char *vkgemm_instance_extensions(void *getProc) {
	PFN_vkEnumerateInstanceExtensionProperties e =
		(PFN_vkEnumerateInstanceExtensionProperties)gipa(getProc)(NULL, "vkEnumerateInstanceExtensionProperties");
	uint32_t n = 0;
	if (!e || e(NULL, &n, NULL) != VK_SUCCESS || n == 0) return NULL;
	VkExtensionProperties *props = calloc(n, sizeof *props);
	char *out = calloc(n, VK_MAX_EXTENSION_NAME_SIZE + 1);
	if (!props || !out || e(NULL, &n, props) < 0) { free(props); free(out); return NULL; }
	for (uint32_t i = 0; i < n; i++) { strcat(out, props[i].extensionName); strcat(out, "\n"); }
	free(props);
	return out;
}

// vkgemm_device_extensions is the same for a physical device.
static char *vkgemm_device_extensions(void *getProc, VkInstance inst, VkPhysicalDevice pd) {
	PFN_vkEnumerateDeviceExtensionProperties e =
		(PFN_vkEnumerateDeviceExtensionProperties)gipa(getProc)(inst, "vkEnumerateDeviceExtensionProperties");
	uint32_t n = 0;
	if (!e || e(pd, NULL, &n, NULL) != VK_SUCCESS || n == 0) return NULL;
	VkExtensionProperties *props = calloc(n, sizeof *props);
	char *out = calloc(n, VK_MAX_EXTENSION_NAME_SIZE + 1);
	if (!props || !out || e(pd, NULL, &n, props) < 0) { free(props); free(out); return NULL; }
	for (uint32_t i = 0; i < n; i++) { strcat(out, props[i].extensionName); strcat(out, "\n"); }
	free(props);
	return out;
}

// vkgemm_memory_budget writes VK_EXT_memory_budget's budget and usage of up
// to max heaps; 0 if the call is missing.
static int vkgemm_memory_budget(void *getProc, VkInstance inst, VkPhysicalDevice pd, uint64_t *budget, uint64_t *usage, uint32_t max) {
	PFN_vkGetPhysicalDeviceMemoryProperties2 f =
		(PFN_vkGetPhysicalDeviceMemoryProperties2)gipa(getProc)(inst, "vkGetPhysicalDeviceMemoryProperties2");
	if (!f) return 0;
	VkPhysicalDeviceMemoryBudgetPropertiesEXT b = { VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_BUDGET_PROPERTIES_EXT };
	VkPhysicalDeviceMemoryProperties2 p = { VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_PROPERTIES_2 };
	p.pNext = &b;
	f(pd, &p);
	uint32_t n = p.memoryProperties.memoryHeapCount;
	if (n > max) n = max;
	for (uint32_t i = 0; i < n; i++) { budget[i] = b.heapBudget[i]; usage[i] = b.heapUsage[i]; }
	return 1;
}

// vkgemm_instance_version returns vkEnumerateInstanceVersion's answer, or 1.0 where the loader predates it.
static uint32_t vkgemm_instance_version(void *getProc) {
	PFN_vkEnumerateInstanceVersion f =
		(PFN_vkEnumerateInstanceVersion)gipa(getProc)(NULL, "vkEnumerateInstanceVersion");
	uint32_t v = VK_API_VERSION_1_0;
	if (f && f(&v) != VK_SUCCESS) v = VK_API_VERSION_1_0;
	return v;
}
*/
import "C"

import (
	"strings"
	"unsafe"

	vk "github.com/vulkan-go/vulkan"
)

func instanceVersion(getProc unsafe.Pointer) uint32 {
	return uint32(C.vkgemm_instance_version(getProc))
}

type properties2 struct {
	SubgroupSize            uint32
	SubgroupBroadcast       bool
	DriverID                uint32
	DriverName, DriverInfo  string
	MaxMemoryAllocationSize uint64
}

func getProperties2(getProc unsafe.Pointer, inst vk.Instance, pd vk.PhysicalDevice, driverProps bool) (properties2, bool) {
	var out C.vkgemm_props2
	dp := C.int(0)
	if driverProps {
		dp = 1
	}
	if C.vkgemm_properties2(getProc, C.VkInstance(unsafe.Pointer(inst)), C.VkPhysicalDevice(unsafe.Pointer(pd)), dp, &out) == 0 {
		return properties2{}, false
	}
	return properties2{
		SubgroupSize: uint32(out.subgroupSize),
		SubgroupBroadcast: out.subgroupStages&C.VK_SHADER_STAGE_COMPUTE_BIT != 0 &&
			out.subgroupOps&C.VK_SUBGROUP_FEATURE_BALLOT_BIT != 0,
		DriverID:                uint32(out.driverID),
		DriverName:              C.GoString(&out.driverName[0]),
		DriverInfo:              C.GoString(&out.driverInfo[0]),
		MaxMemoryAllocationSize: uint64(out.maxMemoryAllocationSize),
	}, true
}

// messages is one instance's buffer of validation messages.
type messages = C.vkgemm_msgbuf

func newMessages() *messages { return C.vkgemm_msgbuf_new() }

func freeMessages(b *messages) { C.vkgemm_msgbuf_free(b) }

type messenger C.VkDebugUtilsMessengerEXT

func createMessenger(getProc unsafe.Pointer, inst vk.Instance, b *messages) (messenger, vk.Result) {
	var m C.VkDebugUtilsMessengerEXT
	r := C.vkgemm_create_messenger(getProc, C.VkInstance(unsafe.Pointer(inst)), b, &m)
	return messenger(m), vk.Result(r)
}

func destroyMessenger(getProc unsafe.Pointer, inst vk.Instance, m messenger) {
	C.vkgemm_destroy_messenger(getProc, C.VkInstance(unsafe.Pointer(inst)), C.VkDebugUtilsMessengerEXT(m))
}

// drainMessages returns the validation messages collected in b since the
// last call, and how many there were (more than returned when it filled).
func drainMessages(b *messages) ([]string, int) {
	if b == nil {
		return nil, 0
	}
	var count C.size_t
	p := C.vkgemm_drain(b, &count)
	if p == nil {
		return nil, int(count)
	}
	defer C.free(unsafe.Pointer(p))
	s := strings.TrimRight(C.GoString(p), "\n")
	return strings.Split(s, "\n"), int(count)
}

// createInstance calls vkCreateInstance with C strings and, where msgs is
// not nil, a messenger chained for the instance's own creation and
// destruction.
func createInstance(getProc unsafe.Pointer, layers, exts []string, flags uint32, msgs *messages) (vk.Instance, vk.Result) {
	cl, freeL := cstrings(layers)
	defer freeL()
	ce, freeE := cstrings(exts)
	defer freeE()
	var h C.VkInstance
	r := C.vkgemm_create_instance(getProc, cl, C.uint32_t(len(layers)), ce, C.uint32_t(len(exts)), C.uint32_t(flags), msgs, &h)
	return vk.Instance(unsafe.Pointer(h)), vk.Result(r)
}

// cstrings copies names into C memory, as an array of char*.
func cstrings(names []string) (**C.char, func()) {
	if len(names) == 0 {
		return nil, func() {}
	}
	arr := unsafe.Slice((**C.char)(C.calloc(C.size_t(len(names)), C.size_t(unsafe.Sizeof((*C.char)(nil))))), len(names))
	for i, n := range names {
		arr[i] = C.CString(n)
	}
	return &arr[0], func() {
		for _, p := range arr {
			C.free(unsafe.Pointer(p))
		}
		C.free(unsafe.Pointer(&arr[0]))
	}
}

// lines splits a malloc'd list of names, one per line, and frees it.
func lines(p *C.char) []string {
	if p == nil {
		return nil
	}
	defer C.free(unsafe.Pointer(p))
	return strings.Fields(C.GoString(p))
}

func instanceExtensions(getProc unsafe.Pointer) []string {
	return lines(C.vkgemm_instance_extensions(getProc))
}

func deviceExtensions(getProc unsafe.Pointer, inst vk.Instance, pd vk.PhysicalDevice) []string {
	return lines(C.vkgemm_device_extensions(getProc, C.VkInstance(unsafe.Pointer(inst)), C.VkPhysicalDevice(unsafe.Pointer(pd))))
}

// memoryBudget returns VK_EXT_memory_budget's budget and usage per heap.
func memoryBudget(getProc unsafe.Pointer, inst vk.Instance, pd vk.PhysicalDevice, heaps int) (budget, usage []uint64, ok bool) {
	var b, u [C.VK_MAX_MEMORY_HEAPS]C.uint64_t
	if C.vkgemm_memory_budget(getProc, C.VkInstance(unsafe.Pointer(inst)), C.VkPhysicalDevice(unsafe.Pointer(pd)), &b[0], &u[0], C.VK_MAX_MEMORY_HEAPS) == 0 {
		return nil, nil, false
	}
	heaps = min(heaps, len(b))
	budget, usage = make([]uint64, heaps), make([]uint64, heaps)
	for i := range heaps {
		budget[i], usage[i] = uint64(b[i]), uint64(u[i])
	}
	return budget, usage, true
}
