package gpu_test

import (
	"fmt"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/vkgemm/vkgemm/gpu"
)

// gonum's mat package through the adapter: blas64.Use sends every float64
// GEMM mat makes (Dense.Mul, and the blocked LU, Cholesky and QR
// factorizations) to the device where that is faster than the CPU path.
func ExampleNewBLAS_mat() {
	dev, err := gpu.Open(gpu.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer dev.Close()
	defer blas64.Use(blas64.Implementation())
	blas64.Use(gpu.NewBLAS(dev))

	a := mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})
	b := mat.NewDense(3, 2, []float64{1, 0, 0, 1, 1, 1})
	var c mat.Dense
	c.Mul(a, b)
	fmt.Println(mat.Formatted(&c)) // ⎡ 4   5⎤ ⎣10  11⎦
}
