// Package gpu is vkgemm's Vulkan engine: matrix multiplication (GEMM) on any
// Vulkan 1.1 device, from discrete GPUs of every vendor to the CPU drivers
// lavapipe and SwiftShader, through SPIR-V compute shaders.
//
// Open a device, multiply, close:
//
//	dev, err := gpu.Open(gpu.Config{})
//	...
//	defer dev.Close()
//	err = dev.Sgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, b, n, 0, c, n)
//
// Every GEMM takes gonum's arguments (row-major, leading dimensions,
// transposes; package gemm states the convention) and returns bad arguments
// as errors wrapping ErrBadArgument, leaving C alone:
//
//   - Sgemm on float32 host slices; Dgemm in float64, on devices with
//     float64 in shaders; GemmHalf on F16 or BF16 inputs with float32
//     accumulation, on every device; GemmInt8 on int8 inputs with exact
//     int32 sums (k at most gemm.MaxInt8K), on every device. Where a device
//     lists cooperative matrices (tensor cores) for their types, GemmHalf
//     and GemmInt8 run on them once a self-check on the device has passed
//     (Config.Coopmat).
//   - SgemmStridedBatched: a batch of products of one shape (cuBLAS's
//     strided-batched GEMM), small products sharing dispatches.
//   - NewMatrix, MatMulAsync and MatMulStridedBatchedAsync: products of
//     device-resident matrices, chained without host copies; Pending.Wait
//     waits for one.
//
// OpenAll opens a Group: several devices (every usable one, or those
// Config.Device lists, such as "0,2") behind the same GEMM calls. Each
// product's C is cut into bands dealt to the devices by their measured
// speed and computed on all of them at once; products too small to gain
// from it, and devices that would only slow the others down (two CPU
// drivers on the same cores), run on the fastest device alone. A device
// that fails mid-product has its blocks redone on the others; the Group
// documentation says how blocks are dealt, learnt and redone. A group of
// one device is that device.
//
//	g, err := gpu.OpenAll(gpu.Config{}) // or VKGEMM_DEVICE=all
//	...
//	defer g.Close()
//	err = g.Sgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, b, n, 0, c, n)
//
// NewBLAS adapts a device, or a group of them, to gonum's blas.Float32 and
// blas.Float64, so that blas32.Use(gpu.NewBLAS(dev)) and
// blas64.Use(gpu.NewBLAS(dev)) send gonum's GEMMs, and mat.Dense.Mul, to
// the device where that is faster and to the CPU path (package gemm/cpu)
// where it is not.
//
// A device picks its kernels itself: a built-in per driver or GPU vendor,
// or what package gpu/tune measured on it and saved in the cache directory.
// Warm builds their pipelines ahead of the first product.
//
// Errors wrap the sentinels of this package (ErrNoLoader, ErrNoDevice,
// ErrDeviceIndex, ErrUnsupported, ErrOutOfMemory, ErrDeviceLost,
// ErrValidation, ErrTimeout, ErrClosed, ErrBadArgument, ErrTooLarge): test
// them with errors.Is. Nothing in this package panics on bad arguments
// except the BLAS adapter, whose contract (gonum's) says so.
//
// # Environment
//
// ConfigFromEnv reads these variables, and Open applies each to the Config
// field of the same meaning where the program left that field at its zero
// value; a field the program sets wins. A value that cannot be read is an
// error naming the variable. Boolean variables take 1 or 0 (also true/false,
// on/off, yes/no).
//
//	VKGEMM_DEVICE             Config.Device: device index or name substring; for OpenAll also
//	                          "all" or a comma-separated list such as 0,2 (Open refuses those)
//	VKGEMM_VALIDATION=1       Config.Validation: the Khronos validation layer; messages become errors
//	VKGEMM_KERNEL             Config.Kernel: force a kernel family (direct, subgroup, block or tiled)
//	VKGEMM_FORCE_STAGING=1    Config.ForceStaging: copy through staging buffers, as on a discrete GPU
//	VKGEMM_MAX_BINDING_BYTES  Config.MaxBindingBytes: split problems as if bindings held at most this many bytes
//	VKGEMM_TIMEOUT            Config.Timeout: bound on every wait for the device (Go duration, default 10m)
//	VKGEMM_TRANSFER_QUEUE     Config.TransferQueue: auto, off, second or same
//	VKGEMM_CACHE_DIR          Config.CacheDir: tuning files and pipeline caches (default os.UserCacheDir()/vkgemm)
//	VKGEMM_NO_CACHE=1         Config.Cache Off: neither read nor write the cache directory
//	VKGEMM_WARM=1             Config.Warm: build every pipeline in the background after Open
//	VKGEMM_COOPMAT            Config.Coopmat: 0 keeps GemmHalf and GemmInt8 off cooperative matrices (tensor cores);
//	                          1 uses them on CPU drivers that list them too (lavapipe 26)
//	VKGEMM_CPU_BELOW          Config.CPUBelow: flops below which the BLAS adapter's products stay on the
//	                          CPU path, for every precision and class (0: every product on the device)
//
// Read elsewhere: VKGEMM_VULKAN_LIBRARY, the path of the Vulkan loader
// (default libvulkan.so.1; libvulkan.1.dylib, then libMoltenVK.dylib, on
// macOS; vulkan-1.dll on Windows), read when the loader is first opened;
// VKGEMM_OPENBLAS, read by the CPU path (package gemm/cpu); and the Vulkan
// loader's own, such as VK_DRIVER_FILES to pick a driver.
package gpu
