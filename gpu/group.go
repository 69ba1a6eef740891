package gpu

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/shaders"
)

// Group is several devices that run one product together: the GEMM calls
// of Device, with the same arguments, checks and errors, each product's C
// cut into blocks dealt to the devices by speed and computed at once, each
// device with its own pipelines and staging and the host packing and
// unpacking for all of them concurrently. Its methods are safe for
// concurrent use.
//
// Dealing. C is cut into bands of rows (columns where C is wider than
// tall; whole products of a strided batch), and each device that takes
// part gets a band in proportion to its speed, in two blocks. Products
// under 2·512³ flops (a 512³ product) run whole on the fastest device:
// splitting them costs more than it saves. OpenAll times each device on a
// 256³ product, one after the other, for a first estimate of its speed
// (the device type where that fails). Then the speeds are learnt, per
// element type and product size (a bucket per doubling of a square
// product's side): the GFLOPS of each device on its share of dealt products
// and alone on whole ones, and of the group on dealt ones, as moving
// averages over the calls, each average's first sample dropped as likely
// to include building pipelines. A product is dealt when the group's
// measured rate beats the fastest device's rate alone, and runs whole on
// the fastest device otherwise. Until both are measured for a size (or,
// failing that, the nearest size measured), its products are dealt (by the
// first estimates) and then run alone, two of each; the mode that lost is
// tried again at every 64th product of that size, and at the 8th, 16th
// and 32nd where it came within 25% of the winner, in case the load
// changed. A device whose
// share would be under 5% gets none. So devices that slow each other down,
// such as two CPU drivers on the same cores, end up with the product on
// the fastest one alone.
//
// Failures. A block that fails on a device (closed, lost, timed out, out of
// memory, any error) is redone, with the device's blocks not yet run, on
// the devices of the group that have not failed in this call, after C's
// part is put back as it was before the call (where beta is not 0). The
// call succeeds if the others finish it; the failure is then reported
// through Config.Logf (default standard error), naming the device and the
// error. A device closed or lost takes no part in later calls. A call fails
// only when no device can finish it; its error joins every device's
// failure, each naming the device.
//
// Dgemm runs on the devices with float64 in shaders only (ErrUnsupported
// where there is none). A group of one device behaves exactly as that
// device: every call goes straight to it.
type Group struct {
	devs []*Device
	logf func(format string, args ...any)

	mu      sync.Mutex
	closed  bool
	retired []error // why a device takes no part any more; nil while it does
	stats   map[statKey]*groupStat
	shares  []float64
	probed  []float64 // each device's GFLOPS on a 256³ product at OpenAll; 0 where not measured

	// Test hooks (export_test.go).
	splitBelow  float64               // flops under which a product runs whole on one device
	forceSplit  bool                  // deal every product at or above splitBelow over every device, equally
	beforeBlock func(dev, lo, hi int) // called before each block a device runs
	afterDeal   func(parts [][3]int)  // each round's blocks: device, lo, hi
}

var _ gemm.Engine = (*Group)(nil)

// splitBelow is the flops (2·m·n·k) under which a product runs whole on
// the fastest device: 2·512³.
const splitBelow = 2 * 512 * 512 * 512

// minShare is the smallest share of a dealt product a device gets; one
// under it gets none.
const minShare = 0.05

// OpenAll opens a group of the devices cfg.Device (or VKGEMM_DEVICE) names:
// every usable device where it is empty or "all", else a comma-separated
// list of indexes or name substrings as Open takes them ("0,2"; one item
// makes a group of one). Every other field of cfg applies to each device.
// With "all", a device that fails to open is left out, with a warning
// through cfg.Logf; a device of a list that fails to open fails OpenAll.
// Close the group when done: it closes its devices.
func OpenAll(cfg Config) (*Group, error) {
	cfg, err := cfg.withEnv()
	if err != nil {
		return nil, err
	}
	infos, err := Devices()
	if err != nil {
		return nil, err
	}
	all, idx, err := selectDevices(infos, cfg.Device)
	if err != nil {
		return nil, err
	}
	logf := cfg.Logf
	if logf == nil {
		logf = func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
	}
	var devs []*Device
	var errs []error
	for _, i := range idx {
		c := cfg
		c.Device = strconv.Itoa(i)
		d, err := Open(c)
		if err != nil {
			err = fmt.Errorf("device %d (%s): %w", i, infos[i].Name, err)
			if !all {
				for _, d := range devs {
					err = errors.Join(err, d.Close())
				}
				return nil, fmt.Errorf("gpu: opening the group's %w", err)
			}
			errs = append(errs, err)
			continue
		}
		devs = append(devs, d)
	}
	if len(devs) == 0 {
		return nil, fmt.Errorf("gpu: %w: no device of the group could be opened: %w", ErrNoDevice, errors.Join(errs...))
	}
	for _, err := range errs {
		logf("gpu: left out of the group: %v", err)
	}
	g := newGroup(devs, logf)
	if len(devs) > 1 {
		g.probe()
	}
	return g, nil
}

