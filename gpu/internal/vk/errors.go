package vk

import (
	"errors"
	"fmt"
)

// Sentinel errors, re-exported by package gpu. Messages are lower case and
// name Vulkan only where it helps (staticcheck ST1005).
var (
	ErrNoLoader    = errors.New("no Vulkan loader")
	ErrNoDevice    = errors.New("no Vulkan device")
	ErrUnsupported = errors.New("not supported by vkgemm")
	ErrOutOfMemory = errors.New("out of device memory")
	ErrTooLarge    = errors.New("too large for the device")
	ErrDeviceLost  = errors.New("device lost")
	ErrValidation  = errors.New("validation layer reported a problem")
	ErrTimeout     = errors.New("timed out waiting for the device")
)

// Vulkan result codes, as vulkan.h numbers them.
const (
	resultSuccess                   = 0
	resultErrorOutOfHostMemory      = -1
	resultErrorOutOfDeviceMemory    = -2
	resultErrorInitializationFailed = -3
	resultErrorDeviceLost           = -4
	resultErrorIncompatibleDriver   = -9
)

var resultNames = map[int32]string{
	1:                               "VK_NOT_READY",
	2:                               "VK_TIMEOUT",
	5:                               "VK_INCOMPLETE",
	resultErrorOutOfHostMemory:      "VK_ERROR_OUT_OF_HOST_MEMORY",
	resultErrorOutOfDeviceMemory:    "VK_ERROR_OUT_OF_DEVICE_MEMORY",
	resultErrorInitializationFailed: "VK_ERROR_INITIALIZATION_FAILED",
	resultErrorDeviceLost:           "VK_ERROR_DEVICE_LOST",
	-5:                              "VK_ERROR_MEMORY_MAP_FAILED",
	-6:                              "VK_ERROR_LAYER_NOT_PRESENT",
	-7:                              "VK_ERROR_EXTENSION_NOT_PRESENT",
	-8:                              "VK_ERROR_FEATURE_NOT_PRESENT",
	resultErrorIncompatibleDriver:   "VK_ERROR_INCOMPATIBLE_DRIVER",
	-10:                             "VK_ERROR_TOO_MANY_OBJECTS",
	-11:                             "VK_ERROR_FORMAT_NOT_SUPPORTED",
	-12:                             "VK_ERROR_FRAGMENTED_POOL",
	-1000069000:                     "VK_ERROR_OUT_OF_POOL_MEMORY",
}

// resultName is the Vulkan name of a result code.
func resultName(r int32) string {
	if s, ok := resultNames[r]; ok {
		return s
	}
	return fmt.Sprintf("VkResult(%d)", r)
}

// CheckResult turns a Vulkan result into an error naming the call. Memory
// exhaustion and device loss wrap ErrOutOfMemory and ErrDeviceLost so callers
// can test for them with errors.Is.
func CheckResult(r int32, call string) error {
	switch r {
	case resultSuccess:
		return nil
	case resultErrorOutOfDeviceMemory, resultErrorOutOfHostMemory:
		return fmt.Errorf("%s: %s: %w", call, resultName(r), ErrOutOfMemory)
	case resultErrorDeviceLost:
		return fmt.Errorf("%s: %s: %w (the driver reset or crashed; close the device and open it again)", call, resultName(r), ErrDeviceLost)
	}
	return fmt.Errorf("%s: %s", call, resultName(r))
}
