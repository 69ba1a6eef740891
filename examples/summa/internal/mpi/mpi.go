//go:build mpi && cgo

package mpi

/*
#cgo pkg-config: ompi-c
#include <stdlib.h>
#include <mpi.h>

// Open MPI's handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, ...) are macros
// over addresses of globals, which cgo cannot name: these helpers can.
static int vk_init(int *provided) {
	return MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, provided);
}
static MPI_Comm vk_world(void) { return MPI_COMM_WORLD; }
static MPI_Comm vk_null(void) { return MPI_COMM_NULL; }
static int vk_errors_return(void) { return MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN); }
static int vk_thread_serialized(void) { return MPI_THREAD_SERIALIZED; }
static int vk_bcast_float(float *buf, int count, int root, MPI_Comm comm) {
	return MPI_Bcast(buf, count, MPI_FLOAT, root, comm);
}
static int vk_allreduce_double(const double *send, double *recv, int count, int op, MPI_Comm comm) {
	MPI_Op o = op == 0 ? MPI_SUM : op == 1 ? MPI_MAX : MPI_MIN;
	return MPI_Allreduce(send, recv, count, MPI_DOUBLE, o, comm);
}
static int vk_split_shared(MPI_Comm comm, int key, MPI_Comm *out) {
	return MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, key, MPI_INFO_NULL, out);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"math"
	"unsafe"
)

// Op is a reduction of Allreduce.
type Op int

// The reductions Allreduce offers.
const (
	Sum Op = iota // MPI_SUM
	Max           // MPI_MAX
	Min           // MPI_MIN
)

// Comm is an MPI communicator.
type Comm struct{ c C.MPI_Comm }

// Init initialises MPI (MPI_Init_thread with MPI_THREAD_SERIALIZED) and makes
// errors on MPI_COMM_WORLD returned rather than fatal. A process calls it
// once, before any other function of this package.
func Init() error {
	var provided C.int
	if err := check("MPI_Init_thread", C.vk_init(&provided)); err != nil {
		return err
	}
	if provided < C.vk_thread_serialized() {
		return fmt.Errorf("mpi: MPI_Init_thread gave thread level %d, below MPI_THREAD_SERIALIZED", int(provided))
	}
	return check("MPI_Comm_set_errhandler", C.vk_errors_return())
}

// Finalize ends MPI (MPI_Finalize). No other call of this package may follow.
func Finalize() error { return check("MPI_Finalize", C.MPI_Finalize()) }

// Abort ends every process of the job with the given exit code (MPI_Abort on
// MPI_COMM_WORLD): for a rank that fails while the others wait for it in a
// collective call.
func Abort(code int) { C.MPI_Abort(C.vk_world(), C.int(code)) }

// World is MPI_COMM_WORLD: every process of the job.
func World() Comm { return Comm{C.vk_world()} }

// Rank is this process's rank in c (MPI_Comm_rank).
func (c Comm) Rank() int {
	var r C.int
	if err := check("MPI_Comm_rank", C.MPI_Comm_rank(c.c, &r)); err != nil {
		panic(err) // only for an invalid communicator, which Comm never holds
	}
	return int(r)
}

// Size is the number of processes in c (MPI_Comm_size).
func (c Comm) Size() int {
	var s C.int
	if err := check("MPI_Comm_size", C.MPI_Comm_size(c.c, &s)); err != nil {
		panic(err)
	}
	return int(s)
}

// Split is MPI_Comm_split: the processes of c that pass the same color form a
// new communicator, ranked by key, then by their rank in c. Every process of
// c must call it. Color must be non-negative.
func (c Comm) Split(color, key int) (Comm, error) {
	if color < 0 || color > math.MaxInt32 || key < math.MinInt32 || key > math.MaxInt32 {
		return Comm{}, fmt.Errorf("mpi: Split color %d, key %d out of range", color, key)
	}
	var out C.MPI_Comm
	if err := check("MPI_Comm_split", C.MPI_Comm_split(c.c, C.int(color), C.int(key), &out)); err != nil {
		return Comm{}, err
	}
	return Comm{out}, nil
}

// SplitShared is MPI_Comm_split_type with MPI_COMM_TYPE_SHARED: the
// processes of c on the same node. A process's rank there is its local rank.
func (c Comm) SplitShared(key int) (Comm, error) {
	var out C.MPI_Comm
	if err := check("MPI_Comm_split_type", C.vk_split_shared(c.c, C.int(key), &out)); err != nil {
		return Comm{}, err
	}
	return Comm{out}, nil
}

// Free releases a communicator made by Split or SplitShared (MPI_Comm_free).
func (c *Comm) Free() error {
	if c.c == C.vk_null() || c.c == C.vk_world() {
		return nil
	}
	return check("MPI_Comm_free", C.MPI_Comm_free(&c.c))
}

// Barrier waits until every process of c has called it (MPI_Barrier).
func (c Comm) Barrier() error { return check("MPI_Barrier", C.MPI_Barrier(c.c)) }

// BcastFloat32 sends root's buf to every process of c (MPI_Bcast): every
// process passes a buf of the same length.
func (c Comm) BcastFloat32(buf []float32, root int) error {
	if len(buf) > math.MaxInt32 {
		return fmt.Errorf("mpi: Bcast of %d elements, more than MPI's int count", len(buf))
	}
	if len(buf) == 0 {
		return check("MPI_Bcast", C.vk_bcast_float(nil, 0, C.int(root), c.c))
	}
	return check("MPI_Bcast", C.vk_bcast_float((*C.float)(unsafe.Pointer(&buf[0])), C.int(len(buf)), C.int(root), c.c))
}

// AllreduceFloat64 reduces send over every process of c element by element
// with op and leaves the result in recv on every process (MPI_Allreduce).
// send and recv have the same length and do not overlap.
func (c Comm) AllreduceFloat64(send, recv []float64, op Op) error {
	if len(send) != len(recv) {
		return fmt.Errorf("mpi: Allreduce of %d elements into %d", len(send), len(recv))
	}
	if op < Sum || op > Min {
		return fmt.Errorf("mpi: unknown Op %d", op)
	}
	if len(send) > math.MaxInt32 {
		return fmt.Errorf("mpi: Allreduce of %d elements, more than MPI's int count", len(send))
	}
	if len(send) == 0 {
		return nil
	}
	return check("MPI_Allreduce", C.vk_allreduce_double((*C.double)(unsafe.Pointer(&send[0])),
		(*C.double)(unsafe.Pointer(&recv[0])), C.int(len(send)), C.int(op), c.c))
}

// check turns an MPI return code into an error carrying MPI's own message.
func check(call string, code C.int) error {
	if code == C.MPI_SUCCESS {
		return nil
	}
	buf := make([]byte, C.MPI_MAX_ERROR_STRING)
	var n C.int
	if C.MPI_Error_string(code, (*C.char)(unsafe.Pointer(&buf[0])), &n) != C.MPI_SUCCESS {
		return fmt.Errorf("mpi: %s failed with code %d", call, int(code))
	}
	return errors.New("mpi: " + call + ": " + string(buf[:n]))
}
