// Command benchweb races the browser's GEMM engines in one headless
// Chromium page and prints a table: the vkgemm WebGPU engine (Go compiled to
// WebAssembly, package webgpu), @tensorflow/tfjs-backend-webgpu and jax-js,
// on the same n×n float32 inputs.
//
// `./build.sh bench-web` installs the pinned npm packages into
// out/bench-web/node_modules (never into dist/), builds the engine
// (./engine) into out/bench-web/site with the page (./page), and runs this
// command on that folder. The page checks every engine's result against the
// float64 reference before timing it; each time is the wall time from the
// upload of A and B to C back in a Float32Array (2 warm-ups and 7 reps per
// round, 3 rounds, the median of the round medians). Ratios taken in one
// page are what count: absolute figures depend on the machine's load.
package main
