package engine

import "github.com/vkgemm/vkgemm/gpu/internal/vk"

// MemoryBudget is the memory a device has left for vkgemm, as a block
// planner sizes its blocks: from VK_EXT_memory_budget where the driver has
// it, else estimated as 80% of each heap less what this Device allocated.
type MemoryBudget struct {
	// Device is the bytes left in the largest device-local heap, where
	// kernels' buffers live.
	Device int64
	// Host is the bytes left in the largest heap the CPU can map without
	// taking device-local memory (on UMA devices, the same heap as Device).
	Host int64
	// Exact says the figures come from VK_EXT_memory_budget.
	Exact bool
}

// MemoryBudget reports what memory the device has left.
func (d *Device) MemoryBudget() (MemoryBudget, error) {
	if err := d.lock(); err != nil {
		return MemoryBudget{}, err
	}
	defer d.mu.Unlock()
	heaps, exact := d.dev.MemoryBudget()
	return memoryBudget(heaps, d.props.MemoryTypes, exact), nil
}

func memoryBudget(heaps []vk.HeapBudget, types []vk.MemoryType, exact bool) MemoryBudget {
	b := MemoryBudget{Exact: exact}
	hostHeap := map[int]bool{}
	for _, t := range types {
		if t.HostVisible && !t.DeviceLocal {
			hostHeap[t.Heap] = true
		}
	}
	for i, h := range heaps {
		avail := int64(h.Available())
		if h.DeviceLocal {
			b.Device = max(b.Device, avail)
		}
		if hostHeap[i] {
			b.Host = max(b.Host, avail)
		}
	}
	if len(hostHeap) == 0 { // UMA: every heap is device-local
		b.Host = b.Device
	}
	return b
}
