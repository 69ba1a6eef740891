package gpu

import (
	"fmt"

	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"github.com/vkgemm/vkgemm/shaders"
)

// Kernel family names, as Config.Kernel and VKGEMM_KERNEL take them.
const (
	kernelDirect = "direct"
	kernelTiled  = "tiled"
	kernelPeak   = "peak" // not a GEMM: the FMA-throughput shader
)

// shaderOf maps a kernel family to its SPIR-V.
var shaderOf = map[string]string{
	kernelDirect: shaders.Direct,
	kernelTiled:  shaders.Tiled,
	kernelPeak:   shaders.Peak,
}

// kernel is one configuration of a kernel family: the workgroup shape and
// the block of C each invocation computes. Each becomes a pipeline through
// specialization constants.
type kernel struct {
	family   string
	wgx, wgy uint32 // workgroup size
	tm, tn   uint32 // rows and columns of C per invocation
	tk       uint32 // k-step
}

// block is the tile of C one workgroup computes.
func (k kernel) block() (rows, cols int) { return int(k.wgy * k.tm), int(k.wgx * k.tn) }

func (k kernel) String() string {
	return fmt.Sprintf("%s %dx%d workgroup, %dx%d per invocation, k-step %d", k.family, k.wgx, k.wgy, k.tm, k.tn, k.tk)
}

var (
	// CPU drivers emulate barriers and shared memory; the direct family,
	// which uses neither, is much faster there.
	defaultDirect = kernel{family: kernelDirect, wgx: 8, wgy: 8, tm: 4, tn: 4, tk: 8}
	// GPUs want shared-memory tiles; 16x16 invocations fit every device
	// vkgemm supports that has 256 invocations (SwiftShader's maximum).
	defaultTiled = kernel{family: kernelTiled, wgx: 16, wgy: 16, tm: 4, tn: 4, tk: 8}
)

// chooseKernel picks the kernel for a device, or the forced family.
func chooseKernel(p *vk.Properties, forced string) kernel {
	k := defaultTiled
	if deviceType(p.Type) == TypeCPU {
		k = defaultDirect
	}
	switch forced {
	case kernelDirect:
		k = defaultDirect
	case kernelTiled:
		k = defaultTiled
	}
	// Shrink the workgroup to what the device runs.
	for k.wgx*k.wgy > p.MaxInvocations && k.wgy > 1 {
		k.wgy /= 2
	}
	return k
}

type pipeKey struct {
	kernel
	transA, transB bool
}

// pipeline returns the pipeline of k for the transposes, creating it on
// first use. The caller holds d.mu.
func (d *Device) pipeline(k kernel, transA, transB bool) (*vk.Pipeline, error) {
	key := pipeKey{k, transA, transB}
	if p, ok := d.pipes[key]; ok {
		return p, nil
	}
	spirv, err := shaders.SPIRV(shaderOf[k.family])
	if err != nil {
		return nil, err
	}
	p, err := d.dev.NewPipeline(spirv, map[uint32]uint32{
		shaders.SpecWorkgroupX: k.wgx,
		shaders.SpecWorkgroupY: k.wgy,
		shaders.SpecTM:         k.tm,
		shaders.SpecTN:         k.tn,
		shaders.SpecTK:         k.tk,
		shaders.SpecTransA:     b2u(transA),
		shaders.SpecTransB:     b2u(transB),
	})
	if err != nil {
		return nil, fmt.Errorf("gpu: building the %s pipeline: %w", k, err)
	}
	d.pipes[key] = p
	return p, nil
}

func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}
