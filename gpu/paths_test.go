package gpu_test

import (
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/vkgemm/vkgemm/gemm"
	"github.com/vkgemm/vkgemm/gemm/gemmtest"
	"github.com/vkgemm/vkgemm/gpu"
	"github.com/vkgemm/vkgemm/gpu/tune"
	"github.com/vkgemm/vkgemm/shaders"
)

// The staging path a discrete GPU needs, forced on a CPU driver whose
// memory is all host-visible.
func TestStagingPath(t *testing.T) {
	d := openDevice(t, gpu.Config{ForceStaging: gpu.On})
	gemmtest.Correctness(t, d, true)
	t.Run("matrices", func(t *testing.T) { checkChain(t, d) })
}

// Every kernel family is correct on every device that can run it, whichever
// is chosen; a device that cannot is refused at Open, with the reason.
func TestKernelFamilies(t *testing.T) {
	info := openDevice(t, gpu.Config{}).Info()
	for _, k := range []shaders.Family{shaders.FamilyDirect, shaders.FamilySubgroup, shaders.FamilyBlock, shaders.FamilyTiled} {
		t.Run(string(k), func(t *testing.T) {
			if k == shaders.FamilySubgroup && info.SubgroupSize != 4 && info.SubgroupSize != 8 {
				d, err := gpu.Open(gpu.Config{Kernel: k})
				require.ErrorIs(t, err, gpu.ErrUnsupported, "%d-wide subgroups", info.SubgroupSize)
				assert.Nil(t, d)
				assert.Contains(t, err.Error(), "-wide subgroups")
				t.Logf("%s: %v", info.Name, err)
				return
			}
			d := openDevice(t, gpu.Config{Kernel: k})
			assert.Equal(t, k, squareKernel(d).Family)
			gemmtest.Correctness(t, d, true)
		})
	}
}

// Problems larger than one binding are split into blocks, along m, n and
// k, and the result is the same as in one piece.
func TestSplitIntoBlocks(t *testing.T) {
	d := openDevice(t, gpu.Config{MaxBindingBytes: 16 << 10})
	for _, c := range []gemmtest.Case{
		{TA: blas.NoTrans, TB: blas.NoTrans, M: 100, N: 90, K: 80, Alpha: 1, Beta: 0},
		{TA: blas.Trans, TB: blas.NoTrans, M: 70, N: 130, K: 300, Alpha: -1, Beta: 0.5, PadA: 3, PadC: 2, Offset: 5},
		{TA: blas.NoTrans, TB: blas.Trans, M: 33, N: 200, K: 2000, Alpha: 2, Beta: 1, NaNC: false},
		{TA: blas.Trans, TB: blas.Trans, M: 129, N: 65, K: 77, Alpha: 1, Beta: 0, NaNC: true},
	} {
		t.Run(c.String(), func(t *testing.T) {
			p := gemmtest.NewProblem(c, 3)
			o := c.Offset
			want, scale := gemmtest.Reference(c.TA, c.TB, c.M, c.N, c.K, c.Alpha, p.A[o:], p.LDA, p.B[o:], p.LDB, c.Beta, p.C[o:], p.LDC)
			tm, err := gpu.SgemmTimed(d, c.TA, c.TB, c.M, c.N, c.K, c.Alpha, p.A[o:], p.LDA, p.B[o:], p.LDB, c.Beta, p.C[o:], p.LDC)
			require.NoError(t, err)
			assert.Greater(t, tm.Dispatches, 1, "a 16 KiB binding limit must split this problem")
			r := gemmtest.Compare(c.M, c.N, c.K, p.C[o:], p.LDC, want, scale)
			assert.True(t, r.OK, "max rel err %g", r.MaxRelErr)
		})
	}
}

// A matrix larger than a real binding limit: lavapipe's maxStorageBufferRange
// is 128 MiB, and A here is 160 MB. On devices with a larger range the limit
// is lowered to 128 MiB so that the same split happens everywhere. Short mode
// scales the problem down by 16.
func TestMatrixBeyondBindingLimit(t *testing.T) {
	limit, m := int64(128<<20), 40000
	if testing.Short() {
		limit, m = 8<<20, 2500
	}
	d := openDevice(t, gpu.Config{MaxBindingBytes: limit})
	const k, n = 1000, 3
	c := gemmtest.Case{TA: blas.NoTrans, TB: blas.NoTrans, M: m, N: n, K: k, Alpha: 1, Beta: -1}
	require.Greater(t, int64(4*m*k), limit)
	p := gemmtest.NewProblem(c, 9)
	want, scale := gemmtest.Reference(c.TA, c.TB, m, n, k, 1, p.A, p.LDA, p.B, p.LDB, -1, p.C, p.LDC)
	tm, err := gpu.SgemmTimed(d, c.TA, c.TB, m, n, k, 1, p.A, p.LDA, p.B, p.LDB, -1, p.C, p.LDC)
	require.NoError(t, err)
	assert.Greater(t, tm.Dispatches, 1)
	assert.True(t, gemmtest.Compare(m, n, k, p.C, p.LDC, want, scale).OK)
}

