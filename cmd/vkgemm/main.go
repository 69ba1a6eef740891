package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

type command struct {
	name, summary string
	run           func(args []string, stdout, stderr io.Writer) error
}

var commands = []command{
	{"devices", "list the Vulkan devices of this machine", runDevices},
	{"verify", "run the correctness sweep on the chosen device", runVerify},
	{"bench", "GFLOPS of the Vulkan engine and the CPU engine, side by side", runBench},
	{"peak", "the device's FMA throughput, the ceiling of any GEMM on it", runPeak},
	{"tune", "search the fastest kernel per shape class and save it for later runs", runTune},
	{"isa", "what the driver's compiler makes of every kernel: registers, spills, occupancy", runISA},
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "usage: vkgemm COMMAND [flags]\n\ncommands:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun `vkgemm COMMAND -h` for the flags of a command.\n")
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run executes one command and returns the exit status: 0 on success,
// 1 on failure, 2 on bad usage.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands {
		if c.name == args[0] {
			err := c.run(args[1:], stdout, stderr)
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errUsage):
				return 2
			}
			fmt.Fprintf(stderr, "vkgemm %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "vkgemm: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

var errUsage = errors.New("usage")

// newFlags makes a flag set for a command with the flags every command
// shares.
func newFlags(name, synopsis string, stderr io.Writer) (*flag.FlagSet, *deviceFlags) {
	fs := flag.NewFlagSet("vkgemm "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	df := &deviceFlags{}
	fs.StringVar(&df.device, "device", "", "device `index or name` substring (default: $VKGEMM_DEVICE, else the best device)")
	fs.BoolVar(&df.validation, "validation", false, "enable the Vulkan validation layer (also VKGEMM_VALIDATION=1)")
	fs.StringVar(&df.kernel, "kernel", "", "force a kernel `family`: direct, subgroup or tiled (default: chosen per device)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: vkgemm %s [flags]\n\n%s\n\nflags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs, df
}

// parse parses flags; extra arguments are a usage error.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected arguments: %v\n", fs.Args())
		fs.Usage()
		return errUsage
	}
	return nil
}
