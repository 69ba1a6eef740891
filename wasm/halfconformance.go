//go:build js && wasm

package main

import (
	"errors"
	"fmt"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/half"
	"github.com/vkgemm/vkgemm/shaders"
	"github.com/vkgemm/vkgemm/wasm/webgpu"
)

// halfConformance runs gemm's correctness cases (odd sizes, transposes,
// strides, offsets, alpha and beta) through GemmHalf with the kernel k's
// format: A and B are rounded to it, so the float64 reference of the
// rounded values is the exact product and the float32 error bound holds;
// the CPU engine's Sgemm on the same values is the second opinion.
func halfConformance(gpu *webgpu.Engine, cpu gemm.Engine, k shaders.WGSLKernel) Conformance {
	f := k.Inputs
	c := conformance(halfSgemm{gpu, k}, cpu, func(p *gemmtest.Problem) {
		for _, x := range [][]float32{p.A, p.B} {
			for i, v := range x {
				x[i] = f.ToFloat32(f.FromFloat32(v))
			}
		}
	})
	c.Kernel = k.Name
	var out [16]float32
	if err := gpu.GemmHalf(half.Format(0), blas.NoTrans, blas.NoTrans, 4, 4, 4, 1, make([]uint16, 16), 4, make([]uint16, 16), 4, 0, out[:], 4); !errors.Is(err, gemm.ErrBadArgument) {
		c.BadArguments = append(c.BadArguments, fmt.Sprintf("no half format: got %v", err))
	}
	return c
}

// halfSgemm runs Sgemm's inputs through GemmHalf, rounded to f (exactly,
// where they are f's values already), so that gemmtest.Verify checks GemmHalf.
type halfSgemm struct {
	e *webgpu.Engine
	k shaders.WGSLKernel
}

func (h halfSgemm) Backend() string { return h.e.Backend() }
func (h halfSgemm) Describe() string {
	return fmt.Sprintf("%s (WebGPU; WGSL %s, %v inputs)", h.e.Adapter(), h.k.Name, h.k.Inputs)
}

func (h halfSgemm) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) error {
	f := h.k.Inputs
	ah, bh := make([]uint16, len(a)), make([]uint16, len(b))
	f.Encode(ah, a)
	f.Encode(bh, b)
	return h.e.GemmHalf(f, tA, tB, m, n, k, alpha, ah, lda, bh, ldb, beta, c, ldc)
}
