// Command summa multiplies two matrices across MPI ranks with SUMMA (van de
// Geijn and Watts, 1997), each rank's share on its own vkgemm device.
//
// The p ranks form a process grid (√p×√p when p is a square; the squarest
// R×C otherwise, or -grid RxC), and A, B and C are cut into blocks in a 2-D
// block layout: the rank at (row, col) holds the rows of A and C of its
// process row and the columns of B and C of its process column. The inner
// dimension is walked in panels: the process column that holds a panel of
// A broadcasts it along every process row, the process row that holds the
// same panel of B broadcasts it along every process column, and every rank
// adds the product of the two to its block of C with Sgemm (beta = 1) on
// its device; with -resident, C stays on the device and the next panels'
// broadcasts overlap the product in flight. Every rank makes its blocks of
// A and B from the seed, so the inputs are never sent, and checks its block
// of C against a float64 product of the same rows and columns (the CPU
// engine's Dgemm) within gemmtest's error bound; rank 0 prints each rank's
// traffic and times and the verdict, and every rank exits non-zero when
// any block is wrong.
//
// Build with the tag mpi (cgo, Open MPI's libopenmpi-dev) and start it with
// mpirun:
//
//	go build -tags mpi -o summa ./examples/summa
//	mpirun -np 4 ./summa -n 2048 -panel 256
//
// Built without the tag it runs as one rank, with no communication.
// docs/summa.md says how to run it across machines and how SUMMA scales.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/gpu"
)

type options struct {
	m, n, k  int
	panel    int
	seed     uint64
	grid     string
	device   string
	check    bool
	corrupt  int
	resident bool
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("summa", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.n, "n", 1024, "size of the matrices: C = A·B with A, B and C n×n (see -m and -k)")
	fs.IntVar(&o.m, "m", 0, "rows of A and C, if not n")
	fs.IntVar(&o.k, "k", 0, "columns of A and rows of B (the inner dimension), if not n")
	fs.IntVar(&o.panel, "panel", 128, "panel width: columns of A and rows of B broadcast per step")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the inputs, which every rank makes itself")
	fs.StringVar(&o.grid, "grid", "auto", "process grid ROWSxCOLS, or auto: the squarest for the number of ranks")
	fs.StringVar(&o.device, "device", "", `Vulkan device: index or name substring (gpu.Config.Device; empty: the best,
or VKGEMM_DEVICE); "local" picks device (the rank's rank on its node) modulo the number of devices`)
	fs.BoolVar(&o.resident, "resident", false, `keep each rank's block of C on its device (gpu.Matrix) and overlap the next broadcast
with the product in flight; without it each step is an Sgemm on host slices, C going to the device and back`)
	fs.BoolVar(&o.check, "check", true, "check every block of C against the float64 reference")
	fs.IntVar(&o.corrupt, "corrupt", -1, "for testing the check: the rank that alters one element of its block of C before it (the run must fail)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mpirun -np P summa [flags]\n\nC = A·B across MPI ranks with SUMMA, each rank's products on its vkgemm device.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.m == 0 {
		o.m = o.n
	}
	if o.k == 0 {
		o.k = o.n
	}
	if fs.NArg() > 0 || o.m < 1 || o.n < 1 || o.k < 1 || o.panel < 1 {
		fs.Usage()
		return o, errors.New("need positive sizes and panel width, and no arguments")
	}
	return o, nil
}

func main() {
	o, err := parseFlags(os.Args[1:], os.Stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		os.Exit(2)
	}
	world, localRank, finish, err := startWorld()
	if err != nil {
		fmt.Fprintln(os.Stderr, "summa:", err)
		os.Exit(1)
	}
	code := run(world, localRank, o, os.Stdout)
	if err := finish(); err != nil {
		fmt.Fprintln(os.Stderr, "summa:", err)
		code = max(code, 1)
	}
	os.Exit(code)
}

