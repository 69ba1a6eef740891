package vk

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Memory selection follows the rules of AMD's Vulkan Memory Allocator:
// kernels' buffers live in DEVICE_LOCAL memory of the largest device-local
// heap (the VRAM), not in the small host-visible BAR window that discrete
// GPUs without resizable BAR also mark device-local; the CPU writes device
// memory directly only where that memory is the device's main heap (UMA,
// CPU drivers, resizable BAR, datacenter GPUs); and the CPU reads only
// HOST_CACHED memory, since uncached reads over PCIe crawl.

// BufferKind says what a buffer is for, which decides its memory.
type BufferKind int

const (
	// Storage buffers are bound to kernels. They are mapped only where
	// device memory is host-visible, coherent and cached on the device's
	// main heap (UMA devices, CPU drivers), so the CPU may both write and
	// read them there; elsewhere data goes through Upload and Readback
	// buffers.
	Storage BufferKind = iota
	// Staging buffers are host memory for copies both ways; they follow the
	// rules of Readback, since results are read through them.
	Staging
	// DeviceOnly buffers are bound to kernels and never mapped.
	DeviceOnly
	// StorageWrite buffers are bound to kernels and filled by the CPU (A and
	// B): mapped where host-visible device-local memory spans the device's
	// main heap, cached or not (resizable BAR too). The CPU must not read
	// them: the mapping may be uncached.
	StorageWrite
	// Upload buffers are host memory the CPU writes and the device copies
	// from; outside the device's scarce BAR window where possible.
	Upload
	// Readback buffers are host memory the device copies results into and
	// the CPU reads: HOST_CACHED wherever the device has such memory, even
	// where that memory is not coherent, so readers call Invalidate after
	// the copy's fence and before reading.
	Readback
)

var kindNames = [...]string{"storage", "staging", "device-only", "storage (CPU writes)", "upload", "readback"}

func (k BufferKind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("BufferKind(%d)", int(k))
}

// kernelBuffer reports whether kernels bind buffers of this kind.
func (k BufferKind) kernelBuffer() bool {
	return k == Storage || k == DeviceOnly || k == StorageWrite
}

// Heap is one memory heap of a device.
type Heap struct {
	Size        uint64
	DeviceLocal bool
}

// MemoryType is one memory type of a device. Special is set for types with
// flags beyond these four (lazily allocated, protected, AMD's
// device-coherent and uncached types): vkgemm never uses them.
type MemoryType struct {
	Heap                                           int
	DeviceLocal, HostVisible, Coherent, HostCached bool
	Special                                        bool
}

// Vulkan's VkMemoryPropertyFlagBits, for tables recorded from vulkaninfo.
const (
	memDeviceLocal = 0x1
	memHostVisible = 0x2
	memCoherent    = 0x4
	memCached      = 0x8
)

// MemoryTypeFromFlags decodes VkMemoryPropertyFlags.
func MemoryTypeFromFlags(heap int, flags uint32) MemoryType {
	return MemoryType{
		Heap:        heap,
		DeviceLocal: flags&memDeviceLocal != 0,
		HostVisible: flags&memHostVisible != 0,
		Coherent:    flags&memCoherent != 0,
		HostCached:  flags&memCached != 0,
		Special:     flags&^(memDeviceLocal|memHostVisible|memCoherent|memCached) != 0,
	}
}

func (t MemoryType) String() string {
	var f []string
	for _, x := range []struct {
		on   bool
		name string
	}{{t.DeviceLocal, "DEVICE_LOCAL"}, {t.HostVisible, "HOST_VISIBLE"}, {t.Coherent, "HOST_COHERENT"}, {t.HostCached, "HOST_CACHED"}, {t.Special, "OTHER"}} {
		if x.on {
			f = append(f, x.name)
		}
	}
	if len(f) == 0 {
		return "heap " + fmt.Sprint(t.Heap) + " (no flags)"
	}
	return fmt.Sprintf("heap %d %s", t.Heap, strings.Join(f, "|"))
}

// MemoryLayout is what memory selection reads of a device.
type MemoryLayout struct {
	Heaps []Heap
	Types []MemoryType
	// MaxAllocation is maxMemoryAllocationSize; 0 where unknown.
	MaxAllocation uint64
}

// mainHeap is the largest device-local heap: the VRAM of a discrete GPU,
// all memory on a UMA device. -1 when there is no device-local heap.
func (m *MemoryLayout) mainHeap() int {
	best := -1
	for i, h := range m.Heaps {
		if h.DeviceLocal && (best < 0 || h.Size > m.Heaps[best].Size) {
			best = i
		}
	}
	return best
}

// Mapped reports whether a buffer of kind in memory type ti is mapped for
// the CPU.
func (m *MemoryLayout) Mapped(ti int, kind BufferKind) bool {
	t := m.Types[ti]
	if kind == Readback && t.HostVisible {
		return true
	}
	if !t.HostVisible || !t.Coherent {
		return false
	}
	switch kind {
	case Storage:
		return t.Heap == m.mainHeap() && t.HostCached
	case StorageWrite:
		return t.Heap == m.mainHeap()
	case DeviceOnly:
		return false
	}
	return true
}

