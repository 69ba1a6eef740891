// Package cli holds the desktop visualizer's flags. It imports no ebiten, so
// package nodisplay can parse them before ebiten initialises, and tests run
// without a display.
package cli