// run is one rank's whole program; rank 0 writes the report to out. It
// returns the exit code, the same on every rank.
func run(world comm, localRank int, o options, out io.Writer) int {
	rank := world.Rank()
	fail := func(err error) {
		fmt.Fprintf(os.Stderr, "summa: rank %d: %v\n", rank, err)
	}
	g, err := ChooseGrid(world.Size(), o.grid)
	if err != nil { // the same on every rank: rank 0 says it
		if rank == 0 {
			fail(err)
		}
		return 2
	}

	// Every rank opens its device, then all learn whether each did, so
	// none waits in a broadcast for a rank that has given up.
	dev, desc, err := openDevice(o.device, localRank)
	if err != nil {
		fail(err)
	}
	if dev != nil {
		defer dev.Close()
	}
	if n, err2 := countFailures(world, err != nil); err2 != nil || n > 0 {
		if err2 != nil {
			fail(err2)
		} else if rank == 0 {
			fmt.Fprintf(os.Stderr, "summa: %d of %d ranks could not open a Vulkan device (each says why above)\n", n, world.Size())
		}
		return 1
	}
	descs, err := gatherStrings(world, hostname()+": "+desc)
	if err != nil {
		fail(err)
		abort(1)
	}

	row, col := g.Coords(rank)
	rows, err := world.Split(row, col)
	if err == nil {
		var cols comm
		cols, err = world.Split(col, row)
		if err == nil {
			return multiply(world, rows, cols, g, dev, descs, o, out)
		}
	}
	fail(err)
	abort(1)
	return 1
}

func multiply(world, rows, cols comm, g Grid, dev *gpu.Device, descs []string, o options, out io.Writer) int {
	rank := world.Rank()
	b := Layout(g, rank, o.m, o.n, o.k)
	a := Fill(o.seed, matrixA, b.Rows, b.ACols)
	bb := Fill(o.seed, matrixB, b.BRows, b.Cols)
	// One untimed product of the first panel's shape: the device builds
	// (or loads) its pipeline here, not in the measured run.
	acc, err := newAccumulator(dev, b, o.resident)
	if err == nil {
		if ps := Panels(o.k, g, o.panel); len(ps) > 0 {
			w := ps[0].K.Len()
			if err = acc.Add(w, make([]float32, b.Rows.Len()*w), make([]float32, w*b.Cols.Len())); err == nil {
				_, err = acc.Result()
			}
		}
	}
	if err == nil {
		acc, err = newAccumulator(dev, b, o.resident)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "summa: rank %d: %v\n", rank, err)
		abort(1)
	}
	if _, err := countFailures(world, false); err != nil { // start together
		fmt.Fprintf(os.Stderr, "summa: rank %d: %v\n", rank, err)
		abort(1)
	}

	start := time.Now()
	c, st, err := Multiply(rows, cols, b, a, bb, o.panel, acc)
	total := time.Since(start)
	if err != nil {
		fmt.Fprintf(os.Stderr, "summa: rank %d: %v\n", rank, err)
		abort(1)
	}
	// Every rank's product is done before any check takes the cores.
	if _, err := countFailures(world, false); err != nil {
		fmt.Fprintf(os.Stderr, "summa: rank %d: %v\n", rank, err)
		abort(1)
	}
	if rank == o.corrupt && len(c) > 0 {
		// k: past the bound, about (k+2)·2⁻²⁴·k/4 here, for any k below 2²⁶.
		c[len(c)/2] += float32(o.k)
	}
	cmp := gemmtest.Comparison{OK: true}
	start = time.Now()
	if o.check {
		if cmp, err = Check(o.seed, b, c); err != nil {
			fmt.Fprintf(os.Stderr, "summa: rank %d: the check: %v\n", rank, err)
			cmp.OK = false
		}
	}
	checked := time.Since(start)

	mine := report{
		Row: b.Row, Col: b.Col, Rows: b.Rows.Len(), Cols: b.Cols.Len(), Steps: st.Steps,
		RecvA: st.RecvA, RecvB: st.RecvB, RootA: st.RootA, RootB: st.RootB,
		Bcast: st.Bcast.Seconds(), Gemm: st.Gemm.Seconds(), Total: total.Seconds(), Check: checked.Seconds(),
		OK: cmp.OK, MaxRelErr: cmp.MaxRelErr, MaxAbsErr: cmp.MaxAbsErr,
	}
	all, err := gatherReports(world, mine)
	if err != nil {
		fmt.Fprintf(os.Stderr, "summa: rank %d: %v\n", rank, err)
		abort(1)
	}
	ok := true
	for _, r := range all {
		ok = ok && r.OK
	}
	if rank == 0 {
		printReport(out, o, g, descs, all)
	}
	if !ok {
		return 1
	}
	return 0
}

