package cpu_test

import (
	"fmt"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gemm/cpu"
)

// Every engine takes gonum's Sgemm arguments and returns bad ones as errors.
func ExampleEngine() {
	var e gemm.Engine = cpu.Engine{}
	a := []float32{1, 2, 3, 4, 5, 6} // 2×3
	b := []float32{1, 0, 0, 1, 1, 1} // 3×2
	c := make([]float32, 4)          // 2×2
	if err := e.Sgemm(blas.NoTrans, blas.NoTrans, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2); err != nil {
		fmt.Println(err)
	}
	fmt.Println(c)
	fmt.Println(e.Sgemm(blas.NoTrans, blas.NoTrans, 2, 2, 3, 1, a, 2, b, 2, 0, c, 2))
	// Output:
	// [4 5 10 11]
	// bad GEMM argument: lda=2 is less than the 3 columns of A as stored
}
