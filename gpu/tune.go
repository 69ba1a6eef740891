package gpu

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
)

// TuneOptions bounds and reports a tuning run.
type TuneOptions struct {
	// Budget is the time the whole search may take (default 2 minutes),
	// re-checks of the winners in every transpose included, shared equally
	// by the shape classes (what one leaves goes to the next). Every class
	// tries at least its current kernel, so a budget too short for that is
	// overrun by one candidate per class.
	Budget time.Duration
	// Classes limits the search to some shape classes (default all).
	Classes []string
	// Progress, if set, is called after every candidate.
	Progress func(TuneProgress)
	// Save writes the result to the device's tuning file (TuningPath), so
	// later Opens use it.
	Save bool
}

// TuneProgress reports one candidate of a tuning run.
type TuneProgress struct {
	Class       string
	Done, Total int // candidates tried in this class and its candidate count
	Candidate   Kernel
	GFLOPS      float64 // 0 when the candidate failed
	Err         error   // why the candidate was discarded
	Best        Kernel
	BestGFLOPS  float64
	// Elapsed is the time since the run began; Left what remains of the
	// budget (zero once it is spent: the winners' re-check may still run).
	Elapsed, Left time.Duration
}

// ClassShape is the product that stands for a shape class in tuning and
// benchmarks; CPU drivers get smaller ones so a search fits a short budget.
func ClassShape(class string, cpu bool) (m, n, k int) {
	s, ok := classShapes[class]
	if !ok {
		s = classShapes[ShapeSquare]
	}
	mnk := s.gpu
	if cpu {
		mnk = s.cpu
	}
	return mnk[0], mnk[1], mnk[2]
}

// classShapes are ClassShape's products, m, n, k, per class: for CPU
// drivers, which run 1-30 GFLOPS, and for GPUs.
var classShapes = map[string]struct{ cpu, gpu [3]int }{
	ShapeSquare: {[3]int{768, 768, 768}, [3]int{4096, 4096, 4096}}, // on a CPU, k of one and a half slices of 512
	ShapeSmall:  {[3]int{128, 128, 128}, [3]int{128, 128, 128}},
	ShapeSmallK: {[3]int{1024, 1024, 32}, [3]int{4096, 4096, 32}},
	ShapeTall:   {[3]int{2048, 256, 768}, [3]int{16384, 1024, 2048}},
	ShapeWide:   {[3]int{256, 2048, 768}, [3]int{1024, 16384, 2048}},
}

// candidates lists the kernels worth trying on this device, start first:
// those that fit it, and on a GPU only whole subgroups per workgroup (a
// workgroup of 8 invocations leaves 7/8 of a 64-wide wave idle).
func (d *Device) candidates(start Kernel) []Kernel {
	p := d.dev.Properties()
	gpu := deviceType(p.Type) != TypeCPU
	out := []Kernel{start}
	add := func(k Kernel) {
		if k.fits(p) != nil || slices.Contains(out, k) {
			return
		}
		if gpu && p.SubgroupSize > 0 && k.WGX*k.WGY%p.SubgroupSize != 0 {
			return
		}
		out = append(out, k)
	}
	if gpu {
		// The block family first: the built-ins of every vendor, then the
		// other workgroup shapes, blocks and k-tiles.
		for _, k := range builtinGPUKernels() {
			add(k)
		}
		for _, wg := range [][2]uint32{{16, 16}, {32, 8}, {8, 32}, {16, 8}, {8, 16}, {8, 8}, {32, 4}} {
			for _, b := range [][2]uint32{{8, 8}, {4, 8}, {8, 4}, {4, 4}} {
				for _, tk := range []uint32{16, 8, 32} {
					add(Kernel{Family: kernelBlock, WGX: wg[0], WGY: wg[1], TM: b[0], TN: b[1], TK: tk})
				}
			}
		}
	}
	// CPU-driver kernels, so a short budget sees them: the subgroup
	// family (4- and 8-wide subgroups only) with and without texel loads,
	// then the direct family with texel loads (where texel buffers are as
	// large as storage buffers; on lavapipe the fastest). Others fail fits.
	for _, b := range [][2]uint32{{24, 8}, {16, 8}, {12, 8}, {24, 4}, {8, 8}, {16, 4}, {4, 8}} {
		for _, kc := range []uint32{512, 0} {
			add(Kernel{Family: kernelSubgroup, WGX: p.SubgroupSize, WGY: 1, TM: b[0], TN: b[1], TK: 4, KChunk: kc, Texel: true})
			add(Kernel{Family: kernelSubgroup, WGX: p.SubgroupSize, WGY: 1, TM: b[0], TN: b[1], TK: 4, KChunk: kc})
		}
	}
	for _, b := range [][2]uint32{{12, 16}, {16, 16}, {16, 12}, {8, 8}} {
		for _, kc := range []uint32{512, 0} {
			add(Kernel{Family: kernelDirect, WGX: 8, WGY: 1, TM: b[0], TN: b[1], TK: 4, KChunk: kc, Texel: true})
		}
	}
	blocks := [][2]uint32{{8, 8}, {12, 16}, {16, 16}, {16, 12}, {8, 16}, {16, 8}, {4, 8}, {8, 4}, {4, 4}}
	direct := [][2]uint32{{8, 1}, {16, 1}, {4, 1}, {32, 1}, {8, 8}}
	tiled := [][2]uint32{{16, 16}, {16, 8}, {8, 8}, {32, 8}}
	// Families alternate, so a short budget sees both.
	for i := range max(len(direct), len(tiled)) * len(blocks) {
		b := blocks[i%len(blocks)]
		if wg := i / len(blocks); wg < len(direct) {
			for _, kc := range []uint32{512, 0, 256} {
				add(Kernel{Family: kernelDirect, WGX: direct[wg][0], WGY: direct[wg][1], TM: b[0], TN: b[1], TK: 4, KChunk: kc})
			}
		}
		if wg := i / len(blocks); wg < len(tiled) {
			for _, tk := range []uint32{16, 8} {
				add(Kernel{Family: kernelTiled, WGX: tiled[wg][0], WGY: tiled[wg][1], TM: b[0], TN: b[1], TK: tk})
			}
		}
	}
	return out
}

