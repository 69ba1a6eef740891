// Command batched runs what AI workloads are made of: a batch of small
// products in one call, the same on device-resident matrices, and
// half-precision (bfloat16) inputs with float32 accumulation, each checked
// against gonum's float32 GEMM.
package main

import (
	"fmt"
	"math"
	"os"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/vkgemm/vkgemm/gpu"
	"github.com/vkgemm/vkgemm/half"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "batched:", err)
		os.Exit(1)
	}
}

func fill(x []float32, seed int) {
	for i := range x {
		x[i] = float32((i*7+seed)%11)/5 - 1
	}
}

// worst is the largest difference between c and gonum's product of the
// row-major m×k a and k×n b.
func worst(m, n, k int, a, b, c []float32) float64 {
	want := make([]float32, m*n)
	gonum.Implementation{}.Sgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, b, n, 0, want, n)
	w := 0.0
	for i := range want {
		w = max(w, math.Abs(float64(c[i]-want[i])))
	}
	return w
}

// report prints how far a result is from gonum's, and fails past float32's
// error for these small, exactly representable inputs.
func report(what string, diff float64) error {
	fmt.Printf("%s: largest difference from gonum's float32 product %.2g\n", what, diff)
	if diff > 1e-4 {
		return fmt.Errorf("%s differs from gonum's by %g", what, diff)
	}
	return nil
}

func run() error {
	dev, err := gpu.Open(gpu.Config{})
	if err != nil {
		return err
	}
	defer dev.Close()
	fmt.Println("device:", dev.Describe())

	a, b, c := make([]float32, 64*128*64), make([]float32, 64*64*128), make([]float32, 64*128*128)
	fill(a, 1)
	fill(b, 2)
	// 64 products of 128×128×64 in one call (cuBLAS's SgemmStridedBatched, row-major):
	// product g reads a[g*strideA:], b[g*strideB:] and writes c[g*strideC:]; stride 0 shares A or B.
	err = dev.SgemmStridedBatched(blas.NoTrans, blas.NoTrans, 128, 128, 64, 1, a, 64, 128*64,
		b, 128, 64*128, 0, c, 128, 128*128, 64)
	if err != nil {
		return err
	}
	g := 63
	if err := report(fmt.Sprintf("batch of 64, product %d", g), worst(128, 128, 64, a[g*128*64:], b[g*64*128:], c[g*128*128:])); err != nil {
		return err
	}

	const m, n, k, batch = 32, 48, 40, 8
	xs, ws := make([]float32, batch*m*k), make([]float32, k*n)
	fill(xs, 3)
	fill(ws, 4)
	x, err := dev.NewMatrix(batch*m, k)
	if err != nil {
		return err
	}
	defer x.Release()
	w, err := dev.NewMatrix(k, n)
	if err != nil {
		return err
	}
	defer w.Release()
	y, err := dev.NewMatrix(batch*m, n)
	if err != nil {
		return err
	}
	defer y.Release()
	if err := x.Upload(xs, k); err != nil {
		return err
	}
	if err := w.Upload(ws, n); err != nil {
		return err
	}
	// The same on device matrices stacked by rows (strides in rows), chained without copies.
	pending, err := dev.MatMulStridedBatchedAsync(blas.NoTrans, blas.NoTrans, m, n, k, 1, x, m, w, 0, 0, y, m, batch)
	if err != nil {
		return err
	}
	if _, err := pending.Wait(); err != nil {
		return err
	}
	ys := make([]float32, batch*m*n)
	if err := y.Download(ys, n); err != nil {
		return err
	}
	if err := report(fmt.Sprintf("device-resident batch of %d with a shared W, last product", batch), worst(m, n, k, xs[(batch-1)*m*k:], ws, ys[(batch-1)*m*n:])); err != nil {
		return err
	}

	a, b, c = a[:m*k], b[:k*n], c[:m*n]
	a16, b16 := make([]uint16, m*k), make([]uint16, k*n)
	// bfloat16 or IEEE binary16 inputs (bit patterns), float32 accumulation and output.
	half.BF16.Encode(a16, a) // package half: round to nearest even
	half.BF16.Encode(b16, b)
	err = dev.GemmHalf(gpu.BF16, blas.NoTrans, blas.NoTrans, m, n, k, 1, a16, k, b16, n, 0, c, n)
	if err != nil {
		return err
	}
	// The inputs as the device saw them: bfloat16 values, exact in float32.
	half.BF16.Decode(a, a16)
	half.BF16.Decode(b, b16)
	return report("bfloat16 inputs", worst(m, n, k, a, b, c))
}
