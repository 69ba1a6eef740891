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
//	&race=bf16        what is raced: f32 (default), batched (64 products of
//	                  n/4 each), bf16 or f16 (16-bit inputs, float32
//	                  accumulate), int8 (int8 inputs, exact int32 results);
//	                  the M key switches while the page runs
//	&gpu=off          race the CPU path alone
//	&canvas=960x540   the most pixels the canvas may have, or full; by default
//	                  720×405 on software WebGL (SwiftShader), else full
//	&band=16e6        the work of one WebGPU dispatch
//	&kernel=tiled     force a WGSL kernel family: subgroup or direct (for
//	                  software adapters), tiled (for GPUs); by default the
//	                  adapter's own
//
// On software WebGL every frame that changes costs passes over the whole
// canvas: the page draws into a small canvas that CSS scales up to the page,
// redraws only what changed (view.Painter), and gives the engines a budget
// of time per frame (viz.Pacer), since Go in the browser has one thread.
//
// The status line names the WebGPU adapter, whether it is software, and the
// kernel family in use. The page exposes its state for tests as
// window.vkgemm: ready, adapter, software, kernel, frames, changedFrames
// (those that redrew something), maxFrameGapMs and maxFrameGapAt (the
// longest wait between frames during a sweep), fps, pixelRatio, webgl (the
// renderer), budgetMs (the engines' time per frame), state() (a JSON
// snapshot of the sweep), error, and Promises of the correctness checks'
// results: conformance(), gemm's correctness cases on every WGSL kernel
// family the adapter runs, each also compared with the CPU engine's result;
// conformanceHalf(), the same cases through GemmHalf with A and B rounded
// to BF16 and to F16; conformanceBatched(), through SgemmStridedBatched;
// conformanceInt8(), gemm's int8 cases and the extremes of int32 through
// GemmInt8 (the WGSL kernel direct-int8), every result exact and equal to
// the CPU engine's. The loader hands the program its own WebAssembly.Memory
// as window.vkgemm.wasmMemory, so that the WebGPU engine uploads from a
// view of it.
package main
