package gpu

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/vkgemm/vkgemm/gpu/internal/vk"
)

// Roles of a kernel in CompilerStats.
const (
	RoleDefault   = "default"   // a kernel this device uses for some shape class
	RoleBuiltin   = "builtin"   // a per-vendor built-in GPU kernel (any vendor) the device can run
	RoleCandidate = "candidate" // a kernel the tuner would try here
)

// PipelineStats is what the driver's compiler reports about one pipeline:
// registers, spills, scratch and shared memory per invocation group, and
// occupancy. Fields a driver does not report are -1.
type PipelineStats struct {
	Family       string             `json:"family"` // the GPU family compiled for (e.g. navi21)
	Kernel       string             `json:"kernel"`
	Transposes   string             `json:"transposes"` // NN, TN, NT or TT: op(A), op(B)
	Role         string             `json:"role"`
	VGPR         int                `json:"vgpr"`
	SGPR         int                `json:"sgpr"`
	SpilledVGPR  int                `json:"spilled_vgpr"`
	SpilledSGPR  int                `json:"spilled_sgpr"`
	ScratchBytes int                `json:"scratch_bytes"`
	LDSBytes     int                `json:"lds_bytes"`
	WavesPerSIMD int                `json:"waves_per_simd"`
	CodeBytes    int                `json:"code_bytes"`
	SubgroupSize int                `json:"subgroup_size"`
	Statistics   map[string]float64 `json:"statistics"` // everything the driver reported, by its names
}

// Spills reports whether the compiler spilled registers or used scratch
// memory (private arrays it could not keep in registers).
func (s PipelineStats) Spills() bool {
	return s.SpilledVGPR > 0 || s.SpilledSGPR > 0 || s.ScratchBytes > 0
}

// statNames maps a field to the names drivers give it: RADV's first.
var statNames = map[string][]string{
	"vgpr":    {"VGPRs"},
	"sgpr":    {"SGPRs"},
	"svgpr":   {"Spilled VGPRs"},
	"ssgpr":   {"Spilled SGPRs"},
	"scratch": {"Scratch size", "Scratch Memory Size"},
	"lds":     {"LDS size"},
	"waves":   {"Subgroups per SIMD"},
	"code":    {"Code size", "Binary Size"},
}

func statValue(s *vk.Statistics, field string) int {
	for _, name := range statNames[field] {
		if v, ok := s.Values[name]; ok {
			return int(v)
		}
	}
	return -1
}

// radvFamily reads the chip out of a RADV device name such as "AMD Radeon
// RX 6800 (RADV NAVI21)" or "Null hardware (RADV NAVI21)".
var radvFamily = regexp.MustCompile(`\(RADV ([A-Za-z0-9_]+)\)`)

// gpuFamily names what the compiler targeted: RADV's chip, else the device.
func gpuFamily(name string) string {
	if m := radvFamily.FindStringSubmatch(name); m != nil {
		return strings.ToLower(m[1])
	}
	return name
}

// roleKernel is a kernel and why it is compiled.
type roleKernel struct {
	role string
	k    Kernel
}

// roleKernels lists the kernels of each role, each once, for this device.
func (d *Device) roleKernels(roles []string) []roleKernel {
	p := d.dev.Properties()
	var out []roleKernel
	seen := map[Kernel]bool{}
	add := func(role string, k Kernel) {
		if !seen[k] && k.fits(p) == nil {
			seen[k] = true
			out = append(out, roleKernel{role, k})
		}
	}
	if slices.Contains(roles, RoleDefault) {
		add(RoleDefault, d.kern)
		for _, c := range ShapeClasses {
			add(RoleDefault, d.kernels[c])
		}
		for _, f := range []HalfFormat{F16, BF16} {
			for _, c := range ShapeClasses {
				m, n, k := ClassShape(c, d.info.Type == TypeCPU)
				add(RoleDefault, d.halfKernelFor(f, m, n, k))
			}
		}
	}
	if slices.Contains(roles, RoleBuiltin) {
		for _, k := range builtinGPUKernels() {
			add(RoleBuiltin, k)
		}
	}
	if slices.Contains(roles, RoleCandidate) {
		for _, k := range d.candidates(d.kern) {
			add(RoleCandidate, k)
		}
	}
	return out
}

// CompilerStats compiles the pipelines of the given roles (all when none
// are given) in all four transposes and returns what the driver's compiler
// reports about each. It needs a driver with
// VK_KHR_pipeline_executable_properties (RADV, NVIDIA, Intel's ANV; not
// lavapipe or SwiftShader: an error wrapping ErrUnsupported says so). On
// RADV's null device (RADV_FORCE_FAMILY) it shows what AMD's compiler
// makes of every kernel without an AMD GPU. Nothing is dispatched.
func (d *Device) CompilerStats(roles ...string) ([]PipelineStats, error) {
	if err := d.lock(); err != nil {
		return nil, err
	}
	defer d.mu.Unlock()
	if len(roles) == 0 {
		roles = []string{RoleDefault, RoleBuiltin, RoleCandidate}
	}
	for _, r := range roles {
		if r != RoleDefault && r != RoleBuiltin && r != RoleCandidate {
			return nil, fmt.Errorf("gpu: unknown kernel role %q: use %q, %q or %q", r, RoleDefault, RoleBuiltin, RoleCandidate)
		}
	}
	if err := d.dev.CaptureStatistics(); err != nil {
		return nil, fmt.Errorf("gpu: %w", err)
	}
	family := gpuFamily(d.info.Name)
	if f := os.Getenv("RADV_FORCE_FAMILY"); f != "" && strings.Contains(d.info.Name, "RADV") {
		family = strings.ToLower(f)
	}
	var out []PipelineStats
	for _, rk := range d.roleKernels(roles) {
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			p, err := d.newPipeline(rk.k, tr[0], tr[1])
			if err != nil {
				return out, d.finish(err)
			}
			s, err := p.Statistics()
			p.Destroy()
			if err != nil {
				return out, d.finish(fmt.Errorf("gpu: %w", err))
			}
			out = append(out, PipelineStats{
				Family: family, Kernel: rk.k.String(), Transposes: transposeName(tr[0], tr[1]), Role: rk.role,
				VGPR: statValue(s, "vgpr"), SGPR: statValue(s, "sgpr"),
				SpilledVGPR: statValue(s, "svgpr"), SpilledSGPR: statValue(s, "ssgpr"),
				ScratchBytes: statValue(s, "scratch"), LDSBytes: statValue(s, "lds"),
				WavesPerSIMD: statValue(s, "waves"), CodeBytes: statValue(s, "code"),
				SubgroupSize: int(s.SubgroupSize), Statistics: s.Values,
			})
		}
	}
	return out, d.finish(nil)
}

func transposeName(transA, transB bool) string {
	return map[bool]string{false: "N", true: "T"}[transA] + map[bool]string{false: "N", true: "T"}[transB]
}
