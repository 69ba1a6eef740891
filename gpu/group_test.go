package gpu_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/gpu"
)

// The group tests run on two kinds of group: two different devices (with
// VK_DRIVER_FILES naming lavapipe and SwiftShader, as `./build.sh test`
// runs them), and the default device opened twice, which needs one driver
// only and so runs wherever the other device tests do (the race detector's
// run included). Tests of two different devices skip where there is only
// one, unless VKGEMM_REQUIRE_DEVICE=1 and VK_DRIVER_FILES (or
// VK_ICD_FILENAMES) names two or more drivers: then a missing second device
// fails them.

// secondDeviceRequired says whether a missing second device fails a test.
func secondDeviceRequired() bool {
	files := os.Getenv("VK_DRIVER_FILES")
	if files == "" {
		files = os.Getenv("VK_ICD_FILENAMES")
	}
	return os.Getenv("VKGEMM_REQUIRE_DEVICE") == "1" && len(filepath.SplitList(files)) >= 2
}

// logLines collects what a group logs.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *logLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// openGroup opens a group with OpenAll, closed when the test ends; it skips
// as openDevice does where there is no device.
func openGroup(t *testing.T, cfg gpu.Config) *gpu.Group {
	t.Helper()
	requireDevice(t)
	g, err := gpu.OpenAll(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = g.Close() }) // tests close devices themselves
	return g
}

// twoDevices is a group of the machine's devices, which must be two or more.
func twoDevices(t *testing.T, log *logLines) *gpu.Group {
	t.Helper()
	g := openGroup(t, gpu.Config{Logf: log.logf})
	if n := len(g.Devices()); n < 2 {
		if secondDeviceRequired() {
			t.Fatalf("one device (%s) where VK_DRIVER_FILES names several drivers and VKGEMM_REQUIRE_DEVICE=1", g.Describe())
		}
		t.Skipf("one device only (%s): set VK_DRIVER_FILES to two drivers, such as lavapipe's and SwiftShader's", g.Describe())
	}
	return g
}

// oneDeviceTwice is a group of the default device opened twice.
func oneDeviceTwice(t *testing.T, log *logLines) *gpu.Group {
	t.Helper()
	requireDevice(t)
	var devs []*gpu.Device
	for range 2 {
		d, err := gpu.Open(gpu.Config{})
		require.NoError(t, err)
		devs = append(devs, d)
	}
	g := gpu.NewGroup(devs, log.logf)
	t.Cleanup(func() { _ = g.Close() })
	return g
}

// groupKinds are the groups every group test runs on.
var groupKinds = []struct {
	name string
	open func(*testing.T, *logLines) *gpu.Group
}{{"two devices", twoDevices}, {"one device twice", oneDeviceTwice}}

