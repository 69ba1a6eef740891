//go:build cgo && (linux || darwin || windows)

package vk

// Packed integer dot products (VK_KHR_shader_integer_dot_product, core in
// Vulkan 1.3): GemmInt8's dot-product kernel sums the four int8 products
// of two 32-bit words with one instruction (dp4a on NVIDIA, v_dot4_i32_i8
// on AMD). NewDevice enables the feature where the device has it.

/*
#cgo CFLAGS: -DVK_NO_PROTOTYPES
#include <stdlib.h>
#include <vulkan/vulkan.h>

// vkgemm_intdot reports the shaderIntegerDotProduct feature and whether
// signed 4x8-bit packed dot products are accelerated.
static void vkgemm_intdot(void *getProc, VkInstance inst, VkPhysicalDevice pd, int *feature, int *fast) {
	PFN_vkGetPhysicalDeviceFeatures2 f = (PFN_vkGetPhysicalDeviceFeatures2)((PFN_vkGetInstanceProcAddr)getProc)(inst,
		"vkGetPhysicalDeviceFeatures2");
	PFN_vkGetPhysicalDeviceProperties2 p = (PFN_vkGetPhysicalDeviceProperties2)((PFN_vkGetInstanceProcAddr)getProc)(inst,
		"vkGetPhysicalDeviceProperties2");
	*feature = 0;
	*fast = 0;
	if (!f || !p) return;
	VkPhysicalDeviceShaderIntegerDotProductFeatures df = { VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_FEATURES };
	VkPhysicalDeviceFeatures2 f2 = { VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2 };
	f2.pNext = &df;
	f(pd, &f2);
	VkPhysicalDeviceShaderIntegerDotProductProperties dp = { VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_PROPERTIES };
	VkPhysicalDeviceProperties2 p2 = { VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2 };
	p2.pNext = &dp;
	p(pd, &p2);
	*feature = df.shaderIntegerDotProduct;
	*fast = df.shaderIntegerDotProduct && dp.integerDotProduct4x8BitPackedSignedAccelerated;
}

// vkgemm_intdot_enable allocates the feature structure that turns the
// feature on, chained before next; free it with free.
static void *vkgemm_intdot_enable(void *next) {
	VkPhysicalDeviceShaderIntegerDotProductFeatures *df = calloc(1, sizeof *df);
	if (!df) return NULL;
	df->sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_FEATURES;
	df->shaderIntegerDotProduct = VK_TRUE;
	df->pNext = next;
	return df;
}
*/
import "C"

import (
	"slices"
	"unsafe"

	vk "github.com/vulkan-go/vulkan"
)

const intDotExtension = "VK_KHR_shader_integer_dot_product"

// integerDot reads whether a device has packed integer dot products, and
// whether it accelerates the signed 4x8-bit ones, through the extension
// (which drivers keep listing where Vulkan 1.3 made it core; vkgemm's
// instance asks for an older API, so the core feature is not for it).
func integerDot(in *Instance, h vk.PhysicalDevice, offered []string) (has, fast bool) {
	if !slices.Contains(offered, intDotExtension) {
		return false, false
	}
	var feature, accel C.int
	C.vkgemm_intdot(getProc, C.VkInstance(unsafe.Pointer(in.h)), C.VkPhysicalDevice(unsafe.Pointer(h)), &feature, &accel)
	return feature != 0, accel != 0
}

// intDotFeatures is the feature structure NewDevice chains to turn packed
// integer dot products on, in C memory; p is nil where it could not be made.
type intDotFeatures struct{ p unsafe.Pointer }

func enableIntDot(next unsafe.Pointer) intDotFeatures {
	return intDotFeatures{C.vkgemm_intdot_enable(next)}
}

func (f intDotFeatures) free() {
	if f.p != nil {
		C.free(f.p)
	}
}
