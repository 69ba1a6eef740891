//go:build cgo && (linux || darwin || windows)

package vk

// Cooperative matrices (VK_KHR_cooperative_matrix): the shapes a device
// multiplies at subgroup scope, and the features the kernels that use them
// need at device creation. The system's headers (1.3.239) predate the
// extension (1.3.255), so its structures are declared here, with the
// registry's values.

/*
#cgo CFLAGS: -DVK_NO_PROTOTYPES
#include <stdlib.h>
#include <string.h>
#include <vulkan/vulkan.h>

#define VKGEMM_ST_COOP_FEATURES 1000506000
#define VKGEMM_ST_COOP_PROPERTIES 1000506001
#define VKGEMM_ST_BF16_FEATURES 1000141000

// VkPhysicalDeviceShaderBfloat16FeaturesKHR (VK_KHR_shader_bfloat16, 1.4.311).
typedef struct {
	VkStructureType sType;
	void *pNext;
	VkBool32 shaderBFloat16Type;
	VkBool32 shaderBFloat16DotProduct;
	VkBool32 shaderBFloat16CooperativeMatrix;
} vkgemm_bf16_features_khr;

typedef struct {
	VkStructureType sType;
	void *pNext;
	uint32_t MSize, NSize, KSize;
	uint32_t AType, BType, CType, ResultType;
	VkBool32 saturatingAccumulation;
	uint32_t scope;
} vkgemm_coop_props_khr;

typedef struct {
	VkStructureType sType;
	void *pNext;
	VkBool32 cooperativeMatrix;
	VkBool32 cooperativeMatrixRobustBufferAccess;
} vkgemm_coop_features_khr;

typedef VkResult (*vkgemm_pfn_coop_props)(VkPhysicalDevice, uint32_t *, vkgemm_coop_props_khr *);

typedef struct {
	uint32_t m, n, k, a, b, c, result, saturating, scope;
} vkgemm_coop_shape;

// vkgemm_coop_shapes writes up to max shapes the device lists; returns how
// many, or -1 where the query is missing or fails.
static int vkgemm_coop_shapes(void *getProc, VkInstance inst, VkPhysicalDevice pd, vkgemm_coop_shape *out, int max) {
	vkgemm_pfn_coop_props f = (vkgemm_pfn_coop_props)((PFN_vkGetInstanceProcAddr)getProc)(inst,
		"vkGetPhysicalDeviceCooperativeMatrixPropertiesKHR");
	if (!f) return -1;
	uint32_t n = 0;
	if (f(pd, &n, NULL) != VK_SUCCESS) return -1;
	if (n == 0) return 0;
	vkgemm_coop_props_khr *p = calloc(n, sizeof *p);
	if (!p) return -1;
	for (uint32_t i = 0; i < n; i++) p[i].sType = VKGEMM_ST_COOP_PROPERTIES;
	if (f(pd, &n, p) < 0) { free(p); return -1; }
	int k = 0;
	for (uint32_t i = 0; i < n && k < max; i++, k++) {
		vkgemm_coop_shape s = { p[i].MSize, p[i].NSize, p[i].KSize, p[i].AType, p[i].BType, p[i].CType,
			p[i].ResultType, p[i].saturatingAccumulation, p[i].scope };
		out[k] = s;
	}
	free(p);
	return k;
}

// vkgemm_coop_features reports the features the cooperative-matrix kernels
// need: the extension's own, shaderFloat16 and shaderInt8, the Vulkan
// memory model, and full subgroups in compute; and, where withBF16 says the
// device offers VK_KHR_shader_bfloat16, bfloat16 types in cooperative
// matrices.
static int vkgemm_coop_features(void *getProc, VkInstance inst, VkPhysicalDevice pd, int withBF16,
		int *coop, int *f16, int *i8, int *vmm, int *full, int *bf16) {
	PFN_vkGetPhysicalDeviceFeatures2 f = (PFN_vkGetPhysicalDeviceFeatures2)((PFN_vkGetInstanceProcAddr)getProc)(inst,
		"vkGetPhysicalDeviceFeatures2");
	if (!f) return 0;
	vkgemm_coop_features_khr cm = { VKGEMM_ST_COOP_FEATURES };
	VkPhysicalDeviceShaderFloat16Int8Features fi = { VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES };
	VkPhysicalDeviceVulkanMemoryModelFeatures mm = { VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_MEMORY_MODEL_FEATURES };
	VkPhysicalDeviceSubgroupSizeControlFeaturesEXT sc = { VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_SIZE_CONTROL_FEATURES_EXT };
	cm.pNext = &fi;
	fi.pNext = &mm;
	mm.pNext = &sc;
	vkgemm_bf16_features_khr bf = { VKGEMM_ST_BF16_FEATURES };
	if (withBF16) sc.pNext = &bf;
	VkPhysicalDeviceFeatures2 f2 = { VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2 };
	f2.pNext = &cm;
	f(pd, &f2);
	*bf16 = withBF16 && bf.shaderBFloat16Type && bf.shaderBFloat16CooperativeMatrix;
	*coop = cm.cooperativeMatrix;
	*f16 = fi.shaderFloat16;
	*i8 = fi.shaderInt8;
	*vmm = mm.vulkanMemoryModel;
	*full = sc.computeFullSubgroups && sc.subgroupSizeControl;
	return 1;
}

// vkgemm_coop_enable allocates, in C memory, the feature structures that
// turn the cooperative-matrix kernels' features on (bfloat16 ones too where
// bf16 says so), chained before next; free them with vkgemm_coop_free.
static void *vkgemm_coop_enable(void *next, int bf16) {
	vkgemm_coop_features_khr *cm = calloc(1, sizeof *cm);
	VkPhysicalDeviceShaderFloat16Int8Features *fi = calloc(1, sizeof *fi);
	VkPhysicalDeviceVulkanMemoryModelFeatures *mm = calloc(1, sizeof *mm);
	VkPhysicalDeviceSubgroupSizeControlFeaturesEXT *sc = calloc(1, sizeof *sc);
	if (!cm || !fi || !mm || !sc) {
		free(cm); free(fi); free(mm); free(sc);
		return NULL;
	}
	cm->sType = VKGEMM_ST_COOP_FEATURES;
	cm->cooperativeMatrix = VK_TRUE;
	fi->sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES;
	fi->shaderFloat16 = VK_TRUE;
	fi->shaderInt8 = VK_TRUE;
	mm->sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_MEMORY_MODEL_FEATURES;
	mm->vulkanMemoryModel = VK_TRUE;
	sc->sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_SIZE_CONTROL_FEATURES_EXT;
	sc->subgroupSizeControl = VK_TRUE;
	sc->computeFullSubgroups = VK_TRUE;
	cm->pNext = fi;
	fi->pNext = mm;
	mm->pNext = sc;
	sc->pNext = next;
	if (bf16) {
		vkgemm_bf16_features_khr *bf = calloc(1, sizeof *bf);
		if (!bf) {
			free(cm); free(fi); free(mm); free(sc);
			return NULL;
		}
		bf->sType = VKGEMM_ST_BF16_FEATURES;
		bf->shaderBFloat16Type = VK_TRUE;
		bf->shaderBFloat16CooperativeMatrix = VK_TRUE;
		bf->pNext = next;
		sc->pNext = bf;
	}
	return cm;
}

static void vkgemm_coop_free(void *head) {
	vkgemm_coop_features_khr *cm = head;
	if (!cm) return;
	VkPhysicalDeviceShaderFloat16Int8Features *fi = cm->pNext;
	VkPhysicalDeviceVulkanMemoryModelFeatures *mm = fi->pNext;
	VkPhysicalDeviceSubgroupSizeControlFeaturesEXT *sc = mm->pNext;
	vkgemm_bf16_features_khr *bf = sc->pNext;
	if (bf && bf->sType == VKGEMM_ST_BF16_FEATURES) free(bf);
	free(sc); free(mm); free(fi); free(cm);
}
*/
import "C"

