// Package view draws the visualizer with ebiten: a viz.Snapshot each frame,
// laid out by viz.Layout, and the keys and mouse turned into viz.Runner
// commands. The same Game runs on the desktop (cmd/visualizer) and in the
// browser (wasm).
//
// Importing this package needs a display: on Linux without one, ebiten's
// init panics. Its tests are built with -tags display and run under Xvfb
// (./build.sh test does that).
package view
