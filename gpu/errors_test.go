package gpu_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gpu"
	"github.com/vkgemm/vkgemm/gpu/internal/vk"
)

// TestMain runs the child side of the tests below when asked to: the
// Vulkan loader is opened once per process, so a missing loader or driver
// can only be shown in a fresh process with a changed environment. The
// child prints the error Open returns and which sentinels it wraps.
func TestMain(m *testing.M) {
	if os.Getenv("VKGEMM_TEST_CHILD") != "1" {
		// Tests never touch the user's cache directory.
		dir, err := os.MkdirTemp("", "vkgemm-cache")
		if err != nil {
			panic(err)
		}
		os.Setenv("VKGEMM_CACHE_DIR", dir)
		code := m.Run()
		os.RemoveAll(dir)
		os.Exit(code)
	}
	d, err := gpu.Open(gpu.Config{})
	if err == nil {
		queues := fmt.Sprintf("QUEUES %v families %v\n", gpu.Queues(d), gpu.QueueFamilies(d))
		d.Close()
		os.Stdout.WriteString("RESULT opened\n" + queues)
		os.Exit(0)
	}
	_, derr := gpu.Devices()
	os.Stdout.WriteString("RESULT noloader=" + yes(errors.Is(err, gpu.ErrNoLoader)) +
		" nodevice=" + yes(errors.Is(err, gpu.ErrNoDevice)) +
		" devices-err=" + yes(derr != nil) + "\nERROR " + err.Error() + "\n")
	os.Exit(0)
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func runChild(t *testing.T, env ...string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), append(env, "VKGEMM_TEST_CHILD=1", "VKGEMM_VALIDATION=0")...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "child process failed: %s", out)
	return string(out)
}

func TestNoLoaderIsAClearError(t *testing.T) {
	out := runChild(t, vk.LoaderEnv+"=/nonexistent/libvulkan.so.1")
	assert.Contains(t, out, "RESULT noloader=yes nodevice=no devices-err=yes")
	assert.Contains(t, out, "apt-get install libvulkan1", "the error names the package to install")
}

func TestNoDriverIsAClearError(t *testing.T) {
	requireDevice(t)
	out := runChild(t, "VK_DRIVER_FILES=/nonexistent/icd.json", "VK_ICD_FILENAMES=/nonexistent/icd.json")
	assert.Contains(t, out, "RESULT noloader=no nodevice=yes")
	assert.Contains(t, out, "mesa-vulkan-drivers", "the error says how to install a driver")
}

func TestDeviceChoiceErrors(t *testing.T) {
	requireDevice(t)
	_, err := gpu.Open(gpu.Config{Device: "99"})
	assert.True(t, errors.Is(err, gpu.ErrDeviceIndex), "%v", err)
	assert.Contains(t, err.Error(), "vkgemm devices")

	_, err = gpu.Open(gpu.Config{Device: "no such device name"})
	assert.True(t, errors.Is(err, gpu.ErrDeviceIndex), "%v", err)

	_, err = gpu.Open(gpu.Config{Kernel: "fastest"})
	assert.ErrorContains(t, err, `unknown kernel family "fastest"`)
	assert.ErrorIs(t, err, gpu.ErrBadArgument)

	devs, err := gpu.Devices()
	require.NoError(t, err)
	d := openDevice(t, gpu.Config{Device: "0"})
	assert.Equal(t, devs[0].Name, d.Info().Name)
	name := strings.ToUpper(devs[0].Name[:4])
	d2 := openDevice(t, gpu.Config{Device: name})
	assert.Equal(t, devs[0].Name, d2.Info().Name, "a name substring picks a device, case-blind")
}

