//go:build mpi && cgo

package mpi

import (
	"fmt"
	"os"
	"testing"
)

// The tests run as a singleton (go test -tags mpi) or under mpirun, for
// example mpirun -np 3 ./mpi.test: each rank runs every test, and the
// collective calls meet across the ranks.
func TestMain(m *testing.M) {
	if err := Init(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	if err := Finalize(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	os.Exit(code)
}

func TestRankAndSize(t *testing.T) {
	w := World()
	if s := w.Size(); s < 1 {
		t.Fatalf("Size() = %d", s)
	}
	if r := w.Rank(); r < 0 || r >= w.Size() {
		t.Fatalf("Rank() = %d, Size() = %d", r, w.Size())
	}
	if env := os.Getenv("OMPI_COMM_WORLD_SIZE"); env != "" && env != fmt.Sprint(w.Size()) {
		t.Fatalf("Size() = %d, mpirun started %s", w.Size(), env)
	}
}

func TestBcastFromEveryRoot(t *testing.T) {
	w := World()
	for root := 0; root < w.Size(); root++ {
		buf := make([]float32, 1000)
		if w.Rank() == root {
			for i := range buf {
				buf[i] = float32(root*10000 + i)
			}
		}
		if err := w.BcastFloat32(buf, root); err != nil {
			t.Fatal(err)
		}
		for i, v := range buf {
			if v != float32(root*10000+i) {
				t.Fatalf("root %d: buf[%d] = %v on rank %d", root, i, v, w.Rank())
			}
		}
	}
	// A large message, which Open MPI sends by another protocol than a small one.
	big := make([]float32, 1<<20)
	if w.Rank() == w.Size()-1 {
		for i := range big {
			big[i] = float32(i)
		}
	}
	if err := w.BcastFloat32(big, w.Size()-1); err != nil {
		t.Fatal(err)
	}
	for i, v := range big {
		if v != float32(i) {
			t.Fatalf("large Bcast: big[%d] = %v on rank %d", i, v, w.Rank())
		}
	}
	if err := w.BcastFloat32(nil, 0); err != nil {
		t.Fatalf("empty Bcast: %v", err)
	}
}

func TestAllreduce(t *testing.T) {
	w := World()
	p, r := float64(w.Size()), float64(w.Rank())
	send := []float64{1, r, -r}
	for _, c := range []struct {
		op   Op
		want []float64
	}{
		{Sum, []float64{p, p * (p - 1) / 2, -p * (p - 1) / 2}},
		{Max, []float64{1, p - 1, 0}},
		{Min, []float64{1, 0, -(p - 1)}},
	} {
		recv := make([]float64, len(send))
		if err := w.AllreduceFloat64(send, recv, c.op); err != nil {
			t.Fatal(err)
		}
		for i := range recv {
			if recv[i] != c.want[i] {
				t.Errorf("op %d: recv = %v, want %v", c.op, recv, c.want)
				break
			}
		}
	}
	if err := w.AllreduceFloat64(send, make([]float64, 2), Sum); err == nil {
		t.Error("Allreduce into a shorter slice: no error")
	}
}

func TestSplit(t *testing.T) {
	w := World()
	// Two colors by parity, ranked in reverse.
	sub, err := w.Split(w.Rank()%2, -w.Rank())
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Free()
	p, r := w.Size(), w.Rank()
	wantSize := (p + 1 - r%2) / 2
	if sub.Size() != wantSize {
		t.Errorf("rank %d: split size %d, want %d", r, sub.Size(), wantSize)
	}
	// Reverse order: the highest world rank of the color is rank 0.
	higher := 0
	for q := r + 2; q < p; q += 2 {
		higher++
	}
	if sub.Rank() != higher {
		t.Errorf("rank %d: split rank %d, want %d", r, sub.Rank(), higher)
	}
	// A sum over the color only.
	recv := make([]float64, 1)
	if err := sub.AllreduceFloat64([]float64{1}, recv, Sum); err != nil {
		t.Fatal(err)
	}
	if recv[0] != float64(wantSize) {
		t.Errorf("sum over the split: %v, want %d", recv[0], wantSize)
	}
	if _, err := w.Split(-1, 0); err == nil {
		t.Error("negative color: no error")
	}
}

func TestSplitShared(t *testing.T) {
	w := World()
	node, err := w.SplitShared(w.Rank())
	if err != nil {
		t.Fatal(err)
	}
	defer node.Free()
	// mpirun tells each process its local rank; this machine is one node.
	if env := os.Getenv("OMPI_COMM_WORLD_LOCAL_RANK"); env != "" && env != fmt.Sprint(node.Rank()) {
		t.Errorf("local rank %d, mpirun says %s", node.Rank(), env)
	}
	if node.Size() < 1 || node.Size() > w.Size() {
		t.Errorf("node size %d of %d", node.Size(), w.Size())
	}
}

func TestBarrier(t *testing.T) {
	if err := World().Barrier(); err != nil {
		t.Fatal(err)
	}
}

func TestErrorsAreReturned(t *testing.T) {
	w := World()
	// A root outside the communicator is MPI_ERR_ROOT, returned, not fatal.
	err := w.BcastFloat32(make([]float32, 1), w.Size())
	if err == nil {
		t.Fatal("Bcast from a root outside the communicator: no error")
	}
	t.Log(err)
}

// After Init, a nil dereference is still Go's panic, which recover
// catches: Open MPI did not take SIGSEGV from Go's runtime.
func TestGoKeepsItsSignals(t *testing.T) {
	var p *[1 << 10]int
	defer func() {
		if recover() == nil {
			t.Error("no panic from a nil dereference")
		}
	}()
	t.Log(p[10])
}
