package gpu

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm/gemmtest"
)

// ShapeBatched is the tuner's class of strided batches of small products
// (SgemmStridedBatched and MatMulStridedBatched with a batch over 1, each
// product of ShapeSmall): one dispatch holds the whole batch, so the best
// kernel may differ from a lone small product's. ClassShape gives one
// product of it; BatchedCount is the batch.
const ShapeBatched = "batched"

// BatchedCount is the number of products ShapeBatched is timed on: 64 of
// ClassShape's 128×128×64, as an attention layer's heads.
const BatchedCount = 64

// TuneClasses are the classes Tune searches by default: ShapeClasses, then
// ShapeBatched.
var TuneClasses = append(slices.Clone(ShapeClasses), ShapeBatched)

// TuneOptions bounds and reports a tuning run.
type TuneOptions struct {
	// Budget is the time the whole search may take (default 2 minutes),
	// re-checks of the winners in every transpose and crossovers included,
	// shared equally by the searches and crossovers (what one leaves goes
	// to the next). Every search tries at least its current kernel and
	// every crossover races at least its largest size, so a budget too
	// short for that is overrun by one candidate or race each.
	Budget time.Duration
	// Classes limits the search to some of TuneClasses (default all).
	Classes []string
	// Half adds searches for GemmHalf's kernels in these formats, one per
	// format and shape class of Classes (ShapeBatched aside).
	Half []HalfFormat
	// Crossovers measures the BLAS adapter's crossovers after the kernel
	// search (MeasureCPUBelow, with the kernels found) for every shape
	// class of Classes, in float32 and, where the device has it, float64,
	// and sets them (SetCPUBelow); Save stores them with the kernels.
	Crossovers bool
	// Progress, if set, is called after every candidate and every race.
	Progress func(TuneProgress)
	// Save writes the result to the device's tuning file (TuningPath), so
	// later Opens use it.
	Save bool
}

// TuneProgress reports one candidate of a tuning run, or one race of a
// crossover.
type TuneProgress struct {
	// Class is what is searched, a key of Tuning.Kernels: a shape class,
	// ShapeBatched, or a half format and a class ("f16/square"); for a
	// crossover, its shape class.
	Class       string
	Done, Total int // candidates (or sizes raced) done in this class, and their count
	Candidate   Kernel
	GFLOPS      float64 // 0 when the candidate failed
	Err         error   // why the candidate was discarded
	Best        Kernel
	BestGFLOPS  float64
	// Crossover is set while crossovers are measured: the race of one size.
	Crossover *CrossoverRace
	// Elapsed is the time since the run began; Left what remains of the
	// budget (zero once it is spent: the winners' re-check may still run).
	Elapsed, Left time.Duration
}

// CrossoverRace is one size of a crossover measurement: the CPU path and
// the device timed on the same product, as the BLAS adapter calls them.
type CrossoverRace struct {
	Precision   Precision
	M, N, K     int
	CPU, Device time.Duration // median wall times
	Below       float64       // the crossover so far, in flops
}

// ClassShape is the product that stands for a shape class in tuning and
// benchmarks (one product of a batch for ShapeBatched); CPU drivers get
// smaller ones so a search fits a short budget.
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
	ShapeSquare:  {[3]int{768, 768, 768}, [3]int{4096, 4096, 4096}}, // on a CPU, k of one and a half slices of 512
	ShapeSmall:   {[3]int{128, 128, 128}, [3]int{128, 128, 128}},
	ShapeSmallK:  {[3]int{1024, 1024, 32}, [3]int{4096, 4096, 32}},
	ShapeTall:    {[3]int{2048, 256, 768}, [3]int{16384, 1024, 2048}},
	ShapeWide:    {[3]int{256, 2048, 768}, [3]int{1024, 16384, 2048}},
	ShapeBatched: {[3]int{128, 128, 64}, [3]int{128, 128, 64}},
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