// newAccumulator holds the rank's block of C: on the host, each step an
// Sgemm with beta = 1, or with resident on the device.
func newAccumulator(dev *gpu.Device, b Blocks, resident bool) (Accumulator, error) {
	if resident {
		return NewResidentC(dev, b.Rows.Len(), b.Cols.Len())
	}
	return SgemmC(dev, b.Rows.Len(), b.Cols.Len()), nil
}

// openDevice opens the rank's Vulkan device: the one named, or with
// "local" the one whose index is the rank's local rank modulo the number
// of devices, so that the ranks of a node with several GPUs spread over them.
func openDevice(name string, localRank int) (*gpu.Device, string, error) {
	cfg := gpu.Config{Device: name}
	if name == "local" {
		devs, err := gpu.Devices()
		if err != nil {
			return nil, "", err
		}
		cfg.Device = strconv.Itoa(localRank % len(devs))
	}
	dev, err := gpu.Open(cfg)
	if err != nil {
		return nil, "", fmt.Errorf("%w (each rank needs the Vulkan loader and a driver)", err)
	}
	return dev, dev.Describe(), nil
}

func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return "?"
	}
	return h
}

// countFailures returns how many ranks passed failed: a collective call
// every rank makes.
func countFailures(world comm, failed bool) (int, error) {
	send, recv := []float64{0}, []float64{0}
	if failed {
		send[0] = 1
	}
	err := world.SumFloat64(send, recv)
	return int(recv[0]), err
}

// gatherStrings gives every rank every rank's string, at most 160 bytes of
// it: each rank writes the bytes of its own into its slot of a sum.
func gatherStrings(world comm, s string) ([]string, error) {
	const width = 160
	if len(s) > width {
		s = s[:width]
	}
	p := world.Size()
	send, recv := make([]float64, p*width), make([]float64, p*width)
	for i := range len(s) {
		send[world.Rank()*width+i] = float64(s[i])
	}
	if err := world.SumFloat64(send, recv); err != nil {
		return nil, err
	}
	out := make([]string, p)
	for r := range out {
		var sb strings.Builder
		for _, v := range recv[r*width : (r+1)*width] {
			if v == 0 {
				break
			}
			sb.WriteByte(byte(v))
		}
		out[r] = sb.String()
	}
	return out, nil
}

// report is one rank's line of the table rank 0 prints.
type report struct {
	Row, Col, Rows, Cols, Steps int
	RecvA, RecvB, RootA, RootB  int64
	Bcast, Gemm, Total, Check   float64 // seconds
	OK                          bool
	MaxRelErr, MaxAbsErr        float64
}

const reportFields = 16

func (r report) encode() []float64 {
	return []float64{float64(r.Row), float64(r.Col), float64(r.Rows), float64(r.Cols), float64(r.Steps),
		float64(r.RecvA), float64(r.RecvB), float64(r.RootA), float64(r.RootB),
		r.Bcast, r.Gemm, r.Total, r.Check, b2f(r.OK), r.MaxRelErr, r.MaxAbsErr}
}

