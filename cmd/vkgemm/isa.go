package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/vkgemm/vkgemm/gpu"
	"github.com/vkgemm/vkgemm/internal/diag"
)

const isaSynopsis = `Compiles every default, built-in and tuner-candidate kernel for the device, in all four
transposes, through vkgemm's own pipeline code, and prints what the driver's compiler reports:
registers, spills, scratch and shared memory, waves per SIMD, code size. Needs a driver with
VK_KHR_pipeline_executable_properties (RADV, NVIDIA, Intel ANV; not lavapipe or SwiftShader).
Without an AMD GPU, RADV's null device compiles for any AMD chip, one per process:
  RADV_FORCE_FAMILY=navi21 VK_DRIVER_FILES=/usr/share/vulkan/icd.d/radeon_icd.x86_64.json vkgemm isa
-check fails (exit 1) when a default or built-in kernel spills, uses scratch memory, or runs
fewer than -min-waves waves per SIMD.`

func runISA(args []string, stdout, stderr io.Writer) (err error) {
	fs, df := newFlags("isa", isaSynopsis, stderr)
	asJSON := fs.Bool("json", false, "print a JSON list of objects instead of a table")
	roles := fs.String("roles", "default,builtin,candidate", "comma-separated `roles` to compile: default, builtin, candidate")
	check := fs.Bool("check", false, "fail when a default or built-in kernel spills, uses scratch or has fewer than -min-waves waves per SIMD")
	minWaves := fs.Int("min-waves", 0, "with -check, the fewest waves per SIMD a default or built-in kernel may have (0: no floor)")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg := df.config()
	cfg.Cache = gpu.Off
	d, err := gpu.Open(cfg)
	if err != nil {
		return err
	}
	defer closeDevice(d, &err)
	stats, err := prober(d).CompilerStats(strings.Split(*roles, ",")...)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(stats)
	} else {
		err = isaTable(stdout, stats)
	}
	if err == nil && *check {
		err = isaCheck(stats, *minWaves)
	}
	return err
}

func isaTable(w io.Writer, stats []diag.PipelineStats) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FAMILY\tROLE\tKERNEL\tOP\tVGPR\tSGPR\tSPILLED VGPR\tSPILLED SGPR\tSCRATCH\tLDS\tWAVES/SIMD\tCODE")
	for _, s := range stats {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", s.Family, s.Role, s.Kernel, s.Transposes,
			s.VGPR, s.SGPR, s.SpilledVGPR, s.SpilledSGPR, s.ScratchBytes, s.LDSBytes, s.WavesPerSIMD, s.CodeBytes)
	}
	return tw.Flush()
}

// isaCheck is what CI requires of the kernels a GPU runs without tuning.
func isaCheck(stats []diag.PipelineStats, minWaves int) error {
	var errs []error
	for _, s := range stats {
		if s.Role == diag.RoleCandidate {
			continue
		}
		if s.Spills() {
			errs = append(errs, fmt.Errorf("%s %s kernel %s %s: %d VGPRs and %d SGPRs spilled, %d bytes of scratch",
				s.Family, s.Role, s.Kernel, s.Transposes, s.SpilledVGPR, s.SpilledSGPR, s.ScratchBytes))
		}
		if minWaves > 0 && s.WavesPerSIMD >= 0 && s.WavesPerSIMD < minWaves {
			errs = append(errs, fmt.Errorf("%s %s kernel %s %s: %d waves per SIMD, fewer than %d",
				s.Family, s.Role, s.Kernel, s.Transposes, s.WavesPerSIMD, minWaves))
		}
	}
	return errors.Join(errs...)
}