// Tune searches the kernel space for each class within the budget,
// checking every candidate's result against the float64 reference before
// timing it (a fast wrong kernel is discarded), and uses the fastest from
// then on; with opt.Crossovers it then measures the BLAS adapter's
// crossovers with those kernels. With opt.Save the result is kept for
// later Opens. The search holds the device; the crossovers' races do not,
// as they call Sgemm and Dgemm.
func (d *Device) Tune(opt TuneOptions) (*Tuning, error) {
	if d.cfg.Kernel != "" {
		return nil, fmt.Errorf("gpu: the kernel family is forced to %q (Config.Kernel or VKGEMM_KERNEL); unset it to tune", d.cfg.Kernel)
	}
	if opt.Budget <= 0 {
		opt.Budget = 2 * time.Minute
	}
	if len(opt.Classes) == 0 {
		opt.Classes = TuneClasses
	}
	for _, c := range opt.Classes {
		if !slices.Contains(TuneClasses, c) {
			return nil, fmt.Errorf("gpu: %w: unknown shape class %q (classes: %v)", ErrBadArgument, c, TuneClasses)
		}
	}
	for _, f := range opt.Half {
		if !f.Valid() {
			return nil, fmt.Errorf("gpu: %w: half format %v is neither gpu.F16 nor gpu.BF16", ErrBadArgument, f)
		}
	}
	targets := tuneTargets(opt.Classes, opt.Half)
	var races []cpuBelowKey
	if opt.Crossovers {
		precisions := []Precision{Float32}
		if d.float64Support() == nil {
			precisions = append(precisions, Float64)
		}
		for _, p := range precisions {
			for _, c := range opt.Classes {
				if c != ShapeBatched {
					races = append(races, cpuBelowKey{p, c})
				}
			}
		}
	}
	p := d.dev.Properties()
	t := &Tuning{Format: tuningFormat, Device: d.info.Name, VendorID: p.VendorID, DeviceID: p.DeviceID,
		DriverVersion: p.DriverVersion, Created: time.Now().UTC(), Kernels: map[string]Kernel{}, GFLOPS: map[string]float64{}}
	clock := tuneClock{start: time.Now(), budget: opt.Budget, jobs: len(targets) + len(races)}
	if err := d.searchKernels(targets, t, opt.Progress, clock); err != nil {
		return nil, err
	}
	if len(races) > 0 {
		t.CPUBelow = map[string]float64{}
	}
	for i, r := range races {
		report := func(done int, race CrossoverRace) {
			if opt.Progress != nil {
				opt.Progress(TuneProgress{Class: r.class, Done: done, Total: crossoverSizes, Crossover: &race,
					Elapsed: time.Since(clock.start), Left: clock.left()})
			}
		}
		below, err := d.measureCPUBelow(r.precision, r.class, clock.deadline(len(targets)+i), report)
		if err != nil {
			return nil, fmt.Errorf("gpu: measuring the %s crossover of %s products: %w", r.precision, r.class, err)
		}
		t.CPUBelow[crossoverKey(r.precision, r.class)] = below
		if err := d.SetCPUBelow(r.precision, r.class, below); err != nil {
			return nil, err
		}
	}
	d.mu.Lock()
	d.tuned = "this run"
	d.mu.Unlock()
	if !opt.Save {
		return t, nil
	}
	path := d.TuningPath()
	if path == "" {
		return t, fmt.Errorf("gpu: no cache directory to save the tuning in (set Config.CacheDir or VKGEMM_CACHE_DIR)")
	}
	if err := saveTuning(path, t); err != nil {
		return t, fmt.Errorf("gpu: saving the tuning: %w", err)
	}
	d.mu.Lock()
	d.tuned = path
	d.mu.Unlock()
	return t, nil
}

// tuneClock shares a tuning run's budget among its jobs (kernel searches,
// then crossovers): job i ends at its share of the budget from the start,
// so time one job leaves unused goes to the next.
type tuneClock struct {
	start  time.Time
	budget time.Duration
	jobs   int
}

func (c tuneClock) deadline(job int) time.Time {
	return c.start.Add(c.budget * time.Duration(job+1) / time.Duration(max(1, c.jobs)))
}

func (c tuneClock) left() time.Duration { return max(0, time.Until(c.start.Add(c.budget))) }

// searchKernels runs the kernel search of every target, jobs 0.. of clock,
// holding the device, and records the winners in t and on the device.
func (d *Device) searchKernels(targets []tuneTarget, t *Tuning, progress func(TuneProgress), clock tuneClock) error {
	if err := d.lock(); err != nil {
		return err
	}
	defer d.mu.Unlock()
	for i, tg := range targets {
		best, gf, err := d.search(tg, clock.deadline(i), progress, clock)
		if err != nil {
			return d.finish(err)
		}
		t.Kernels[tg.key], t.GFLOPS[tg.key] = best, gf
		d.kernels[tg.key] = best
	}
	return d.finish(nil)
}

