// Command sgemm is the smallest complete vkgemm program: it opens the best
// Vulkan device, multiplies two small matrices with Sgemm and prints C.
package main

import (
	"fmt"
	"os"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gpu"
)

func main() {
	if err := run(); err != nil {
		// The error says what is missing (the Vulkan loader, a driver, cgo).
		fmt.Fprintln(os.Stderr, "sgemm:", err)
		fmt.Fprintln(os.Stderr, "vkgemm needs the Vulkan loader and a driver (any CPU can run Mesa's lavapipe):")
		fmt.Fprintln(os.Stderr, "run ./build.sh in a vkgemm checkout, or see README's Requirements")
		os.Exit(1)
	}
}

func run() error {
	// The best device: discrete GPU > integrated > virtual > CPU driver.
	dev, err := gpu.Open(gpu.Config{})
	if err != nil {
		return err
	}
	defer dev.Close()
	fmt.Println("device:", dev.Describe())

	// Row-major, as in gonum: A is 2×3, B is 3×2, C is 2×2.
	const m, n, k = 2, 2, 3
	a := []float32{
		1, 2, 3,
		4, 5, 6,
	}
	b := []float32{
		1, 0,
		0, 1,
		1, 1,
	}
	c := make([]float32, m*n)

	// C = 1·A·B + 0·C. Each leading dimension is a row's length: k, n, n.
	if err := dev.Sgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, b, n, 0, c, n); err != nil {
		return err // a bad argument is an error, never a panic
	}
	fmt.Println("C =", c) // C = [4 5 10 11]
	return nil
}
