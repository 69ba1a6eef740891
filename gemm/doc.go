// Package gemm holds what every vkgemm engine shares: the single-precision GEMM
// problem in gonum's argument convention, argument checking, a float64
// reference with a documented error bound, the Engine interface that the
// visualizer races, and the CPU engine: OpenBLAS where it is installed, loaded
// at run time so that building needs nothing extra, and gonum's pure-Go code
// elsewhere. The CPU engine also has Dgemm, the float64 GEMM with the same
// convention, and Reference64, Bound64 and Verify64 hold float64 results to
// float64's bound.
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
// when m == 0 or n == 0 nothing happens.
//
// Engines return bad arguments as errors wrapping ErrBadArgument; they never
// panic on them.
//
// Environment variables:
//
//	VKGEMM_OPENBLAS   path of the OpenBLAS library the CPU engine loads (default:
//	                  libopenblas.so.0 and the other usual names); "off" runs
//	                  gonum's pure-Go code instead
//
// OpenBLAS reads its own, such as OPENBLAS_NUM_THREADS.
package gemm