import (
	"slices"
	"unsafe"

	vk "github.com/vulkan-go/vulkan"
)

// The extensions the cooperative-matrix kernels need, besides the
// extension itself.
var coopExtensions = []string{"VK_KHR_cooperative_matrix", "VK_KHR_shader_float16_int8", "VK_KHR_vulkan_memory_model", "VK_EXT_subgroup_size_control"}

// bf16Extension gives shaders bfloat16 types, in cooperative matrices too:
// where a device lacks it or the features, its bfloat16 shapes are left out.
const bf16Extension = "VK_KHR_shader_bfloat16"

// coopMatrices lists the subgroup-scope shapes of a device that has every
// extension and feature the cooperative-matrix kernels need; nil otherwise.
func coopMatrices(in *Instance, h vk.PhysicalDevice, offered []string) []CoopMatrix {
	for _, e := range coopExtensions {
		if !slices.Contains(offered, e) {
			return nil
		}
	}
	inst := C.VkInstance(unsafe.Pointer(in.h))
	pd := C.VkPhysicalDevice(unsafe.Pointer(h))
	var coop, f16, i8, vmm, full, bf16 C.int
	withBF16 := C.int(0)
	if slices.Contains(offered, bf16Extension) {
		withBF16 = 1
	}
	if C.vkgemm_coop_features(getProc, inst, pd, withBF16, &coop, &f16, &i8, &vmm, &full, &bf16) == 0 || coop == 0 || f16 == 0 || i8 == 0 || vmm == 0 || full == 0 {
		return nil
	}
	var shapes [64]C.vkgemm_coop_shape
	n := C.vkgemm_coop_shapes(getProc, inst, pd, &shapes[0], C.int(len(shapes)))
	var out []CoopMatrix
	for _, s := range shapes[:max(0, int(n))] {
		if s.scope != scopeSubgroup {
			continue
		}
		if bf16 == 0 && (ComponentType(s.a) == ComponentBF16 || ComponentType(s.b) == ComponentBF16) {
			continue
		}
		out = append(out, CoopMatrix{M: uint32(s.m), N: uint32(s.n), K: uint32(s.k), A: ComponentType(s.a), B: ComponentType(s.b),
			C: ComponentType(s.c), Result: ComponentType(s.result), Saturating: s.saturating != 0})
	}
	return out
}

// coopFeatures is the chain of feature structures NewDevice passes to turn
// the cooperative-matrix kernels' features on, in C memory.
type coopFeatures struct{ p unsafe.Pointer }

func enableCoop(next unsafe.Pointer, bf16 bool) coopFeatures {
	b := C.int(0)
	if bf16 {
		b = 1
	}
	return coopFeatures{C.vkgemm_coop_enable(next, b)}
}

// hasBF16 says whether a device's shapes include bfloat16 ones, which
// coopMatrices keeps only where VK_KHR_shader_bfloat16 and its features are
// there.
func hasBF16(shapes []CoopMatrix) bool {
	return slices.ContainsFunc(shapes, func(m CoopMatrix) bool { return m.A == ComponentBF16 })
}

func (f coopFeatures) free() { C.vkgemm_coop_free(f.p) }

// scopeSubgroup is VK_SCOPE_SUBGROUP_KHR.
const scopeSubgroup = 3

// fullSubgroupsFlag is VK_PIPELINE_SHADER_STAGE_CREATE_REQUIRE_FULL_SUBGROUPS_BIT.
const fullSubgroupsFlag = C.VK_PIPELINE_SHADER_STAGE_CREATE_REQUIRE_FULL_SUBGROUPS_BIT_EXT
