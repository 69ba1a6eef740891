// Package cpu is vkgemm's CPU engine, the path every race and the BLAS
// adapter compare the GPU with: the best CPU BLAS on the machine. Where
// OpenBLAS is installed it is loaded at run time (building needs nothing
// extra) and runs most products; gonum's pure-Go code runs those where it
// is about as fast or faster, and everything where OpenBLAS is absent. The
// choice is per call (per band with RowsPerStep), by shape:
//
//   - under 32³ multiply-adds (m·n·k < 32768), gonum: there OpenBLAS's call
//     can cost as much as the whole product;
//   - A·Bᵀ (A not transposed, B transposed) whose C has fewer than 16 rows or
//     columns, gonum: each element of C is then a dot product of two
//     contiguous rows, which gonum streams at memory speed, and OpenBLAS,
//     which packs them first, is up to several times slower;
//   - everything else, OpenBLAS.
//
// Engine.Describe says which library runs and names the rule.
//
// Environment variables, read once, on first use:
//
//	VKGEMM_OPENBLAS   path of the OpenBLAS library to load (default:
//	                  libopenblas.so.0 and the other usual names); "off" runs
//	                  gonum's pure-Go code instead
//
// OpenBLAS reads its own, such as OPENBLAS_NUM_THREADS.
package cpu
