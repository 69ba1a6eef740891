//go:build mpi && cgo

package main

import (
	"github.com/vkgemm/vkgemm/examples/summa/internal/mpi"
)

// withMPI says whether this build runs under MPI.
const withMPI = true

type mpiComm struct{ mpi.Comm }

func (c mpiComm) Split(color, key int) (comm, error) {
	s, err := c.Comm.Split(color, key)
	return mpiComm{s}, err
}

func (c mpiComm) SumFloat64(send, recv []float64) error {
	return c.AllreduceFloat64(send, recv, mpi.Sum)
}

// startWorld initialises MPI and returns MPI_COMM_WORLD, the rank's local
// rank on its node, and the function that finalises MPI.
func startWorld() (world comm, localRank int, finish func() error, err error) {
	if err := mpi.Init(); err != nil {
		return nil, 0, nil, err
	}
	w := mpi.World()
	node, err := w.SplitShared(w.Rank())
	if err != nil {
		return nil, 0, nil, err
	}
	localRank = node.Rank()
	if err := node.Free(); err != nil {
		return nil, 0, nil, err
	}
	return mpiComm{w}, localRank, mpi.Finalize, nil
}

// abort ends every rank of the job: one rank failed and the others may be
// waiting for it in a broadcast.
func abort(code int) { mpi.Abort(code) }