// probe measures each device on a 256³ float32 product, one device at a
// time, as the first estimate of its speed: the second of two runs, the
// first compiling the pipeline. A device that fails it is left to its
// type's estimate, and fails the products it is given in its turn.
func (g *Group) probe() {
	const n = 256
	a, b := make([]float32, n*n), make([]float32, n*n)
	for i := range a {
		a[i], b[i] = float32(i%7)-3, float32(i%5)-2
	}
	g.probed = make([]float64, len(g.devs))
	for i, d := range g.devs {
		c := make([]float32, n*n)
		var t time.Duration
		var err error
		for range 2 {
			start := time.Now()
			err = d.Sgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, b, n, 0, c, n)
			t = time.Since(start)
			if err != nil {
				break
			}
		}
		if err == nil && t > 0 {
			g.probed[i] = gemm.Flops(n, n, n) / t.Seconds() / 1e9
		}
	}
}

func newGroup(devs []*Device, logf func(string, ...any)) *Group {
	return &Group{devs: devs, logf: logf, retired: make([]error, len(devs)), stats: map[statKey]*groupStat{},
		splitBelow: splitBelow}
}

// severalDevices says whether sel, a Config.Device, names a group rather
// than one device: "all" or a comma-separated list.
func severalDevices(sel string) bool {
	return strings.EqualFold(strings.TrimSpace(sel), "all") || strings.Contains(sel, ",")
}

// selectDevices reads a group's Config.Device: the indexes into infos of
// the devices it names, and whether it named all of them.
func selectDevices(infos []DeviceInfo, sel string) (all bool, idx []int, err error) {
	if s := strings.TrimSpace(sel); s == "" || strings.EqualFold(s, "all") {
		for _, in := range infos {
			if in.Supported {
				idx = append(idx, in.Index)
			}
		}
		if len(idx) == 0 {
			_, err := pick(infos, "") // says why none is usable
			return true, nil, err
		}
		return true, idx, nil
	}
	for _, item := range strings.Split(sel, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			return false, nil, fmt.Errorf("%w: device list %q has an empty item: name devices by index or name, such as \"0,2\", or \"all\"", ErrDeviceIndex, sel)
		}
		if strings.EqualFold(item, "all") {
			return false, nil, fmt.Errorf("%w: device list %q: \"all\" cannot be part of a list", ErrDeviceIndex, sel)
		}
		in, err := pick(infos, item)
		if err != nil {
			return false, nil, fmt.Errorf("device list %q: %w", sel, err)
		}
		if slices.Contains(idx, in.Index) {
			return false, nil, fmt.Errorf("%w: device list %q names device %d (%s) twice", ErrDeviceIndex, sel, in.Index, in.Name)
		}
		idx = append(idx, in.Index)
	}
	return false, idx, nil
}

// Devices returns the devices of the group, in the order Shares uses.
func (g *Group) Devices() []*Device {
	if g == nil {
		return nil
	}
	return slices.Clone(g.devs)
}

// Backend returns "Vulkan".
func (g *Group) Backend() string { return "Vulkan" }