// The conformance sweeps of Sgemm, Dgemm, GemmHalf, GemmInt8 and
// SgemmStridedBatched, every product dealt over both devices of the group
// in two blocks each (rows, or columns where C is wider than tall), so that
// every edge and transpose crosses a block boundary; bad arguments are
// errors wrapping ErrBadArgument that leave C alone.
func TestGroupConformance(t *testing.T) {
	for _, kind := range groupKinds {
		t.Run(kind.name, func(t *testing.T) {
			var log logLines
			g := kind.open(t, &log)
			gpu.SetGroupSplit(g, 0, true)
			t.Logf("group: %s", g.Describe())
			t.Run("Sgemm", func(t *testing.T) {
				gemmtest.Correctness(t, g, testing.Short())
				gemmtest.BadArguments(t, g)
			})
			t.Run("Dgemm", func(t *testing.T) {
				c := make([]float64, 4)
				err := g.Dgemm(blas.NoTrans, blas.NoTrans, 2, 2, 2, 1, make([]float64, 4), 2, make([]float64, 4), 2, 0, c, 2)
				if errors.Is(err, gpu.ErrUnsupported) {
					for _, d := range g.Devices() {
						assert.ErrorIs(t, d.Dgemm(blas.NoTrans, blas.NoTrans, 2, 2, 2, 1, make([]float64, 4), 2, make([]float64, 4), 2, 0, c, 2),
							gpu.ErrUnsupported, "the group refused Dgemm, so none of its devices may have float64: %v", err)
					}
					return
				}
				require.NoError(t, err)
				gemmtest.Correctness64(t, g, testing.Short())
				gemmtest.BadArguments64(t, g)
			})
			t.Run("GemmHalf", func(t *testing.T) { gemmHalfConformance(t, g, gpu.F16, gpu.BF16) })
			t.Run("GemmInt8", func(t *testing.T) {
				gemmtest.CorrectnessInt8(t, g, testing.Short())
				gemmtest.BadArgumentsInt8(t, g)
			})
			t.Run("SgemmStridedBatched", func(t *testing.T) {
				for _, tt := range transposes() {
					for _, c := range []batchCase{
						{Case: gemmtest.Case{M: 13, N: 7, K: 9, Alpha: 1, Beta: 0, NaNC: true}, batch: 5},
						{Case: gemmtest.Case{M: 33, N: 17, K: 65, Alpha: -0.5, Beta: 2, PadA: 3, PadB: 1, PadC: 2}, batch: 3, gapA: 5, gapB: 7, gapC: 1},
						{Case: gemmtest.Case{M: 6, N: 9, K: 31, Alpha: 2, Beta: 0.5}, batch: 6, shareB: true, gapA: 2},
						{Case: gemmtest.Case{M: 5, N: 3, K: 4, Alpha: 1, Beta: -1}, batch: 4, interleaveC: true},
						{Case: gemmtest.Case{M: 9, N: 40, K: 3, Alpha: 1, Beta: 1}, batch: 1},
					} {
						c.TA, c.TB = tt[0], tt[1]
						t.Run(c.String(), func(t *testing.T) { checkBatch(t, g, c) })
					}
				}
				x := make([]float32, 64)
				assert.ErrorIs(t, g.SgemmStridedBatched(blas.NoTrans, blas.NoTrans, 2, 2, 2, 1, x, 2, 4, x, 2, 4, 0, x, 2, 1, 3),
					gpu.ErrBadArgument, "overlapping C")
			})
			assert.Empty(t, log.String(), "nothing failed, so nothing is logged")
		})
	}
}

// Every block is dealt once: the blocks of a dealt product cover C, and
// each device's share is its part of it.
func TestGroupDealsEveryBlockOnce(t *testing.T) {
	for _, kind := range groupKinds {
		t.Run(kind.name, func(t *testing.T) {
			var log logLines
			g := kind.open(t, &log)
			gpu.SetGroupSplit(g, 0, true)
			var rounds [][][3]int
			gpu.SetAfterDeal(g, func(b [][3]int) { rounds = append(rounds, b) })
			p := gemmtest.NewProblem(gemmtest.Case{TA: blas.NoTrans, TB: blas.NoTrans, M: 300, N: 70, K: 50, Alpha: 1}, 3)
			require.NoError(t, g.Sgemm(blas.NoTrans, blas.NoTrans, 300, 70, 50, 1, p.A, p.LDA, p.B, p.LDB, 0, p.C, p.LDC))
			require.Len(t, rounds, 1, "no block failed")
			covered := 0
			perDev := map[int]int{}
			for _, b := range rounds[0] {
				assert.Equal(t, covered, b[1], "blocks follow one another")
				covered = b[2]
				perDev[b[0]] += b[2] - b[1]
			}
			assert.Equal(t, 300, covered)
			shares := g.Shares()
			require.Len(t, shares, 2)
			for dev, rows := range perDev {
				assert.InDelta(t, float64(rows)/300, shares[dev], 1e-12)
			}
			assert.InDelta(t, 0.5, shares[0], 0.01, "forced: equal shares")
		})
	}
}

