package main

import (
	"fmt"
	"math"
	"time"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm/cpu"
	"github.com/vkgemm/vkgemm/gemm/gemmtest"
)

// Which matrix an element belongs to, for Element.
const (
	matrixA = 1
	matrixB = 2
)

// Element is entry (i, j) of input matrix which (matrixA or matrixB) for a
// seed: a hash of the four, so that every process makes exactly the
// entries it needs, the same on every machine, without any being sent. The
// values are multiples of 2⁻²³ in [-1, 1), exact in float32.
func Element(seed uint64, which, i, j int) float32 {
	h := mix(seed ^ uint64(which)*0x9e3779b97f4a7c15)
	h = mix(h ^ uint64(i))
	h = mix(h ^ uint64(j)<<32 ^ uint64(j)>>32)
	return float32(int64(h>>40)-(1<<23)) / (1 << 23)
}

// mix is SplitMix64's finaliser.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// Fill makes the rows×cols block of input matrix which, row-major.
func Fill(seed uint64, which int, rows, cols Span) []float32 {
	out := make([]float32, rows.Len()*cols.Len())
	for i := rows.Lo; i < rows.Hi; i++ {
		row := out[(i-rows.Lo)*cols.Len():]
		for j := cols.Lo; j < cols.Hi; j++ {
			row[j-cols.Lo] = Element(seed, which, i, j)
		}
	}
	return out
}

// Stats is what one process did in Multiply.
type Stats struct {
	Steps int
	// Bytes of A and B panels this process received in broadcasts
	// rooted elsewhere, and bytes of the panels it broadcast as root (each
	// reaching every other process of its row or column).
	RecvA, RecvB, RootA, RootB int64
	// Time in broadcasts (waiting for the root included) and in local
	// products (in Add and Result: uploads, submissions, and waiting for
	// the device).
	Bcast, Gemm time.Duration
}

// Multiply runs SUMMA on the process of world whose blocks are b: A and B
// are its blocks of the inputs (A[b.Rows, b.ACols], B[b.BRows, b.Cols],
// row-major), acc holds its block C[b.Rows, b.Cols], zero, and it returns
// that block. At each panel the
// process column holding A's panel broadcasts it along every process row,
// the process row holding B's panel broadcasts it along every process
// column, and every process adds the product of the two to its C. rows and
// cols are the communicators of its process row and column, ranked by
// column and by row.
func Multiply(rows, cols comm, b Blocks, a, bb []float32, width int, acc Accumulator) ([]float32, Stats, error) {
	var st Stats
	mb, nb := b.Rows.Len(), b.Cols.Len()
	apanel := make([]float32, mb*min(width, b.K))
	bpanel := make([]float32, min(width, b.K)*nb)
	for _, p := range Panels(b.K, b.Grid, width) {
		w := p.K.Len()
		st.Steps++

		// A[b.Rows, p.K], packed mb×w, from process column p.ACol.
		ap := apanel[:mb*w]
		if b.Col == p.ACol {
			kc, off := b.ACols.Len(), p.K.Lo-b.ACols.Lo
			for i := range mb {
				copy(ap[i*w:(i+1)*w], a[i*kc+off:i*kc+off+w])
			}
		}
		t := time.Now()
		if err := rows.BcastFloat32(ap, p.ACol); err != nil {
			return nil, st, fmt.Errorf("broadcast of A[:, %d:%d]: %w", p.K.Lo, p.K.Hi, err)
		}
		// B[p.K, b.Cols], w×nb, from process row p.BRow: consecutive rows
		// of its block, broadcast from where they lie.
		bp := bpanel[:w*nb]
		if b.Row == p.BRow {
			off := p.K.Lo - b.BRows.Lo
			bp = bb[off*nb : (off+w)*nb]
		}
		if err := cols.BcastFloat32(bp, p.BRow); err != nil {
			return nil, st, fmt.Errorf("broadcast of B[%d:%d, :]: %w", p.K.Lo, p.K.Hi, err)
		}
		st.Bcast += time.Since(t)
		count(&st.RootA, &st.RecvA, rows.Size(), b.Col == p.ACol, len(ap))
		count(&st.RootB, &st.RecvB, cols.Size(), b.Row == p.BRow, len(bp))

		t = time.Now()
		if err := acc.Add(w, ap, bp); err != nil {
			return nil, st, fmt.Errorf("local product at A[:, %d:%d]: %w", p.K.Lo, p.K.Hi, err)
		}
		st.Gemm += time.Since(t)
	}
	t := time.Now()
	c, err := acc.Result()
	st.Gemm += time.Since(t)
	if err != nil {
		return nil, st, fmt.Errorf("local products: %w", err)
	}
	return c, st, nil
}

// count adds a broadcast of n float32s among size processes to the bytes
// sent as root or received; among one process nothing moves.
func count(root, recv *int64, size int, isRoot bool, n int) {
	switch {
	case size == 1:
	case isRoot:
		*root += 4 * int64(n)
	default:
		*recv += 4 * int64(n)
	}
}

// Check compares a process's block of C with the float64 product of the
// same rows of A and columns of B, made from the seed here and multiplied
// by the CPU engine (package gemm/cpu: OpenBLAS where installed, else
// gonum), and holds every element to gemmtest's bound for inner dimension
// k, which scales with (|A|·|B|)ᵢⱼ. float32 inputs multiply exactly in
// float64, and float64 sums err some 2²⁹ times less than the bound allows.
func Check(seed uint64, b Blocks, c []float32) (gemmtest.Comparison, error) {
	mb, nb, k := b.Rows.Len(), b.Cols.Len(), b.K
	if mb == 0 || nb == 0 {
		return gemmtest.Comparison{OK: true}, nil
	}
	a := widen(Fill(seed, matrixA, b.Rows, Span{0, k}))
	bb := widen(Fill(seed, matrixB, Span{0, k}, b.Cols))
	want, scale := make([]float64, mb*nb), make([]float64, mb*nb)
	var e cpu.Engine
	if err := e.Dgemm(blas.NoTrans, blas.NoTrans, mb, nb, k, 1, a, k, bb, nb, 0, want, nb); err != nil {
		return gemmtest.Comparison{}, err
	}
	for _, x := range [][]float64{a, bb} {
		for i, v := range x {
			x[i] = math.Abs(v)
		}
	}
	if err := e.Dgemm(blas.NoTrans, blas.NoTrans, mb, nb, k, 1, a, k, bb, nb, 0, scale, nb); err != nil {
		return gemmtest.Comparison{}, err
	}
	return gemmtest.Compare(mb, nb, k, c, nb, want, scale), nil
}

func widen(x []float32) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}

// ModelWords is what SUMMA's model says each process of grid g handles of
// the panels of an m×n×k product: the A panels of its row block, (m/R)·k
// words, and the B panels of its column block, k·(n/C), in all 2·n²/√p for
// n = m = k on a √p×√p grid; it receives the share held elsewhere,
// (m/R)·k·(1-1/C) + k·(n/C)·(1-1/R).
func ModelWords(g Grid, m, n, k int) (panels, received float64) {
	r, c := float64(g.Rows), float64(g.Cols)
	a, b := float64(m)/r*float64(k), float64(k)*float64(n)/c
	return a + b, a*(1-1/c) + b*(1-1/r)
}
