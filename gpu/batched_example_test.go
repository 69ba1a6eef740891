package gpu_test

// Like example_test.go: compiled, not run (no Output lines); the same calls
// are checked in batched_test.go and halfgemm_test.go.

import (
	"fmt"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gpu"
)

// Four products of 2×2 matrices in one call; B is shared (stride 0).
func ExampleDevice_SgemmStridedBatched() {
	dev, err := gpu.Open(gpu.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer dev.Close()
	const batch = 4
	a := make([]float32, batch*4) // A_g at a[4g:], 2×2
	for i := range a {
		a[i] = float32(i)
	}
	b := []float32{0, 1, 1, 0} // swaps the columns of every A_g
	c := make([]float32, batch*4)
	if err := dev.SgemmStridedBatched(blas.NoTrans, blas.NoTrans, 2, 2, 2, 1, a, 2, 4, b, 2, 0, 0, c, 2, 4, batch); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c) // [1 0 3 2 5 4 7 6 9 8 11 10 13 12 15 14]
}

// bfloat16 inputs, float32 result.
func ExampleDevice_GemmHalf() {
	dev, err := gpu.Open(gpu.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer dev.Close()
	a, b := make([]uint16, 6), make([]uint16, 6)
	gpu.BF16.Encode(a, []float32{1, 2, 3, 4, 5, 6}) // 2×3
	gpu.BF16.Encode(b, []float32{1, 0, 0, 1, 1, 1}) // 3×2
	c := make([]float32, 4)
	if err := dev.GemmHalf(gpu.BF16, blas.NoTrans, blas.NoTrans, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c) // [4 5 10 11]
}

// int8 inputs, exact int32 result: the extremes of int8 too.
func ExampleDevice_GemmInt8() {
	dev, err := gpu.Open(gpu.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer dev.Close()
	a := []int8{
		1, 2, 3,
		-128, 127, -128,
	} // 2×3
	b := []int8{
		1, 0,
		0, 1,
		-128, 1,
	} // 3×2
	c := make([]int32, 4)
	if err := dev.GemmInt8(blas.NoTrans, blas.NoTrans, 2, 2, 3, a, 3, b, 2, c, 2); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c) // [-383 5 16256 -1]
}
