//go:build js && wasm

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"syscall/js"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/shaders"
	"github.com/vkgemm/vkgemm/viz"
	"github.com/vkgemm/vkgemm/wasm/webgpu"
)

// expose puts the page's state and checks on window.vkgemm for tests.
func expose(page js.Value, r *viz.Runner, gpu *webgpu.Engine, cpu gemm.Engine) {
	page.Set("state", js.FuncOf(func(js.Value, []js.Value) any {
		b, err := json.Marshal(r.Snapshot())
		if err != nil {
			return fmt.Sprintf(`{"error": %q}`, err)
		}
		return string(b)
	}))
	// conformance returns a Promise: the cases run on a goroutine, because
	// waiting for WebGPU inside this callback would deadlock.
	page.Set("conformance", js.FuncOf(func(js.Value, []js.Value) any {
		return webgpu.Promise(func() (any, error) {
			if gpu == nil {
				return nil, errors.New("WebGPU unavailable: nothing to check")
			}
			var all []Conformance
			// Every kernel family on this adapter, whichever the page runs.
			for _, k := range shaders.WGSLKernels() {
				e, err := gpu.WithKernel(k.Name)
				if err != nil {
					all = append(all, Conformance{Kernel: k.Name, Error: err.Error()})
					continue
				}
				c := conformance(e, cpu, nil)
				c.Kernel = k.Name
				all = append(all, c)
			}
			b, err := json.Marshal(all)
			return string(b), err
		})
	}))
	// conformanceBatched: the same cases through SgemmStridedBatched, on
	// the page's kernel family.
	page.Set("conformanceBatched", js.FuncOf(func(js.Value, []js.Value) any {
		return webgpu.Promise(func() (any, error) {
			if gpu == nil {
				return nil, errors.New("WebGPU unavailable: nothing to check")
			}
			c := conformance(rowBlocks{gpu}, cpu, nil)
			c.Kernel = gpu.Kernel()
			b, err := json.Marshal([]Conformance{c})
			return string(b), err
		})
	}))
	// conformanceHalf: the same cases through GemmHalf, for each format.
	page.Set("conformanceHalf", js.FuncOf(func(js.Value, []js.Value) any {
		return webgpu.Promise(func() (any, error) {
			if gpu == nil {
				return nil, errors.New("WebGPU unavailable: nothing to check")
			}
			var all []Conformance
			for _, k := range shaders.WGSLHalfKernels() {
				all = append(all, halfConformance(gpu, cpu, k))
			}
			b, err := json.Marshal(all)
			return string(b), err
		})
	}))
	// conformanceInt8: gemm's int8 cases and the extremes of int32
	// through GemmInt8, checked for exact results.
	page.Set("conformanceInt8", js.FuncOf(func(js.Value, []js.Value) any {
		return webgpu.Promise(func() (any, error) {
			if gpu == nil {
				return nil, errors.New("WebGPU unavailable: nothing to check")
			}
			ie, ok := cpu.(gemm.Int8Engine)
			if !ok {
				return nil, errors.New("the CPU engine has no int8 GEMM to compare with")
			}
			b, err := json.Marshal([]Conformance{int8Conformance(gpu, ie)})
			return string(b), err
		})
	}))
}

// CaseResult is one correctness case run in the browser.
type CaseResult struct {
	Case string
	// OK: within gemmtest.Bound of the float64 reference (int8: equal to
	// the int64 reference), nothing outside C's view written.
	OK        bool
	MaxRelErr float64 // against the reference
	// MatchesCPU: every element within gemmtest.Bound of the CPU engine's result
	// (twice the bound: both may err, in opposite directions); int8: equal.
	MatchesCPU bool
	Err        string
}

// Conformance is one kernel family's results; window.vkgemm.conformance()
// resolves to the JSON of a list of them, one per family.
type Conformance struct {
	Kernel       string
	Error        string // the family could not be set up
	Device       string
	Cases        []CaseResult
	BadArguments []string // one entry per bad call that was not rejected as gemm.ErrBadArgument
}

// conformance runs gemm's correctness cases on gpu, each also compared with
// the CPU engine's result; round, if set, changes the inputs of every
// problem first.
func conformance(gpu, cpu gemm.Engine, round func(*gemmtest.Problem)) Conformance {
	out := Conformance{Device: gpu.Describe()}
	for i, c := range gemmtest.Cases(true) {
		res := CaseResult{Case: c.String()}
		p, q, orig := gemmtest.NewProblem(c, uint64(i)), gemmtest.NewProblem(c, uint64(i)), gemmtest.NewProblem(c, uint64(i))
		if round != nil {
			round(p)
			round(q)
			round(orig)
		}
		cmp, err := gemmtest.Verify(gpu, p)
		if err == nil {
			res.OK, res.MaxRelErr = cmp.OK, cmp.MaxRelErr
			if _, err = gemmtest.Verify(cpu, q); err == nil {
				res.MatchesCPU = agree(orig, p.C, q.C)
			}
		}
		if err != nil {
			res.Err = err.Error()
		}
		out.Cases = append(out.Cases, res)
	}
	out.BadArguments = badArguments(gpu)
	return out
}

// agree reports whether two engines' results x and y of the problem orig
// (as it was before either ran) are within twice gemmtest.Bound of each other
// in every element: each may be off by the bound, in opposite directions.
func agree(orig *gemmtest.Problem, x, y []float32) bool {
	c, o := orig.Case, orig.Offset
	_, scale := gemmtest.Reference(c.TA, c.TB, c.M, c.N, c.K, c.Alpha, orig.A[o:], orig.LDA, orig.B[o:], orig.LDB, c.Beta, orig.C[o:], orig.LDC)
	for i := 0; i < c.M; i++ {
		for j := 0; j < c.N; j++ {
			a, b := x[o+i*orig.LDC+j], y[o+i*orig.LDC+j]
			if a == b || (a != a && b != b) {
				continue
			}
			if float64(abs32(a-b)) > 2*gemmtest.Bound(c.K, scale[i*c.N+j]) {
				return false
			}
		}
	}
	return true
}

func abs32(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}

func badArguments(e gemm.Engine) []string {
	var bad []string
	a, b, c := make([]float32, 12), make([]float32, 12), make([]float32, 12)
	for _, call := range []struct {
		name string
		f    func() error
	}{
		{"negative m", func() error { return e.Sgemm('N', 'N', -1, 3, 4, 1, a, 4, b, 3, 0, c, 3) }},
		{"lda too small", func() error { return e.Sgemm('N', 'N', 3, 3, 4, 1, a, 3, b, 3, 0, c, 3) }},
		{"C too short", func() error { return e.Sgemm('N', 'N', 3, 3, 4, 1, a, 4, b, 3, 0, c[:8], 3) }},
	} {
		if err := call.f(); !errors.Is(err, gemm.ErrBadArgument) {
			bad = append(bad, fmt.Sprintf("%s: got %v", call.name, err))
		}
	}
	return bad
}
