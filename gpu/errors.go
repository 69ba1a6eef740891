package gpu

import "github.com/vkgemm/vkgemm/gpu/internal/engine"

// Errors the caller can test for with errors.Is. Every error vkgemm returns
// says what happened and, where there is something to do, what to do.
var (
	// ErrNoLoader: the Vulkan loader (libvulkan.so.1) is not installed.
	ErrNoLoader = engine.ErrNoLoader
	// ErrNoDevice: there is no Vulkan device, or none that was asked for.
	ErrNoDevice = engine.ErrNoDevice
	// ErrDeviceIndex: Config.Device names no device.
	ErrDeviceIndex = engine.ErrDeviceIndex
	// ErrUnsupported: the device is below Vulkan 1.1 or lacks what the call
	// needs (float64 in shaders for Dgemm, a forced kernel family).
	ErrUnsupported = engine.ErrUnsupported
	// ErrOutOfMemory: the device could not allocate the memory asked for.
	ErrOutOfMemory = engine.ErrOutOfMemory
	// ErrDeviceLost: the device was lost (driver reset, hang, crash).
	ErrDeviceLost = engine.ErrDeviceLost
	// ErrValidation: the validation layer reported a message (only with
	// Config.Validation).
	ErrValidation = engine.ErrValidation
	// ErrTimeout: the device did not finish within Config.Timeout.
	ErrTimeout = engine.ErrTimeout
	// ErrClosed: the device was used after Close.
	ErrClosed = engine.ErrClosed
	// ErrBadArgument: an argument is invalid; the same error as
	// gemm.ErrBadArgument, which every engine returns.
	ErrBadArgument = engine.ErrBadArgument
	// ErrTooLarge: a problem cannot be split to fit the device's limits.
	// A buffer larger than any memory heap of the device is also reported
	// with it (and ErrOutOfMemory): split the work smaller.
	ErrTooLarge = engine.ErrTooLarge
)
