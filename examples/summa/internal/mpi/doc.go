// Package mpi is a thin cgo wrapper over the few MPI calls the summa example
// needs: MPI_Init_thread, MPI_Comm_rank and MPI_Comm_size, MPI_Comm_split
// and MPI_Comm_split_type, MPI_Bcast of float32, MPI_Allreduce of float64,
// MPI_Barrier, MPI_Abort and MPI_Finalize.
//
// It builds only with the build tag mpi and cgo, against Open MPI's C
// library found through pkg-config (ompi-c; Debian's libopenmpi-dev):
//
//	go build -tags mpi ./examples/summa
//
// Without the tag this package is empty, so that go build, go vet and go
// test ./... pass on machines without MPI's headers.
//
// No Go MPI binding is served by the Go module proxy (gompi, gosl's mpi and
// marcusthierfelder/mpi are not), hence this wrapper.
//
// MPI is initialised with MPI_THREAD_SERIALIZED: calls may come from any
// goroutine (Go moves goroutines between threads), but never two at once.
// Errors are returned, not fatal: MPI_ERRORS_RETURN is set on
// MPI_COMM_WORLD, and communicators split from it inherit it. Open MPI 4.1
// leaves the signal handlers Go's runtime installed alone, so a nil
// dereference is still a Go panic after Init (a test checks it).
package mpi
