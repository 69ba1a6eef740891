package vk

import (
	"errors"
	"fmt"

	vk "github.com/vulkan-go/vulkan"
)

// Sentinel errors, re-exported by package gpu.
var (
	ErrNoLoader    = errors.New("no Vulkan loader")
	ErrNoDevice    = errors.New("no Vulkan device")
	ErrUnsupported = errors.New("Vulkan device not supported")
	ErrOutOfMemory = errors.New("out of device memory")
	ErrDeviceLost  = errors.New("Vulkan device lost")
	ErrValidation  = errors.New("Vulkan validation error")
	ErrTimeout     = errors.New("timed out waiting for the device")
)

var resultNames = map[vk.Result]string{
	vk.NotReady:                  "VK_NOT_READY",
	vk.Timeout:                   "VK_TIMEOUT",
	vk.Incomplete:                "VK_INCOMPLETE",
	vk.ErrorOutOfHostMemory:      "VK_ERROR_OUT_OF_HOST_MEMORY",
	vk.ErrorOutOfDeviceMemory:    "VK_ERROR_OUT_OF_DEVICE_MEMORY",
	vk.ErrorInitializationFailed: "VK_ERROR_INITIALIZATION_FAILED",
	vk.ErrorDeviceLost:           "VK_ERROR_DEVICE_LOST",
	vk.ErrorMemoryMapFailed:      "VK_ERROR_MEMORY_MAP_FAILED",
	vk.ErrorLayerNotPresent:      "VK_ERROR_LAYER_NOT_PRESENT",
	vk.ErrorExtensionNotPresent:  "VK_ERROR_EXTENSION_NOT_PRESENT",
	vk.ErrorFeatureNotPresent:    "VK_ERROR_FEATURE_NOT_PRESENT",
	vk.ErrorIncompatibleDriver:   "VK_ERROR_INCOMPATIBLE_DRIVER",
	vk.ErrorTooManyObjects:       "VK_ERROR_TOO_MANY_OBJECTS",
	vk.ErrorFormatNotSupported:   "VK_ERROR_FORMAT_NOT_SUPPORTED",
	vk.ErrorFragmentedPool:       "VK_ERROR_FRAGMENTED_POOL",
	vk.ErrorOutOfPoolMemory:      "VK_ERROR_OUT_OF_POOL_MEMORY",
}

// ResultName is the Vulkan name of a result code.
func ResultName(r vk.Result) string {
	if s, ok := resultNames[r]; ok {
		return s
	}
	return fmt.Sprintf("VkResult(%d)", int32(r))
}

// check turns a Vulkan result into an error naming the call. Memory
// exhaustion and device loss wrap ErrOutOfMemory and ErrDeviceLost so callers
// can test for them with errors.Is.
func check(r vk.Result, call string) error {
	switch r {
	case vk.Success:
		return nil
	case vk.ErrorOutOfDeviceMemory, vk.ErrorOutOfHostMemory:
		return fmt.Errorf("%s: %s: %w", call, ResultName(r), ErrOutOfMemory)
	case vk.ErrorDeviceLost:
		return fmt.Errorf("%s: %s: %w (the driver reset or crashed; close the device and open it again)", call, ResultName(r), ErrDeviceLost)
	}
	return fmt.Errorf("%s: %s", call, ResultName(r))
}

// CheckResult exposes check for tests of the error mapping.
func CheckResult(r int32, call string) error { return check(vk.Result(r), call) }
