//go:build cgo && (linux || darwin || windows)

package vk

import (
	"fmt"
	"unsafe"

	vk "github.com/vulkan-go/vulkan"
)

// Pipeline is a compute pipeline of one kernel with its specialization.
type Pipeline struct {
	h vk.Pipeline
	d *Device
	// texels: how the kernel reads its first two ranges; other than
	// NoTexels, as uniform texel buffers (bindings 3 and 4) instead of
	// storage buffers (0 and 1).
	texels Texels
}

// NewPipeline builds a compute pipeline from SPIR-V with specialization
// constants given as id -> 32-bit value (bools as 0 or 1). With texels
// other than NoTexels the kernel reads A and B as uniform texel buffers
// (bindings 3 and 4, the same ranges as 0 and 1) of that format, which the
// device must have (Properties.Texels). fullSubgroups requires every
// subgroup of a workgroup to be full, as cooperative matrices need; only
// devices with CoopMatrices take it.
func (d *Device) NewPipeline(spirv []byte, spec map[uint32]uint32, texels Texels, fullSubgroups bool) (*Pipeline, error) {
	if fullSubgroups && len(d.phys.Props.CoopMatrices) == 0 {
		return nil, fmt.Errorf("vk: %w: %s has no cooperative matrices, so no full-subgroup pipelines", ErrUnsupported, d.phys.Props.Name)
	}
	if texels != NoTexels && !d.phys.Props.Texels(texels) {
		return nil, fmt.Errorf("vk: %w: %s has no %v", ErrUnsupported, d.phys.Props.Name, texels)
	}
	if len(spirv)%4 != 0 || len(spirv) == 0 {
		return nil, fmt.Errorf("vk: SPIR-V of %d bytes is not a whole number of words", len(spirv))
	}
	code := make([]uint32, len(spirv)/4)
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&code[0])), len(spirv)), spirv)
	ids := make([]uint32, 0, len(spec))
	vals := make([]uint32, 0, len(spec))
	for id, v := range spec {
		ids, vals = append(ids, id), append(vals, v)
	}
	var stageFlags uint32
	if fullSubgroups {
		stageFlags = fullSubgroupsFlag
	}
	h, r := createPipeline(d.inst.fns, d.h, d.cache, d.pipeLay[layoutIndex(texels)], code, ids, vals, d.pipelineFlags(), stageFlags)
	if err := d.check(r, "vkCreateComputePipelines"); err != nil {
		return nil, err
	}
	return &Pipeline{h: h, d: d, texels: texels}, nil
}

// Destroy destroys the pipeline.
func (p *Pipeline) Destroy() { vk.DestroyPipeline(p.d.h, p.h, nil) }
