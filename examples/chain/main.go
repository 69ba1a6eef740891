// Command chain keeps matrices on the device and chains products there:
// the host uploads two matrices, the device computes Z = (X·Y)·X, and only
// Z comes back.
package main

import (
	"fmt"
	"math"
	"os"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/vkgemm/vkgemm/gpu"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "chain:", err)
		os.Exit(1)
	}
}

func run() error {
	dev, err := gpu.Open(gpu.Config{})
	if err != nil {
		return err
	}
	defer dev.Close()
	fmt.Println("device:", dev.Describe())

	const n = 256
	a, b := make([]float32, n*n), make([]float32, n*n)
	for i := range a {
		a[i] = float32(i%11)/50 - 0.1
		b[i] = float32(i%5)/20 - 0.1
	}
	var ms [4]*gpu.Matrix // X, Y, X·Y, (X·Y)·X
	for i := range ms {
		if ms[i], err = dev.NewMatrix(n, n); err != nil {
			return err
		}
		defer ms[i].Release()
	}
	x, y, xy, z := ms[0], ms[1], ms[2], ms[3]

	// Keep matrices on the device and chain products without host copies.
	if err := x.Upload(a, n); err != nil {
		return err
	}
	if err := y.Upload(b, n); err != nil {
		return err
	}
	if _, err := dev.MatMulAsync(blas.NoTrans, blas.NoTrans, 1, x, y, 0, xy); err != nil {
		return err
	}
	pending, err := dev.MatMulAsync(blas.NoTrans, blas.NoTrans, 1, xy, x, 0, z) // submit now ...
	if err != nil {
		return err
	}
	timing, err := pending.Wait() // ... wait later: the products ran in order
	if err != nil {
		return err
	}
	got := make([]float32, n*n)
	if err := z.Download(got, n); err != nil {
		return err
	}

	// The same chain on the host, to compare.
	host, want := make([]float32, n*n), make([]float32, n*n)
	gonum.Implementation{}.Sgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, b, n, 0, host, n)
	gonum.Implementation{}.Sgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, host, n, a, n, 0, want, n)
	worst, largest := 0.0, 0.0
	for i := range want {
		worst = max(worst, math.Abs(float64(got[i]-want[i])))
		largest = max(largest, math.Abs(float64(want[i])))
	}
	fmt.Printf("Z = (X·Y)·X, n = %d, on the device (last product: %v of kernel time); largest |Z| %.3g, largest difference from the host %.2g\n",
		n, timing.GPU.Round(time.Microsecond), largest, worst)
	if worst > 1e-3*largest {
		return fmt.Errorf("the device's result differs from the host's by %g", worst)
	}
	return nil
}
