// Package gemm is the contract every vkgemm engine shares: the GEMM problem
// in gonum's argument convention, argument checking, ErrBadArgument, and the
// Engine interface that the visualizer and the benchmarks race. The engines
// live elsewhere: the Vulkan engine in package gpu, the CPU engine in
// gemm/cpu, the browser's WebGPU engine in wasm/webgpu; the float64
// reference and the conformance corpus every engine runs are in
// gemm/gemmtest.
//
// The convention is gonum's blas.Float32Level3.Sgemm: matrices are row-major,
// and
//
//	C = alpha*op(A)*op(B) + beta*C
//
// where op(X) is X or its transpose, op(A) is m×k, op(B) is k×n and C is m×n.
// A leading dimension is the distance between the starts of two rows of the
// matrix as it is stored, so lda >= k when A is not transposed and lda >= m
// when it is. When beta == 0, C is written and never read, so NaNs in C do not
// survive; when alpha == 0 or k == 0, A and B are not read and C becomes beta*C;
// when m == 0 or n == 0 nothing happens. Float64 engines (Dgemmer) take the
// same arguments in float64.
//
// Engines return bad arguments as errors wrapping ErrBadArgument; they never
// panic on them.
package gemm
