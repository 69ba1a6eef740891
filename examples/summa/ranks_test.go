package main

import (
	"slices"
	"sync"
)

// goroutineWorld runs p ranks as goroutines of the test process and gives
// each a communicator of them: broadcasts and sums really move each rank's
// data to the others, in memory, so that SUMMA's bookkeeping (which rank
// roots which panel, who receives what) is tested on many grids without
// mpirun. The program itself runs on Open MPI in build.sh's test_mpi.
func goroutineWorld(p int, f func(c comm)) {
	h := newHub(p)
	var wg sync.WaitGroup
	for r := range p {
		wg.Go(func() { f(&member{h, r, 0}) })
	}
	wg.Wait()
}

// hub is what the members of one communicator meet at.
type hub struct {
	mu       sync.Mutex
	cond     *sync.Cond
	size     int
	round    int   // rounds completed
	arrived  int   // members in the current round
	vals     []any // the current round's contributions
	out      []any // the last completed round's
	children map[[2]int]*hub
}

func newHub(size int) *hub {
	h := &hub{size: size, vals: make([]any, size), children: map[[2]int]*hub{}}
	h.cond = sync.NewCond(&h.mu)
	return h
}

// allGather returns every member's v once all have called it. A round's
// values stay readable until every member has called it again, so the
// next round cannot overwrite them before all have read them.
func (h *hub) allGather(rank int, v any) []any {
	h.mu.Lock()
	defer h.mu.Unlock()
	round := h.round
	h.vals[rank] = v
	h.arrived++
	if h.arrived == h.size {
		h.out, h.vals, h.arrived = h.vals, make([]any, h.size), 0
		h.round++
		h.cond.Broadcast()
	}
	for h.round == round {
		h.cond.Wait()
	}
	return h.out
}

type member struct {
	h      *hub
	rank   int
	splits int // Split calls so far, the same on every member
}

func (m *member) Rank() int { return m.rank }
func (m *member) Size() int { return m.h.size }

func (m *member) Split(color, key int) (comm, error) {
	all := m.h.allGather(m.rank, [2]int{color, key})
	m.splits++
	var group []int // ranks of the color, by key then rank
	for r, v := range all {
		if v.([2]int)[0] == color {
			group = append(group, r)
		}
	}
	slices.SortStableFunc(group, func(x, y int) int { return all[x].([2]int)[1] - all[y].([2]int)[1] })
	m.h.mu.Lock()
	id := [2]int{m.splits, color}
	child := m.h.children[id]
	if child == nil {
		child = newHub(len(group))
		m.h.children[id] = child
	}
	m.h.mu.Unlock()
	return &member{child, slices.Index(group, m.rank), 0}, nil
}

func (m *member) BcastFloat32(buf []float32, root int) error {
	all := m.h.allGather(m.rank, buf)
	if m.rank != root {
		src := all[root].([]float32)
		if len(src) != len(buf) {
			panic("Bcast of different lengths")
		}
		copy(buf, src)
	}
	m.h.allGather(m.rank, nil) // the root's buffer is read by all
	return nil
}

func (m *member) SumFloat64(send, recv []float64) error {
	all := m.h.allGather(m.rank, slices.Clone(send))
	clear(recv)
	for _, v := range all {
		for i, x := range v.([]float64) {
			recv[i] += x
		}
	}
	return nil
}
