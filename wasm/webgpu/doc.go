// Package webgpu is the browser's GPU engine: a gemm.Engine that runs
// shaders.SgemmWGSL through the page's WebGPU API, from Go compiled to
// WebAssembly, through syscall/js.
//
// The kernel works on packed matrices: the engine copies op(A) and op(B)
// into zero-padded row-major buffers (so transposes, strides and offsets
// never reach the GPU), runs C' = alpha*A*B in bands of rows, each its own
// dispatch so that a software adapter never holds the page for long, and
// adds beta*C on the host. The packing and banding are plain Go, tested
// anywhere; the engine itself builds only for GOOS=js.
//
// Open must be called from main or a goroutine, never from a js.FuncOf
// callback: it waits on Promises, and waiting inside a callback deadlocks
// the Go program.
package webgpu
