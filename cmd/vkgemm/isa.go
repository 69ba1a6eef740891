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
	"github.com/vkgemm/vkgemm/shaders"
)

const isaSynopsis = `Compiles every default, built-in and tuner-candidate kernel for the device, in all four
transposes, through vkgemm's own pipeline code, and prints what the driver's compiler reports:
registers, spills and fills, scratch and shared memory, occupancy (as the vendor counts it: waves
per SIMD on AMD, warps per SM on NVIDIA, waves per core on Adreno, threads on Apple), code size; a
figure the compiler does not report is left out ("-"), and -json keeps every raw statistic. Needs
a driver with VK_KHR_pipeline_executable_properties (RADV, NVK, turnip, Honeykrisp, NVIDIA, Intel
ANV; not lavapipe or SwiftShader). Without the GPU, Mesa's drivers compile for it on a fake device:
RADV's null device (Mesa 22.3), and NVK, RADV, turnip and Honeykrisp through Mesa 26's drm shims:
  RADV_FORCE_FAMILY=navi21 VK_DRIVER_FILES=/usr/share/vulkan/icd.d/radeon_icd.x86_64.json vkgemm isa
  scripts/mesa26.sh run nvk:0x172 bin/vkgemm isa
-check fails (exit 1) when a kernel the device runs by default, or one of its vendor's built-ins,
spills, uses scratch memory, or runs below -min-occupancy, or when a cooperative-matrix kernel
compiles without matrix instructions (MMA: HMMA/IMMA on NVIDIA, WMMA on AMD, DPAS on Intel, counted
in the compiler's disassembly); -require-matrix also fails where the device runs no
cooperative-matrix kernel at all. Other vendors' built-ins (role builtin-other) and the tuner's
candidates are reported, not required.`

func runISA(args []string, stdout, stderr io.Writer) (err error) {
	fs, df := newFlags("isa", isaSynopsis, stderr)
	asJSON := fs.Bool("json", false, "print a JSON list of objects instead of a table")
	summary := fs.Bool("markdown", false, "print a Markdown table of each kernel's worst transposes instead (docs/isa.md is made of these)")
	roles := fs.String("roles", "default,builtin,candidate", "comma-separated `roles` to compile: default, builtin, candidate")
	check := fs.Bool("check", false, "fail when a default kernel or one of the vendor's built-ins spills, uses scratch or runs below -min-occupancy")
	minOccupancy := fs.Int("min-occupancy", 0, "with -check, the lowest occupancy a default or built-in kernel may have, in the compiler's unit (0: no floor)")
	fs.IntVar(minOccupancy, "min-waves", 0, "the same as -min-occupancy (its name when only AMD's compiler was read)")
	requireMatrix := fs.Bool("require-matrix", false, "with -check, fail unless the device runs a cooperative-matrix kernel with matrix instructions")
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
	switch {
	case *asJSON:
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(stats)
	case *summary:
		err = isaMarkdown(stdout, stats)
	default:
		err = isaTable(stdout, stats)
	}
	if err == nil && *check {
		err = isaCheck(stats, *minOccupancy, *requireMatrix)
	}
	return err
}

func isaTable(w io.Writer, stats []diag.PipelineStats) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FAMILY\tCOMPILER\tROLE\tKERNEL\tOP\tREGISTERS\tSCALAR\tSPILLS\tFILLS\tSCRATCH\tSHARED\tOCCUPANCY\tMMA\tCODE")
	for _, s := range stats {
		occupancy := num(s.Occupancy)
		if s.Occupancy != nil {
			occupancy += " " + s.OccupancyUnit
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", s.Family, s.Compiler, s.Role, s.Kernel, s.Transposes,
			num(s.Registers), num(s.ScalarRegisters), num(s.Spills), num(s.Fills), num(s.ScratchBytes), num(s.SharedBytes), occupancy,
			num(s.MatrixInstructions), num(s.CodeBytes))
	}
	return tw.Flush()
}

