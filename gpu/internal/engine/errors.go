package engine

import (
	"errors"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gpu/internal/vk"
)

// The sentinels every error of the engine wraps; package gpu exports them.
var (
	ErrNoLoader    = vk.ErrNoLoader
	ErrNoDevice    = vk.ErrNoDevice
	ErrDeviceIndex = errors.New("no such Vulkan device")
	ErrUnsupported = vk.ErrUnsupported
	ErrOutOfMemory = vk.ErrOutOfMemory
	ErrDeviceLost  = vk.ErrDeviceLost
	ErrValidation  = vk.ErrValidation
	ErrTimeout     = vk.ErrTimeout
	ErrClosed      = errors.New("vkgemm device is closed")
	ErrBadArgument = gemm.ErrBadArgument
	ErrTooLarge    = vk.ErrTooLarge
)
