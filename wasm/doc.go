// Command wasm is the visualizer in the browser: the same viz model and
// ebiten view as the desktop, compiled to WebAssembly, racing the WebGPU
// engine (package webgpu) against the CPU engine compiled to wasm.
//
// Build it with `./build.sh web` (GOOS=js GOARCH=wasm, into dist/ with
// index.html and the Go toolchain's wasm_exec.js) and serve it with
// `./build.sh serve`. The page's address takes parameters:
//
//	?min=64&max=512   the sizes of the sweep (default 64 to 512)
//	&mintime=300ms    how long each engine repeats a product at one size
//	&gpu=off          race the CPU path alone
//
// The page exposes its state for tests as window.vkgemm: ready, frames,
// state() (a JSON snapshot of the sweep), error, and conformance(), a Promise
// of the results of gemm's correctness cases on the WebGPU engine, each also
// compared with the CPU engine's result.
package main
