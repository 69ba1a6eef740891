package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/gpu"
)

func TestChooseGrid(t *testing.T) {
	for p, want := range map[int]Grid{1: {1, 1}, 2: {1, 2}, 3: {1, 3}, 4: {2, 2}, 6: {2, 3}, 8: {2, 4}, 9: {3, 3}, 12: {3, 4}, 16: {4, 4}, 7: {1, 7}} {
		g, err := ChooseGrid(p, "auto")
		require.NoError(t, err)
		assert.Equal(t, want, g, "p = %d", p)
		g, err = ChooseGrid(p, "")
		require.NoError(t, err)
		assert.Equal(t, want, g, "p = %d", p)
	}
	g, err := ChooseGrid(4, "1x4")
	require.NoError(t, err)
	assert.Equal(t, Grid{1, 4}, g)
	g, err = ChooseGrid(6, "3×2")
	require.NoError(t, err)
	assert.Equal(t, Grid{3, 2}, g)

	_, err = ChooseGrid(4, "2x3")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "grid 2×3 has 6 processes, but the job has 4")
	assert.Contains(t, err.Error(), "mpirun -np 6")
	for _, bad := range []string{"2", "2x", "x2", "0x4", "-1x-4", "twoxtwo"} {
		_, err := ChooseGrid(4, bad)
		assert.Error(t, err, bad)
	}
	_, err = ChooseGrid(0, "auto")
	assert.Error(t, err)
}

