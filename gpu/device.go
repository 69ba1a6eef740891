package gpu

import (
	"errors"
	"fmt"
	"time"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gpu/internal/engine"
	"github.com/vkgemm/vkgemm/half"
	"github.com/vkgemm/vkgemm/shaders"
)

// Device is an open Vulkan device that multiplies matrices. Its methods are
// safe for concurrent use; work is submitted to one queue in call order.
type Device struct {
	e    *engine.Device
	info DeviceInfo
	cfg  Config // as opened, the environment applied
}

var _ gemm.Engine = (*Device)(nil)

// Open opens the device cfg asks for; the zero Config picks the best
// device. Close it when done.
func Open(cfg Config) (*Device, error) {
	cfg, err := cfg.withEnv()
	if err != nil {
		return nil, err
	}
	if severalDevices(cfg.Device) {
		return nil, fmt.Errorf("gpu: %w: Config.Device or VKGEMM_DEVICE %q names several devices: gpu.OpenAll opens them as a group, gpu.Open one device", ErrDeviceIndex, cfg.Device)
	}
	ec, err := cfg.engineConfig()
	if err != nil {
		return nil, err
	}
	in, err := engine.AcquireInstance(ec.Validation)
	if err != nil {
		return nil, err
	}
	pds, err := in.PhysicalDevices()
	if err != nil {
		return nil, errors.Join(err, engine.ReleaseInstance(in))
	}
	info, err := pick(describe(pds), cfg.Device)
	if err != nil {
		return nil, errors.Join(err, engine.ReleaseInstance(in))
	}
	e, err := engine.Open(in, info.phys, ec)
	if err != nil {
		return nil, errors.Join(err, engine.ReleaseInstance(in))
	}
	return &Device{e: e, info: info, cfg: cfg}, nil
}

// errNotOpen is what a Device that Open did not return says.
var errNotOpen = fmt.Errorf("gpu: %w: a nil *gpu.Device, or one not made by gpu.Open", ErrBadArgument)

// engine is the engine behind d, or errNotOpen.
func (d *Device) engine() (*engine.Device, error) {
	if d == nil || d.e == nil {
		return nil, errNotOpen
	}
	return d.e, nil
}

// Close waits for the device's work, including products that timed out or
// were never waited for, and then frees it. Calls after Close return
// ErrClosed; a second Close returns nil. Where the work does not end
// within the timeout (at least 10 minutes), Close returns an error wrapping
// ErrTimeout and leaves the device's memory allocated rather than free it
// under the running work. Close saves the pipeline cache, so that drivers
// that fill it start the next process with compiled pipelines.
func (d *Device) Close() error {
	e, err := d.engine()
	if err != nil {
		return err
	}
	return e.Close()
}

// Backend returns "Vulkan".
func (d *Device) Backend() string { return "Vulkan" }

// Describe says which device runs, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)
// (Vulkan, CPU driver)".
func (d *Device) Describe() string {
	if d == nil || d.e == nil {
		return "no device (Vulkan)"
	}
	return d.e.Describe()
}

// Info returns the description of the open device, as Devices lists it.
func (d *Device) Info() DeviceInfo {
	if d == nil {
		return DeviceInfo{}
	}
	return d.info
}

