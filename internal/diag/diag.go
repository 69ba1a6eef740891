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
	// CoopmatCheck names the cooperative-matrix kernels GemmHalf uses for F16
	// and GemmInt8 for int8 on the device, joined by "; " ("" where it has
	// none, or Config.Coopmat keeps them off) and runs their self-checks if
	// they have not run: nil where all passed, why each failed otherwise
	// (that call then keeps its other kernels).
	CoopmatCheck() (string, error)
	// KernelTime runs call, which runs products on the device (GemmHalf,
	// GemmInt8, Sgemm, ...), with timestamps around their kernels, and
	// returns the kernels' total time: what the products cost the device,
	// without packing, conversions and copies. Products other goroutines
	// run on the device meanwhile count too.
	KernelTime(call func() error) (time.Duration, error)
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
	RoleDefault   = "default"   // a kernel this device uses for some element type and shape class
	RoleBuiltin   = "builtin"   // a built-in kernel of this device's vendor (or driver), in any place of its lists
	RoleCandidate = "candidate" // a kernel the tuner would try here
	// RoleOtherBuiltin is another vendor's built-in GPU kernel that the
	// device can run: compiled with RoleBuiltin, reported, not required.
	RoleOtherBuiltin = "builtin-other"
)

// PipelineStats is what a driver's compiler reports about one pipeline, in
// fields that mean the same for every vendor's compiler (AMD's ACO through
// RADV, NVIDIA's instruction set through NVK's NAK, Qualcomm Adreno's ir3
// through turnip, Apple's AGX through Honeykrisp), each taken from the
// statistic that compiler gives it; a field its compiler does not report is
// absent (nil), never a made-up value. Statistics keeps everything the driver
// reported, under its own names.
type PipelineStats struct {
	Device     string `json:"device"`     // the device's name
	Family     string `json:"family"`     // the GPU family compiled for, where the name says it (navi31), else the device's name
	Compiler   string `json:"compiler"`   // whose statistics these are: ACO, NAK, ir3 or AGX, or the driver's name
	Kernel     string `json:"kernel"`     // the kernel, as tune.Kernel prints it
	Transposes string `json:"transposes"` // NN, TN, NT or TT: op(A), op(B)
	Role       string `json:"role"`
	// Registers is the registers an invocation holds: VGPRs (ACO), GPRs
	// (NAK, AGX), full registers (ir3).
	Registers *int `json:"registers,omitempty"`
	// ScalarRegisters is the registers a subgroup shares: SGPRs (ACO).
	ScalarRegisters *int `json:"scalar_registers,omitempty"`
	// Spills counts registers spilled to memory: VGPRs and SGPRs (ACO),
	// "Spills to memory" (NAK), "Spills" (AGX), stores to private memory
	// (ir3's STP, which is how it spills).
	Spills *int `json:"spills,omitempty"`
	// Fills counts reloads of spilled registers: "Fills from memory" (NAK),
	// "Fills" (AGX), loads from private memory (ir3's LDP).
	Fills *int `json:"fills,omitempty"`
	// ScratchBytes is private memory per invocation or wave: scratch (ACO,
	// AGX), local memory (NAK's SLM).
	ScratchBytes *int `json:"scratch_bytes,omitempty"`
	// SharedBytes is the shared memory of a workgroup (ACO's LDS).
	SharedBytes *int `json:"shared_bytes,omitempty"`
	// Occupancy is how many subgroups (or threads) the hardware keeps in
	// flight at these registers, counted as the vendor counts it, in
	// OccupancyUnit: waves per SIMD (ACO), warps per SM (NAK), waves per
	// core (ir3), threads (AGX).
	Occupancy     *int   `json:"occupancy,omitempty"`
	OccupancyUnit string `json:"occupancy_unit,omitempty"`
	CodeBytes     *int   `json:"code_bytes,omitempty"`
	SubgroupSize  int    `json:"subgroup_size"`
	// MatrixInstructions counts the matrix-unit (tensor-core) instructions
	// in the compiler's disassembly: HMMA and IMMA (NAK), V_WMMA and
	// V_SWMMAC (ACO), DPAS (Intel); 0 for kernels that use none. Absent
	// where the driver keeps no text representation of the code.
	MatrixInstructions *int `json:"matrix_instructions,omitempty"`
	// Statistics is everything the driver reported, by its names.
	Statistics map[string]float64 `json:"statistics"`
}

// Spilled reports whether the compiler spilled registers or used scratch
// memory (private arrays it could not keep in registers).
func (s PipelineStats) Spilled() bool {
	return positive(s.Spills) || positive(s.Fills) || positive(s.ScratchBytes)
}

func positive(v *int) bool { return v != nil && *v > 0 }

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
