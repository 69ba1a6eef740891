// Package cpu is vkgemm's CPU engine, the path every race and the BLAS
// adapter compare the GPU with: the best CPU BLAS on the machine. Where
// OpenBLAS is installed it is loaded at run time (building needs nothing
// extra) and called for products large enough that its call costs less than
// the product; gonum's pure-Go code runs the rest, and everything where
// OpenBLAS is absent. Engine.Describe says which ran.
//
// Environment variables, read once, on first use:
//
//	VKGEMM_OPENBLAS   path of the OpenBLAS library to load (default:
//	                  libopenblas.so.0 and the other usual names); "off" runs
//	                  gonum's pure-Go code instead
//
// OpenBLAS reads its own, such as OPENBLAS_NUM_THREADS.
package cpu
