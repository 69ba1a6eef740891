// Command gonum sends gonum's float32 GEMMs to the GPU: one call to
// blas32.Use, then gonum's own API, unchanged.
package main

import (
	"fmt"
	"math"
	"os"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/vkgemm/vkgemm/gpu"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gonum:", err)
		os.Exit(1)
	}
}

func run() error {
	dev, err := gpu.Open(gpu.Config{}) // the best device: discrete > integrated > virtual > CPU
	if err != nil {
		return err // errors.Is(err, gpu.ErrNoLoader), gpu.ErrNoDevice, ...: each says what to install
	}
	defer dev.Close()
	fmt.Println("device:", dev.Describe())

	// Send every gonum float32 GEMM to the device.
	blas32.Use(gpu.NewBLAS(dev))
	defer blas32.Use(gonum.Implementation{}) // back to gonum's own before the device closes

	const m, n, k = 300, 200, 100
	a := blas32.General{Rows: m, Cols: k, Stride: k, Data: make([]float32, m*k)}
	b := blas32.General{Rows: n, Cols: k, Stride: k, Data: make([]float32, n*k)}
	for i := range a.Data {
		a.Data[i] = float32(i%13)/6 - 1
	}
	for i := range b.Data {
		b.Data[i] = float32(i%7)/3 - 1
	}
	c := blas32.General{Rows: m, Cols: n, Stride: n, Data: make([]float32, m*n)}
	blas32.Gemm(blas.NoTrans, blas.Trans, 1, a, b, 0, c) // C = A·Bᵀ, on the GPU

	// The same product with gonum's pure-Go code, to compare.
	want := make([]float32, m*n)
	gonum.Implementation{}.Sgemm(blas.NoTrans, blas.Trans, m, n, k, 1, a.Data, k, b.Data, k, 0, want, n)
	worst := 0.0
	for i := range want {
		worst = max(worst, math.Abs(float64(c.Data[i]-want[i])))
	}
	fmt.Printf("C = A·Bᵀ, %d×%d×%d: largest difference from gonum's own Sgemm %.2g\n", m, n, k, worst)
	if worst > 1e-3 {
		return fmt.Errorf("the GPU's result differs from gonum's by %g", worst)
	}
	return nil
}
