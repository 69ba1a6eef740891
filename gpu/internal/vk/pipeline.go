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
	// texels: the kernel reads its first two ranges as uniform texel buffers
	// of vec4 (bindings 3 and 4) instead of storage buffers (0 and 1).
	texels bool
}

// NewPipeline builds a compute pipeline from SPIR-V with specialization
// constants given as id -> 32-bit value (bools as 0 or 1). With texels the
// kernel reads A and B as uniform texel buffers (bindings 3 and 4, the same
// ranges as 0 and 1), which needs Properties().TexelBuffers.
func (d *Device) NewPipeline(spirv []byte, spec map[uint32]uint32, texels bool) (*Pipeline, error) {
	if texels && !d.phys.Props.TexelBuffers {
		return nil, fmt.Errorf("vkgemm: %w: %s has no vec4 texel buffers", ErrUnsupported, d.phys.Props.Name)
	}
	if len(spirv)%4 != 0 || len(spirv) == 0 {
		return nil, fmt.Errorf("vkgemm: SPIR-V of %d bytes is not a whole number of words", len(spirv))
	}
	code := make([]uint32, len(spirv)/4)
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&code[0])), len(spirv)), spirv)
	ids := make([]uint32, 0, len(spec))
	vals := make([]uint32, 0, len(spec))
	for id, v := range spec {
		ids, vals = append(ids, id), append(vals, v)
	}
	h, r := createPipeline(d.inst.fns, d.h, d.cache, d.pipeLay[layoutIndex(texels)], code, ids, vals, d.pipelineFlags())
	if err := d.check(r, "vkCreateComputePipelines"); err != nil {
		return nil, err
	}
	return &Pipeline{h: h, d: d, texels: texels}, nil
}

// Destroy destroys the pipeline.
func (p *Pipeline) Destroy() { vk.DestroyPipeline(p.d.h, p.h, nil) }
