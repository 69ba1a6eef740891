package engine

import (
	"time"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gpu/internal/vk"
)

// Laptop, phone and Apple drivers reset a queue whose work runs for more
// than a few seconds (device lost), so no submission may carry more than
// about submissionBudget of work at the device's peak.
const submissionBudget = 500 * time.Millisecond

// assumedPeakGFLOPS is a device's single-precision peak before MeasurePeak
// has measured it: low for its type, so that the cap errs towards smaller
// submissions.
func assumedPeakGFLOPS(vkType int) float64 {
	switch vkType {
	case vk.TypeDiscrete:
		return 5000
	case vk.TypeCPU:
		return 200
	default: // integrated GPUs, phones, Apple, virtual devices
		return 500
	}
}

// submissionWork is the most floating-point operations one submission may
// carry on d.
func (d *Device) submissionWork() float64 {
	if d.workCap > 0 {
		return d.workCap
	}
	peak := d.peakGFLOPS
	if peak <= 0 {
		peak = assumedPeakGFLOPS(d.props.Type)
	}
	return peak * 1e9 * submissionBudget.Seconds()
}

// capBlock shrinks an mb×nb×kb block until its 2·mb·nb·kb operations fit
// in work: first along k (later slices add to C with beta = 1), in
// multiples of 4 so that offsets into packed rows stay vec4-aligned; then,
// when a slice of 4 is still too much, along the larger of m and n.
func capBlock(mb, nb, kb int, work float64) (int, int, int) {
	if gemm.Flops(mb, nb, kb) <= work {
		return mb, nb, kb
	}
	perK := gemm.Flops(mb, nb, 1)
	if fit := int(work/perK) &^ 3; fit >= 4 {
		return mb, nb, min(kb, fit)
	}
	kb = min(kb, 4)
	for gemm.Flops(mb, nb, kb) > work && (mb > 1 || nb > 1) {
		x := larger(&mb, &nb)
		*x = (*x + 1) / 2
	}
	return mb, nb, kb
}