func TestOldDevicesAreRefused(t *testing.T) {
	p := vk.Properties{Name: "old", APIVersion: 1 << 22, MaxInvocations: 256, MaxPushConstantsSize: 128}
	ok, why := gpu.Supported(p)
	assert.False(t, ok)
	assert.Contains(t, why, "needs 1.1")

	infos := []gpu.DeviceInfo{
		gpu.NewInfo("lavapipe", gpu.TypeCPU, true, ""),
		gpu.NewInfo("old GPU", gpu.TypeDiscrete, false, "Vulkan 1.0.0; vkgemm needs 1.1"),
		gpu.NewInfo("iGPU", gpu.TypeIntegrated, true, ""),
		gpu.NewInfo("dGPU", gpu.TypeDiscrete, true, ""),
	}
	gpu.SortDevices(infos)
	var order []string
	for _, d := range infos {
		order = append(order, d.Name)
	}
	assert.Equal(t, []string{"dGPU", "iGPU", "lavapipe", "old GPU"}, order, "discrete > integrated > CPU, unusable last")
	best, err := gpu.Pick(infos, "")
	require.NoError(t, err)
	assert.Equal(t, "dGPU", best.Name)
	_, err = gpu.Pick(infos, "old")
	assert.True(t, errors.Is(err, gpu.ErrUnsupported), "%v", err)
	assert.Contains(t, err.Error(), "needs 1.1")
	_, err = gpu.Pick(infos[3:], "")
	assert.True(t, errors.Is(err, gpu.ErrUnsupported), "only an unusable device: %v", err)
	_, err = gpu.Pick(nil, "")
	assert.True(t, errors.Is(err, gpu.ErrNoDevice))
}

func TestResultCodesMapToSentinels(t *testing.T) {
	assert.True(t, errors.Is(vk.CheckResult(-4, "vkQueueSubmit"), gpu.ErrDeviceLost))
	assert.True(t, errors.Is(vk.CheckResult(-2, "vkAllocateMemory"), gpu.ErrOutOfMemory))
	assert.True(t, errors.Is(vk.CheckResult(-1, "vkAllocateMemory"), gpu.ErrOutOfMemory))
	assert.ErrorContains(t, vk.CheckResult(-3, "vkCreateDevice"), "vkCreateDevice: VK_ERROR_INITIALIZATION_FAILED")
	assert.NoError(t, vk.CheckResult(0, "vkQueueSubmit"))
}

func TestLostDeviceIsAnErrorNotAHang(t *testing.T) {
	d := openDevice(t, gpu.Config{})
	gpu.SimulateLoss(d)
	c := make([]float32, 4)
	err := d.Sgemm(blas.NoTrans, blas.NoTrans, 2, 2, 2, 1, make([]float32, 4), 2, make([]float32, 4), 2, 0, c, 2)
	assert.True(t, errors.Is(err, gpu.ErrDeviceLost), "%v", err)
	_, err = d.NewMatrix(2, 2)
	assert.True(t, errors.Is(err, gpu.ErrDeviceLost), "%v", err)
	_, err = probe(d).EmptyDispatch()
	assert.True(t, errors.Is(err, gpu.ErrDeviceLost), "%v", err)
}

func TestUseAfterClose(t *testing.T) {
	requireDevice(t)
	d, err := gpu.Open(gpu.Config{})
	require.NoError(t, err)
	m, err := d.NewMatrix(4, 4)
	require.NoError(t, err)
	require.NoError(t, d.Close())
	require.NoError(t, d.Close(), "a second Close is harmless")
	c := make([]float32, 4)
	err = d.Sgemm(blas.NoTrans, blas.NoTrans, 2, 2, 2, 1, make([]float32, 4), 2, make([]float32, 4), 2, 0, c, 2)
	assert.True(t, errors.Is(err, gpu.ErrClosed), "%v", err)
	assert.True(t, errors.Is(m.Upload(make([]float32, 16), 4), gpu.ErrClosed))
	_, err = d.NewMatrix(2, 2)
	assert.True(t, errors.Is(err, gpu.ErrClosed))
	_, err = probe(d).RoundTrip()
	assert.True(t, errors.Is(err, gpu.ErrClosed))
	_, err = probe(d).EmptyDispatch()
	assert.True(t, errors.Is(err, gpu.ErrClosed))
	// Closed says closed, not what the device lacks (SwiftShader has no
	// float64).
	err = d.Dgemm(blas.NoTrans, blas.NoTrans, 1, 1, 1, 1, []float64{1}, 1, []float64{1}, 1, 0, []float64{0}, 1)
	assert.ErrorIs(t, err, gpu.ErrClosed)
	_, err = probe(d).MeasurePeak(true)
	assert.ErrorIs(t, err, gpu.ErrClosed)
	m.Release() // harmless after Close
}

