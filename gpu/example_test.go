package gpu_test

// These examples have no Output lines, so `go test` compiles them but does
// not run them: on a machine without Vulkan they could not pass. The same
// calls run, with their results checked, in the package's tests.

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/vkgemm/vkgemm/gpu"
)

func Example() {
	dev, err := gpu.Open(gpu.Config{})
	if err != nil {
		fmt.Println(err) // e.g. no Vulkan loader: install libvulkan1
		return
	}
	defer dev.Close()
	a := []float32{1, 2, 3, 4, 5, 6} // 2×3
	b := []float32{1, 0, 0, 1, 1, 1} // 3×2
	c := make([]float32, 4)          // 2×2
	if err := dev.Sgemm(blas.NoTrans, blas.NoTrans, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c) // [4 5 10 11]
}

// Chained products on device-resident matrices make no host copies until
// the result is downloaded.
func ExampleDevice_MatMulAsync() {
	dev, err := gpu.Open(gpu.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer dev.Close()
	x, _ := dev.NewMatrix(2, 2)
	y, _ := dev.NewMatrix(2, 2)
	z, _ := dev.NewMatrix(2, 2)
	x.Upload([]float32{1, 2, 3, 4}, 2)
	// y = x·x, then z = y·x: the second product waits for the first on
	// the device, so only the last one is waited for here.
	dev.MatMulAsync(blas.NoTrans, blas.NoTrans, 1, x, x, 0, y)
	last, err := dev.MatMulAsync(blas.NoTrans, blas.NoTrans, 1, y, x, 0, z)
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := last.Wait(); err != nil {
		fmt.Println(err)
		return
	}
	out := make([]float32, 4)
	z.Download(out, 2)
	fmt.Println(out) // [37 54 81 118]
}

// Every gonum float32 GEMM can go to the device.
func ExampleNewBLAS() {
	dev, err := gpu.Open(gpu.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer dev.Close()
	defer blas32.Use(blas32.Implementation())
	blas32.Use(gpu.NewBLAS(dev))
	a := blas32.General{Rows: 2, Cols: 2, Stride: 2, Data: []float32{1, 2, 3, 4}}
	c := blas32.General{Rows: 2, Cols: 2, Stride: 2, Data: make([]float32, 4)}
	blas32.Gemm(blas.Trans, blas.NoTrans, 1, a, a, 0, c)
	fmt.Println(c.Data) // [10 14 14 20]
}
