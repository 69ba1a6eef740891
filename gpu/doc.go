// Package gpu is vkgemm's Vulkan engine: GEMM (Sgemm, and Dgemm on devices
// with float64 in shaders) through SPIR-V
// compute shaders on any Vulkan 1.1 device, from discrete GPUs to the CPU
// drivers lavapipe and SwiftShader.
//
// Open a device, multiply, close:
//
//	dev, err := gpu.Open(gpu.Config{})
//	...
//	defer dev.Close()
//	err = dev.Sgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, b, n, 0, c, n)
//
// Sgemm takes gonum's arguments (row-major, leading dimensions, transposes;
// see package gemm) on host slices: it packs the operands into pooled
// device buffers (straight into device memory where that is host-visible,
// through staging buffers otherwise), dispatches the kernel chosen for the
// device, and copies C back. Problems larger than one storage-buffer binding
// are split into blocks, and no submission carries more than about half a
// second of work at the device's peak (drivers reset queues that run for
// seconds). Blocks are pipelined: the host packs the next while the device
// computes one. Every buffer a submitted batch uses stays reserved until its
// fence signals, even after a timeout; Close waits for all of it.
// Device-resident matrices (NewMatrix, MatMul, MatMulAsync) skip the copies,
// so chained products never touch the host.
// SgemmStridedBatched runs a batch of products of one shape (cuBLAS's
// strided-batched GEMM; a stride of 0 shares A or B), one product per layer
// of workgroups (gl_WorkGroupID.z), so a batch of small products costs one
// dispatch. GemmHalf takes A and B as F16 or BF16 bit patterns and
// accumulates in float32; its kernels widen 32-bit loads as they read them,
// so it needs no 16-bit storage feature and runs everywhere, and read texels
// of eight halves where the float32 kernel reads texels.
//
// NewBLAS adapts a device to gonum's blas.Float32 and blas.Float64, so
// blas32.Use(gpu.NewBLAS(dev)) and blas64.Use(gpu.NewBLAS(dev)) send gonum's
// GEMMs (and mat.Dense.Mul) to the GPU where that is faster.
//
// The adapter's dispatch is hybrid, so that using it never makes a program
// slower than the CPU path (package gemm/cpu's engine: OpenBLAS where
// installed, else gonum's pure Go). Each device has a crossover per precision
// and shape class (Device.CPUBelow): products of fewer flops (2·m·n·k) run on
// the CPU path, larger ones on the device. The crossover is the measured one
// (Device.MeasureCPUBelow races the two paths; `vkgemm tune`, or Tune with
// TuneOptions.Crossovers, measures every class in float32 and, where the
// device has it, float64, and stores them in the tuning file, which Open
// applies; Device.SetCPUBelow sets one by hand), else a conservative
// built-in: on a CPU driver with OpenBLAS installed, Never (the driver runs
// on the same cores at a fraction of OpenBLAS's speed); on a CPU driver
// without it, 512³; on a GPU 256³ in float32 and 1024³ in float64. Nor
// does the adapter wait for a compile: a product whose pipeline is not built
// yet runs on the CPU path while it is built in the background (Warm builds
// them all ahead, for callers of Sgemm and Dgemm). Dgemm runs on the device where
// it has float64 in shaders (shaderFloat64: lavapipe has it) and on the CPU
// path (OpenBLAS's dgemm where installed) where it has not (SwiftShader).
// Its kernel reads A and B as uint texel buffers (two doubles a texel) where
// the device has them, else as storage buffers. MeasurePeak and
// MeasurePeak64 measure the float32 and float64 FMA peaks every GEMM figure
// can be stated against.
//
// Kernels: the "direct" family (no shared memory, no barriers) for CPU
// drivers, which emulate barriers; the "subgroup" family, the direct one with
// the loads of A shared across a 4- or 8-wide subgroup, for CPU drivers that
// have them; and the "block" family (double-buffered shared-memory block
// tiles, per-vendor built-in shapes) for GPUs, beside "tiled", its simpler
// predecessor, kept to compare with. The
// direct and 8-wide subgroup kernels can also read A and B as texel buffers,
// which lavapipe runs much faster than storage-buffer loads. A kernel's
// workgroup, block and transposes are baked into its SPIR-V before the
// pipeline is built (package gpu/internal/spirv), as SwiftShader does not
// fold specialization constants itself. See package shaders, and Kernel for
// what a tuning file holds. Tune searches the kernel of each shape class,
// of strided batches of small products (ShapeBatched) and, per format, of
// GemmHalf, checking every candidate against the float64 reference; Open
// uses what it saved. CompilerStats reports what the driver's
// compiler makes of each kernel (registers, spills, occupancy) where the
// driver offers VK_KHR_pipeline_executable_properties.
//
// Errors wrap the sentinels of this package (ErrNoLoader, ErrNoDevice,
// ErrDeviceIndex, ErrUnsupported, ErrOutOfMemory, ErrDeviceLost,
// ErrValidation, ErrTimeout, ErrClosed, ErrBadArgument, ErrTooLarge): test
// them with errors.Is. Nothing in this package panics on bad arguments
// except the BLAS adapter, whose contract (gonum's) says so.
//
// Environment variables, read by Open where the Config field is zero:
//
//	VKGEMM_DEVICE             device index or name substring
//	VKGEMM_VALIDATION=1       enable VK_LAYER_KHRONOS_validation; messages become errors
//	VKGEMM_KERNEL             force the kernel family: direct, subgroup, block or tiled
//	VKGEMM_FORCE_STAGING=1    copy through staging buffers, as on a discrete GPU
//	VKGEMM_MAX_BINDING_BYTES  split problems as if bindings held at most this many bytes
//	VKGEMM_TIMEOUT            bound on every wait for the device (Go duration, default 10m)
//	VKGEMM_TRANSFER_QUEUE     where staging uploads run: auto (a transfer-only family where the
//	                          device has one), off, second or same (the two-queue path on any device)
//	VKGEMM_VULKAN_LIBRARY     path of the Vulkan loader (default libvulkan.so.1; libvulkan.1.dylib,
//	                          then libMoltenVK.dylib, on macOS; vulkan-1.dll on Windows)
//	VKGEMM_CACHE_DIR          where tuning files and pipeline caches live (default os.UserCacheDir()/vkgemm)
//	VKGEMM_NO_CACHE=1         neither read nor write the cache directory
//	VKGEMM_WARM=1             build every pipeline in the background after Open (Device.Warm)
//
// read by NewBLAS:
//
//	VKGEMM_CPU_BELOW          flops below which the adapter's products stay on the
//	                          CPU path, for every precision and class (0: all on the device)
//
// by package gemm/cpu's engine: VKGEMM_OPENBLAS (see package gemm/cpu);
// and the Vulkan loader's own, such as VK_DRIVER_FILES to pick a driver.
package gpu
