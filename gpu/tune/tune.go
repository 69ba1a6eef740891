package tune

import (
	"fmt"
	"slices"
	"time"

	"github.com/vkgemm/vkgemm/gpu"
	"github.com/vkgemm/vkgemm/gpu/internal/engine"
	"github.com/vkgemm/vkgemm/gpu/internal/kernel"
	"github.com/vkgemm/vkgemm/gpu/internal/tuning"
	"github.com/vkgemm/vkgemm/shaders"
)

// Kernel is one configuration of a kernel family: the element type of A and
// B, the workgroup shape, the block of C each invocation computes, the
// k-step, slices of k and texel loads.
type Kernel = kernel.Kernel

// Class is a shape class: products of one class use one kernel.
type Class = kernel.Class

// Shape classes. A product belongs to the first that applies (ClassOf).
const (
	Small  = kernel.Small  // under 256³ multiply-adds: dispatch cost dominates
	SmallK = kernel.SmallK // k ≤ 64: the output is large, the inner loop short
	Tall   = kernel.Tall   // m ≥ 4n
	Wide   = kernel.Wide   // n ≥ 4m
	Square = kernel.Square // the rest
	// Batched is the class of strided batches of small products
	// (SgemmStridedBatched with a batch over 1, each product Small).
	Batched = kernel.Batched
)

// Classes are the classes Run searches by default, in that order.
var Classes = []Class{Square, Small, SmallK, Tall, Wide, Batched}

// ClassOf says which class an m×n×k product belongs to.
func ClassOf(m, n, k int) Class { return kernel.ClassOf(m, n, k) }

// Shape is the product that stands for a class in tuning and benchmarks
// (one product of a batch of BatchedCount for Batched); CPU drivers get
// smaller ones so a search fits a short budget.
func Shape(c Class, cpu bool) (m, n, k int) { return kernel.Shape(c, cpu) }

// BatchedCount is the number of products the Batched class is timed on.
const BatchedCount = kernel.BatchedCount

// Key says what a kernel or a crossover is for: an element type of A and B
// (shaders.F32, F64, F16, BF16, Int8) and a class.
type Key = tuning.Key

// Tuning is what the tuner learned about one device and driver, as its
// tuning file holds it.
type Tuning = tuning.File

// Never is the crossover of a class on which the device is never faster
// than the CPU path: every product stays on the CPU.
const Never = tuning.Never

// Options bounds and reports a tuning run.
type Options struct {
	// Budget is the time the whole run may take (default 2 minutes),
	// re-checks of the winners in every transpose and crossovers included,
	// shared equally by the searches and crossovers (what one leaves goes
	// to the next). Every search tries at least the kernel in use and every
	// crossover races at least its largest size, so a budget too short for
	// that is overrun by one candidate or race each.
	Budget time.Duration
	// Classes limits the search to some of Classes (default all).
	Classes []Class
	// Half adds searches for GemmHalf's kernels in these formats, one per
	// format and class of Classes (Batched aside).
	Half []gpu.HalfFormat
	// Int8 adds searches for GemmInt8's kernel, one per class of Classes
	// (Batched aside), under Key{Element: shaders.Int8, Class: c}: the int8
	// direct module's blocks and workgroups, each checked exactly against
	// the CPU engine's int8 GEMM before it is timed, ranked in GOPS
	// (Progress's GFLOPS). Where GemmInt8 runs on cooperative matrices
	// (their self-check passed) it keeps them; the tuned kernel serves
	// where they are off or fail.
	Int8 bool
	// Crossovers measures the BLAS adapter's crossovers after the kernel
	// search (as MeasureCrossover does, with the kernels found) for every
	// class of Classes but Batched, in float32 and, where the device has
	// it, float64, and sets them.
	Crossovers bool
	// Progress, if set, is called after every candidate and every race.
	Progress func(Progress)
	// Save writes the result to the device's tuning file (Path), so later
	// Opens use it.
	Save bool
}

