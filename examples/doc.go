// Package examples holds small programs that use vkgemm as an application
// would, each in its own directory:
//
//	go run ./examples/sgemm        # the smallest complete program: open the best device, one Sgemm
//	go run ./examples/badargument  # a bad argument is an error, not a panic
//	go run ./examples/gonum        # gonum's blas32 on the GPU
//	go run ./examples/mat          # gonum's blas64, so mat.Dense.Mul, on the GPU
//	go run ./examples/chain        # products chained on device-resident matrices
//	go run ./examples/batched      # strided batches, on host slices and device matrices, and BF16 inputs
//
// The tests in this directory build and run each of them, and check that
// every Go snippet in README.md is an excerpt of one.
//
// examples/summa multiplies one product across the ranks of an MPI job with
// SUMMA, each rank on its own device (docs/summa.md). Its tests run with go
// test; the program itself, built with the tag mpi, runs under mpirun in
// ./build.sh test:
//
//	go build -tags mpi -o bin/summa ./examples/summa && mpirun -np 4 bin/summa
package examples