// Describe names the group's devices, such as "2 devices: llvmpipe (LLVM
// 15.0.6, 256 bits) (Vulkan, CPU driver) + SwiftShader Device (Subzero)
// (Vulkan, CPU driver)"; a group of one says what its device says.
func (g *Group) Describe() string {
	if g == nil || len(g.devs) == 0 {
		return "no device (Vulkan)"
	}
	if len(g.devs) == 1 {
		return g.devs[0].Describe()
	}
	names := make([]string, len(g.devs))
	for i, d := range g.devs {
		names[i] = d.Describe()
	}
	return fmt.Sprintf("%d devices: %s", len(g.devs), strings.Join(names, " + "))
}

// Shares returns each device's share of the multiply-adds of the last
// product the group finished (the blocks it computed, redone ones
// included), in the order of Devices; zeros before the first. A group of
// one device returns {1}.
func (g *Group) Shares() []float64 {
	if g == nil {
		return nil
	}
	if _, ok := g.single(); ok {
		return []float64{1}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.shares == nil {
		return make([]float64, len(g.devs))
	}
	return slices.Clone(g.shares)
}

// Close closes every device of the group (see Device.Close) and returns
// their errors, joined. Calls after Close return ErrClosed; a second Close
// returns nil.
func (g *Group) Close() error {
	if g == nil {
		return errNotOpenGroup
	}
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return nil
	}
	g.closed = true
	g.mu.Unlock()
	var errs []error
	for i, d := range g.devs {
		if err := d.Close(); err != nil {
			errs = append(errs, fmt.Errorf("device %d (%s): %w", i, d.Describe(), err))
		}
	}
	return errors.Join(errs...)
}

var errNotOpenGroup = fmt.Errorf("gpu: %w: a nil *gpu.Group, or one not made by gpu.OpenAll", ErrBadArgument)

// single is the device of a group of one, which gets every call as it is.
func (g *Group) single() (*Device, bool) {
	if g != nil && len(g.devs) == 1 {
		return g.devs[0], true
	}
	return nil, false
}

// Sgemm is Device.Sgemm on the group.
func (g *Group) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) error {
	if d, ok := g.single(); ok {
		return d.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}
	if err := gemm.CheckArgs(tA, tB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc); err != nil {
		return err
	}
	ct := bands(shaders.F32, tA, tB, m, n, k, a, lda, b, ldb, c, ldc, beta != 0,
		func(d *Device, m, n int, a, b, c []float32) error {
			return d.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		})
	return g.do(ct, nil)
}

// Dgemm is Device.Dgemm on the group's devices with float64 in shaders;
// where none has it, an error wrapping ErrUnsupported.
func (g *Group) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int,
	b []float64, ldb int, beta float64, c []float64, ldc int) error {
	if d, ok := g.single(); ok {
		return d.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}
	if err := gemm.CheckArgs(tA, tB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc); err != nil {
		return err
	}
	ct := bands(shaders.F64, tA, tB, m, n, k, a, lda, b, ldb, c, ldc, beta != 0,
		func(d *Device, m, n int, a, b, c []float64) error {
			return d.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		})
	return g.do(ct, func(d *Device) error {
		if e, err := d.engine(); err == nil {
			return e.Float64Support()
		}
		return nil // the call says what is wrong
	})
}

