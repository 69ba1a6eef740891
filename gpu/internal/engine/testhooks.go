package engine

import (
	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"gonum.org/v1/gonum/blas"
)

// Hooks for the tests of package gpu, which reach the engine only through
// what it exports.

// SimulateLoss marks d lost, as if the driver had returned
// VK_ERROR_DEVICE_LOST.
func (d *Device) SimulateLoss() { d.dev.SimulateLoss() }

// InFlight is the number of batches submitted and not yet landed.
func (d *Device) InFlight() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.flights)
}

// Counts returns the submissions and fence waits since ResetCounts, and
// the most batches that were in flight at once.
func (d *Device) Counts() vk.Counts {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.dev.Counts()
}

// ResetCounts starts the counts again.
func (d *Device) ResetCounts() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.dev.ResetCounts()
}

// SetWorkCap caps the work of one submission at flops.
func (d *Device) SetWorkCap(flops float64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.workCap = flops
}

// SetDepth sets how many blocks of a host-slice product may be in flight;
// 1 is the serial path (pack, submit, wait, unpack), for comparison.
func (d *Device) SetDepth(n int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.depth = n
}

// MaxFlights is the most batches in flight at once.
const MaxFlights = maxFlights

// Queues is where d's uploads run.
func (d *Device) Queues() vk.QueuePlan { return d.dev.Queues() }

// Pipelines counts the pipelines d has built.
func (d *Device) Pipelines() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.pipes)
}

// HoldBuilds makes every background pipeline build (of the BLAS adapter)
// wait until release is closed.
func (d *Device) HoldBuilds(release <-chan struct{}) {
	d.built.mu.Lock()
	defer d.built.mu.Unlock()
	d.built.hook = func() { <-release }
}

// SgemmTiming is Sgemm with timestamps, reporting every figure of the call.
func (d *Device) SgemmTiming(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) (Timing, error) {
	return d.sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, true)
}
