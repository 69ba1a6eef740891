//go:build !mpi || !cgo

package main

import (
	"fmt"
	"os"
	"strconv"
)

// withMPI says whether this build runs under MPI.
const withMPI = false

// self is the communicator of a single process: every collective call
// is a copy to itself.
type self struct{}

func (self) Rank() int                          { return 0 }
func (self) Size() int                          { return 1 }
func (self) Split(color, key int) (comm, error) { return self{}, nil }
func (self) BcastFloat32([]float32, int) error  { return nil }
func (self) SumFloat64(send, recv []float64) error {
	copy(recv, send)
	return nil
}

// startWorld returns a communicator of this process alone. Started by
// mpirun with several ranks, each would multiply the whole product by
// itself, so it refuses.
func startWorld() (world comm, localRank int, finish func() error, err error) {
	if n, _ := strconv.Atoi(os.Getenv("OMPI_COMM_WORLD_SIZE")); n > 1 {
		return nil, 0, nil, fmt.Errorf("mpirun started %d ranks, but this binary was built without MPI: build it with go build -tags mpi (cgo and libopenmpi-dev needed)", n)
	}
	return self{}, 0, func() error { return nil }, nil
}

func abort(code int) { os.Exit(code) }