// isaMarkdown writes one row per kernel and role: the most registers,
// spills, fills and scratch, and the least occupancy, of its four
// transposes.
func isaMarkdown(w io.Writer, stats []diag.PipelineStats) error {
	type row struct {
		s                                 diag.PipelineStats
		registers, spills, fills, scratch *int
		occupancy, matrix                 *int
	}
	var rows []*row
	byKernel := map[[2]string]*row{}
	worse := func(cur, v *int, less bool) *int {
		if v == nil || cur != nil && (*v < *cur) != less {
			return cur
		}
		return v
	}
	for _, s := range stats {
		key := [2]string{s.Role, s.Kernel}
		r := byKernel[key]
		if r == nil {
			r = &row{s: s}
			byKernel[key] = r
			rows = append(rows, r)
		}
		r.registers, r.spills = worse(r.registers, s.Registers, false), worse(r.spills, s.Spills, false)
		r.fills, r.scratch = worse(r.fills, s.Fills, false), worse(r.scratch, s.ScratchBytes, false)
		r.occupancy = worse(r.occupancy, s.Occupancy, true)
		r.matrix = worse(r.matrix, s.MatrixInstructions, true)
	}
	if len(stats) > 0 {
		fmt.Fprintf(w, "%s: %s's statistics, subgroups of %d.\n\n", strings.TrimSpace(stats[0].Device), stats[0].Compiler, stats[0].SubgroupSize)
	}
	fmt.Fprintln(w, "| role | kernel | registers | spills | fills | scratch | occupancy | MMA |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	for _, r := range rows {
		occupancy := num(r.occupancy)
		if r.occupancy != nil {
			occupancy += " " + r.s.OccupancyUnit
		}
		if _, err := fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", r.s.Role, r.s.Kernel,
			num(r.registers), num(r.spills), num(r.fills), num(r.scratch), occupancy, num(r.matrix)); err != nil {
			return err
		}
	}
	return nil
}

// num prints a statistic, or "-" where the compiler reports none.
func num(v *int) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprint(*v)
}

// isaCheck is what CI requires of the kernels a GPU runs without tuning.
func isaCheck(stats []diag.PipelineStats, minOccupancy int, requireMatrix bool) error {
	var errs []error
	withMatrix := false
	for _, s := range stats {
		if s.Role != diag.RoleDefault && s.Role != diag.RoleBuiltin {
			continue // other vendors' built-ins and candidates are reported, not required
		}
		if strings.HasPrefix(s.Kernel, string(shaders.FamilyCoopmat)+" ") {
			switch {
			case s.MatrixInstructions == nil:
				errs = append(errs, fmt.Errorf("%s %s kernel %s %s: the driver shows no disassembly, so its matrix instructions cannot be counted",
					s.Family, s.Role, s.Kernel, s.Transposes))
			case *s.MatrixInstructions == 0:
				errs = append(errs, fmt.Errorf("%s %s kernel %s %s: compiled without matrix instructions (the compiler emulates the matrices)",
					s.Family, s.Role, s.Kernel, s.Transposes))
			default:
				withMatrix = true
			}
		}
		if s.Spilled() {
			errs = append(errs, fmt.Errorf("%s %s kernel %s %s: %s spills, %s fills, %s bytes of scratch",
				s.Family, s.Role, s.Kernel, s.Transposes, num(s.Spills), num(s.Fills), num(s.ScratchBytes)))
		}
		if minOccupancy > 0 && s.Occupancy != nil && *s.Occupancy < minOccupancy {
			errs = append(errs, fmt.Errorf("%s %s kernel %s %s: %d %s, fewer than %d",
				s.Family, s.Role, s.Kernel, s.Transposes, *s.Occupancy, s.OccupancyUnit, minOccupancy))
		}
	}
	if requireMatrix && !withMatrix && len(stats) > 0 {
		errs = append(errs, fmt.Errorf("%s: no cooperative-matrix kernel with matrix instructions among its default kernels (see vkgemm devices for the matrix shapes it lists)", stats[0].Family))
	}
	return errors.Join(errs...)
}