func TestDeviceMatrices(t *testing.T) {
	d := openDevice(t, gpu.Config{})
	checkChain(t, d)
}

// checkChain multiplies on device-resident matrices, E = (A·B)ᵀ·D with
// C = A·B kept on the device, asynchronously, and compares with the CPU.
func checkChain(t *testing.T, d *gpu.Device) {
	rng := rand.New(rand.NewPCG(1, 2))
	randm := func(r, c int) []float32 {
		s := make([]float32, r*c)
		for i := range s {
			s[i] = rng.Float32()*2 - 1
		}
		return s
	}
	const m, k, n, q = 37, 29, 41, 23
	hA, hB, hD := randm(m, k), randm(k, n), randm(m, q)
	A, err := d.NewMatrix(m, k)
	require.NoError(t, err)
	defer A.Release()
	B, _ := d.NewMatrix(k, n)
	defer B.Release()
	C, _ := d.NewMatrix(m, n)
	defer C.Release()
	D, _ := d.NewMatrix(m, q)
	defer D.Release()
	E, _ := d.NewMatrix(n, q)
	defer E.Release()
	require.NoError(t, A.Upload(hA, k))
	require.NoError(t, B.Upload(hB, n))
	require.NoError(t, D.Upload(hD, q))

	p1, err := d.MatMulAsync(blas.NoTrans, blas.NoTrans, 1, A, B, 0, C)
	require.NoError(t, err)
	p2, err := d.MatMulAsync(blas.Trans, blas.NoTrans, 0.5, C, D, 0, E)
	require.NoError(t, err)
	_, err = p2.Wait()
	require.NoError(t, err)
	_, err = p1.Wait()
	require.NoError(t, err)

	hC := make([]float32, m*n)
	gonum.Implementation{}.Sgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, hA, k, hB, n, 0, hC, n)
	want, scale := gemmtest.Reference(blas.Trans, blas.NoTrans, n, q, m, 0.5, hC, n, hD, q, 0, nil, q)
	got := make([]float32, n*q+5)
	got[n*q+4] = 42
	require.NoError(t, E.Download(got, q))
	// C carries its own rounding into the second product: allow for both.
	r := gemmtest.Compare(n, q, m, got, q, want, scale)
	assert.Less(t, r.MaxRelErr, gemmtest.Bound(m+k, 1), "max rel err %g", r.MaxRelErr)
	assert.Equal(t, float32(42), got[n*q+4], "Download wrote past the matrix")

	gotC := make([]float32, m*n)
	require.NoError(t, C.Download(gotC, n))
	wantC, scaleC := gemmtest.Reference(blas.NoTrans, blas.NoTrans, m, n, k, 1, hA, k, hB, n, 0, nil, n)
	assert.True(t, gemmtest.Compare(m, n, k, gotC, n, wantC, scaleC).OK)

	// Shapes that do not chain are refused.
	assert.ErrorIs(t, matMul(d, blas.NoTrans, blas.NoTrans, 1, A, D, 0, C), gpu.ErrBadArgument)
	assert.ErrorIs(t, matMul(d, blas.NoTrans, blas.NoTrans, 1, A, B, 0, A), gpu.ErrBadArgument)
	assert.ErrorIs(t, A.Upload(hA[:10], k), gpu.ErrBadArgument)
	// beta*C with alpha = 0 on the device.
	require.NoError(t, matMul(d, blas.NoTrans, blas.NoTrans, 0, A, B, 2, C))
	scaled := make([]float32, m*n)
	require.NoError(t, C.Download(scaled, n))
	for i := range m * n {
		require.Equal(t, 2*gotC[i], scaled[i])
	}
}

