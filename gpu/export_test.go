package gpu

import "github.com/vkgemm/vkgemm/gpu/internal/vk"

// SimulateLoss marks d lost, as if the driver had returned
// VK_ERROR_DEVICE_LOST.
func SimulateLoss(d *Device) { d.dev.SimulateLoss() }

// Pick exposes device choice for tests.
var Pick = pick

// NewInfo makes a DeviceInfo for tests of device choice.
func NewInfo(name string, t DeviceType, supported bool, why string) DeviceInfo {
	return DeviceInfo{Name: name, Type: t, Supported: supported, Why: why}
}

// SortDevices exposes the preference order for tests.
var SortDevices = sortDevices

// Supported exposes the support check for tests.
var Supported = supported

// InFlight is the number of batches submitted and not yet landed.
func InFlight(d *Device) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.flights)
}

// Counts returns the submissions and fence waits since ResetCounts, and
// the most batches that were in flight at once.
func Counts(d *Device) vk.Counts {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.dev.Counts()
}

// ResetCounts starts the counts again.
func ResetCounts(d *Device) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.dev.ResetCounts()
}

// SetWorkCap caps the work of one submission at flops.
func SetWorkCap(d *Device, flops float64) { d.workCap = flops }

// SetDepth sets how many blocks of a host-slice product may be in flight;
// 1 is the serial path (pack, submit, wait, unpack), for comparison.
func SetDepth(d *Device, n int) { d.depth = n }

// MaxFlights is the most batches in flight at once.
const MaxFlights = maxFlights

// Queues is where d's uploads run.
func Queues(d *Device) vk.QueuePlan { return d.dev.Queues() }

// QueueFamilies are the queue families of d's physical device.
func QueueFamilies(d *Device) []vk.QueueFamily { return d.dev.Properties().QueueFamilies }
