package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vkgemm/vkgemm/gpu/internal/kernel"
	"github.com/vkgemm/vkgemm/internal/diag"
	"github.com/vkgemm/vkgemm/shaders"
)

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
		for _, e := range []shaders.Element{shaders.F32, shaders.F16, shaders.BF16, shaders.Int8} {
			for _, c := range kernel.Classes {
				m, n, k := kernel.Shape(c, d.CPU())
				add(diag.RoleDefault, d.kernelFor(e, m, n, k, 1))
			}
		}
		if d.Float64Support() == nil {
			add(diag.RoleDefault, kernel.Float64(p))
		}
		for _, e := range coopElements {
			if cs := d.coop[e]; cs.enabled {
				add(diag.RoleDefault, cs.kern) // compiled, not checked: nothing runs here
			}
		}
	}
	if slices.Contains(roles, diag.RoleBuiltin) {
		own := map[kernel.Kernel]bool{}
		for _, c := range kernel.Classes {
			for _, k := range kernel.Builtin(p)[c] {
				own[k] = true
				add(diag.RoleBuiltin, k)
			}
		}
		for _, k := range kernel.BuiltinGPU() {
			if !own[k] {
				add(diag.RoleOtherBuiltin, k)
			}
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
			name := rk.k.String()
			if mod, _ := d.moduleOf(rk.k); mod != "" && mod == shaders.IntegerDotTwin(strings.TrimSuffix(mod, "_dot")) {
				name += ", packed dot products" // the module's twin runs it
			}
			st := diag.PipelineStats{Device: d.name, Family: family, Kernel: name, Transposes: transposeName(tr[0], tr[1]),
				Role: rk.role, SubgroupSize: int(s.SubgroupSize), Statistics: s.Values}
			unifyStats(&st, d.props.DriverName)
			st.MatrixInstructions = matrixInstructions(s.Representations)
			out = append(out, st)
		}
	}
	return out, d.finish(nil)
}

func transposeName(transA, transB bool) string {
	return map[bool]string{false: "N", true: "T"}[transA] + map[bool]string{false: "N", true: "T"}[transB]
}
