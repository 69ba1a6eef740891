// Command mat sends gonum's float64 GEMMs, and so mat.Dense.Mul, to the
// GPU: one call to blas64.Use, then gonum's own API, unchanged. Products
// below the device's crossover stay on the CPU path (OpenBLAS where
// installed), so Use never makes a program slower.
package main

import (
	"fmt"
	"math"
	"os"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/mat"

	"github.com/vkgemm/vkgemm/gpu"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "mat:", err)
		os.Exit(1)
	}
}

func run() error {
	const m, n, k = 300, 200, 100
	a := mat.NewDense(m, k, nil)
	b := mat.NewDense(k, n, nil)
	for i := range m {
		for j := range k {
			a.Set(i, j, float64((i*k+j)%13)/6-1)
		}
	}
	for i := range k {
		for j := range n {
			b.Set(i, j, float64((i*n+j)%7)/3-1)
		}
	}
	var want mat.Dense
	want.Mul(a, b) // gonum's own Dgemm, to compare

	dev, err := gpu.Open(gpu.Config{})
	if err != nil {
		return err
	}
	defer dev.Close()
	blas64.Use(gpu.NewBLAS(dev))             // every float64 GEMM gonum makes: Dense.Mul, blocked LU/Cholesky/QR
	defer blas64.Use(gonum.Implementation{}) // back to gonum's own before the device closes
	var c mat.Dense
	c.Mul(a, b) // on the device above the crossover, on OpenBLAS (or gonum) below it

	worst := 0.0
	for i := range m {
		for j := range n {
			worst = max(worst, math.Abs(c.At(i, j)-want.At(i, j)))
		}
	}
	fmt.Println("device:", dev.Describe())
	fmt.Printf("C = A·B with mat.Dense.Mul, %d×%d×%d: largest difference from gonum's own Dgemm %.2g\n", m, n, k, worst)
	if worst > 1e-9 {
		return fmt.Errorf("the result differs from gonum's by %g", worst)
	}
	return nil
}