// faultProblem is a product of the fault tests: beta ≠ 0, so that a
// block redone elsewhere must start from C as it was.
func faultProblem() *gemmtest.Problem {
	return gemmtest.NewProblem(gemmtest.Case{TA: blas.Trans, TB: blas.NoTrans, M: 256, N: 96, K: 80, Alpha: 1.5, Beta: 0.5, PadC: 3}, 9)
}

// checkFault runs p on g and checks C against the reference.
func checkFault(t *testing.T, g *gpu.Group, p *gemmtest.Problem) {
	t.Helper()
	r, err := gemmtest.Verify(g, p)
	require.NoError(t, err, "the other device finishes the product")
	assert.True(t, r.OK, "max rel err %g at %d, %d written outside", r.MaxRelErr, r.Worst, r.Outside)
}

// A device closed from another goroutine in the middle of a product, after
// its first block: its second block fails with ErrClosed, is put back and
// redone on the other device, the product is right, the log names the
// device and the error, and later products run on the other device alone.
func TestGroupSurvivesADeviceClosedMidProduct(t *testing.T) {
	for _, kind := range groupKinds {
		t.Run(kind.name, func(t *testing.T) {
			var log logLines
			g := kind.open(t, &log)
			gpu.SetGroupSplit(g, 0, true)
			victim := g.Devices()[1]
			blocks := 0
			var mu sync.Mutex
			gpu.SetBeforeBlock(g, func(dev, lo, hi int) {
				mu.Lock()
				defer mu.Unlock()
				if dev != 1 {
					return
				}
				if blocks++; blocks == 2 {
					closed := make(chan error)
					go func() { closed <- victim.Close() }()
					assert.NoError(t, <-closed)
				}
			})
			var rounds [][][3]int
			gpu.SetAfterDeal(g, func(b [][3]int) { rounds = append(rounds, b) })
			checkFault(t, g, faultProblem())
			require.Len(t, rounds, 2, "a second round redoes the failed block")
			for _, b := range rounds[1] {
				assert.Equal(t, 0, b[0], "redone on device 0 only")
			}
			assert.Contains(t, log.String(), "device 1 ("+victim.Describe()+")")
			assert.Contains(t, log.String(), gpu.ErrClosed.Error())
			assert.InDelta(t, 0.75, g.Shares()[0], 0.01, "device 0 did its half and device 1's second block")

			rounds = nil
			checkFault(t, g, faultProblem())
			require.Len(t, rounds, 1)
			assert.Equal(t, []float64{1, 0}, g.Shares(), "the closed device takes no part any more")
		})
	}
}

// A device lost before its first block: both its blocks are redone on the
// other device.
func TestGroupSurvivesALostDevice(t *testing.T) {
	for _, kind := range groupKinds {
		t.Run(kind.name, func(t *testing.T) {
			var log logLines
			g := kind.open(t, &log)
			gpu.SetGroupSplit(g, 0, true)
			victim := g.Devices()[0]
			var once sync.Once
			gpu.SetBeforeBlock(g, func(dev, lo, hi int) {
				if dev == 0 {
					once.Do(func() { gpu.SimulateLoss(victim) })
				}
			})
			checkFault(t, g, faultProblem())
			assert.Equal(t, []float64{0, 1}, g.Shares())
			assert.Contains(t, log.String(), "device 0 ("+victim.Describe()+")")
			assert.Contains(t, log.String(), gpu.ErrDeviceLost.Error())
		})
	}
}

