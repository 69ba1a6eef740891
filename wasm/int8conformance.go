//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"slices"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/shaders"
	"github.com/vkgemm/vkgemm/wasm/webgpu"
)

// int8Conformance runs gemm's int8 correctness cases (odd sizes, every
// transpose, strides, offsets, a long k) through e's GemmInt8 (the kernel
// shaders.WGSLInt8), each result checked for equality with the exact int64
// reference and with the CPU engine's; then a product split into many
// dispatches, the extremes that take int32 to its limits, and bad
// arguments.
func int8Conformance(e *webgpu.Engine, cpu gemm.Int8Engine) Conformance {
	k := shaders.WGSLInt8
	out := Conformance{Kernel: k.Name, Device: fmt.Sprintf("%s (WebGPU; WGSL %s)", e.Adapter(), k.Name)}
	for i, c := range gemmtest.Int8Cases(false) {
		p, q := gemmtest.NewInt8Problem(c, uint64(i)), gemmtest.NewInt8Problem(c, uint64(i))
		out.Cases = append(out.Cases, int8Case(c.String(), e, cpu, p, q))
	}
	// A product in many dispatches, as the visualizer runs it: bands of a
	// few rows each, the engine yielding between them.
	c := gemmtest.Case{TA: blas.NoTrans, TB: blas.Trans, M: 67, N: 35, K: 301, PadA: 1, PadB: 2, PadC: 3}
	banded := e.WithYield(func() {}).(*webgpu.Engine)
	banded.BandFlops = 1e5
	out.Cases = append(out.Cases, int8Case(c.String()+" in bands", banded, cpu, gemmtest.NewInt8Problem(c, 99), gemmtest.NewInt8Problem(c, 99)))
	out.Cases = append(out.Cases, int8Extremes(e, cpu)...)
	out.BadArguments = int8BadArguments(e)
	return out
}

// int8Case runs p on gpu and q, the same problem, on cpu.
func int8Case(name string, gpu, cpu gemm.Int8Engine, p, q *gemmtest.Int8Problem) CaseResult {
	res := CaseResult{Case: name}
	wrong, outside, err := gemmtest.VerifyInt8(gpu, p)
	if err == nil {
		res.OK = wrong < 0 && outside == 0
		if !res.OK {
			res.Err = fmt.Sprintf("first wrong element %d, %d written outside C's view", wrong, outside)
		}
		if _, _, err = gemmtest.VerifyInt8(cpu, q); err == nil {
			res.MatchesCPU = slices.Equal(p.C, q.C)
		}
	}
	if err != nil {
		res.Err = err.Error()
	}
	return res
}

// int8Extremes multiplies a row of -128s and one of 127s by columns of
// -128s and of 127s over gemm.MaxInt8K: sums up to 2³¹-16384, as close to
// int32's limit as an int8 product gets, where an accumulator that
// saturated, or a float32 one, would be off.
func int8Extremes(e, cpu gemm.Int8Engine) []CaseResult {
	const k = gemm.MaxInt8K
	var out []CaseResult
	for _, x := range []int8{-128, 127} {
		res := CaseResult{Case: fmt.Sprintf("extremes: A all %d, B columns all -128 and all 127, k=%d", x, k)}
		a, b := make([]int8, k), make([]int8, 2*k)
		for p := range k {
			a[p], b[2*p], b[2*p+1] = x, -128, 127
		}
		c, cc := make([]int32, 2), make([]int32, 2)
		err := e.GemmInt8(blas.NoTrans, blas.NoTrans, 1, 2, k, a, k, b, 2, c, 2)
		if err == nil {
			err = cpu.GemmInt8(blas.NoTrans, blas.NoTrans, 1, 2, k, a, k, b, 2, cc, 2)
		}
		if err != nil {
			res.Err = err.Error()
		} else {
			want := []int32{int32(k * int(x) * -128), int32(k * int(x) * 127)}
			res.OK, res.MatchesCPU = slices.Equal(c, want), slices.Equal(c, cc)
			if !res.OK {
				res.Err = fmt.Sprintf("C = %v, want %v", c, want)
			}
		}
		out = append(out, res)
	}
	return out
}

// int8BadArguments returns one entry per bad call that was not rejected as
// gemm.ErrBadArgument, or that changed C.
func int8BadArguments(e gemm.Int8Engine) []string {
	var bad []string
	a, b, c := make([]int8, 12), make([]int8, 12), make([]int32, 12)
	const k = gemm.MaxInt8K + 1
	for _, call := range []struct {
		name string
		f    func() error
	}{
		{"negative m", func() error { return e.GemmInt8('N', 'N', -1, 3, 4, a, 4, b, 3, c, 3) }},
		{"lda too small", func() error { return e.GemmInt8('N', 'N', 3, 3, 4, a, 3, b, 3, c, 3) }},
		{"A too short", func() error { return e.GemmInt8('N', 'N', 3, 3, 4, a[:11], 4, b, 3, c, 3) }},
		{"C too short", func() error { return e.GemmInt8('N', 'N', 3, 3, 4, a, 4, b, 3, c[:8], 3) }},
		{"bad transpose", func() error { return e.GemmInt8('x', 'N', 3, 3, 4, a, 4, b, 3, c, 3) }},
		{"k over gemm.MaxInt8K", func() error {
			return e.GemmInt8('N', 'N', 1, 1, k, make([]int8, k), k, make([]int8, k), 1, c[:1], 1)
		}},
	} {
		clear(c)
		if err := call.f(); !errors.Is(err, gemm.ErrBadArgument) {
			bad = append(bad, fmt.Sprintf("%s: got %v", call.name, err))
		}
		if slices.ContainsFunc(c, func(v int32) bool { return v != 0 }) {
			bad = append(bad, call.name+": C changed")
		}
	}
	return bad
}
