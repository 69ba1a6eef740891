package engine

import (
	"fmt"

	"github.com/vkgemm/vkgemm/gpu/internal/kernel"
	"github.com/vkgemm/vkgemm/gpu/internal/spirv"
	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"github.com/vkgemm/vkgemm/shaders"
)

type pipeKey struct {
	kernel.Kernel
	transA, transB bool
}

// pipeline returns the pipeline of k for the transposes, creating it on
// first use. The caller holds d.mu.
func (d *Device) pipeline(k kernel.Kernel, transA, transB bool) (*vk.Pipeline, error) {
	key := pipeKey{k, transA, transB}
	if p, ok := d.pipes[key]; ok {
		return p, nil
	}
	p, err := d.newPipeline(k, transA, transB)
	if err != nil {
		return nil, err
	}
	d.pipes[key] = p
	d.built.markReady(key)
	return p, nil
}

// moduleOf names the SPIR-V module that runs k on d: k's own, or its
// packed-integer-dot-product twin where d uses those (int8).
func (d *Device) moduleOf(k kernel.Kernel) (string, error) {
	name, err := k.Module()
	if err != nil {
		return "", err
	}
	if twin := shaders.IntegerDotTwin(name); twin != "" && d.intDot {
		return twin, nil
	}
	return name, nil
}

// newPipeline builds the pipeline of k for the transposes.
func (d *Device) newPipeline(k kernel.Kernel, transA, transB bool) (*vk.Pipeline, error) {
	name, err := d.moduleOf(k)
	if err != nil {
		return nil, fmt.Errorf("gpu: %w", err)
	}
	module, err := shaders.SPIRV(name)
	if err != nil {
		return nil, err
	}
	spec := map[uint32]uint32{
		shaders.SpecWorkgroupX: k.WGX,
		shaders.SpecWorkgroupY: k.WGY,
		shaders.SpecTM:         k.TM,
		shaders.SpecTN:         k.TN,
		shaders.SpecTK:         k.TK,
		shaders.SpecTransA:     b2u(transA),
		shaders.SpecTransB:     b2u(transB),
	}
	if k.Family == shaders.FamilyCoopmat {
		// The module's cooperative matrices: their shape, 2×2 subgroups,
		// and the subgroup size the workgroup is made of.
		spec[shaders.SpecMatrixM], spec[shaders.SpecMatrixN], spec[shaders.SpecMatrixK] = k.Matrix[0], k.Matrix[1], k.Matrix[2]
		spec[shaders.SpecSubgroupsM], spec[shaders.SpecSubgroupsN] = 2, 2
		spec[shaders.SpecSubgroupSize] = k.WGX / 4
	}
	if k.Freezes() {
		if module, err = spirv.Freeze(module, spec); err != nil {
			return nil, fmt.Errorf("gpu: specializing the %s module: %w", name, err)
		}
		spec = nil
	}
	p, err := d.dev.NewPipeline(module, spec, k.Texels(), k.Family == shaders.FamilyCoopmat)
	if err != nil {
		return nil, fmt.Errorf("gpu: building the %s pipeline: %w", k, err)
	}
	return p, nil
}

func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}