func TestReleasedMatrixIsRefused(t *testing.T) {
	d := openDevice(t, gpu.Config{})
	a, err := d.NewMatrix(4, 4)
	require.NoError(t, err)
	a.Release()
	a.Release()
	assert.ErrorIs(t, a.Upload(make([]float32, 16), 4), gpu.ErrBadArgument)
	_, err = d.NewMatrix(-1, 4)
	assert.ErrorIs(t, err, gpu.ErrBadArgument)
}

// gpu.NewBLAS sends gonum's single-precision GEMM to the device.
func TestGonumBLASAdapter(t *testing.T) {
	d := openDevice(t, gpu.Config{CPUBelow: -1}) // every product on the device, however small
	defer blas32.Use(blas32.Implementation())
	blas32.Use(gpu.NewBLAS(d))
	rng := rand.New(rand.NewPCG(5, 6))
	for range 20 {
		tA, tB := blas.Transpose(blas.NoTrans), blas.Transpose(blas.NoTrans)
		if rng.IntN(2) == 1 {
			tA = blas.Trans
		}
		if rng.IntN(2) == 1 {
			tB = blas.Trans
		}
		m, n, k := 1+rng.IntN(80), 1+rng.IntN(80), 1+rng.IntN(80)
		alpha, beta := float32(rng.NormFloat64()), float32(rng.IntN(3)-1)
		c := gemmtest.Case{TA: tA, TB: tB, M: m, N: n, K: k, Alpha: alpha, Beta: beta, PadA: rng.IntN(3), PadB: rng.IntN(3), PadC: rng.IntN(3)}
		viaGPU, viaGonum := gemmtest.NewProblem(c, rng.Uint64()), (*gemmtest.Problem)(nil)
		cp := *viaGPU
		cp.C = append([]float32(nil), viaGPU.C...)
		viaGonum = &cp
		ar, ac := gemm.Shape(tA, m, k)
		br, bc := gemm.Shape(tB, k, n)
		blas32.Gemm(tA, tB, alpha,
			blas32.General{Rows: ar, Cols: ac, Stride: viaGPU.LDA, Data: viaGPU.A},
			blas32.General{Rows: br, Cols: bc, Stride: viaGPU.LDB, Data: viaGPU.B},
			beta, blas32.General{Rows: m, Cols: n, Stride: viaGPU.LDC, Data: viaGPU.C})
		gonum.Implementation{}.Sgemm(tA, tB, m, n, k, alpha, viaGonum.A, viaGonum.LDA, viaGonum.B, viaGonum.LDB, beta, viaGonum.C, viaGonum.LDC)
		_, scale := gemmtest.Reference(tA, tB, m, n, k, alpha, viaGonum.A, viaGonum.LDA, viaGonum.B, viaGonum.LDB, 0, nil, viaGonum.LDC)
		// Both are within the bound of the exact product (beta*C exact in
		// both for beta in {-1, 0, 1}), so they differ by at most twice it.
		for i := range m {
			for j := range n {
				x, y := viaGPU.C[i*viaGPU.LDC+j], viaGonum.C[i*viaGPU.LDC+j]
				assert.InDelta(t, y, x, 2*gemmtest.Bound(k, scale[i*n+j])+1e-6, "%s at %d,%d", c, i, j)
			}
		}
	}
	// Bad arguments panic as gonum's own Sgemm does.
	impl := gpu.NewBLAS(d)
	assert.PanicsWithValue(t, "blas: bad leading dimension of A", func() {
		impl.Sgemm(blas.NoTrans, blas.NoTrans, 2, 2, 3, 1, make([]float32, 6), 2, make([]float32, 6), 2, 0, make([]float32, 4), 2)
	})
}

// Concurrent callers share one device safely.
func TestConcurrentCallers(t *testing.T) {
	d := openDevice(t, gpu.Config{})
	var wg sync.WaitGroup
	errs := make([]error, 4)
	oks := make([]bool, 4)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				c := gemmtest.Case{TA: blas.NoTrans, TB: blas.Trans, M: 20 + g, N: 30 + i, K: 40, Alpha: 1, Beta: 1}
				r, err := gemmtest.Verify(d, gemmtest.NewProblem(c, uint64(g*10+i)))
				if err != nil || !r.OK {
					errs[g], oks[g] = err, false
					return
				}
			}
			oks[g] = true
		}()
	}
	wg.Wait()
	for g := range 4 {
		assert.NoError(t, errs[g])
		assert.True(t, oks[g], "goroutine %d got a wrong result", g)
	}
}

