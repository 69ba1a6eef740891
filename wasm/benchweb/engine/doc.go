// Command engine is the vkgemm side of the browser benchmark (package
// benchweb): the WebGPU engine compiled to WebAssembly, exposed to the
// benchmark page as window.vkgemmBench.
//
//	device                  the adapter, as the engine describes it
//	kernel                  the WGSL family in use
//	inputs(n)               [A, B]: copies of the n×n inputs every engine gets
//	matmul(n)               a Promise of C = A·B computed by the engine from
//	                        the Go copies of A and B, as a Float32Array view
//	                        of the Go program's memory (valid until the next call)
//	check(n, c)             JSON of c compared with the float64 reference
//	                        within gemmtest.Bound: {"OK":…, "MaxRelErr":…}
//
// The inputs live in Go slices, as they do for any Go caller of the engine;
// the other engines get them as Float32Arrays.
package main
