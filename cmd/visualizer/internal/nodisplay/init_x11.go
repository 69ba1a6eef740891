//go:build (linux && !android) || freebsd || openbsd || netbsd || dragonfly

package nodisplay

import "os"

// ebiten opens X11 through GLFW on these systems, Wayland sessions
// included (through XWayland), so DISPLAY decides.
func init() {
	if os.Getenv("DISPLAY") == "" {
		os.Exit(explain(os.Args[1:], os.Stderr))
	}
}
