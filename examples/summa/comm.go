package main

// comm is what SUMMA needs of a communicator: MPI's (comm_mpi.go, built with
// -tags mpi), a single process's (comm_nompi.go, without the tag), or, in
// the tests, goroutines standing for ranks.
type comm interface {
	Rank() int
	Size() int
	// Split is MPI_Comm_split: the processes that pass the same color
	// form a communicator, ranked by key.
	Split(color, key int) (comm, error)
	// BcastFloat32 sends root's buf to every process (MPI_Bcast).
	BcastFloat32(buf []float32, root int) error
	// SumFloat64 adds send over every process into recv (MPI_Allreduce
	// with MPI_SUM).
	SumFloat64(send, recv []float64) error
}