// errSpills discards a candidate whose compiler statistics show spilled
// registers or scratch memory: it would be slow, and timing it costs time.
var errSpills = errors.New("spills registers")

// spillCheck reports errSpills for k where the driver reports statistics
// and they show spills or scratch; nil where it reports none.
func (d *Device) spillCheck(k Kernel) error {
	if !d.dev.HasStatistics() || d.dev.CaptureStatistics() != nil {
		return nil
	}
	p, err := d.newPipeline(k, false, false)
	if err != nil {
		return err
	}
	defer p.Destroy()
	s, err := p.Statistics()
	if err != nil {
		return nil // statistics are advice: a driver that fails to report them does not stop tuning
	}
	st := PipelineStats{SpilledVGPR: statValue(s, "svgpr"), SpilledSGPR: statValue(s, "ssgpr"), ScratchBytes: statValue(s, "scratch")}
	if st.Spills() {
		return fmt.Errorf("%w: %d VGPRs and %d SGPRs spilled, %d bytes of scratch", errSpills, st.SpilledVGPR, st.SpilledSGPR, st.ScratchBytes)
	}
	return nil
}

// Tune searches the kernel space for each shape class within the budget,
// checking every candidate's result against the float64 reference before
// timing it (a fast wrong kernel is discarded), and uses the fastest from
// then on. With opt.Save the result is kept for later Opens.
func (d *Device) Tune(opt TuneOptions) (*Tuning, error) {
	if err := d.lock(); err != nil {
		return nil, err
	}
	defer d.mu.Unlock()
	if d.cfg.Kernel != "" {
		return nil, fmt.Errorf("gpu: the kernel family is forced to %q (Config.Kernel or VKGEMM_KERNEL); unset it to tune", d.cfg.Kernel)
	}
	if opt.Budget <= 0 {
		opt.Budget = 2 * time.Minute
	}
	classes := opt.Classes
	if len(classes) == 0 {
		classes = ShapeClasses
	}
	for _, c := range classes {
		if !validClass(c) {
			return nil, fmt.Errorf("gpu: unknown shape class %q (classes: %v)", c, ShapeClasses)
		}
	}
	p := d.dev.Properties()
	t := &Tuning{Format: tuningFormat, Device: d.info.Name, VendorID: p.VendorID, DeviceID: p.DeviceID,
		DriverVersion: p.DriverVersion, Created: time.Now().UTC(), Kernels: map[string]Kernel{}, GFLOPS: map[string]float64{}}
	cpu := d.info.Type == TypeCPU
	start := time.Now()
	end := start.Add(opt.Budget)
	left := func() time.Duration { return max(0, time.Until(end)) }
	for ci, class := range classes {
		m, n, k := ClassShape(class, cpu)
		cands := d.candidates(d.kernels[class])
		// Each class ends at its share of the budget from the start, so time
		// one class leaves unused goes to the next.
		deadline := start.Add(opt.Budget * time.Duration(ci+1) / time.Duration(len(classes)))
		type timed struct {
			k  Kernel
			gf float64
		}
		var results []timed
		best, bestGF := Kernel{}, 0.0
		// recheck is what re-checking a winner in the three other
		// transposes will take: three times the slowest check seen. The
		// search stops early enough to leave it inside the budget.
		var recheck time.Duration
		for i, cand := range cands {
			if i > 0 && time.Now().Add(recheck).After(deadline) {
				break
			}
			// The timed (untransposed) pipeline is checked before it is
			// timed; the other three only for the winners, below, since
			// every pipeline costs a compile (seconds on SwiftShader).
			err := d.spillCheck(cand)
			gf := 0.0
			if err == nil {
				t0 := time.Now()
				err = d.checkKernel(cand, transposes[:1])
				recheck = max(recheck, 3*time.Since(t0))
			}
			if err == nil {
				gf, err = d.timeKernel(cand, m, n, k)
			}
			if err != nil && !errors.Is(err, errWrongResult) && !errors.Is(err, errSpills) {
				// A device error is not the candidate's fault: stop.
				return nil, d.finish(err)
			}
			if err == nil {
				results = append(results, timed{cand, gf})
				if gf > bestGF {
					best, bestGF = cand, gf
				}
			}
			if opt.Progress != nil {
				opt.Progress(TuneProgress{Class: class, Done: i + 1, Total: len(cands), Candidate: cand, GFLOPS: gf, Err: err,
					Best: best, BestGFLOPS: bestGF, Elapsed: time.Since(start), Left: left()})
			}
		}
		slices.SortStableFunc(results, func(x, y timed) int { return cmp.Compare(y.gf, x.gf) })
		best, bestGF = Kernel{}, 0
		for _, r := range results {
			err := d.checkKernel(r.k, transposes[1:])
			if err == nil {
				best, bestGF = r.k, r.gf
				break
			}
			if !errors.Is(err, errWrongResult) {
				return nil, d.finish(err)
			}
			if opt.Progress != nil {
				opt.Progress(TuneProgress{Class: class, Done: len(cands), Total: len(cands), Candidate: r.k, Err: err,
					Elapsed: time.Since(start), Left: left()})
			}
		}
		if bestGF == 0 {
			return nil, fmt.Errorf("gpu: no kernel gave right results for %s products on %s", class, d.info.Name)
		}
		t.Kernels[class], t.GFLOPS[class] = best, bestGF
		d.kernels[class] = best
	}
	d.tuned = "this run"
	if opt.Save {
		path := d.TuningPath()
		if path == "" {
			return t, fmt.Errorf("gpu: no cache directory to save the tuning in (set Config.CacheDir or VKGEMM_CACHE_DIR)")
		}
		if err := saveTuning(path, t); err != nil {
			return t, fmt.Errorf("gpu: saving the tuning: %w", err)
		}
		d.tuned = path
	}
	return t, d.finish(nil)
}

