package gemm

import "gonum.org/v1/gonum/blas"

// Engine is one way of running a single-precision GEMM: the Vulkan engine,
// the browser's WebGPU engine and the CPU engine all implement it, so the
// visualizer and the benchmarks can race them through one interface.
type Engine interface {
	// Backend is the short name of the path: "Vulkan", "WebGPU" or "CPU".
	Backend() string
	// Describe says what the engine runs on, such as
	// "llvmpipe (LLVM 15.0.6, 256 bits) (Vulkan, CPU driver)" or
	// "OpenBLAS 0.3.21 (Zen), 2 threads".
	Describe() string
	// Sgemm computes C = alpha*op(A)*op(B) + beta*C with gonum's argument
	// convention (see the package documentation). Bad arguments are errors
	// wrapping ErrBadArgument, never panics.
	Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int,
		b []float32, ldb int, beta float32, c []float32, ldc int) error
}

// Dgemmer is what runs a float64 GEMM with an error for bad arguments: the
// CPU engine and the Vulkan device.
type Dgemmer interface {
	Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int,
		b []float64, ldb int, beta float64, c []float64, ldc int) error
}

// Flops is the number of floating-point operations of an m×n×k GEMM as
// benchmarks count them: one multiply and one add per term.
func Flops(m, n, k int) float64 { return 2 * float64(m) * float64(n) * float64(k) }