// When every device fails, the call fails, and its error names each device
// and wraps each error.
func TestGroupFailsWhenNoDeviceCanFinish(t *testing.T) {
	for _, kind := range groupKinds {
		t.Run(kind.name, func(t *testing.T) {
			var log logLines
			g := kind.open(t, &log)
			gpu.SetGroupSplit(g, 0, true)
			devs := g.Devices()
			var once sync.Once
			gpu.SetBeforeBlock(g, func(dev, lo, hi int) {
				once.Do(func() {
					assert.NoError(t, devs[0].Close())
					gpu.SimulateLoss(devs[1])
				})
			})
			p := faultProblem()
			_, err := gemmtest.Verify(g, p)
			require.Error(t, err)
			assert.ErrorIs(t, err, gpu.ErrClosed)
			assert.ErrorIs(t, err, gpu.ErrDeviceLost)
			assert.Contains(t, err.Error(), "device 0 ("+devs[0].Describe()+")")
			assert.Contains(t, err.Error(), "device 1 ("+devs[1].Describe()+")")

			// Later calls say why no device is left, and after Close that
			// the group is closed.
			err = g.Sgemm(blas.NoTrans, blas.NoTrans, 2, 2, 2, 1, make([]float32, 4), 2, make([]float32, 4), 2, 0, make([]float32, 4), 2)
			assert.ErrorIs(t, err, gpu.ErrDeviceLost)
			_ = g.Close()
			err = g.Sgemm(blas.NoTrans, blas.NoTrans, 2, 2, 2, 1, make([]float32, 4), 2, make([]float32, 4), 2, 0, make([]float32, 4), 2)
			assert.ErrorIs(t, err, gpu.ErrClosed)
		})
	}
}

// A group of one device gives what the device gives, bit for bit, and the
// same errors, in every call.
func TestGroupOfOneIsTheDevice(t *testing.T) {
	g := openGroup(t, gpu.Config{Device: "0"})
	d := openDevice(t, gpu.Config{Device: "0"})
	require.Len(t, g.Devices(), 1)
	assert.Equal(t, d.Describe(), g.Describe())
	rng := rand.New(rand.NewPCG(4, 4))
	for _, tt := range transposes() {
		for _, s := range [][3]int{{1, 1, 1}, {65, 127, 7}, {300, 200, 100}, {129, 513, 64}} {
			m, n, k := s[0], s[1], s[2]
			lda, ldb := k, n
			if tt[0] == blas.Trans {
				lda = m
			}
			if tt[1] == blas.Trans {
				ldb = k
			}
			a, b := randFloats(rng, m*k), randFloats(rng, k*n)
			c0 := randFloats(rng, m*n)
			cg, cd := slices.Clone(c0), slices.Clone(c0)
			require.NoError(t, g.Sgemm(tt[0], tt[1], m, n, k, 0.5, a, lda, b, ldb, 2, cg, n))
			require.NoError(t, d.Sgemm(tt[0], tt[1], m, n, k, 0.5, a, lda, b, ldb, 2, cd, n))
			assert.True(t, gemmtest.Equal(cg, cd), "Sgemm %c%c %v", tt[0], tt[1], s)

			ha, _ := halfInputs(gpu.BF16, rng, m*k)
			hb, _ := halfInputs(gpu.BF16, rng, k*n)
			cg, cd = slices.Clone(c0), slices.Clone(c0)
			require.NoError(t, g.GemmHalf(gpu.BF16, tt[0], tt[1], m, n, k, 1, ha, lda, hb, ldb, 0, cg, n))
			require.NoError(t, d.GemmHalf(gpu.BF16, tt[0], tt[1], m, n, k, 1, ha, lda, hb, ldb, 0, cd, n))
			assert.True(t, gemmtest.Equal(cg, cd), "GemmHalf %c%c %v", tt[0], tt[1], s)

			ia, ib := make([]int8, m*k), make([]int8, k*n)
			for i := range ia {
				ia[i] = int8(rng.IntN(256) - 128)
			}
			for i := range ib {
				ib[i] = int8(rng.IntN(256) - 128)
			}
			ig, id := make([]int32, m*n), make([]int32, m*n)
			require.NoError(t, g.GemmInt8(tt[0], tt[1], m, n, k, ia, lda, ib, ldb, ig, n))
			require.NoError(t, d.GemmInt8(tt[0], tt[1], m, n, k, ia, lda, ib, ldb, id, n))
			assert.Equal(t, id, ig, "GemmInt8 %c%c %v", tt[0], tt[1], s)

			a64, b64 := make([]float64, m*k), make([]float64, k*n)
			for i := range a64 {
				a64[i] = float64(a[i])
			}
			for i := range b64 {
				b64[i] = float64(b[i])
			}
			dg, dd := make([]float64, m*n), make([]float64, m*n)
			errG := g.Dgemm(tt[0], tt[1], m, n, k, 1, a64, lda, b64, ldb, 0, dg, n)
			errD := d.Dgemm(tt[0], tt[1], m, n, k, 1, a64, lda, b64, ldb, 0, dd, n)
			assert.Equal(t, fmt.Sprint(errD), fmt.Sprint(errG))
			assert.Equal(t, dd, dg, "Dgemm %c%c %v", tt[0], tt[1], s)
		}
	}
	const batch = 7
	a, b, c0 := randFloats(rng, batch*30*20), randFloats(rng, batch*20*10), randFloats(rng, batch*30*10)
	cg, cd := slices.Clone(c0), slices.Clone(c0)
	require.NoError(t, g.SgemmStridedBatched(blas.NoTrans, blas.Trans, 30, 10, 20, 1, a, 20, 600, b, 20, 200, 1, cg, 10, 300, batch))
	require.NoError(t, d.SgemmStridedBatched(blas.NoTrans, blas.Trans, 30, 10, 20, 1, a, 20, 600, b, 20, 200, 1, cd, 10, 300, batch))
	assert.True(t, gemmtest.Equal(cg, cd), "SgemmStridedBatched")

	// The same error for a bad argument, word for word.
	errG := g.Sgemm(blas.NoTrans, blas.NoTrans, 3, 3, 3, 1, a, 2, b, 3, 0, cg, 3)
	errD := d.Sgemm(blas.NoTrans, blas.NoTrans, 3, 3, 3, 1, a, 2, b, 3, 0, cg, 3)
	assert.Equal(t, errD.Error(), errG.Error())
	assert.Equal(t, []float64{1}, g.Shares())
}

