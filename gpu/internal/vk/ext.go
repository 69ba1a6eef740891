package vk

// What github.com/vulkan-go/vulkan lacks, called through the loader's
// vkGetInstanceProcAddr with the system headers (libvulkan-dev): opening the
// runtime loader libvulkan.so.1 (the binding looks for libvulkan.so, which
// only the -dev package installs), vkGetPhysicalDeviceProperties2 with the
// subgroup, driver and maintenance3 properties, and a VK_EXT_debug_utils
// messenger whose messages are collected here for Go to drain.

/*
#cgo LDFLAGS: -ldl
#cgo CFLAGS: -DVK_NO_PROTOTYPES
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vulkan/vulkan.h>

static void *vkgemm_lib;

// vkgemm_open_loader opens the Vulkan loader and returns its
// vkGetInstanceProcAddr, or NULL with the reason in *why.
static void *vkgemm_open_loader(const char *path, const char **why) {
	void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!lib) { *why = dlerror(); return NULL; }
	void *f = dlsym(lib, "vkGetInstanceProcAddr");
	if (!f) { *why = dlerror(); dlclose(lib); return NULL; }
	vkgemm_lib = lib;
	return f;
}

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

// Debug messages are kept in C memory until Go drains them: the callback
// runs on whatever thread the driver calls from, so it must not call Go.
static pthread_mutex_t vkgemm_msg_mu = PTHREAD_MUTEX_INITIALIZER;
static char *vkgemm_msgs;
static size_t vkgemm_msgs_len;
static size_t vkgemm_msgs_count;

static VKAPI_ATTR VkBool32 VKAPI_CALL vkgemm_debug_cb(VkDebugUtilsMessageSeverityFlagBitsEXT sev,
		VkDebugUtilsMessageTypeFlagsEXT type, const VkDebugUtilsMessengerCallbackDataEXT *data, void *user) {
	(void)type; (void)user;
	const char *msg = data && data->pMessage ? data->pMessage : "(no message)";
	const char *level = (sev & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) ? "error" : "warning";
	size_t add = strlen(level) + 2 + strlen(msg) + 1;
	pthread_mutex_lock(&vkgemm_msg_mu);
	// Keep at most 1 MiB; later messages are counted but dropped.
	if (vkgemm_msgs_len + add < (1u << 20)) {
		char *grown = realloc(vkgemm_msgs, vkgemm_msgs_len + add + 1);
		if (grown) {
			vkgemm_msgs = grown;
			sprintf(vkgemm_msgs + vkgemm_msgs_len, "%s: %s\n", level, msg);
			vkgemm_msgs_len += add;
		}
	}
	vkgemm_msgs_count++;
	pthread_mutex_unlock(&vkgemm_msg_mu);
	return VK_FALSE;
}

// vkgemm_drain returns the messages collected so far (malloc'd, caller frees) and forgets them.
static char *vkgemm_drain(size_t *count) {
	pthread_mutex_lock(&vkgemm_msg_mu);
	char *out = vkgemm_msgs;
	*count = vkgemm_msgs_count;
	vkgemm_msgs = NULL;
	vkgemm_msgs_len = 0;
	vkgemm_msgs_count = 0;
	pthread_mutex_unlock(&vkgemm_msg_mu);
	return out;
}

static VkResult vkgemm_create_messenger(void *getProc, VkInstance inst, VkDebugUtilsMessengerEXT *out) {
	PFN_vkCreateDebugUtilsMessengerEXT f =
		(PFN_vkCreateDebugUtilsMessengerEXT)gipa(getProc)(inst, "vkCreateDebugUtilsMessengerEXT");
	if (!f) return VK_ERROR_EXTENSION_NOT_PRESENT;
	VkDebugUtilsMessengerCreateInfoEXT ci = { VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT };
	ci.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
	ci.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
		VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
	ci.pfnUserCallback = vkgemm_debug_cb;
	return f(inst, &ci, NULL, out);
}

static void vkgemm_destroy_messenger(void *getProc, VkInstance inst, VkDebugUtilsMessengerEXT m) {
	PFN_vkDestroyDebugUtilsMessengerEXT f =
		(PFN_vkDestroyDebugUtilsMessengerEXT)gipa(getProc)(inst, "vkDestroyDebugUtilsMessengerEXT");
	if (f) f(inst, m, NULL);
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
	"fmt"
	"strings"
	"unsafe"

	vk "github.com/vulkan-go/vulkan"
)

// openLoader dlopens the Vulkan loader at path and returns its
// vkGetInstanceProcAddr.
func openLoader(path string) (unsafe.Pointer, error) {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var why *C.char
	f := C.vkgemm_open_loader(cpath, &why)
	if f == nil {
		return nil, fmt.Errorf("%s", C.GoString(why))
	}
	return f, nil
}

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

type messenger C.VkDebugUtilsMessengerEXT

func createMessenger(getProc unsafe.Pointer, inst vk.Instance) (messenger, vk.Result) {
	var m C.VkDebugUtilsMessengerEXT
	r := C.vkgemm_create_messenger(getProc, C.VkInstance(unsafe.Pointer(inst)), &m)
	return messenger(m), vk.Result(r)
}

func destroyMessenger(getProc unsafe.Pointer, inst vk.Instance, m messenger) {
	C.vkgemm_destroy_messenger(getProc, C.VkInstance(unsafe.Pointer(inst)), C.VkDebugUtilsMessengerEXT(m))
}

// drainMessages returns the validation messages collected since the last
// call, and how many there were (more than returned when the buffer filled).
func drainMessages() ([]string, int) {
	var count C.size_t
	p := C.vkgemm_drain(&count)
	if p == nil {
		return nil, int(count)
	}
	defer C.free(unsafe.Pointer(p))
	s := strings.TrimRight(C.GoString(p), "\n")
	return strings.Split(s, "\n"), int(count)
}