func TestGridCoords(t *testing.T) {
	g := Grid{2, 3}
	for r, want := range [][2]int{{0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {1, 2}} {
		row, col := g.Coords(r)
		assert.Equal(t, want, [2]int{row, col}, "rank %d", r)
	}
}

func TestPartAndOwner(t *testing.T) {
	for n := 1; n <= 40; n++ {
		for parts := 1; parts <= 7; parts++ {
			next := 0
			for part := range parts {
				s := Part(n, parts, part)
				require.Equal(t, next, s.Lo, "n %d parts %d part %d", n, parts, part)
				require.LessOrEqual(t, s.Len(), n/parts+1)
				require.GreaterOrEqual(t, s.Len(), n/parts)
				for i := s.Lo; i < s.Hi; i++ {
					require.Equal(t, part, Owner(n, parts, i), "n %d parts %d index %d", n, parts, i)
				}
				next = s.Hi
			}
			require.Equal(t, n, next)
		}
	}
	assert.Equal(t, Span{0, 256}, Part(512, 2, 0))
	assert.Equal(t, Span{256, 512}, Part(512, 2, 1))
}

// Every element of A, B and C belongs to exactly one process's block.
func TestLayoutTiles(t *testing.T) {
	for _, g := range []Grid{{1, 1}, {2, 2}, {1, 3}, {3, 1}, {2, 3}, {3, 3}} {
		const m, n, k = 7, 11, 5
		a, bc, cc := make([]int, m*k), make([]int, k*n), make([]int, m*n)
		for r := range g.Size() {
			bl := Layout(g, r, m, n, k)
			for i := bl.Rows.Lo; i < bl.Rows.Hi; i++ {
				for p := bl.ACols.Lo; p < bl.ACols.Hi; p++ {
					a[i*k+p]++
				}
				for j := bl.Cols.Lo; j < bl.Cols.Hi; j++ {
					cc[i*n+j]++
				}
			}
			for p := bl.BRows.Lo; p < bl.BRows.Hi; p++ {
				for j := bl.Cols.Lo; j < bl.Cols.Hi; j++ {
					bc[p*n+j]++
				}
			}
		}
		for _, counts := range [][]int{a, bc, cc} {
			for i, v := range counts {
				require.Equal(t, 1, v, "grid %s, element %d", g, i)
			}
		}
	}
}

func TestPanels(t *testing.T) {
	// Aligned: k/width panels, owners in turn.
	ps := Panels(512, Grid{2, 2}, 128)
	assert.Equal(t, []Panel{
		{Span{0, 128}, 0, 0}, {Span{128, 256}, 0, 0},
		{Span{256, 384}, 1, 1}, {Span{384, 512}, 1, 1},
	}, ps)
	assert.Len(t, Panels(1024, Grid{1, 1}, 128), 8)
	assert.Nil(t, Panels(0, Grid{1, 1}, 8))

	for _, g := range []Grid{{1, 1}, {2, 2}, {1, 3}, {3, 1}, {2, 3}, {3, 2}, {3, 3}} {
		for _, k := range []int{1, 2, 5, 17, 100} {
			for _, width := range []int{1, 3, 8, 64, 1000} {
				next := 0
				for _, p := range Panels(k, g, width) {
					require.Equal(t, next, p.K.Lo, "grid %s k %d width %d", g, k, width)
					require.Greater(t, p.K.Len(), 0)
					require.LessOrEqual(t, p.K.Len(), width)
					// One process column holds the A panel, one process
					// row the B panel.
					a, b := Part(k, g.Cols, p.ACol), Part(k, g.Rows, p.BRow)
					require.True(t, a.Lo <= p.K.Lo && p.K.Hi <= a.Hi, "A panel %v outside column %d's %v", p.K, p.ACol, a)
					require.True(t, b.Lo <= p.K.Lo && p.K.Hi <= b.Hi, "B panel %v outside row %d's %v", p.K, p.BRow, b)
					next = p.K.Hi
				}
				require.Equal(t, k, next, "grid %s k %d width %d", g, k, width)
			}
		}
	}
}

// A rank makes its block of an input the same as the whole matrix holds it.
func TestFillIsTheSameInEveryBlock(t *testing.T) {
	const n = 37
	whole := Fill(7, matrixA, Span{0, n}, Span{0, n})
	block := Fill(7, matrixA, Span{5, 20}, Span{11, 30})
	for i := 5; i < 20; i++ {
		for j := 11; j < 30; j++ {
			require.Equal(t, whole[i*n+j], block[(i-5)*19+j-11])
		}
	}
	assert.NotEqual(t, whole, Fill(8, matrixA, Span{0, n}, Span{0, n}), "another seed")
	assert.NotEqual(t, whole, Fill(7, matrixB, Span{0, n}, Span{0, n}), "the other matrix")
	distinct := map[float32]bool{}
	for _, v := range whole {
		require.True(t, v >= -1 && v < 1, "%v", v)
		distinct[v] = true
	}
	assert.Greater(t, len(distinct), len(whole)*9/10)
}

// goGemm adds A·B to C in float32, the plain way: the local product of
// the tests that need no device (hostGo).
func goGemm(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) error {
	for i := range m {
		for p := range k {
			x := a[i*lda+p]
			for j := range n {
				c[i*ldc+j] += x * b[p*ldb+j]
			}
		}
	}
	return nil
}

func hostGo(mb, nb int) (Accumulator, error) { return NewHostC(mb, nb, goGemm), nil }

// summaOnRanks runs Multiply on a grid of goroutine ranks, each holding C
// in what newAcc makes, and returns each rank's blocks, C and stats.
func summaOnRanks(t *testing.T, g Grid, m, n, k, width int, seed uint64, newAcc func(mb, nb int) (Accumulator, error)) ([]Blocks, [][]float32, []Stats) {
	t.Helper()
	bls, cs, sts := make([]Blocks, g.Size()), make([][]float32, g.Size()), make([]Stats, g.Size())
	errs := make([]error, g.Size())
	goroutineWorld(g.Size(), func(world comm) {
		r := world.Rank()
		bl := Layout(g, r, m, n, k)
		rows, err := world.Split(bl.Row, bl.Col)
		if err != nil {
			errs[r] = err
			return
		}
		cols, err := world.Split(bl.Col, bl.Row)
		if err != nil {
			errs[r] = err
			return
		}
		if rows.Size() != g.Cols || rows.Rank() != bl.Col || cols.Size() != g.Rows || cols.Rank() != bl.Row {
			errs[r] = fmt.Errorf("rank %d: row communicator %d of %d, column %d of %d", r, rows.Rank(), rows.Size(), cols.Rank(), cols.Size())
			return
		}
		a := Fill(seed, matrixA, bl.Rows, bl.ACols)
		b := Fill(seed, matrixB, bl.BRows, bl.Cols)
		bls[r] = bl
		acc, err := newAcc(bl.Rows.Len(), bl.Cols.Len())
		if err != nil {
			errs[r] = err
			return
		}
		cs[r], sts[r], errs[r] = Multiply(rows, cols, bl, a, b, width, acc)
	})
	for _, err := range errs {
		require.NoError(t, err)
	}
	return bls, cs, sts
}

func TestMultiplyOnGoroutineRanks(t *testing.T) {
	for _, c := range []struct {
		g       Grid
		m, n, k int
		width   int
	}{
		{Grid{1, 1}, 33, 29, 41, 16},
		{Grid{2, 2}, 64, 64, 64, 16},
		{Grid{2, 2}, 37, 29, 41, 5},
		{Grid{1, 3}, 20, 31, 17, 4},
		{Grid{3, 1}, 31, 20, 17, 64},
		{Grid{2, 3}, 45, 38, 50, 7},
		{Grid{3, 3}, 50, 50, 50, 1},
		{Grid{3, 3}, 2, 2, 2, 8}, // blocks of no rows or columns
	} {
		t.Run(fmt.Sprintf("%s_%dx%dx%d_w%d", c.g, c.m, c.n, c.k, c.width), func(t *testing.T) {
			bls, cs, sts := summaOnRanks(t, c.g, c.m, c.n, c.k, c.width, 3, hostGo)
			var recvA, recvB, rootA, rootB int64
			for r, bl := range bls {
				cmp, err := Check(3, bl, cs[r])
				require.NoError(t, err)
				require.True(t, cmp.OK, "rank %d: %+v", r, cmp)
				// A rank receives the A panels of its rows held by the
				// other process columns, and the B panels of its columns
				// held by the other process rows.
				mb, nb := int64(bl.Rows.Len()), int64(bl.Cols.Len())
				var wantA, wantB int64
				if c.g.Cols > 1 {
					wantA = 4 * mb * int64(c.k-bl.ACols.Len())
				}
				if c.g.Rows > 1 {
					wantB = 4 * nb * int64(c.k-bl.BRows.Len())
				}
				assert.Equal(t, wantA, sts[r].RecvA, "rank %d", r)
				assert.Equal(t, wantB, sts[r].RecvB, "rank %d", r)
				assert.Equal(t, len(Panels(c.k, c.g, c.width)), sts[r].Steps)
				recvA, recvB = recvA+sts[r].RecvA, recvB+sts[r].RecvB
				rootA, rootB = rootA+sts[r].RootA, rootB+sts[r].RootB
			}
			// What roots send, every other member of their row or
			// column receives.
			assert.Equal(t, rootA*int64(c.g.Cols-1), recvA)
			assert.Equal(t, rootB*int64(c.g.Rows-1), recvB)
		})
	}
}

// On a square grid the traffic is the model's: each rank receives
// 2·(n/√p)·n·(1-1/√p) words.
func TestTrafficMatchesTheModel(t *testing.T) {
	for _, g := range []Grid{{1, 1}, {2, 2}, {3, 3}} {
		const n = 48
		_, _, sts := summaOnRanks(t, g, n, n, n, 8, 1, hostGo)
		panels, received := ModelWords(g, n, n, n)
		q := float64(g.Rows)
		assert.InDelta(t, 2*n*n/q, panels, 1e-9)
		for r, st := range sts {
			assert.InDelta(t, 4*received, float64(st.RecvA+st.RecvB), 1e-9, "grid %s rank %d", g, r)
		}
	}
}

// The check fails a block with one wrong element, and a block made from
// other inputs.
func TestCheckFailsWrongBlocks(t *testing.T) {
	bls, cs, _ := summaOnRanks(t, Grid{2, 2}, 40, 40, 40, 8, 5, hostGo)
	cmp, err := Check(5, bls[3], cs[3])
	require.NoError(t, err)
	require.True(t, cmp.OK)

	bad := append([]float32(nil), cs[3]...)
	bad[17] += 1e-3
	cmp, err = Check(5, bls[3], bad)
	require.NoError(t, err)
	assert.False(t, cmp.OK, "one element off by 1e-3")

	cmp, err = Check(6, bls[3], cs[3])
	require.NoError(t, err)
	assert.False(t, cmp.OK, "another seed's inputs")

	// A panel dropped: the product of the first k-1 columns only.
	short := func(m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) error {
		if k > 1 {
			k--
		}
		return goGemm(m, n, k, a, lda, b, ldb, c, ldc)
	}
	bls, cs, _ = summaOnRanks(t, Grid{2, 2}, 40, 40, 40, 8, 5, func(mb, nb int) (Accumulator, error) {
		return NewHostC(mb, nb, short), nil
	})
	for r := range bls {
		cmp, err := Check(5, bls[r], cs[r])
		require.NoError(t, err)
		assert.False(t, cmp.OK, "rank %d with a column of each panel left out", r)
	}
}

func TestParseFlags(t *testing.T) {
	o, err := parseFlags(nil, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, options{m: 1024, n: 1024, k: 1024, panel: 128, seed: 1, grid: "auto", check: true, corrupt: -1}, o)
	o, err = parseFlags([]string{"-n", "300", "-k", "50", "-panel", "7", "-seed", "9", "-grid", "2x2", "-check=false", "-corrupt", "3", "-resident"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, options{m: 300, n: 300, k: 50, panel: 7, seed: 9, grid: "2x2", corrupt: 3, resident: true}, o)
	for _, bad := range [][]string{{"-n", "0"}, {"-panel", "-1"}, {"extra"}, {"-nope"}} {
		_, err := parseFlags(bad, io.Discard)
		assert.Error(t, err, "%v", bad)
	}
}

// needDevice skips where no Vulkan device is found, unless
// VKGEMM_REQUIRE_DEVICE=1 (as in ./build.sh test) makes that a failure.
func needDevice(t *testing.T) {
	t.Helper()
	if _, err := gpu.Devices(); err != nil {
		if os.Getenv("VKGEMM_REQUIRE_DEVICE") == "1" {
			t.Fatalf("no Vulkan device: %v", err)
		}
		t.Skipf("no Vulkan device (set VKGEMM_REQUIRE_DEVICE=1 to fail instead): %v", err)
	}
}

// SUMMA with the local products on a vkgemm device, the six ranks of a
// 2×3 grid sharing it: Sgemm on host slices, and C kept on the device.
func TestMultiplyOnDevice(t *testing.T) {
	needDevice(t)
	t.Setenv("VKGEMM_CACHE_DIR", t.TempDir())
	dev, err := gpu.Open(gpu.Config{})
	require.NoError(t, err)
	defer dev.Close()
	for name, newAcc := range map[string]func(mb, nb int) (Accumulator, error){
		"Sgemm": func(mb, nb int) (Accumulator, error) { return SgemmC(dev, mb, nb), nil },
		"resident": func(mb, nb int) (Accumulator, error) {
			return NewResidentC(dev, mb, nb)
		},
	} {
		t.Run(name, func(t *testing.T) {
			// k = 170 cut at 56 and 113 for A's columns and at 85 for
			// B's rows: panels 32, 24, 29, 28, 32 and 25 wide, so the
			// resident path makes matrices of several widths.
			bls, cs, _ := summaOnRanks(t, Grid{2, 3}, 150, 130, 170, 32, 11, newAcc)
			for r := range bls {
				cmp, err := Check(11, bls[r], cs[r])
				require.NoError(t, err)
				assert.True(t, cmp.OK, "rank %d: %+v", r, cmp)
			}
		})
	}
}

// runOnRanks runs the whole program on p goroutine ranks, each opening
// the device, and returns every rank's exit code and what rank 0 printed.
func runOnRanks(p int, o options) ([]int, string) {
	var out bytes.Buffer
	codes := make([]int, p)
	goroutineWorld(p, func(c comm) {
		w := io.Discard
		if c.Rank() == 0 {
			w = &out
		}
		codes[c.Rank()] = run(c, c.Rank(), o, w)
	})
	return codes, out.String()
}

// The program on four goroutine ranks: the report rank 0 prints, and the
// exit codes.
func TestRunReports(t *testing.T) {
	needDevice(t)
	t.Setenv("VKGEMM_CACHE_DIR", t.TempDir())
	o := options{m: 96, n: 96, k: 96, panel: 16, seed: 2, grid: "auto", check: true, corrupt: -1}
	codes, s := runOnRanks(4, o)
	t.Log("\n" + s)
	assert.Equal(t, []int{0, 0, 0, 0}, codes)
	assert.Contains(t, s, "96×96 times 96×96, float32, 4 ranks on a 2×2 process grid")
	assert.Contains(t, s, "panels 16 wide: 6 steps; seed 2")
	// Each rank receives 48·48 words of A and of B: 18 KiB.
	assert.Len(t, regexp.MustCompile(`(?m)^ +[0-3] +\([01],[01]\) +48×48 +18\.0 KiB +18\.0 KiB .* ok, max error `).FindAllString(s, -1), 4, "the table")
	assert.NotContains(t, s, "built without -tags mpi", "four ranks")
	assert.Contains(t, s, "each rank received 18.0 KiB on average")
	assert.Contains(t, s, "model: each rank uses 36.0 KiB of panels")
	assert.Contains(t, s, "C is right")

	// One wrong element on rank 3: every rank exits 1, and rank 0 says so.
	o.corrupt = 3
	codes, s = runOnRanks(4, o)
	assert.Equal(t, []int{1, 1, 1, 1}, codes)
	assert.Regexp(t, `(?m)^ +3 +\(1,1\) .* WRONG, max error `, s)
	assert.Contains(t, s, "C is WRONG")

	// C on the device: the same traffic, the same verdict.
	o.corrupt, o.resident = -1, true
	codes, s = runOnRanks(4, o)
	assert.Equal(t, []int{0, 0, 0, 0}, codes)
	assert.Len(t, regexp.MustCompile(`(?m)^ +[0-3] +\([01],[01]\) +48×48 +18\.0 KiB +18\.0 KiB .* ok, max error `).FindAllString(s, -1), 4, "the table")
	assert.Contains(t, s, "C is right")

	// A grid that does not fit the ranks: every rank exits 2.
	o.corrupt, o.grid = -1, "1x3"
	codes, _ = runOnRanks(4, o)
	assert.Equal(t, []int{2, 2, 2, 2}, codes)
}
