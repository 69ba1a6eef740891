//go:build js && wasm

package main

import (
	"encoding/json"
	"fmt"
	"syscall/js"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/wasm/webgpu"
)

// problem is one size's inputs, result and reference.
type problem struct {
	a, b, c     []float32
	want, scale []float64
}

func main() {
	page := js.Global().Get("Object").New()
	js.Global().Set("vkgemmBench", page)
	e, err := webgpu.Open(webgpu.Options{Memory: js.Global().Get("vkgemmWasmMemory"), Family: js.Global().Get("vkgemmFamily").String()})
	if err != nil {
		page.Set("error", err.Error())
		select {}
	}
	page.Set("device", e.Describe())
	page.Set("kernel", e.Kernel())
	problems := map[int]*problem{}
	get := func(n int) *problem {
		if p := problems[n]; p != nil {
			return p
		}
		// Inputs uniform in [-1, 1), the same for every engine.
		gp := gemmtest.NewProblem(gemmtest.Case{M: n, N: n, K: n, TA: blas.NoTrans, TB: blas.NoTrans, Alpha: 1}, uint64(n))
		p := &problem{a: gp.A, b: gp.B, c: make([]float32, n*n)}
		problems[n] = p
		return p
	}
	page.Set("inputs", js.FuncOf(func(_ js.Value, args []js.Value) any {
		p := get(args[0].Int())
		return js.Global().Get("Array").New(webgpu.CopyToJS(p.a), webgpu.CopyToJS(p.b))
	}))
	page.Set("matmul", js.FuncOf(func(_ js.Value, args []js.Value) any {
		n := args[0].Int()
		p := get(n)
		return webgpu.Promise(func() (any, error) {
			if err := e.Sgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, p.a, n, p.b, n, 0, p.c, n); err != nil {
				return nil, err
			}
			return e.View(p.c), nil
		})
	}))
	page.Set("check", js.FuncOf(func(_ js.Value, args []js.Value) any {
		n, p := args[0].Int(), get(args[0].Int())
		if p.want == nil {
			p.want, p.scale = gemmtest.Reference(blas.NoTrans, blas.NoTrans, n, n, n, 1, p.a, n, p.b, n, 0, nil, n)
		}
		got := make([]float32, n*n)
		if args[1].Get("length").Int() != n*n {
			return fmt.Sprintf(`{"OK": false, "Err": "want %d elements, got %d"}`, n*n, args[1].Get("length").Int())
		}
		webgpu.CopyToGo(got, args[1])
		b, _ := json.Marshal(gemmtest.Compare(n, n, n, got, n, p.want, p.scale))
		return string(b)
	}))
	page.Set("ready", true)
	select {}
}