// GemmHalf is Device.GemmHalf on the group.
func (g *Group) GemmHalf(f HalfFormat, tA, tB blas.Transpose, m, n, k int, alpha float32,
	a []uint16, lda int, b []uint16, ldb int, beta float32, c []float32, ldc int) error {
	if d, ok := g.single(); ok {
		return d.GemmHalf(f, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}
	el, ok := element(f)
	if !ok {
		return fmt.Errorf("gpu: %w: half format %v is neither gpu.F16 nor gpu.BF16", ErrBadArgument, f)
	}
	if err := gemm.CheckArgs(tA, tB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc); err != nil {
		return err
	}
	ct := bands(el, tA, tB, m, n, k, a, lda, b, ldb, c, ldc, beta != 0,
		func(d *Device, m, n int, a, b []uint16, c []float32) error {
			return d.GemmHalf(f, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		})
	return g.do(ct, nil)
}

// GemmInt8 is Device.GemmInt8 on the group.
func (g *Group) GemmInt8(tA, tB blas.Transpose, m, n, k int, a []int8, lda int, b []int8, ldb int, c []int32, ldc int) error {
	if d, ok := g.single(); ok {
		return d.GemmInt8(tA, tB, m, n, k, a, lda, b, ldb, c, ldc)
	}
	if err := gemm.CheckInt8Args(tA, tB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc); err != nil {
		return err
	}
	ct := bands(shaders.Int8, tA, tB, m, n, k, a, lda, b, ldb, c, ldc, false,
		func(d *Device, m, n int, a, b []int8, c []int32) error {
			return d.GemmInt8(tA, tB, m, n, k, a, lda, b, ldb, c, ldc)
		})
	return g.do(ct, nil)
}

var _ gemm.Int8Engine = (*Group)(nil)

// SgemmStridedBatched is Device.SgemmStridedBatched on the group: the
// products of the batch are dealt to the devices (a batch of one is dealt
// as Sgemm's product is).
func (g *Group) SgemmStridedBatched(tA, tB blas.Transpose, m, n, k int, alpha float32,
	a []float32, lda, strideA int, b []float32, ldb, strideB int, beta float32,
	c []float32, ldc, strideC int, batch int) error {
	if d, ok := g.single(); ok {
		return d.SgemmStridedBatched(tA, tB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, batch)
	}
	if err := gemm.CheckStridedArgs(tA, tB, m, n, k, len(a), lda, strideA, len(b), ldb, strideB, len(c), ldc, strideC, batch); err != nil {
		return err
	}
	if batch == 1 {
		return g.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}
	ct := cut{unit: "products", key: statKey{elem: shaders.F32, batched: true}, flops: float64(batch) * gemm.Flops(m, n, k), extent: batch}
	ct.run = func(d *Device, lo, hi int) error {
		return d.SgemmStridedBatched(tA, tB, m, n, k, alpha, a[lo*strideA:], lda, strideA, b[lo*strideB:], ldb, strideB,
			beta, c[lo*strideC:], ldc, strideC, hi-lo)
	}
	if beta != 0 && m > 0 && n > 0 && batch > 0 {
		snap := slices.Clone(c[:(batch-1)*strideC+gemm.MinLen(m, n, ldc)])
		ct.restore = func(lo, hi int) {
			for p := lo; p < hi; p++ {
				for i := range m {
					o := p*strideC + i*ldc
					copy(c[o:o+n], snap[o:o+n])
				}
			}
		}
	}
	return g.do(ct, nil)
}

// cut is one call's product as the group deals it: extent units (rows of
// C, columns of C, or products of a batch), run computes units [lo, hi)
// on a device, and restore puts C's part [lo, hi) back as it was before
// the call (nil where the call does not read C).
type cut struct {
	unit    string // what a unit is: "rows", "columns" or "products"
	key     statKey
	flops   float64
	extent  int
	run     func(d *Device, lo, hi int) error
	restore func(lo, hi int)
}

// bands cuts C into bands of rows, or of columns where C is wider than
// tall; run computes an m×n band whose A, B and C start at a, b and c.
func bands[In, Out any](e shaders.Element, tA, tB blas.Transpose, m, n, k int, a []In, lda int, b []In, ldb int,
	c []Out, ldc int, readsC bool, run func(d *Device, m, n int, a, b []In, c []Out) error) cut {
	rows := m >= n
	ct := cut{unit: "columns", key: statKey{elem: e}, flops: gemm.Flops(m, n, k), extent: n}
	if rows {
		ct.unit, ct.extent = "rows", m
	}
	ct.run = func(d *Device, lo, hi int) error {
		if lo == 0 && hi == ct.extent {
			return run(d, m, n, a, b, c)
		}
		if rows {
			if gemm.Transposed(tA) { // A is stored k×m: its columns lo to hi
				return run(d, hi-lo, n, a[lo:], b, c[lo*ldc:])
			}
			return run(d, hi-lo, n, a[lo*lda:], b, c[lo*ldc:])
		}
		if gemm.Transposed(tB) { // B is stored n×k: its rows lo to hi
			return run(d, m, hi-lo, a, b[lo*ldb:], c[lo:])
		}
		return run(d, m, hi-lo, a, b[lo:], c[lo:])
	}
	if readsC && m > 0 && n > 0 {
		snap := slices.Clone(c[:gemm.MinLen(m, n, ldc)])
		ct.restore = func(lo, hi int) {
			if rows {
				for i := lo; i < hi; i++ {
					copy(c[i*ldc:i*ldc+n], snap[i*ldc:])
				}
				return
			}
			for i := range m {
				copy(c[i*ldc+lo:i*ldc+hi], snap[i*ldc+lo:])
			}
		}
	}
	return ct
}

// statKey is what the group learns speeds for: an element type, strided
// batches apart, and a product size (flops within a factor of 8).
type statKey struct {
	elem    shaders.Element
	batched bool
	bucket  int
}

func bucketOf(flops float64) int {
	if flops < 1 {
		return 0
	}
	return int(math.Log2(flops) / 3)
}

// groupStat is what the group measured for one statKey: rates in GFLOPS.
type groupStat struct {
	calls  int
	split  ewma   // the group's, on dealt products
	alone  []ewma // each device's, alone on whole products
	shared []ewma // each device's, on its share of dealt products
}

// ewma is an exponentially weighted moving average; n counts its samples.
// The first sample offered is dropped: it is likely to include building
// pipelines for the shapes it ran.
type ewma struct {
	v       float64
	n       int
	dropped bool
}

func (e *ewma) add(x float64) {
	switch {
	case !e.dropped:
		e.dropped = true
		return
	case e.n == 0:
		e.v = x
	default:
		e.v += 0.4 * (x - e.v)
	}
	e.n++
}

// stat is the record of key, made on first use. The caller holds g.mu.
func (g *Group) stat(key statKey) *groupStat {
	s := g.stats[key]
	if s == nil {
		s = &groupStat{alone: make([]ewma, len(g.devs)), shared: make([]ewma, len(g.devs))}
		g.stats[key] = s
	}
	return s
}

// estimate is a rate for key from what field picks of its record, or of the
// record of the nearest size that has one. The caller holds g.mu.
func (g *Group) estimate(key statKey, field func(*groupStat) ewma) (float64, bool) {
	for dist := 0; dist <= 8; dist++ {
		for _, b := range []int{key.bucket - dist, key.bucket + dist} {
			k := key
			k.bucket = b
			if s := g.stats[k]; s != nil {
				if e := field(s); e.n > 0 {
					return e.v, true
				}
			}
			if dist == 0 {
				break
			}
		}
	}
	return 0, false
}

// fastest is the device of live that is fastest for key: by its rate
// alone, else its rate on shares, else its rate at OpenAll, else the first
// (devices are listed best type first). The caller holds g.mu.
func (g *Group) fastest(key statKey, live []int) int {
	best, bestRate := live[0], 0.0
	for _, i := range live {
		r, ok := g.estimate(key, func(s *groupStat) ewma { return s.alone[i] })
		if !ok {
			r, ok = g.estimate(key, func(s *groupStat) ewma { return s.shared[i] })
		}
		if !ok && g.probed != nil {
			r = g.probed[i]
		}
		if r > bestRate {
			best, bestRate = i, r
		}
	}
	return best
}

// weights are the relative speeds of the devices of live for key: their
// measured rates on shares where each has one, else their rates at
// OpenAll where each has one, else by device type.
func (g *Group) weights(key statKey, live []int) []float64 {
	w := make([]float64, len(live))
	measured, probed := true, g.probed != nil
	for j, i := range live {
		r, ok := g.estimate(key, func(s *groupStat) ewma { return s.shared[i] })
		w[j], measured = r, measured && ok && r > 0
		probed = probed && g.probed[i] > 0
	}
	if !measured && probed {
		for j, i := range live {
			w[j] = g.probed[i]
		}
		return w
	}
	if !measured {
		for j, i := range live {
			w[j] = typeWeight(g.devs[i].Info().Type)
		}
	}
	return w
}

func typeWeight(t DeviceType) float64 {
	switch t {
	case TypeDiscrete:
		return 8
	case TypeIntegrated, TypeVirtual:
		return 2
	}
	return 1
}

// explore says whether the calls-th product of a size tries the mode that
// lost, at rate loser where the winner's is winner: every 64th, and the
// 8th, 16th and 32nd where the loser came within 25%.
func explore(calls int, loser, winner float64) bool {
	if calls%64 == 0 && calls > 0 {
		return true
	}
	return (calls == 8 || calls == 16 || calls == 32) && loser >= 0.75*winner
}

// block is units [lo, hi) of a cut, on device dev.
type block struct{ dev, lo, hi int }

// deal decides how the product ct runs on the devices of live: whole on
// one (split false) or dealt in blocks. The caller holds g.mu.
func (g *Group) deal(ct cut, live []int) (blocks []block, split bool) {
	if ct.flops <= 0 || ct.flops < g.splitBelow || len(live) == 1 || ct.extent < 2 {
		return []block{{g.fastest(ct.key, live), 0, ct.extent}}, false
	}
	st := g.stat(ct.key)
	st.calls++
	best := g.fastest(ct.key, live)
	w := g.weights(ct.key, live)
	if g.forceSplit {
		w = slices.Repeat([]float64{1}, len(live))
	} else {
		splitRate, splitKnown := g.estimate(ct.key, func(s *groupStat) ewma { return s.split })
		aloneRate, aloneKnown := g.estimate(ct.key, func(s *groupStat) ewma { return s.alone[best] })
		switch {
		case !splitKnown:
			split = true
		case !aloneKnown:
			split = false
		default:
			split = splitRate > aloneRate
			if explore(st.calls, min(splitRate, aloneRate), max(splitRate, aloneRate)) {
				split = !split
			}
		}
		if !split {
			return []block{{best, 0, ct.extent}}, false
		}
		// Leave out devices whose share would be too small to matter.
		for {
			total := 0.0
			for _, x := range w {
				total += x
			}
			j := slices.IndexFunc(w, func(x float64) bool { return x < minShare*total })
			if j < 0 {
				break
			}
			live, w = slices.Delete(slices.Clone(live), j, j+1), slices.Delete(w, j, j+1)
		}
		if len(live) == 1 {
			return []block{{live[0], 0, ct.extent}}, false
		}
	}
	return cutBlocks(0, ct.extent, live, w, 2), true
}

// cutBlocks cuts units [lo, hi) among devs in proportion to w, each
// device's part in per blocks; boundaries fall on multiples of 64 where the
// parts are large enough. Parts that come out empty are left out.
func cutBlocks(lo, hi int, devs []int, w []float64, per int) []block {
	total := 0.0
	for _, x := range w {
		total += x
	}
	n := hi - lo
	align := 1
	if n >= 4*64*len(devs)*per {
		align = 64
	}
	var out []block
	acc, start := 0.0, lo
	for j, d := range devs {
		acc += w[j]
		end := hi
		if j < len(devs)-1 {
			end = lo + int(math.Round(float64(n)*acc/total/float64(align)))*align
			end = min(max(end, start), hi)
		}
		size := end - start
		for p := range per {
			a, b := start+size*p/per, start+size*(p+1)/per
			if b > a {
				out = append(out, block{d, a, b})
			}
		}
		start = end
	}
	return out
}

// do runs the product ct on the group's devices (those for which
// unusable, where given, returns nil) and deals with their failures.
func (g *Group) do(ct cut, unusable func(*Device) error) error {
	if g == nil || len(g.devs) == 0 {
		return errNotOpenGroup
	}
	ct.key.bucket = bucketOf(ct.flops)
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return fmt.Errorf("gpu: %w: the group was closed", ErrClosed)
	}
	var live []int
	var out []error
	for i, d := range g.devs {
		switch {
		case g.retired[i] != nil:
			out = append(out, g.retired[i])
		default:
			var why error
			if unusable != nil {
				why = unusable(d)
			}
			if why != nil {
				out = append(out, fmt.Errorf("device %d (%s): %w", i, d.Describe(), why))
				continue
			}
			live = append(live, i)
		}
	}
	if len(live) == 0 {
		g.mu.Unlock()
		return fmt.Errorf("gpu: no device of the group can run the product: %w", errors.Join(out...))
	}
	blocks, split := g.deal(ct, live)
	hook, after := g.beforeBlock, g.afterDeal
	g.mu.Unlock()

	start := time.Now()
	done := make([]float64, len(g.devs)) // units computed
	busy := make([]time.Duration, len(g.devs))
	var failures []error
	failed := map[int]bool{}
	clean := true
	for round := 0; len(blocks) > 0; round++ {
		if after != nil {
			parts := make([][3]int, len(blocks))
			for i, b := range blocks {
				parts[i] = [3]int{b.dev, b.lo, b.hi}
			}
			after(parts)
		}
		left, errs := g.runBlocks(ct, blocks, hook, done, busy)
		if len(left) == 0 {
			break
		}
		clean = false
		var now []error
		for _, dev := range slices.Sorted(maps.Keys(errs)) {
			d := g.devs[dev]
			err := errs[dev]
			failed[dev] = true
			err = fmt.Errorf("device %d (%s): %w", dev, d.Describe(), err)
			failures, now = append(failures, err), append(now, err)
			if errors.Is(err, ErrClosed) || errors.Is(err, ErrDeviceLost) {
				g.mu.Lock()
				g.retired[dev] = err
				g.mu.Unlock()
			}
		}
		var survivors []int
		for _, i := range live {
			if !failed[i] {
				survivors = append(survivors, i)
			}
		}
		if len(survivors) == 0 {
			return fmt.Errorf("gpu: no device of the group could finish the product: %w", errors.Join(failures...))
		}
		g.mu.Lock()
		w := g.weights(ct.key, survivors)
		g.mu.Unlock()
		blocks = nil
		for _, b := range left {
			if ct.restore != nil {
				ct.restore(b.lo, b.hi)
			}
			blocks = append(blocks, cutBlocks(b.lo, b.hi, survivors, w, 1)...)
		}
		g.logf("gpu: group: %v; redone on the group's other devices", errors.Join(now...))
	}
	wall := time.Since(start)

	g.mu.Lock()
	defer g.mu.Unlock()
	g.shares = make([]float64, len(g.devs))
	for i := range done {
		g.shares[i] = done[i] / float64(ct.extent)
	}
	if clean && ct.flops >= g.splitBelow && len(live) > 1 && wall > 0 {
		st := g.stat(ct.key)
		gflops := func(f float64, t time.Duration) float64 { return f / t.Seconds() / 1e9 }
		if split {
			st.split.add(gflops(ct.flops, wall))
			for i := range done {
				if done[i] > 0 && busy[i] > 0 {
					st.shared[i].add(gflops(ct.flops*done[i]/float64(ct.extent), busy[i]))
				}
			}
		} else {
			st.alone[blocks0dev(done)].add(gflops(ct.flops, wall))
		}
	}
	return nil
}

// blocks0dev is the device that computed every unit.
func blocks0dev(done []float64) int {
	for i, x := range done {
		if x > 0 {
			return i
		}
	}
	return 0
}

// runBlocks runs blocks, each device's in order and the devices at once,
// adding to done and busy what each computed and how long it took. It
// returns the blocks not computed (a device's failed block and those after
// it) and each failed device's error.
func (g *Group) runBlocks(ct cut, blocks []block, hook func(dev, lo, hi int), done []float64, busy []time.Duration) ([]block, map[int]error) {
	perDev := map[int][]block{}
	var order []int
	for _, b := range blocks {
		if _, ok := perDev[b.dev]; !ok {
			order = append(order, b.dev)
		}
		perDev[b.dev] = append(perDev[b.dev], b)
	}
	type result struct {
		left []block
		err  error
	}
	results := make([]result, len(order))
	work := func(j int) {
		dev := order[j]
		for n, b := range perDev[dev] {
			if hook != nil {
				hook(b.dev, b.lo, b.hi)
			}
			t := time.Now()
			err := ct.run(g.devs[dev], b.lo, b.hi)
			busy[dev] += time.Since(t)
			if err != nil {
				results[j] = result{perDev[dev][n:], fmt.Errorf("%s %d to %d of C: %w", ct.unit, b.lo, b.hi-1, err)}
				return
			}
			done[dev] += float64(b.hi - b.lo)
		}
	}
	if len(order) == 1 {
		work(0)
	} else {
		var wg sync.WaitGroup
		for j := range order {
			wg.Add(1)
			go func() {
				defer wg.Done()
				work(j)
			}()
		}
		wg.Wait()
	}
	var left []block
	errs := map[int]error{}
	for j, r := range results {
		if r.err != nil {
			left = append(left, r.left...)
			errs[order[j]] = r.err
		}
	}
	return left, errs
}
