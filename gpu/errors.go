package gpu

import (
	"errors"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gpu/internal/vk"
)

// Errors the caller can test for with errors.Is. Every error vkgemm returns
// says what happened and, where there is something to do, what to do.
var (
	// ErrNoLoader: the Vulkan loader (libvulkan.so.1) is not installed.
	ErrNoLoader = vk.ErrNoLoader
	// ErrNoDevice: there is no Vulkan device, or none that was asked for.
	ErrNoDevice = vk.ErrNoDevice
	// ErrDeviceIndex: Config.Device or VKGEMM_DEVICE names no device.
	ErrDeviceIndex = errors.New("no such Vulkan device")
	// ErrUnsupported: the device is below Vulkan 1.1 or lacks what vkgemm needs.
	ErrUnsupported = vk.ErrUnsupported
	// ErrOutOfMemory: the device could not allocate the memory asked for.
	ErrOutOfMemory = vk.ErrOutOfMemory
	// ErrDeviceLost: the device was lost (driver reset, hang, crash).
	ErrDeviceLost = vk.ErrDeviceLost
	// ErrValidation: the validation layer reported a message (only with
	// Config.Validation).
	ErrValidation = vk.ErrValidation
	// ErrTimeout: the device did not finish within Config.Timeout.
	ErrTimeout = vk.ErrTimeout
	// ErrClosed: the device was used after Close.
	ErrClosed = errors.New("vkgemm device is closed")
	// ErrBadArgument: a GEMM argument is invalid (the same error as gemm's).
	ErrBadArgument = gemm.ErrBadArgument
	// ErrTooLarge: a problem cannot be split to fit the device's limits.
	// A buffer larger than any memory heap of the device is also reported
	// with it (and ErrOutOfMemory): split the work smaller.
	ErrTooLarge = vk.ErrTooLarge
)