func TestDevicesDescribeThemselves(t *testing.T) {
	requireDevice(t)
	devs, err := gpu.Devices()
	require.NoError(t, err)
	require.NotEmpty(t, devs)
	for i, dv := range devs {
		assert.Equal(t, i, dv.Index)
		assert.NotEmpty(t, dv.Name)
		assert.NotEmpty(t, dv.Vendor)
		if !dv.Supported {
			continue
		}
		assert.GreaterOrEqual(t, dv.APIVersion, "1.1")
		assert.Positive(t, dv.SubgroupSize, "subgroup size comes from vkGetPhysicalDeviceProperties2")
		assert.GreaterOrEqual(t, dv.SharedMemory, 16384)
		assert.GreaterOrEqual(t, dv.MaxInvocations, 128)
		assert.GreaterOrEqual(t, dv.MaxStorageBufferRange, int64(1<<27))
		assert.NotEmpty(t, dv.Heaps)
		assert.NotEmpty(t, dv.DriverName, "driver properties come from Vulkan 1.2")
		assert.NotEmpty(t, dv.Name)
	}
}

func TestMeasurePeak(t *testing.T) {
	d := openDevice(t, gpu.Config{})
	p, err := probe(d).MeasurePeak(false)
	require.NoError(t, err)
	t.Logf("%s: %.1f GFLOPS peak (%d invocations × %d iterations in %v)", d.Describe(), p.GFLOPS, p.Invocations, p.Iterations, p.KernelTime)
	assert.Positive(t, p.GFLOPS)
	assert.GreaterOrEqual(t, p.KernelTime, 50*time.Millisecond, "runs are long enough to time")
}

// Kernels with k slices add each slice's product to C in its own dispatch;
// results match the reference on the host path and on device matrices, in
// all four transposes.
func TestKSlices(t *testing.T) {
	d := openDevice(t, gpu.Config{})
	const m, n, k = 70, 90, 1500
	ks, _ := tune.Kernels(d)
	kern := ks[tune.Key{Element: shaders.F32, Class: tune.ClassOf(m, n, k)}]
	want := 1
	if kern.KChunk > 0 {
		want = (k + int(kern.KChunk) - 1) / int(kern.KChunk)
	}
	for _, tr := range [][2]blas.Transpose{{blas.NoTrans, blas.NoTrans}, {blas.Trans, blas.NoTrans}, {blas.NoTrans, blas.Trans}, {blas.Trans, blas.Trans}} {
		c := gemmtest.Case{TA: tr[0], TB: tr[1], M: m, N: n, K: k, Alpha: 0.5, Beta: -2, PadA: 3, PadB: 1}
		p := gemmtest.NewProblem(c, 4)
		wantC, scale := gemmtest.Reference(c.TA, c.TB, m, n, k, c.Alpha, p.A, p.LDA, p.B, p.LDB, c.Beta, p.C, p.LDC)
		tm, err := gpu.SgemmTimed(d, c.TA, c.TB, m, n, k, c.Alpha, p.A, p.LDA, p.B, p.LDB, c.Beta, p.C, p.LDC)
		require.NoError(t, err)
		assert.Equal(t, want, tm.Dispatches, "%v", kern)
		assert.True(t, gemmtest.Compare(m, n, k, p.C, p.LDC, wantC, scale).OK, "%s", c)

		// The same product on device matrices.
		q := gemmtest.NewProblem(c, 4)
		ar, ac := gemm.Shape(c.TA, m, k)
		br, bc := gemm.Shape(c.TB, k, n)
		A, err := d.NewMatrix(ar, ac)
		require.NoError(t, err)
		B, _ := d.NewMatrix(br, bc)
		C, _ := d.NewMatrix(m, n)
		require.NoError(t, A.Upload(q.A, q.LDA))
		require.NoError(t, B.Upload(q.B, q.LDB))
		require.NoError(t, C.Upload(q.C, q.LDC))
		pend, err := d.MatMulAsync(c.TA, c.TB, c.Alpha, A, B, c.Beta, C)
		require.NoError(t, err)
		tm, err = pend.Wait()
		require.NoError(t, err)
		assert.Equal(t, want, tm.Dispatches)
		require.NoError(t, C.Download(q.C, q.LDC))
		assert.True(t, gemmtest.Compare(m, n, k, q.C, q.LDC, wantC, scale).OK, "device matrices: %s", c)
		A.Release()
		B.Release()
		C.Release()
	}
}