// Sgemm computes C = alpha*op(A)*op(B) + beta*C on the device with gonum's
// argument convention (row-major, leading dimensions, transposes; see
// package gemm) on host slices. Bad arguments return an error wrapping
// ErrBadArgument and leave C alone. The operands are packed into pooled
// device buffers (straight into device memory where the host can map it,
// through staging buffers otherwise); a problem larger than one
// storage-buffer binding allows is split into blocks, and the host packs
// the next block while the device computes one. No submission carries
// more than about half a second of work, as drivers reset queues that run
// for seconds.
func (d *Device) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) error {
	e, err := d.engine()
	if err != nil {
		return err
	}
	return e.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Dgemm computes C = alpha*op(A)*op(B) + beta*C in float64 on the device,
// with Sgemm's argument convention and errors; results are within
// gemmtest.Bound64. On a device without float64 in shaders (shaderFloat64:
// SwiftShader, Apple's GPUs, most phones) it returns an error wrapping
// ErrUnsupported; the BLAS adapter then uses the CPU path by itself.
func (d *Device) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int,
	b []float64, ldb int, beta float64, c []float64, ldc int) error {
	e, err := d.engine()
	if err != nil {
		return err
	}
	return e.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// GemmHalf computes C = alpha*op(A)*op(B) + beta*C like Sgemm, with A and B
// holding the bit patterns of f's values (package half converts them to
// and from float32) and C in float32. The products and sums are float32:
// the product of two half-precision values is exact in float32, so the
// result meets Sgemm's error bound with the inputs taken as exact. NaN, Inf
// and subnormal inputs are widened exactly (IEEE 754); F16 subnormals
// become normal float32s, while BF16 subnormals are float32 subnormals,
// which a device that flushes float32 denormals (SwiftShader) treats as
// zero, as it does in Sgemm.
//
// Both formats run on every device: the kernels load A and B as 32-bit
// words and widen them to float32 as they load, so no 16-bit storage
// feature is needed.
func (d *Device) GemmHalf(f HalfFormat, tA, tB blas.Transpose, m, n, k int, alpha float32,
	a []uint16, lda int, b []uint16, ldb int, beta float32, c []float32, ldc int) error {
	el, ok := element(f)
	if !ok {
		return fmt.Errorf("gpu: %w: half format %v is neither gpu.F16 nor gpu.BF16", ErrBadArgument, f)
	}
	e, err := d.engine()
	if err != nil {
		return err
	}
	return e.GemmHalf(el, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// GemmInt8 computes C = op(A)·op(B) with A and B of int8 and C of int32,
// overwritten, for quantized inference; the argument convention is Sgemm's,
// and bad arguments are errors wrapping ErrBadArgument. Products and sums
// are exact integers: k may be at most gemm.MaxInt8K (131071), the most
// products of -128·-128 whose sum int32 holds, and a larger k is refused
// rather than wrapped around. It runs on every device: the kernel reads the
// values four to a 32-bit word and unpacks them by shifts, so no 8-bit
// storage or integer-dot-product feature is needed. Where the device lists
// s8×s8→s32 cooperative matrices (tensor cores) it runs on them instead,
// as Config.Coopmat says, once they pass a self-check.
func (d *Device) GemmInt8(tA, tB blas.Transpose, m, n, k int, a []int8, lda int, b []int8, ldb int, c []int32, ldc int) error {
	e, err := d.engine()
	if err != nil {
		return err
	}
	return e.GemmInt8(tA, tB, m, n, k, a, lda, b, ldb, c, ldc)
}

var _ gemm.Int8Engine = (*Device)(nil)

// HalfFormat is the 16-bit format of GemmHalf's inputs.
type HalfFormat = half.Format

// The half-precision formats GemmHalf reads.
const (
	F16  = half.F16  // IEEE 754 binary16
	BF16 = half.BF16 // bfloat16
)

// element is the kernels' element type of format f.
func element(f HalfFormat) (shaders.Element, bool) {
	switch f {
	case F16:
		return shaders.F16, true
	case BF16:
		return shaders.BF16, true
	}
	return "", false
}

// SgemmStridedBatched computes batch products C_g = alpha*op(A_g)*op(B_g) +
// beta*C_g, g = 0..batch-1, with A_g at a[g*strideA:], B_g at b[g*strideB:]
// and C_g at c[g*strideC:] (cuBLAS's cublasSgemmStridedBatched on gonum's
// row-major convention). A stride of 0 for A or B uses one matrix for every
// product; C matrices that overlap are an error wrapping ErrBadArgument.
// A stride is checked only where a second product uses it, so a batch of 1
// takes any stride.
//
// Small products share dispatches: each product is one layer of workgroups,
// as many per dispatch as the device's grid, one storage-buffer binding and
// one submission's work allow, so a batch of small products costs about
// what one product does.
func (d *Device) SgemmStridedBatched(tA, tB blas.Transpose, m, n, k int, alpha float32,
	a []float32, lda, strideA int, b []float32, ldb, strideB int, beta float32,
	c []float32, ldc, strideC int, batch int) error {
	e, err := d.engine()
	if err != nil {
		return err
	}
	return e.SgemmStridedBatched(tA, tB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, batch)
}

// Warm builds ahead of the first product the pipelines products use: the
// kernel of every shape class for every pair of transposes, and the float64
// kernel where the device has one, each run once on a 4×4×4 product,
// because some drivers (lavapipe) compile a pipeline at its first dispatch,
// not when it is created. Then the first product of the process pays no
// compile.
//
// Warm may run in a goroutine beside products (Config.Warm makes Open do
// that): it holds the device for one pipeline at a time. It returns
// ErrClosed if the device is closed meanwhile.
func (d *Device) Warm() error {
	e, err := d.engine()
	if err != nil {
		return err
	}
	return e.Warm()
}

// MemoryBudget is the memory a device has left for vkgemm: from
// VK_EXT_memory_budget where the driver has it, else estimated as 80% of
// each heap less what this Device allocated.
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
	e, err := d.engine()
	if err != nil {
		return MemoryBudget{}, err
	}
	b, err := e.MemoryBudget()
	return MemoryBudget(b), err
}

// Timing is how long one product took.
type Timing struct {
	// GPU is the time the kernels ran, from timestamp queries: zero where
	// the device's queue has no timestamps.
	GPU time.Duration
	// Wall is the time from the call that submitted the product to the end
	// of the wait for it.
	Wall time.Duration
	// Dispatches counts the kernel launches; more than one when the
	// problem was split to fit the device's limits.
	Dispatches int
}
