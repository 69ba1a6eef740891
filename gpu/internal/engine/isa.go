package engine

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/vkgemm/vkgemm/gpu/internal/kernel"
	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"github.com/vkgemm/vkgemm/internal/diag"
	"github.com/vkgemm/vkgemm/shaders"
)

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
	k    kernel.Kernel
}

// roleKernels lists the kernels of each role, each once, for this device.
func (d *Device) roleKernels(roles []string) []roleKernel {
	p := d.props
	var out []roleKernel
	seen := map[kernel.Kernel]bool{}
	add := func(role string, k kernel.Kernel) {
		if !seen[k] && k.Fits(p) == nil {
			seen[k] = true
			out = append(out, roleKernel{role, k})
		}
	}
	if slices.Contains(roles, diag.RoleDefault) {
		add(diag.RoleDefault, d.kern)
		for _, e := range []shaders.Element{shaders.F32, shaders.F16, shaders.BF16} {
			for _, c := range kernel.Classes {
				m, n, k := kernel.Shape(c, d.CPU())
				add(diag.RoleDefault, d.kernelFor(e, m, n, k, 1))
			}
		}
	}
	if slices.Contains(roles, diag.RoleBuiltin) {
		for _, k := range kernel.BuiltinGPU() {
			add(diag.RoleBuiltin, k)
		}
	}
	if slices.Contains(roles, diag.RoleCandidate) {
		for _, k := range kernel.Candidates(p, d.kern) {
			add(diag.RoleCandidate, k)
		}
	}
	return out
}

// CompilerStats reports what the driver's compiler makes of the kernels of
// roles (see diag.Prober). On RADV's null device it shows what AMD's
// compiler makes of every kernel without an AMD GPU.
func (d *Device) CompilerStats(roles ...string) ([]diag.PipelineStats, error) {
	if err := d.lock(); err != nil {
		return nil, err
	}
	defer d.mu.Unlock()
	if len(roles) == 0 {
		roles = []string{diag.RoleDefault, diag.RoleBuiltin, diag.RoleCandidate}
	}
	for _, r := range roles {
		if r != diag.RoleDefault && r != diag.RoleBuiltin && r != diag.RoleCandidate {
			return nil, fmt.Errorf("gpu: unknown kernel role %q: use %q, %q or %q", r, diag.RoleDefault, diag.RoleBuiltin, diag.RoleCandidate)
		}
	}
	if err := d.dev.CaptureStatistics(); err != nil {
		return nil, fmt.Errorf("gpu: %w", err)
	}
	family := gpuFamily(d.name)
	var out []diag.PipelineStats
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
			out = append(out, diag.PipelineStats{
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