var errWrongResult = errors.New("wrong result")

var transposes = [][2]blas.Transpose{{blas.NoTrans, blas.NoTrans}, {blas.Trans, blas.NoTrans}, {blas.NoTrans, blas.Trans}, {blas.Trans, blas.Trans}}

// checkKernel runs k on small ragged products (sizes that are no multiple
// of any block, k slices included) in the given transposes and compares
// them with the float64 reference.
func (d *Device) checkKernel(k Kernel, trs [][2]blas.Transpose) error {
	for i, tr := range trs {
		c := gemm.Case{TA: tr[0], TB: tr[1], M: 67 + i, N: 45, K: 33, Alpha: 1.5, Beta: -0.5, PadA: 1, PadC: 2}
		if k.KChunk > 0 {
			c.K = int(k.KChunk) + 33
		}
		pr := gemm.NewProblem(c, uint64(i))
		want, scale := gemm.Reference(c.TA, c.TB, c.M, c.N, c.K, c.Alpha, pr.A, pr.LDA, pr.B, pr.LDB, c.Beta, pr.C, pr.LDC)
		if _, err := d.run(&problem{tA: gemm.Transposed(c.TA), tB: gemm.Transposed(c.TB), m: c.M, n: c.N, k: c.K,
			alpha: c.Alpha, beta: c.Beta, a: pr.A, lda: pr.LDA, b: pr.B, ldb: pr.LDB, c: pr.C, ldc: pr.LDC}, k); err != nil {
			return err
		}
		if r := gemm.Compare(c.M, c.N, c.K, pr.C, pr.LDC, want, scale); !r.OK {
			return fmt.Errorf("%w: %s: max rel err %.2e", errWrongResult, c, r.MaxRelErr)
		}
	}
	return nil
}

// Timing a candidate: after a warm-up run (which builds the pipeline), runs
// repeat until there are at least minRuns and they add up to minTiming, so
// that small products, which take a fraction of a millisecond, are not
// ranked by noise; at most maxRuns.
const (
	minRuns   = 3
	maxRuns   = 200
	minTiming = 60 * time.Millisecond
)

// timeKernel times k on an m×n×kk product: the median GFLOPS of the runs
// after a warm-up, from kernel timestamps (wall time where there are none).
func (d *Device) timeKernel(k Kernel, m, n, kk int) (float64, error) {
	a, b, c := make([]float32, m*kk), make([]float32, kk*n), make([]float32, m*n)
	for i := range a {
		a[i] = float32(i%7) - 3
	}
	for i := range b {
		b[i] = float32(i%5) - 2
	}
	pr := &problem{m: m, n: n, k: kk, alpha: 1, a: a, lda: kk, b: b, ldb: n, c: c, ldc: n, timed: true}
	var times []float64
	var total time.Duration
	for r := 0; r <= minRuns || total < minTiming && r <= maxRuns; r++ {
		start := time.Now()
		t, err := d.run(pr, k)
		if err != nil {
			return 0, err
		}
		wall := time.Since(start)
		secs := t.GPU.Seconds()
		if secs == 0 {
			secs = wall.Seconds()
		}
		if r > 0 { // the first run builds the pipeline
			times = append(times, secs)
			total += wall
		}
	}
	slices.Sort(times)
	return gemm.Flops(m, n, kk) / times[len(times)/2] / 1e9, nil
}
