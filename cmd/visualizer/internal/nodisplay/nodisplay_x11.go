//go:build (linux && !android) || freebsd || openbsd || netbsd || dragonfly

package nodisplay

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/vkgemm/vkgemm/cmd/visualizer/internal/cli"
)

// ebiten opens X11 through GLFW on these systems, Wayland sessions
// included (through XWayland), so DISPLAY decides.
func init() {
	if os.Getenv("DISPLAY") == "" {
		os.Exit(explain(os.Args[1:], os.Stderr))
	}
}

// explain answers a command line when no display can open: 0 after -h,
// 2 for bad flags, 1 (after saying what to do) otherwise.
func explain(args []string, stderr io.Writer) int {
	_, err := cli.Parse(args, stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case err != nil:
		fmt.Fprintln(stderr, "visualizer:", err)
		return 2
	}
	fmt.Fprintln(stderr, "visualizer: no display (DISPLAY is not set): run it in a desktop session, or headless under Xvfb:\n"+
		"  xvfb-run -a -s '-screen 0 1280x720x24' visualizer -shot out.png")
	return 1
}