func randFloats(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = rng.Float32()*2 - 1
	}
	return s
}

// Bad arguments to a group of two are the errors a device gives, wrapping
// ErrBadArgument, with C left alone; a nil group says so.
func TestGroupBadArguments(t *testing.T) {
	var log logLines
	g := oneDeviceTwice(t, &log)
	d := g.Devices()[0]
	a, c := make([]float32, 9), []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}
	errG := g.Sgemm(blas.NoTrans, blas.NoTrans, 3, 3, 3, 1, a, 2, a, 3, 1, c, 3)
	errD := d.Sgemm(blas.NoTrans, blas.NoTrans, 3, 3, 3, 1, a, 2, a, 3, 1, c, 3)
	assert.ErrorIs(t, errG, gpu.ErrBadArgument)
	assert.Equal(t, errD.Error(), errG.Error())
	assert.Equal(t, []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}, c)
	h := make([]uint16, 9)
	assert.ErrorIs(t, g.GemmHalf(gpu.HalfFormat(9), blas.NoTrans, blas.NoTrans, 3, 3, 3, 1, h, 3, h, 3, 0, c, 3), gpu.ErrBadArgument)
	i8 := make([]int8, 9)
	assert.ErrorIs(t, g.GemmInt8(blas.NoTrans, blas.NoTrans, 3, 3, 200000, i8, 200000, i8, 3, make([]int32, 9), 3), gpu.ErrBadArgument)
	assert.Equal(t, []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}, c)

	var nilGroup *gpu.Group
	assert.ErrorIs(t, nilGroup.Sgemm(blas.NoTrans, blas.NoTrans, 1, 1, 1, 1, a, 1, a, 1, 0, c, 1), gpu.ErrBadArgument)
	assert.ErrorIs(t, nilGroup.Close(), gpu.ErrBadArgument)
	assert.Equal(t, "no device (Vulkan)", nilGroup.Describe())
}