func decode(v []float64) report {
	return report{Row: int(v[0]), Col: int(v[1]), Rows: int(v[2]), Cols: int(v[3]), Steps: int(v[4]),
		RecvA: int64(v[5]), RecvB: int64(v[6]), RootA: int64(v[7]), RootB: int64(v[8]),
		Bcast: v[9], Gemm: v[10], Total: v[11], Check: v[12], OK: v[13] == 1, MaxRelErr: v[14], MaxAbsErr: v[15]}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// gatherReports gives every rank every rank's report, by a sum in which
// each rank fills its own slot. (A NaN error would spread to every slot
// of the sum, so it travels as +Inf, which fails the check all the same.)
func gatherReports(world comm, r report) ([]report, error) {
	if math.IsNaN(r.MaxRelErr) {
		r.MaxRelErr = math.Inf(1)
	}
	if math.IsNaN(r.MaxAbsErr) {
		r.MaxAbsErr = math.Inf(1)
	}
	p := world.Size()
	send, recv := make([]float64, p*reportFields), make([]float64, p*reportFields)
	copy(send[world.Rank()*reportFields:], r.encode())
	if err := world.SumFloat64(send, recv); err != nil {
		return nil, err
	}
	out := make([]report, p)
	for i := range out {
		out[i] = decode(recv[i*reportFields : (i+1)*reportFields])
	}
	return out, nil
}

func printReport(w io.Writer, o options, g Grid, descs []string, all []report) {
	mpiNote := ""
	if !withMPI && g.Size() == 1 {
		mpiNote = " (built without -tags mpi: one rank, no MPI)"
	}
	ranks := "ranks"
	if g.Size() == 1 {
		ranks = "rank"
	}
	fmt.Fprintf(w, "summa: C = A·B, %d×%d times %d×%d, float32, %d %s on a %s process grid%s\n",
		o.m, o.k, o.k, o.n, g.Size(), ranks, g, mpiNote)
	fmt.Fprintf(w, "panels %d wide: %d steps; seed %d\n", o.panel, all[0].Steps, o.seed)
	for r, d := range descs {
		fmt.Fprintf(w, "rank %d on %s\n", r, d)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%4s  %-7s  %-11s  %13s  %13s  %8s  %8s  %8s  %8s  %s\n",
		"rank", "at", "C block", "received", "sent as root", "bcast s", "gemm s", "total s", "check s", "check")
	var slowest, recv, root float64
	for r, x := range all {
		check := "not checked"
		if o.check {
			check = fmt.Sprintf("%s, max error %.3g of the bound", okWord(x.OK), x.MaxRelErr/relBound(o.k))
		}
		fmt.Fprintf(w, "%4d  %-7s  %-11s  %13s  %13s  %8.3f  %8.3f  %8.3f  %8.3f  %s\n",
			r, fmt.Sprintf("(%d,%d)", x.Row, x.Col), fmt.Sprintf("%d×%d", x.Rows, x.Cols),
			byteSize(x.RecvA+x.RecvB), byteSize(x.RootA+x.RootB), x.Bcast, x.Gemm, x.Total, x.Check, check)
		slowest = max(slowest, x.Total)
		recv += float64(x.RecvA + x.RecvB)
		root += float64(x.RootA + x.RootB)
	}
	panels, received := ModelWords(g, o.m, o.n, o.k)
	fmt.Fprintf(w, "\nbroadcasts: each rank received %s on average (A and B panels held by other ranks), %s in all;\n",
		byteSize(int64(recv/float64(len(all)))), byteSize(int64(recv)))
	fmt.Fprintf(w, "model: each rank uses %s of panels (2·n²/√p words for a square grid) and receives %s of them\n",
		byteSize(int64(4*panels)), byteSize(int64(4*received)))
	fmt.Fprintf(w, "time: %.3f s for the slowest rank, %.2f GFLOP/s over the job (2·m·n·k / that time)\n",
		slowest, 2*float64(o.m)*float64(o.n)*float64(o.k)/slowest/1e9)
	switch ok := allOK(all); {
	case !o.check:
		fmt.Fprintln(w, "C not checked (-check=false)")
	case ok:
		fmt.Fprintln(w, "C is right: every rank's block within gemmtest's error bound of the float64 reference")
	default:
		fmt.Fprintln(w, "C is WRONG: some rank's block is past gemmtest's error bound of the float64 reference (see check)")
	}
}

// relBound is gemmtest.Bound over the scale, without its underflow term.
func relBound(k int) float64 { return float64(k+2) * gemmtest.Unit }

func allOK(all []report) bool {
	for _, r := range all {
		if !r.OK {
			return false
		}
	}
	return true
}

func okWord(ok bool) string {
	if ok {
		return "ok"
	}
	return "WRONG"
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
