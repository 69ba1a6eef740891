package main

import (
	"fmt"
	"strconv"
	"strings"
)

// Grid is a Rows×Cols grid of processes. Rank r sits at row r/Cols, column
// r%Cols (row-major), so the ranks of one process row are consecutive.
type Grid struct{ Rows, Cols int }

// Size is the number of processes in the grid.
func (g Grid) Size() int { return g.Rows * g.Cols }

// Coords returns the row and column of a rank.
func (g Grid) Coords(rank int) (row, col int) { return rank / g.Cols, rank % g.Cols }

func (g Grid) String() string { return fmt.Sprintf("%d×%d", g.Rows, g.Cols) }

// ChooseGrid returns the grid for p processes. With spec "" or "auto" it is
// the squarest one, Rows the largest divisor of p not above √p: √p×√p when
// p is a square (1, 4, 9, ...), 1×2 for 2, 2×3 for 6, 1×p for a prime p.
// Otherwise spec is "RxC" (or "R×C") and R·C must be p.
func ChooseGrid(p int, spec string) (Grid, error) {
	if p < 1 {
		return Grid{}, fmt.Errorf("%d processes", p)
	}
	if spec == "" || spec == "auto" {
		r := 1
		for d := 1; d*d <= p; d++ {
			if p%d == 0 {
				r = d
			}
		}
		return Grid{r, p / r}, nil
	}
	rs, cs, ok := strings.Cut(strings.ReplaceAll(spec, "×", "x"), "x")
	rows, err1 := strconv.Atoi(rs)
	cols, err2 := strconv.Atoi(cs)
	if !ok || err1 != nil || err2 != nil || rows < 1 || cols < 1 {
		return Grid{}, fmt.Errorf("grid %q: want ROWSxCOLS, such as 2x2, or auto", spec)
	}
	if rows*cols != p {
		return Grid{}, fmt.Errorf("grid %s has %d processes, but the job has %d: start %d ranks (mpirun -np %d), or pick a grid whose rows times columns is %d",
			Grid{rows, cols}, rows*cols, p, rows*cols, rows*cols, p)
	}
	return Grid{rows, cols}, nil
}

// Span is the range of indices [Lo, Hi).
type Span struct{ Lo, Hi int }

// Len is the number of indices in s.
func (s Span) Len() int { return s.Hi - s.Lo }

// Part returns the part-th of parts consecutive spans that cut [0, n) into
// lengths that differ by at most one.
func Part(n, parts, part int) Span {
	return Span{part * n / parts, (part + 1) * n / parts}
}

// Owner returns the part of Part(n, parts, ·) that holds index i, 0 <= i < n.
func Owner(n, parts, i int) int {
	// part*n/parts <= i < (part+1)*n/parts, so part is near i*parts/n.
	part := i * parts / n
	for Part(n, parts, part).Hi <= i {
		part++
	}
	for Part(n, parts, part).Lo > i {
		part--
	}
	return part
}

// Blocks is what one process holds of C = A·B with A m×k, B k×n and C m×n, in
// the 2-D block layout of a grid: the process at (row, col) owns
//
//	A[Rows, ACols]  with Rows  = Part(m, grid.Rows, row), ACols = Part(k, grid.Cols, col)
//	B[BRows, Cols]  with BRows = Part(k, grid.Rows, row), Cols  = Part(n, grid.Cols, col)
//	C[Rows, Cols]
//
// so A's block rows and C's follow the process rows, B's block columns and
// C's the process columns, and the inner dimension k is cut among the
// process columns for A and among the process rows for B.
type Blocks struct {
	Row, Col   int  // the process's place in the grid
	Rows, Cols Span // of C, and A's rows, B's columns
	ACols      Span // of A
	BRows      Span // of B
	M, N, K    int
	Grid       Grid
}

// Layout returns the blocks of the process with the given rank.
func Layout(g Grid, rank, m, n, k int) Blocks {
	row, col := g.Coords(rank)
	return Blocks{
		Row: row, Col: col,
		Rows:  Part(m, g.Rows, row),
		Cols:  Part(n, g.Cols, col),
		ACols: Part(k, g.Cols, col),
		BRows: Part(k, g.Rows, row),
		M:     m, N: n, K: k, Grid: g,
	}
}

// Panel is one step of SUMMA: the columns K of A, which the process column
// ACol holds and broadcasts along every process row, and the same rows K of
// B, which the process row BRow holds and broadcasts along every process
// column. Every process then adds A[its rows, K]·B[K, its columns] to its
// block of C.
type Panel struct {
	K    Span
	ACol int // process column holding A[·, K]: the root of the row broadcast
	BRow int // process row holding B[K, ·]: the root of the column broadcast
}

// Panels cuts the inner dimension k into the steps of SUMMA: at most width
// wide, and never across a boundary of A's column blocks or B's row blocks,
// so that one process column holds each A panel and one process row each B
// panel. When width divides the blocks (k = 512, a 2×2 grid, width 128) there
// are k/width panels.
func Panels(k int, g Grid, width int) []Panel {
	if k <= 0 || width <= 0 {
		return nil
	}
	var ps []Panel
	for lo := 0; lo < k; {
		aCol, bRow := Owner(k, g.Cols, lo), Owner(k, g.Rows, lo)
		hi := min(lo+width, k, Part(k, g.Cols, aCol).Hi, Part(k, g.Rows, bRow).Hi)
		ps = append(ps, Panel{Span{lo, hi}, aCol, bRow})
		lo = hi
	}
	return ps
}
