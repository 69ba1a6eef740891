package gpu_test

import (
	"fmt"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gpu"
)

// A group of every device multiplies as one device does; Shares says
// which devices computed how much of the last product. Like the other
// examples it has no Output line: the group tests run the same calls.
func ExampleOpenAll() {
	g, err := gpu.OpenAll(gpu.Config{Device: "all"}) // or VKGEMM_DEVICE=all, or "0,2"
	if err != nil {
		fmt.Println(err)
		return
	}
	defer g.Close()
	fmt.Println(g.Describe())
	const n = 1024
	a, b, c := make([]float32, n*n), make([]float32, n*n), make([]float32, n*n)
	if err := g.Sgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, b, n, 0, c, n); err != nil {
		fmt.Println(err) // every device failed: the error names each and why
		return
	}
	for i, d := range g.Devices() {
		fmt.Printf("%s: %.0f%% of the product\n", d.Describe(), 100*g.Shares()[i])
	}
}