// score ranks memory type t for kind; negative means unusable.
func (m *MemoryLayout) score(t MemoryType, kind BufferKind) int {
	if t.Special {
		return -1
	}
	main := t.Heap == m.mainHeap()
	hostOnly := !t.DeviceLocal
	s := 0
	switch kind {
	case Storage, DeviceOnly, StorageWrite:
		if !t.DeviceLocal {
			return -1
		}
		if main {
			s += 16 // the VRAM, not the BAR window
		}
		mappable := t.HostVisible && t.Coherent && main
		switch {
		case kind == Storage && mappable && t.HostCached,
			kind == StorageWrite && mappable:
			s += 4 // the CPU reaches it without copies
		case !t.HostVisible:
			s += 2 // plain VRAM: leave host-visible memory to others
		}
	case Upload:
		if !t.HostVisible || !t.Coherent {
			return -1
		}
		if hostOnly {
			s += 4 // system memory: the BAR window is scarce
		}
	case Readback, Staging:
		// Staging is written too, by callers that never flush: coherent
		// only. Readback's readers invalidate, so a cached type that is not
		// coherent (newer Intel integrated GPUs, Adreno) still beats an
		// uncached one.
		if !t.HostVisible || !t.Coherent && (kind == Staging || !t.HostCached) {
			return -1
		}
		if t.HostCached {
			s += 8 // uncached reads over PCIe run under 1 GB/s
			if t.Coherent {
				s += 2
			}
		}
		if hostOnly {
			s += 4
		}
	default:
		return -1
	}
	return s
}

// Candidates returns the memory types a buffer of size bytes and kind may
// use, best first, among those allowed by bits (VkMemoryRequirements'
// memoryTypeBits). Types whose heap is smaller than size are left out; so
// are types whose heap has less than size left in avail (bytes per heap,
// as VK_EXT_memory_budget reports), unless every type is short, when they
// come last. A request no heap can hold wraps ErrTooLarge (and
// ErrOutOfMemory): a smaller one may fit.
func (m *MemoryLayout) Candidates(bits uint32, kind BufferKind, size uint64, avail []uint64) ([]int, error) {
	if m.MaxAllocation > 0 && size > m.MaxAllocation {
		return nil, &AllocError{Kind: kind, Size: size, Fits: m.MaxAllocation,
			Reason: fmt.Sprintf("the device allocates at most %s at once", FormatBytes(m.MaxAllocation))}
	}
	type cand struct{ ti, score int }
	var cands []cand
	var largest uint64
	for i, t := range m.Types {
		if bits&(1<<i) == 0 || t.Heap >= len(m.Heaps) {
			continue
		}
		s := m.score(t, kind)
		if s < 0 {
			continue
		}
		heap := m.Heaps[t.Heap].Size
		largest = max(largest, heap)
		if size > heap {
			continue
		}
		if t.Heap < len(avail) && avail[t.Heap] < size {
			s -= 64 // over the budget: only when nothing else has room
		}
		cands = append(cands, cand{i, s})
	}
	if len(cands) == 0 {
		if largest == 0 {
			return nil, fmt.Errorf("%w: no memory type suits a %s buffer", ErrUnsupported, kind)
		}
		return nil, &AllocError{Kind: kind, Size: size, Fits: largest,
			Reason: fmt.Sprintf("the largest memory heap for %s buffers holds %s", kind, FormatBytes(largest))}
	}
	sort.SliceStable(cands, func(a, b int) bool { return cands[a].score > cands[b].score })
	out := make([]int, len(cands))
	for i, c := range cands {
		out[i] = c.ti
	}
	return out, nil
}

// Allocate tries alloc on each candidate memory type in turn, moving on
// when one is out of memory, and returns the type that worked. Other
// errors end the search.
func Allocate(cands []int, alloc func(typeIndex int) error) (int, error) {
	var errs []error
	for _, ti := range cands {
		err := alloc(ti)
		if err == nil {
			return ti, nil
		}
		if !errors.Is(err, ErrOutOfMemory) {
			return -1, err
		}
		errs = append(errs, fmt.Errorf("memory type %d: %w", ti, err))
	}
	return -1, errors.Join(errs...)
}

// AllocError is a buffer larger than the device can allocate at all. It
// wraps ErrTooLarge and ErrOutOfMemory: a caller that can split its work
// should retry with pieces of at most Fits bytes.
type AllocError struct {
	Kind   BufferKind
	Size   uint64 // bytes requested
	Fits   uint64 // the most one buffer of this kind may have
	Reason string
}

func (e *AllocError) Error() string {
	return fmt.Sprintf("a %s %s buffer does not fit: %s", FormatBytes(e.Size), e.Kind, e.Reason)
}

// Is makes errors.Is match ErrTooLarge and ErrOutOfMemory.
func (e *AllocError) Is(target error) bool {
	return target == ErrTooLarge || target == ErrOutOfMemory
}

// FormatBytes writes a size for people: bytes under 1 MiB, else MiB (GiB
// from 10 GiB on).
func FormatBytes[T ~int | ~int64 | ~uint64](n T) string {
	const mib = 1 << 20
	switch {
	case n < mib:
		return fmt.Sprintf("%d bytes", int64(n))
	case n >= 10<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n%mib == 0:
		return fmt.Sprintf("%d MiB", int64(n/mib))
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/mib)
}

// HeapBudget is one memory heap as a planner sees it: its size, how much of
// it this process may use (VK_EXT_memory_budget's budget, else an estimate
// of 80% of the heap) and how much it uses.
type HeapBudget struct {
	Size, Budget, Usage uint64
	DeviceLocal         bool
}

// Available is what is left of the budget.
func (h HeapBudget) Available() uint64 {
	if h.Usage >= h.Budget {
		return 0
	}
	return h.Budget - h.Usage
}