// search times tg's candidates until the deadline and returns the fastest
// that gives right results in every transpose. The caller holds d.mu.
func (d *Device) search(tg tuneTarget, deadline time.Time, progress func(TuneProgress), clock tuneClock) (Kernel, float64, error) {
	cands := d.targetCandidates(tg)
	report := func(p TuneProgress) {
		if progress != nil {
			p.Class, p.Total, p.Elapsed, p.Left = tg.key, len(cands), time.Since(clock.start), clock.left()
			progress(p)
		}
	}
	type timed struct {
		k  Kernel
		gf float64
	}
	var results []timed
	best, bestGF := Kernel{}, 0.0
	// recheck is what re-checking a winner in the three other transposes
	// will take: three times the slowest check seen. The search stops early
	// enough to leave it inside the budget.
	var recheck time.Duration
	for i, cand := range cands {
		if i > 0 && time.Now().Add(recheck).After(deadline) {
			break
		}
		// The timed (untransposed) pipeline is checked before it is timed;
		// the other three only for the winners, below, since every pipeline
		// costs a compile (seconds on SwiftShader).
		err := d.spillCheck(cand)
		gf := 0.0
		if err == nil {
			t0 := time.Now()
			err = d.checkKernel(tg, cand, transposes[:1])
			recheck = max(recheck, 3*time.Since(t0))
		}
		if err == nil {
			gf, err = d.timeKernel(tg, cand)
		}
		if err != nil && !errors.Is(err, errWrongResult) && !errors.Is(err, errSpills) {
			// A device error is not the candidate's fault: stop.
			return Kernel{}, 0, err
		}
		if err == nil {
			results = append(results, timed{cand, gf})
			if gf > bestGF {
				best, bestGF = cand, gf
			}
		}
		report(TuneProgress{Done: i + 1, Candidate: cand, GFLOPS: gf, Err: err, Best: best, BestGFLOPS: bestGF})
	}
	slices.SortStableFunc(results, func(x, y timed) int { return cmp.Compare(y.gf, x.gf) })
	for _, r := range results {
		// The kernel in use (the first candidate) already runs every
		// transpose of every product, so a search that keeps it builds no
		// other pipelines: a short budget costs one build per search.
		err := error(nil)
		if r.k != cands[0] {
			err = d.checkKernel(tg, r.k, transposes[1:])
		}
		if err == nil {
			return r.k, r.gf, nil
		}
		if !errors.Is(err, errWrongResult) {
			return Kernel{}, 0, err
		}
		report(TuneProgress{Done: len(cands), Candidate: r.k, Err: err})
	}
	return Kernel{}, 0, fmt.Errorf("gpu: no kernel gave right results for %s products on %s", tg.key, d.info.Name)
}

var errWrongResult = errors.New("wrong result")

var transposes = [][2]blas.Transpose{{blas.NoTrans, blas.NoTrans}, {blas.Trans, blas.NoTrans}, {blas.NoTrans, blas.Trans}, {blas.Trans, blas.Trans}}

// checkKernel runs k on small ragged products of tg (sizes that are no
// multiple of any block, k slices included) in the given transposes and
// compares them with the float64 reference.
func (d *Device) checkKernel(tg tuneTarget, k Kernel, trs [][2]blas.Transpose) error {
	for i, tr := range trs {
		c := gemmtest.Case{TA: tr[0], TB: tr[1], M: 67 + i, N: 45, K: 33, Alpha: 1.5, Beta: -0.5, PadA: 1, PadC: 2}
		if k.KChunk > 0 {
			c.K = int(k.KChunk) + 33
		}
		p, compare := tg.checkProblem(c, uint64(i))
		if _, err := d.run(p, k); err != nil {
			return err
		}
		if err := compare(); err != nil {
			return fmt.Errorf("%w: %s: %v", errWrongResult, c, err)
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

// timeKernel times k on tg's product (ClassShape's, BatchedCount of them
// for ShapeBatched): the median GFLOPS of the runs after a warm-up, from
// kernel timestamps (wall time where there are none).
func (d *Device) timeKernel(tg tuneTarget, k Kernel) (float64, error) {
	pr, flops := tg.timedProblem(d.info.Type == TypeCPU)
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
	return flops / times[len(times)/2] / 1e9, nil
}
