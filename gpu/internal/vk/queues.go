package vk

import (
	"fmt"
	"math/bits"
)

// QueueFamily is what vkGetPhysicalDeviceQueueFamilyProperties reports of
// one queue family.
type QueueFamily struct {
	Flags         uint32 // VkQueueFlags
	Count         uint32
	TimestampBits uint32
}

// VkQueueFlagBits.
const (
	QueueGraphics = 0x1
	QueueCompute  = 0x2
	QueueTransfer = 0x4
)

// NoQueueFamily stands for a queue family the device does not have.
const NoQueueFamily = maxQueueFamilyIdx

// ComputeFamily is the family compute work goes to: one with compute,
// preferring the first without graphics (a discrete GPU's asynchronous
// compute queues), else the first with compute; NoQueueFamily where none.
func ComputeFamily(fams []QueueFamily) uint32 {
	found := NoQueueFamily
	for i, q := range fams {
		if q.Flags&QueueCompute == 0 || q.Count == 0 {
			continue
		}
		if q.Flags&QueueGraphics == 0 {
			return uint32(i)
		}
		if found == NoQueueFamily {
			found = uint32(i)
		}
	}
	return found
}

// TransferFamily is a transfer-only family (TRANSFER without GRAPHICS or
// COMPUTE): the copy (DMA) engines of a discrete GPU, which copy while the
// compute engines run. Of several, the one with the fewest other
// capabilities wins (NVIDIA also lists a transfer family that decodes
// video). Its minImageTransferGranularity does not matter: only buffers
// are copied. NoQueueFamily where there is none (CPU drivers, UMA GPUs).
func TransferFamily(fams []QueueFamily) uint32 {
	found, fewest := NoQueueFamily, 33
	for i, q := range fams {
		if q.Flags&(QueueGraphics|QueueCompute) != 0 || q.Flags&QueueTransfer == 0 || q.Count == 0 {
			continue
		}
		if n := bits.OnesCount32(q.Flags); n < fewest {
			found, fewest = uint32(i), n
		}
	}
	return found
}

// TransferMode says where the staging copies into device memory run.
type TransferMode int

const (
	// TransferAuto: on a transfer-only family where the device has one,
	// else as TransferOff.
	TransferAuto TransferMode = iota
	// TransferOff: in the compute queue's command buffer, before the
	// kernels, as one submission.
	TransferOff
	// TransferSecondQueue: on a second queue of the compute family, or the
	// compute queue itself where the family has one queue. It runs the
	// two-queue path (split submissions, semaphores) on any device.
	TransferSecondQueue
	// TransferSameQueue: on the compute queue, in submissions of their own
	// that the compute submission waits for by a semaphore.
	TransferSameQueue
)

// Transfer mode names, as VKGEMM_TRANSFER_QUEUE takes them.
var transferModeNames = map[string]TransferMode{
	"": TransferAuto, "auto": TransferAuto, "off": TransferOff, "second": TransferSecondQueue, "same": TransferSameQueue,
}

// ParseTransferMode reads a transfer mode by name: auto (or empty), off,
// second or same.
func ParseTransferMode(s string) (TransferMode, error) {
	m, ok := transferModeNames[s]
	if !ok {
		return 0, fmt.Errorf("vk: unknown transfer queue mode %q: use auto, off, second or same", s)
	}
	return m, nil
}

// QueuePlan is the queues a device opens: the compute queue and, where
// staging copies go in submissions of their own, the queue they go to.
type QueuePlan struct {
	Compute uint32
	// Transfer and TransferIndex name the queue of the upload copies;
	// Transfer is NoQueueFamily where they stay in the compute submission.
	Transfer, TransferIndex uint32
}

// Split reports whether uploads go in submissions of their own.
func (p QueuePlan) Split() bool { return p.Transfer != NoQueueFamily }

// Dedicated reports whether the uploads run on another family than the
// kernels: the buffers both touch are then shared (CONCURRENT).
func (p QueuePlan) Dedicated() bool { return p.Split() && p.Transfer != p.Compute }

// PlanQueues chooses the queues for mode on a device with families fams.
func PlanQueues(fams []QueueFamily, mode TransferMode) (QueuePlan, error) {
	p := QueuePlan{Compute: ComputeFamily(fams), Transfer: NoQueueFamily}
	if p.Compute == NoQueueFamily {
		return p, fmt.Errorf("%w: no queue family has compute", ErrUnsupported)
	}
	switch mode {
	case TransferAuto:
		p.Transfer = TransferFamily(fams)
	case TransferSecondQueue:
		p.Transfer, p.TransferIndex = p.Compute, min(1, fams[p.Compute].Count-1)
	case TransferSameQueue:
		p.Transfer = p.Compute
	}
	return p, nil
}

// queueCounts is how many queues of which family the device opens: one
// compute queue, and the uploads' queue where it is another.
func (p QueuePlan) queueCounts() map[uint32]uint32 {
	n := map[uint32]uint32{p.Compute: 1}
	if p.Split() {
		n[p.Transfer] = max(n[p.Transfer], p.TransferIndex+1)
	}
	return n
}

// String says where the uploads go, for descriptions.
func (p QueuePlan) String() string {
	switch {
	case !p.Split():
		return fmt.Sprintf("queue family %d; copies in the compute submission", p.Compute)
	case p.Dedicated():
		return fmt.Sprintf("queue family %d; uploads on transfer family %d", p.Compute, p.Transfer)
	default:
		return fmt.Sprintf("queue family %d; uploads in their own submissions on queue %d", p.Compute, p.TransferIndex)
	}
}
