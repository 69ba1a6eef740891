// Package diag is what vkgemm's command-line tool measures of a device
// beyond what programs call: the cost of a submission and of a dispatch, the
// FMA peak, kernel times, and what the driver's compiler makes of every
// kernel. Package gpu keeps these out of its API; its engine implements
// Prober, and Of hands it to the tool and the tests.
package diag

import (
	"errors"
	"time"

	"gonum.org/v1/gonum/blas"
)

// Prober is a device's diagnostics.
type Prober interface {
	// RoundTrip submits an empty command buffer and waits for it: the
	// floor under the cost of any dispatch on this device and driver.
	RoundTrip() (time.Duration, error)
	// EmptyDispatch submits one invocation of a shader that does next to
	// nothing and waits for it: the driver's own cost of a dispatch. On CPU
	// drivers that is most of the cost of a small product: waking the
	// driver's worker threads.
	EmptyDispatch() (time.Duration, error)
	// MeasurePeak measures the device's FMA throughput as vkpeak does, in
	// float32, or in float64 (an error wrapping gpu.ErrUnsupported where
	// the device has no float64 in shaders): eight independent chains of
	// dependent vec4 fused multiply-adds per invocation, enough
	// invocations to fill the device, iterations doubled until one run
	// takes at least 100 ms, the median of three runs. The float32 peak
	// also sizes the device's submissions from then on.
	MeasurePeak(float64s bool) (Peak, error)
	// SgemmTimed is Sgemm with timestamps around its kernels: it returns
	// their time, which Sgemm leaves out (on lavapipe timestamps cost about
	// 100 µs a dispatch).
	SgemmTimed(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int,
		b []float32, ldb int, beta float32, c []float32, ldc int) (time.Duration, error)
	// CompilerStats compiles the pipelines of the given roles (all when
	// none are given) in all four transposes and returns what the driver's
	// compiler reports about each. It needs a driver with
	// VK_KHR_pipeline_executable_properties (RADV, NVIDIA, Intel's ANV; not
	// lavapipe or SwiftShader: an error wrapping gpu.ErrUnsupported says
	// so). Nothing is dispatched.
	CompilerStats(roles ...string) ([]PipelineStats, error)
}

// Peak is a device's measured FMA throughput, in single or double precision.
type Peak struct {
	GFLOPS      float64
	Invocations int           // invocations in flight
	Iterations  int           // dependent-FMA iterations per invocation
	KernelTime  time.Duration // median kernel time of the timed runs
}

// Roles of a kernel in CompilerStats.
const (
	RoleDefault   = "default"   // a kernel this device uses for some shape class
	RoleBuiltin   = "builtin"   // a per-vendor built-in GPU kernel (any vendor) the device can run
	RoleCandidate = "candidate" // a kernel the tuner would try here
)

// PipelineStats is what the driver's compiler reports about one pipeline:
// registers, spills, scratch and shared memory per invocation group, and
// occupancy. Fields a driver does not report are -1.
type PipelineStats struct {
	Family       string             `json:"family"` // the GPU family compiled for (e.g. navi21)
	Kernel       string             `json:"kernel"`
	Transposes   string             `json:"transposes"` // NN, TN, NT or TT: op(A), op(B)
	Role         string             `json:"role"`
	VGPR         int                `json:"vgpr"`
	SGPR         int                `json:"sgpr"`
	SpilledVGPR  int                `json:"spilled_vgpr"`
	SpilledSGPR  int                `json:"spilled_sgpr"`
	ScratchBytes int                `json:"scratch_bytes"`
	LDSBytes     int                `json:"lds_bytes"`
	WavesPerSIMD int                `json:"waves_per_simd"`
	CodeBytes    int                `json:"code_bytes"`
	SubgroupSize int                `json:"subgroup_size"`
	Statistics   map[string]float64 `json:"statistics"` // everything the driver reported, by its names
}

// Spills reports whether the compiler spilled registers or used scratch
// memory (private arrays it could not keep in registers).
func (s PipelineStats) Spills() bool {
	return s.SpilledVGPR > 0 || s.SpilledSGPR > 0 || s.ScratchBytes > 0
}

// prober is set by package gpu when it is linked in.
var prober func(dev any) Prober

// Register is how package gpu says where a device's Prober is.
func Register(f func(dev any) Prober) { prober = f }

// Of returns the diagnostics of dev, a *gpu.Device.
func Of(dev any) (Prober, error) {
	if prober != nil {
		if p := prober(dev); p != nil {
			return p, nil
		}
	}
	return nil, errors.New("diag: not an open *gpu.Device")
}