// On lavapipe and SwiftShader, which share the same cores, dealing a
// product costs more than it saves: after one dealt product and one on the
// fastest device alone (lavapipe), the group keeps products on lavapipe.
func TestGroupLearnsToLeaveOutASlowDevice(t *testing.T) {
	var log logLines
	g := twoDevices(t, &log)
	lvp := slices.IndexFunc(g.Devices(), func(d *gpu.Device) bool { return strings.Contains(d.Describe(), "llvmpipe") })
	swift := slices.IndexFunc(g.Devices(), func(d *gpu.Device) bool { return strings.Contains(d.Describe(), "SwiftShader") })
	if lvp < 0 || swift < 0 || len(g.Devices()) != 2 {
		t.Skipf("this test is about lavapipe with SwiftShader, not %s", g.Describe())
	}
	const n = 320
	gpu.SetGroupSplit(g, gpu.GroupSplitBelow/64, false) // 128³: so that the test takes a second, not a minute
	rng := rand.New(rand.NewPCG(1, 1))
	a, b, c := randFloats(rng, n*n), randFloats(rng, n*n), make([]float32, n*n)
	// Compile every kernel first: on lavapipe a pipeline is compiled at its
	// first dispatch, which would make the first products look slow.
	for _, d := range g.Devices() {
		for _, m := range []int{n, n / 2, n / 4} {
			require.NoError(t, d.Sgemm(blas.NoTrans, blas.NoTrans, m, n, n, 1, a, n, b, n, 0, c, n))
		}
	}
	var shares [][]float64
	for range 6 {
		require.NoError(t, g.Sgemm(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, b, n, 0, c, n))
		shares = append(shares, g.Shares())
	}
	t.Logf("shares of %s (lavapipe is device %d): %v", g.Describe(), lvp, shares)
	// The first two products of a size are dealt by the estimates of
	// OpenAll (where SwiftShader's share comes to 5% or more), the next two
	// run on the fastest device alone; from the fifth on the group knows.
	assert.Equal(t, 1.0, shares[4][lvp], "dealing was slower: the fifth stays on lavapipe")
	assert.Equal(t, 1.0, shares[5][lvp], "and the sixth")
	// Small products go to the fastest device at once.
	require.NoError(t, g.Sgemm(blas.NoTrans, blas.NoTrans, 16, 16, 16, 1, a, 16, b, 16, 0, c, 16))
	assert.Equal(t, 1.0, g.Shares()[lvp])
}

// Dgemm skips the devices without float64 in shaders (SwiftShader).
func TestGroupDgemmSkipsDevicesWithoutFloat64(t *testing.T) {
	var log logLines
	g := twoDevices(t, &log)
	gpu.SetGroupSplit(g, 0, true)
	var with []bool
	for _, d := range g.Devices() {
		err := d.Dgemm(blas.NoTrans, blas.NoTrans, 1, 1, 1, 1, []float64{1}, 1, []float64{1}, 1, 0, []float64{0}, 1)
		with = append(with, err == nil)
	}
	if !slices.Contains(with, false) || !slices.Contains(with, true) {
		t.Skipf("needs a device with float64 and one without: %s", g.Describe())
	}
	p := gemmtest.NewProblem64(gemmtest.Case{TA: blas.NoTrans, TB: blas.Trans, M: 200, N: 90, K: 70, Alpha: 1, Beta: 1}, 2)
	r, err := gemmtest.Verify64(g, p)
	require.NoError(t, err)
	assert.True(t, r.OK)
	for i, s := range g.Shares() {
		if !with[i] {
			assert.Zero(t, s, "device %d has no float64", i)
		}
	}
}