// Progress reports one candidate of a tuning run, or one race of a
// crossover.
type Progress struct {
	// Key is what is searched: the element type and class of a kernel
	// search, or of a crossover.
	Key         Key
	Done, Total int // candidates (or sizes raced) done for Key, and their count
	Candidate   Kernel
	GFLOPS      float64 // 0 when the candidate failed; GOPS for int8 keys
	Err         error   // why the candidate was discarded
	Best        Kernel
	BestGFLOPS  float64
	// Race is set while crossovers are measured: the race of one size.
	Race *Race
	// Elapsed is the time since the run began; Left what remains of the
	// budget (zero once it is spent: the winners' re-check may still run).
	Elapsed, Left time.Duration
}

// Race is one size of a crossover measurement: the CPU path and the device
// timed on the same product, as the BLAS adapter calls them.
type Race struct {
	M, N, K     int
	CPU, Device time.Duration // median wall times
	Below       float64       // the crossover so far, in flops
}

// of is the engine behind dev.
func of(dev *gpu.Device) (*engine.Device, error) {
	if e := engine.Of(dev); e != nil {
		return e, nil
	}
	return nil, fmt.Errorf("tune: %w: nil *gpu.Device", gpu.ErrBadArgument)
}

// Path is where the tuning file of dev is kept ("" when the cache is off).
func Path(dev *gpu.Device) string {
	e, err := of(dev)
	if err != nil {
		return ""
	}
	return e.TuningPath()
}

// Kernels returns the kernel dev uses for every element type and class it
// has one for (float32 for every class; GemmHalf's and GemmInt8's where a
// tuning has them), and where they came from: the path of the tuning file,
// "this run" after a Run that did not save, or "" for the built-ins.
func Kernels(dev *gpu.Device) (map[Key]Kernel, string) {
	e, err := of(dev)
	if err != nil {
		return nil, ""
	}
	return e.Kernels()
}

// KernelFor is the kernel dev runs an m×n×k product of element type e on
// (batch products of it in a strided batch; 1 for one product): the
// kernel of its class for float32 (Kernels), GemmHalf's for F16 and BF16,
// the float64 kernel, GemmInt8's for shaders.Int8 (the tuned one of its
// class, else the built-in). GemmHalf's F16 products and GemmInt8's run on
// their cooperative-matrix kernel (family shaders.FamilyCoopmat) once its
// self-check, made by the first of them, has passed; before that, and where
// it failed or Config.Coopmat keeps it off, on their other kernel. The zero
// Kernel for a nil device.
func KernelFor(dev *gpu.Device, e shaders.Element, m, n, k, batch int) Kernel {
	d, err := of(dev)
	if err != nil {
		return Kernel{}
	}
	return d.KernelFor(e, m, n, k, batch)
}

// Crossover is the BLAS adapter's crossover on dev for products of element
// type e (shaders.F32 or F64) and class c: the flops (2·m·n·k) below which
// they run on the CPU path. It is the measured one where a tuning has it,
// else the built-in one the gpu package documents; Never keeps every
// product on the CPU path. Config.CPUBelow overrides it in the adapter.
func Crossover(dev *gpu.Device, e shaders.Element, c Class) float64 {
	d, err := of(dev)
	if err != nil {
		return Never
	}
	return d.CPUBelow(e, c)
}

// SetCrossover sets the crossover of element type e and class c on dev,
// until it is closed; Run with Options.Save keeps crossovers for later
// Opens.
func SetCrossover(dev *gpu.Device, e shaders.Element, c Class, flops float64) error {
	d, err := of(dev)
	if err != nil {
		return err
	}
	return d.SetCPUBelow(e, c, flops)
}

