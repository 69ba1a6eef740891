//go:build cgo && (linux || darwin || windows)

package vk

// MemoryBudget returns every heap's size, budget and usage: from
// VK_EXT_memory_budget where the device has it (exact is true; usage then
// counts every process), else estimated from the heap sizes and what this
// device allocated.
func (d *Device) MemoryBudget() (heaps []HeapBudget, exact bool) {
	props := &d.phys.Props
	if d.budgetExt {
		if budget, usage, ok := memoryBudget(getProc, d.inst.h, d.phys.h, len(props.Heaps)); ok {
			heaps = make([]HeapBudget, len(budget))
			for i := range budget {
				heaps[i] = HeapBudget{Size: props.Heaps[i].Size, Budget: budget[i], Usage: usage[i], DeviceLocal: props.Heaps[i].DeviceLocal}
			}
			return heaps, true
		}
	}
	return estimateBudget(props.Heaps, d.used), false
}

// available is the memory left in each heap's budget, as Candidates takes it.
func (d *Device) available() []uint64 {
	heaps, _ := d.MemoryBudget()
	out := make([]uint64, len(heaps))
	for i, h := range heaps {
		out[i] = h.Available()
	}
	return out
}

// track counts bytes allocated (or freed, when negative) in a heap.
func (d *Device) track(heap int, n int64) {
	if d.used == nil {
		d.used = make([]int64, len(d.phys.Props.Heaps))
	}
	if heap >= 0 && heap < len(d.used) {
		d.used[heap] += n
	}
}

// SimulateOutOfMemory makes the next n memory allocations fail with
// VK_ERROR_OUT_OF_DEVICE_MEMORY, as a full device would; no driver here can
// be filled on demand, so tests use this.
func (d *Device) SimulateOutOfMemory(n int) { d.failAlloc = n }

// estimateBudget is the budget of heaps without VK_EXT_memory_budget:
// 80% of each heap, as AMD's allocator assumes, less what used counts.
func estimateBudget(heaps []Heap, used []int64) []HeapBudget {
	out := make([]HeapBudget, len(heaps))
	for i, h := range heaps {
		out[i] = HeapBudget{Size: h.Size, Budget: h.Size / 10 * 8, DeviceLocal: h.DeviceLocal}
		if i < len(used) && used[i] > 0 {
			out[i].Usage = uint64(used[i])
		}
	}
	return out
}