// VKGEMM_DEVICE and Config.Device for a group: "all" (or empty) is every
// usable device, a list names devices by index or name, and a bad list is
// an error that says what is wrong; Open refuses a group's selection.
func TestGroupDeviceSelection(t *testing.T) {
	infos := []gpu.DeviceInfo{
		gpu.NewInfo("NVIDIA GeForce RTX 4090", gpu.TypeDiscrete, true, ""),
		gpu.NewInfo("llvmpipe (LLVM 15.0.6, 256 bits)", gpu.TypeCPU, true, ""),
		gpu.NewInfo("Old GPU", gpu.TypeIntegrated, false, "Vulkan 1.0"),
		gpu.NewInfo("SwiftShader Device (Subzero)", gpu.TypeCPU, true, ""),
	}
	gpu.SortDevices(infos) // 0 RTX, 1 llvmpipe, 2 SwiftShader, 3 Old GPU
	for _, tc := range []struct {
		sel  string
		all  bool
		want []int
	}{
		{"", true, []int{0, 1, 2}},
		{"all", true, []int{0, 1, 2}},
		{" ALL ", true, []int{0, 1, 2}},
		{"0,2", false, []int{0, 2}},
		{" 2 , 0 ", false, []int{2, 0}},
		{"llvm,swift", false, []int{1, 2}},
		{"1", false, []int{1}},
	} {
		all, idx, err := gpu.SelectDevices(infos, tc.sel)
		require.NoError(t, err, "%q", tc.sel)
		assert.Equal(t, tc.all, all, "%q", tc.sel)
		assert.Equal(t, tc.want, idx, "%q", tc.sel)
	}
	for _, tc := range []struct {
		sel, says string
		is        error
	}{
		{"0,0", "names device 0 (NVIDIA GeForce RTX 4090) twice", gpu.ErrDeviceIndex},
		{"0,llvm,1", "names device 1 (llvmpipe (LLVM 15.0.6, 256 bits)) twice", gpu.ErrDeviceIndex},
		{"0,,1", "empty item", gpu.ErrDeviceIndex},
		{"0,", "empty item", gpu.ErrDeviceIndex},
		{"0,7", "device 7 asked for, there are 4", gpu.ErrDeviceIndex},
		{"0,radeon", `no device name contains "radeon"`, gpu.ErrDeviceIndex},
		{"0,3", "Vulkan 1.0", gpu.ErrUnsupported},
		{"all,1", `"all" cannot be part of a list`, gpu.ErrDeviceIndex},
	} {
		_, _, err := gpu.SelectDevices(infos, tc.sel)
		require.Error(t, err, "%q", tc.sel)
		assert.ErrorIs(t, err, tc.is, "%q", tc.sel)
		assert.Contains(t, err.Error(), tc.says, "%q", tc.sel)
		assert.Contains(t, err.Error(), fmt.Sprintf("%q", tc.sel), "the error quotes the list")
	}
	_, _, err := gpu.SelectDevices([]gpu.DeviceInfo{infos[3]}, "all")
	assert.ErrorIs(t, err, gpu.ErrUnsupported, "no usable device")

	for _, sel := range []string{"all", "0,1"} {
		_, err := gpu.Open(gpu.Config{Device: sel})
		assert.ErrorIs(t, err, gpu.ErrDeviceIndex, "%q", sel)
		assert.ErrorContains(t, err, "gpu.OpenAll", "%q", sel)
	}
}

// VKGEMM_DEVICE=all opens every device; a list opens those it names.
func TestGroupFromEnvironment(t *testing.T) {
	requireDevice(t)
	devs, err := gpu.Devices()
	require.NoError(t, err)
	usable := 0
	for _, d := range devs {
		if d.Supported {
			usable++
		}
	}
	t.Setenv("VKGEMM_DEVICE", "all")
	g, err := gpu.OpenAll(gpu.Config{})
	require.NoError(t, err)
	assert.Len(t, g.Devices(), usable)
	require.NoError(t, g.Close())
	assert.NoError(t, g.Close(), "a second Close")
	_, err = gpu.Open(gpu.Config{})
	assert.ErrorIs(t, err, gpu.ErrDeviceIndex, "Open with VKGEMM_DEVICE=all")

	t.Setenv("VKGEMM_DEVICE", "0,0")
	_, err = gpu.OpenAll(gpu.Config{})
	assert.ErrorIs(t, err, gpu.ErrDeviceIndex)
	assert.ErrorContains(t, err, "twice")
	g, err = gpu.OpenAll(gpu.Config{Device: "0"}) // the field wins
	require.NoError(t, err)
	assert.Len(t, g.Devices(), 1)
	require.NoError(t, g.Close())
}