// Run searches the kernel of each class of opt.Classes (and of GemmHalf per
// format of opt.Half, and of GemmInt8 with opt.Int8) within the budget,
// checking every candidate's result against the float64 reference (int8:
// exactly, against the CPU engine's) before timing it (a fast wrong kernel
// is discarded), and makes dev use the fastest from then on; with
// opt.Crossovers it then measures the BLAS adapter's crossovers with those
// kernels. With opt.Save the result is kept in the tuning file. The
// searches hold the device; the crossovers' races do not, as they call
// Sgemm and Dgemm.
func Run(dev *gpu.Device, opt Options) (*Tuning, error) {
	d, err := of(dev)
	if err != nil {
		return nil, err
	}
	if f := d.ForcedFamily(); f != "" {
		return nil, fmt.Errorf("tune: the kernel family is forced to %q (Config.Kernel or VKGEMM_KERNEL); unset it to tune", f)
	}
	if opt.Budget <= 0 {
		opt.Budget = 2 * time.Minute
	}
	if len(opt.Classes) == 0 {
		opt.Classes = Classes
	}
	for _, c := range opt.Classes {
		if !c.Valid() {
			return nil, fmt.Errorf("tune: %w: unknown shape class %q (classes: %v)", gpu.ErrBadArgument, c, Classes)
		}
	}
	var halves []shaders.Element
	for _, f := range opt.Half {
		e, ok := map[gpu.HalfFormat]shaders.Element{gpu.F16: shaders.F16, gpu.BF16: shaders.BF16}[f]
		if !ok {
			return nil, fmt.Errorf("tune: %w: half format %v is neither gpu.F16 nor gpu.BF16", gpu.ErrBadArgument, f)
		}
		halves = append(halves, e)
	}
	targets := targets(opt.Classes, halves, opt.Int8)
	var races []Key
	if opt.Crossovers {
		elements := []shaders.Element{shaders.F32}
		if d.Float64Support() == nil {
			elements = append(elements, shaders.F64)
		}
		for _, e := range elements {
			for _, c := range opt.Classes {
				if c != Batched && !slices.Contains(races, Key{Element: e, Class: c}) {
					races = append(races, Key{Element: e, Class: c})
				}
			}
		}
	}
	t := tuning.New(d.Props())
	clock := clock{start: time.Now(), budget: opt.Budget, jobs: len(targets) + len(races)}
	if err := searchKernels(d, targets, t, opt.Progress, clock); err != nil {
		return nil, err
	}
	if len(races) > 0 {
		t.CPUBelow = map[Key]float64{}
	}
	for i, r := range races {
		report := func(done int, race Race) {
			if opt.Progress != nil {
				opt.Progress(Progress{Key: r, Done: done, Total: crossoverSizes, Race: &race,
					Elapsed: time.Since(clock.start), Left: clock.left()})
			}
		}
		below, err := measureCrossover(dev, d, r, clock.deadline(len(targets)+i), report)
		if err != nil {
			return nil, fmt.Errorf("tune: measuring the %s crossover of %s products: %w", r.Element, r.Class, err)
		}
		t.CPUBelow[r] = below
		if err := d.SetCPUBelow(r.Element, r.Class, below); err != nil {
			return nil, err
		}
	}
	d.SetTuned("this run")
	if !opt.Save {
		return t, nil
	}
	path := d.TuningPath()
	if path == "" {
		return t, fmt.Errorf("tune: no cache directory to save the tuning in (Config.Cache is off, or set Config.CacheDir or VKGEMM_CACHE_DIR)")
	}
	if err := tuning.Save(path, t); err != nil {
		return t, fmt.Errorf("tune: saving the tuning: %w", err)
	}
	d.SetTuned(path)
	return t, nil
}

// clock shares a tuning run's budget among its jobs (kernel searches, then
// crossovers): job i ends at its share of the budget from the start, so
// time one job leaves unused goes to the next.
type clock struct {
	start  time.Time
	budget time.Duration
	jobs   int
}

func (c clock) deadline(job int) time.Time {
	return c.start.Add(c.budget * time.Duration(job+1) / time.Duration(max(1, c.jobs)))
}

func (c clock) left() time.Duration { return max(0, time.Until(c.start.Add(c.budget))) }
