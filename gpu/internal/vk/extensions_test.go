package vk

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The loader lists of a loader since 1.3.216 with MoltenVK, an older one,
// and Linux's.
func TestInstanceExtensionsForPortability(t *testing.T) {
	exts, flags := InstanceExtensions([]string{"VK_KHR_surface", "VK_KHR_portability_enumeration", "VK_EXT_debug_utils"}, true)
	assert.Equal(t, []string{"VK_EXT_debug_utils", "VK_KHR_portability_enumeration"}, exts)
	assert.Equal(t, uint32(enumeratePortabilityBit), flags, "the enumerate-portability flag goes with the extension")

	exts, flags = InstanceExtensions([]string{"VK_KHR_surface", "VK_EXT_debug_utils"}, false)
	assert.Empty(t, exts)
	assert.Zero(t, flags, "no flag where the loader lacks the extension: it would fail the instance")
}

func TestDeviceExtensionsForPortability(t *testing.T) {
	moltenVK := []string{"VK_KHR_16bit_storage", "VK_KHR_portability_subset", "VK_EXT_memory_budget", "VK_KHR_swapchain"}
	assert.Equal(t, []string{"VK_KHR_portability_subset", "VK_EXT_memory_budget"}, DeviceExtensions(moltenVK))
	lavapipe := []string{"VK_KHR_16bit_storage", "VK_KHR_swapchain"}
	assert.Empty(t, DeviceExtensions(lavapipe))
	assert.Empty(t, DeviceExtensions(nil))
}

func TestLoaderNamesPerOS(t *testing.T) {
	assert.Equal(t, []string{"libvulkan.so.1"}, loaderNames("linux"))
	assert.Equal(t, []string{"libvulkan.1.dylib", "libvulkan.dylib", "libMoltenVK.dylib"}, loaderNames("darwin"))
	assert.Equal(t, []string{"vulkan-1.dll"}, loaderNames("windows"))
	assert.Contains(t, loaderAdvice("darwin"), "MoltenVK")
}

func TestDriverErrorsNameTheManifests(t *testing.T) {
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	base := CheckResult(resultErrorOutOfHostMemory, "vkCreateInstance")
	err := explainDriverError(resultErrorOutOfHostMemory, base, env(map[string]string{"VK_ICD_FILENAMES": "/x/bad.json"}))
	assert.ErrorIs(t, err, ErrNoDevice)
	assert.NotErrorIs(t, err, ErrOutOfMemory)
	assert.Contains(t, err.Error(), "VK_ICD_FILENAMES=/x/bad.json")

	err = explainDriverError(resultErrorOutOfHostMemory, base, env(nil))
	assert.ErrorIs(t, err, ErrOutOfMemory, "without manifests named, memory it is")

	base = CheckResult(resultErrorIncompatibleDriver, "vkCreateInstance")
	err = explainDriverError(resultErrorIncompatibleDriver, base, env(nil))
	assert.ErrorIs(t, err, ErrNoDevice)
	assert.Contains(t, err.Error(), "mesa-vulkan-drivers")
}
