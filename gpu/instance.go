package gpu

import (
	"sync"

	"github.com/vkgemm/vkgemm/gpu/internal/vk"
)

// One Vulkan instance per validation setting is shared by every Device and
// by Devices, and destroyed when the last user releases it.
var instances struct {
	sync.Mutex
	in    [2]*vk.Instance
	users [2]int
}

func slot(validation bool) int {
	if validation {
		return 1
	}
	return 0
}

func acquireInstance(validation bool) (*vk.Instance, error) {
	instances.Lock()
	defer instances.Unlock()
	i := slot(validation)
	if instances.in[i] == nil {
		in, err := vk.NewInstance(validation)
		if err != nil {
			return nil, err
		}
		instances.in[i] = in
	}
	instances.users[i]++
	return instances.in[i], nil
}

func releaseInstance(in *vk.Instance) {
	instances.Lock()
	defer instances.Unlock()
	i := slot(in.Validation())
	instances.users[i]--
	if instances.users[i] == 0 {
		instances.in[i].Destroy()
		instances.in[i] = nil
	}
}