// The exploration schedule and the cutting of units among devices.
func TestGroupDealing(t *testing.T) {
	for _, tc := range []struct {
		loser float64
		want  []int
	}{{0.5, []int{64, 128, 192}}, {0.8, []int{8, 16, 32, 64, 128, 192}}} {
		var tried []int
		for c := 1; c <= 200; c++ {
			if gpu.Explore(c, tc.loser, 1) {
				tried = append(tried, c)
			}
		}
		assert.Equal(t, tc.want, tried, "loser at %g of the winner", tc.loser)
	}

	// Proportional, contiguous, two blocks a device.
	b := gpu.CutBlocks(0, 100, []int{0, 1}, []float64{3, 1}, 2)
	assert.Equal(t, [][3]int{{0, 0, 37}, {0, 37, 75}, {1, 75, 87}, {1, 87, 100}}, b)
	// Large extents are cut on multiples of 64.
	b = gpu.CutBlocks(0, 4096, []int{1, 0}, []float64{1, 2}, 1)
	assert.Equal(t, [][3]int{{1, 0, 1344}, {0, 1344, 4096}}, b)
	// A redone range is cut among the survivors from where it starts.
	b = gpu.CutBlocks(10, 13, []int{2}, []float64{5}, 1)
	assert.Equal(t, [][3]int{{2, 10, 13}}, b)
	// Fewer units than blocks: empty blocks are left out.
	b = gpu.CutBlocks(0, 1, []int{0, 1}, []float64{1, 1}, 2)
	assert.Equal(t, [][3]int{{0, 0, 1}}, b)
}

// A device that times out mid-product (Config.Timeout far shorter than its
// block takes) has its blocks redone on the other device: the product is
// right and the log names the device and ErrTimeout.
func TestGroupSurvivesADeviceThatTimesOut(t *testing.T) {
	for _, kind := range []struct {
		name    string
		devices []string
	}{{"two devices", []string{"0", "1"}}, {"one device twice", []string{"0", "0"}}} {
		t.Run(kind.name, func(t *testing.T) {
			requireDevice(t)
			if kind.devices[1] == "1" {
				twoDevices(t, &logLines{}) // skips or fails where there is one device
			}
			var log logLines
			var devs []*gpu.Device
			for i, sel := range kind.devices {
				cfg := gpu.Config{Device: sel}
				if i == 1 {
					cfg.Timeout = 2 * time.Millisecond
				}
				d, err := gpu.Open(cfg)
				require.NoError(t, err)
				devs = append(devs, d)
			}
			g := gpu.NewGroup(devs, log.logf)
			t.Cleanup(func() { assert.NoError(t, g.Close(), "Close waits for the timed-out work") })
			gpu.SetGroupSplit(g, 0, true)
			// Device 1's blocks are 192×768×768: 0.2 GFLOP, over 5 ms on any CPU driver.
			p := gemmtest.NewProblem(gemmtest.Case{TA: blas.NoTrans, TB: blas.NoTrans, M: 768, N: 768, K: 768, Alpha: 1, Beta: -1}, 4)
			checkFault(t, g, p)
			assert.Contains(t, log.String(), "device 1 ("+devs[1].Describe()+")")
			assert.Contains(t, log.String(), gpu.ErrTimeout.Error())
			assert.Equal(t, 1.0, g.Shares()[0], "device 0 did it all")
		})
	}
}
