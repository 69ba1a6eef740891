// Package viz is the visualizer's model: the sweep of matrix sizes that the
// engines race through, the runner that schedules their products off the draw
// loop, the statistics of each result, the scales and ticks of the charts, the
// screen layout and the formatting of labels.
//
// It imports no graphics library, so all of it is tested natively and under
// GOOS=js GOARCH=wasm; package viz/view draws a Snapshot of it with ebiten.
//
// What is raced is a Mode: float32 products, a batch of 64 smaller ones
// (through StridedBatcher where the engine has it, else a loop), or BF16 or
// F16 inputs with float32 accumulation (through HalfEngine, else widened on
// the host); every result is checked against the float64 reference of the
// inputs the engines were given.
//
// Engines take turns, one product at a time, instead of running at once: on a
// machine without a GPU both paths share the same cores, and a race in
// parallel would measure the contention, not the engines.
package viz
