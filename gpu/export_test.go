package gpu

import (
	"github.com/vkgemm/vkgemm/gpu/internal/engine"
	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"gonum.org/v1/gonum/blas"
)

// SimulateLoss marks d lost, as if the driver had returned
// VK_ERROR_DEVICE_LOST.
func SimulateLoss(d *Device) { d.e.SimulateLoss() }

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
func InFlight(d *Device) int { return d.e.InFlight() }

// Counts returns the submissions and fence waits since ResetCounts, and
// the most batches that were in flight at once.
func Counts(d *Device) vk.Counts { return d.e.Counts() }

// ResetCounts starts the counts again.
func ResetCounts(d *Device) { d.e.ResetCounts() }

// SetWorkCap caps the work of one submission at flops.
func SetWorkCap(d *Device, flops float64) { d.e.SetWorkCap(flops) }

// SetDepth sets how many blocks of a host-slice product may be in flight;
// 1 is the serial path (pack, submit, wait, unpack), for comparison.
func SetDepth(d *Device, n int) { d.e.SetDepth(n) }

// MaxFlights is the most batches in flight at once.
const MaxFlights = engine.MaxFlights

// Queues is where d's uploads run.
func Queues(d *Device) vk.QueuePlan { return d.e.Queues() }

// QueueFamilies are the queue families of d's physical device.
func QueueFamilies(d *Device) []vk.QueueFamily { return d.e.Props().QueueFamilies }

// Pipelines counts the pipelines d has built.
func Pipelines(d *Device) int { return d.e.Pipelines() }

// SgemmTimed is Sgemm with timestamps around the kernels, reporting the
// whole Timing.
func SgemmTimed(d *Device, tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) (Timing, error) {
	t, err := d.e.SgemmTiming(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	return Timing(t), err
}

// NewGroup makes a group of devs, which it closes on Close, with warnings
// to logf.
func NewGroup(devs []*Device, logf func(string, ...any)) *Group { return newGroup(devs, logf) }

// SetGroupSplit makes g deal every product of at least below flops,
// equally over every device when force is set.
func SetGroupSplit(g *Group, below float64, force bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.splitBelow, g.forceSplit = below, force
}

// SetBeforeBlock has g call hook before each block a device runs.
func SetBeforeBlock(g *Group, hook func(dev, lo, hi int)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.beforeBlock = hook
}

// SetAfterDeal has g call hook with each round's blocks (device, first
// and end unit).
func SetAfterDeal(g *Group, hook func(blocks [][3]int)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.afterDeal = hook
}

// SelectDevices exposes the reading of a group's Config.Device.
var SelectDevices = selectDevices

// GroupSplitBelow is the flops under which a product runs whole on the
// fastest device.
const GroupSplitBelow = splitBelow

// Explore exposes the exploration schedule.
var Explore = explore

// CutBlocks exposes the cutting of units among devices: device, lo, hi.
func CutBlocks(lo, hi int, devs []int, w []float64, per int) [][3]int {
	var out [][3]int
	for _, b := range cutBlocks(lo, hi, devs, w, per) {
		out = append(out, [3]int{b.dev, b.lo, b.hi})
	}
	return out
}
