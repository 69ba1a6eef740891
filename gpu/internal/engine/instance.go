package engine

import (
	"sync"

	"github.com/vkgemm/vkgemm/gpu/internal/vk"
)

// Without validation one Vulkan instance is shared by every Device and by
// Devices, and destroyed when the last user releases it. With validation
// every Device has its own instance, so that the messages the layer reports
// go to the device that caused them and to no other.
var shared struct {
	sync.Mutex
	in    *vk.Instance
	users int
}

// AcquireInstance returns the Vulkan instance: the shared one, or a new one
// with validation. Give it back with ReleaseInstance.
func AcquireInstance(validation bool) (*vk.Instance, error) {
	if validation {
		return vk.NewInstance(true)
	}
	shared.Lock()
	defer shared.Unlock()
	if shared.in == nil {
		in, err := vk.NewInstance(false)
		if err != nil {
			return nil, err
		}
		shared.in = in
	}
	shared.users++
	return shared.in, nil
}

// ReleaseInstance gives the instance back; it returns the validation
// messages raised since they were last collected, those of its
// destruction included.
func ReleaseInstance(in *vk.Instance) error {
	if in.Validation() {
		return in.Destroy()
	}
	shared.Lock()
	defer shared.Unlock()
	shared.users--
	if shared.users == 0 {
		err := shared.in.Destroy()
		shared.in = nil
		return err
	}
	return nil
}
