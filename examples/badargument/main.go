// Command badargument multiplies two small matrices with Sgemm, then passes
// a leading dimension that is too small: vkgemm returns an error wrapping
// gpu.ErrBadArgument where a BLAS would panic.
package main

import (
	"errors"
	"fmt"
	"os"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gpu"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "badargument:", err)
		os.Exit(1)
	}
}

func run() error {
	dev, err := gpu.Open(gpu.Config{})
	if err != nil {
		return err
	}
	defer dev.Close()

	a := []float32{1, 2, 3, 4, 5, 6} // 2×3, row-major
	b := []float32{1, 0, 0, 1, 1, 1} // 3×2
	c := make([]float32, 4)          // 2×2
	// C = alpha*op(A)*op(B) + beta*C, gonum's argument order: lda = 3 columns of A.
	if err := dev.Sgemm(blas.NoTrans, blas.NoTrans, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2); err != nil {
		return err
	}
	fmt.Println("C =", c)

	// lda = 2 is less than A's 3 columns: an error, not a panic.
	err = dev.Sgemm(blas.NoTrans, blas.NoTrans, 2, 2, 3, 1, a, 2, b, 2, 0, c, 2)
	fmt.Println("errors.Is(err, gpu.ErrBadArgument):", errors.Is(err, gpu.ErrBadArgument), "-", err)
	if !errors.Is(err, gpu.ErrBadArgument) {
		return fmt.Errorf("want an error wrapping gpu.ErrBadArgument, got %v", err)
	}
	return nil
}
