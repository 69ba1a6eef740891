// Package webgpu is the browser's GPU engine: a gemm.Engine that runs the
// WGSL kernels of package shaders through the page's WebGPU API, from Go
// compiled to WebAssembly, through syscall/js.
//
// The kernels work on packed matrices: the engine uses op(A) and op(B) as
// they are when they already have the packed layout (not transposed, rows a
// multiple of 4 long, no padding between rows), else copies them into
// zero-padded row-major buffers, so transposes, strides and offsets never
// reach the GPU; it runs C' = alpha*A*B and adds beta*C on the host, reading
// C straight into the caller's slice when it has the packed layout and beta
// is 0. Given the program's WebAssembly.Memory (Options.Memory), uploads go
// from a view of Go's memory to writeBuffer, without a copy in JavaScript.
//
// A product is one dispatch, unless the engine yields between dispatches
// (WithYield, as the visualizer's engine does to keep frames coming on a
// software adapter): then it runs in bands of rows of BandFlops each.
//
// Kernel families (shaders.WGSLKernels): on a software/fallback adapter the
// subgroup family where the adapter offers WebGPU's "subgroups" feature, else
// the direct one; on other adapters the tiled family (workgroup memory).
// Options.Family forces one. GemmHalf takes A and B as BF16 or F16 bit
// patterns, packed the same way (two values to a 32-bit word) and widened to
// float32 in the direct family's kernel (shaders.WGSLHalf), float32
// accumulate, on every adapter. GemmInt8 (gemm.Int8Engine) takes int8 A
// and B, packs op(A) and op(B)ᵀ four values to a word along k (k padded to
// 16), and returns exact int32 C from shaders.WGSLInt8, which unpacks the
// words with shifts (core WGSL: every adapter). The packing and banding are
// plain Go, tested anywhere; the engine itself builds only for GOOS=js.
//
// Open must be called from main or a goroutine, never from a js.FuncOf
// callback: it waits on Promises, and waiting inside a callback deadlocks
// the Go program.
package webgpu