// Nil and zero values are bad arguments to every call, never a panic.
func TestNilAndZeroValuesAreBadArguments(t *testing.T) {
	d := openDevice(t, gpu.Config{Cache: gpu.Off})
	for _, m := range []*gpu.Matrix{nil, {}} {
		assert.ErrorIs(t, m.Upload(make([]float32, 4), 2), gpu.ErrBadArgument)
		assert.ErrorIs(t, m.Download(make([]float32, 4), 2), gpu.ErrBadArgument)
		m.Release()
		rows, cols := m.Dims()
		assert.Zero(t, rows+cols)
		ok, err := d.NewMatrix(2, 2)
		require.NoError(t, err)
		_, err = d.MatMulAsync(blas.NoTrans, blas.NoTrans, 1, m, ok, 0, ok)
		assert.ErrorIs(t, err, gpu.ErrBadArgument)
		_, err = d.MatMulStridedBatchedAsync(blas.NoTrans, blas.NoTrans, 2, 2, 2, 1, ok, 0, m, 0, 0, ok, 0, 1)
		assert.ErrorIs(t, err, gpu.ErrBadArgument)
		ok.Release()
	}
	for _, p := range []*gpu.Pending{nil, {}} {
		_, err := p.Wait()
		assert.ErrorIs(t, err, gpu.ErrBadArgument)
	}
	c := make([]float32, 4)
	for _, dev := range []*gpu.Device{nil, {}} {
		err := dev.Sgemm(blas.NoTrans, blas.NoTrans, 2, 2, 2, 1, make([]float32, 4), 2, make([]float32, 4), 2, 0, c, 2)
		assert.ErrorIs(t, err, gpu.ErrBadArgument)
		assert.ErrorIs(t, dev.Warm(), gpu.ErrBadArgument)
		assert.ErrorIs(t, dev.Close(), gpu.ErrBadArgument)
		_, err = dev.NewMatrix(2, 2)
		assert.ErrorIs(t, err, gpu.ErrBadArgument)
		_, err = dev.MemoryBudget()
		assert.ErrorIs(t, err, gpu.ErrBadArgument)
		assert.NotEmpty(t, dev.Describe())
		big := make([]float32, 40*40) // tiny products never reach the device
		assert.Panics(t, func() {
			gpu.NewBLAS(dev).Sgemm(blas.NoTrans, blas.NoTrans, 40, 40, 40, 1, big, 40, big, 40, 0, big, 40)
		},
			"gonum's contract: the adapter panics, with the error")
	}
}

func TestOutOfDeviceMemory(t *testing.T) {
	d := openDevice(t, gpu.Config{})
	// 400000² floats is 640 GB: more than any device heap.
	_, err := d.NewMatrix(400000, 400000)
	assert.True(t, errors.Is(err, gpu.ErrOutOfMemory), "%v", err)
	assert.Regexp(t, `needs [0-9.]+ GiB; .* has [0-9.]+ [MG]iB of device memory`, err.Error())
	// The device still works afterwards.
	m, err := d.NewMatrix(8, 8)
	require.NoError(t, err)
	m.Release()
}

func TestMatrixTooLargeForOneBinding(t *testing.T) {
	d := openDevice(t, gpu.Config{MaxBindingBytes: 1 << 20})
	_, err := d.NewMatrix(1024, 1024) // 4 MiB
	assert.True(t, errors.Is(err, gpu.ErrTooLarge), "%v", err)
	assert.Contains(t, err.Error(), "holds at most 1 MiB")
}
