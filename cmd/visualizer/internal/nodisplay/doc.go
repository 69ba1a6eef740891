// Package nodisplay is imported by the desktop visualizer for its init: on
// X11 systems without DISPLAY it answers -h, or says that a display is
// needed, and exits. ebiten's own init would panic there instead
// ("glfw: The GLFW library is not initialized").
//
// Its init runs before ebiten's because Go initialises the packages that
// are ready in import-path order, and this package needs only the standard
// library while ebiten's UI package waits for golang.org/x/sys and more.
// cmd/visualizer's tests run the binary without DISPLAY to keep that true.
package nodisplay
