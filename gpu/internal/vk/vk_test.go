//go:build cgo && (linux || darwin || windows)

package vk

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/shaders"
)

func openFirst(t *testing.T, pushSize uint32) (*Instance, *Device) {
	t.Helper()
	in, err := NewInstance(true)
	if err != nil {
		if os.Getenv("VKGEMM_REQUIRE_DEVICE") != "1" && (errors.Is(err, ErrNoLoader) || errors.Is(err, ErrNoDevice)) {
			t.Skipf("no Vulkan (set VKGEMM_REQUIRE_DEVICE=1 to fail instead): %v", err)
		}
		require.NoError(t, err)
	}
	t.Cleanup(func() { assert.NoError(t, in.Destroy(), "destroying the instance is clean") })
	pds, err := in.PhysicalDevices()
	require.NoError(t, err)
	require.NotEmpty(t, pds)
	d, err := NewDevice(in, pds[0], pushSize, nil, TransferAuto)
	require.NoError(t, err)
	t.Cleanup(d.Destroy)
	return in, d
}

// newDirect8 builds the 8x8 direct kernel on d.
func newDirect8(t *testing.T, d *Device) (*Pipeline, error) {
	spirv, err := shaders.SPIRV("gemm_direct_8")
	require.NoError(t, err)
	return d.NewPipeline(spirv, map[uint32]uint32{shaders.SpecWorkgroupX: 8, shaders.SpecWorkgroupY: 8}, NoTexels, false)
}

// direct8 is newDirect8 where it must succeed, with a 1 KiB storage buffer
// for the kernel; both are destroyed when the test ends, before the device.
func direct8(t *testing.T, d *Device) (*Pipeline, *Buffer) {
	p, err := newDirect8(t, d)
	require.NoError(t, err)
	t.Cleanup(p.Destroy)
	buf, err := d.NewBuffer(1024, Storage, false)
	require.NoError(t, err)
	t.Cleanup(buf.Destroy)
	return p, buf
}

// leakOnDestroy opens a second device on in, leaves a buffer alive and
// destroys the device: a misuse every validation layer reports, as
// VUID-vkDestroyDevice-device-00378 up to 1.3 and -05137 from 1.4 (the
// 1.4 layer no longer reports a push-constant range shorter than the
// shader's block when the pipeline is created).
func leakOnDestroy(t *testing.T, in *Instance) {
	t.Helper()
	pds, err := in.PhysicalDevices()
	require.NoError(t, err)
	d, err := NewDevice(in, pds[0], shaders.PushConstantsSize, nil, TransferAuto)
	require.NoError(t, err)
	_, err = d.NewBuffer(1024, Storage, false)
	require.NoError(t, err)
	d.Destroy()
}

const leakVUID = "VUID-vkDestroyDevice-device-"

// The validation layer's messages come back as an error: here a buffer
// left alive when its device is destroyed.
func TestValidationReportsMisuse(t *testing.T) {
	in, _ := openFirst(t, shaders.PushConstantsSize)
	require.NoError(t, in.Messages(), "opening a device is clean")
	leakOnDestroy(t, in)
	verr := in.Messages()
	require.Error(t, verr, "a buffer left alive at vkDestroyDevice must be reported")
	assert.ErrorIs(t, verr, ErrValidation)
	assert.Contains(t, verr.Error(), leakVUID)
	assert.NoError(t, in.Messages(), "messages are reported once")
}

func TestCorrectUseIsSilent(t *testing.T) {
	in, d := openFirst(t, shaders.PushConstantsSize)
	p, buf := direct8(t, d)
	b, err := d.Begin()
	require.NoError(t, err)
	push := make([]byte, shaders.PushConstantsSize) // M = N = K = 0: nothing to do
	require.NoError(t, b.Dispatch(p, [Bindings]Range{{buf, 0, 1024}, {buf, 0, 1024}, {buf, 0, 1024}}, push, 1, 1))
	b.Barrier()
	require.NoError(t, b.Submit())
	_, err = b.Wait(defaultWait)
	require.NoError(t, err)
	assert.NoError(t, in.Messages())
}

func TestBufferLargerThanTheHeap(t *testing.T) {
	_, d := openFirst(t, shaders.PushConstantsSize)
	_, err := d.NewBuffer(1<<50, Storage, false)
	assert.ErrorIs(t, err, ErrOutOfMemory)
}

const defaultWait = time.Minute

// A driver manifest that is not JSON is a driver problem named as such,
// not "out of device memory" (the loader reports it as
// VK_ERROR_OUT_OF_HOST_MEMORY or finds no driver).
func TestBrokenDriverManifest(t *testing.T) {
	openFirst(t, shaders.PushConstantsSize) // the loader is there
	for _, content := range []string{"{ this is not JSON", `{"file_format_version": "1.0.0", "ICD": {"library_path": "/nonexistent/libvulkan_x.so", "api_version": "1.3.0"}}`} {
		bad := filepath.Join(t.TempDir(), "broken_icd.json")
		require.NoError(t, os.WriteFile(bad, []byte(content), 0o644))
		t.Setenv("VK_DRIVER_FILES", bad)
		t.Setenv("VK_ICD_FILENAMES", "")
		in, err := NewInstance(false)
		if err == nil {
			_, err = in.PhysicalDevices()
			assert.NoError(t, in.Destroy())
		}
		require.Error(t, err, "no usable driver in %q", content)
		t.Logf("%q: %v", content, err)
		assert.NotErrorIs(t, err, ErrOutOfMemory)
		assert.ErrorIs(t, err, ErrNoDevice)
		assert.Contains(t, err.Error(), "VK_DRIVER_FILES="+bad)
	}
}

// Validation messages belong to the instance whose objects raised them:
// another instance never sees them, and those raised while destroying a
// device come back from the instance's Destroy, not from a later instance.
func TestValidationMessagesStayWithTheirInstance(t *testing.T) {
	in1, _ := openFirst(t, shaders.PushConstantsSize)
	in2, _ := openFirst(t, shaders.PushConstantsSize)
	leakOnDestroy(t, in1)
	assert.NoError(t, in2.Messages(), "the other instance saw nothing")
	assert.ErrorIs(t, in1.Messages(), ErrValidation)

	// A buffer left alive when its device is destroyed is reported by
	// vkDestroyDevice: Destroy of that instance returns it.
	in3, err := NewInstance(true)
	require.NoError(t, err)
	pds, err := in3.PhysicalDevices()
	require.NoError(t, err)
	d3, err := NewDevice(in3, pds[0], shaders.PushConstantsSize, nil, TransferAuto)
	require.NoError(t, err)
	_, err = d3.NewBuffer(1024, Storage, false)
	require.NoError(t, err)
	d3.Destroy()
	err = in3.Destroy()
	require.ErrorIs(t, err, ErrValidation, "leaks reported at destruction come back")
	assert.Contains(t, err.Error(), leakVUID)
	in4, err := NewInstance(true)
	require.NoError(t, err)
	assert.NoError(t, in4.Messages(), "a new instance starts clean")
	assert.NoError(t, in4.Destroy())
	assert.NoError(t, in2.Messages())
}

// dlerror's text is read before dlclose: a library without
// vkGetInstanceProcAddr is named with the missing symbol.
func TestLoaderErrorText(t *testing.T) {
	_, err := openLoader("libm.so.6")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "vkGetInstanceProcAddr")
	_, err = openLoader("/nonexistent/libvulkan.so.1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "/nonexistent/libvulkan.so.1")
}

// Each kind of buffer gets memory that suits it on this device: results
// are read only through cached mappings, device-only buffers are not
// mapped, and no buffer is larger than its heap.
func TestBufferKindsOnThisDevice(t *testing.T) {
	_, d := openFirst(t, shaders.PushConstantsSize)
	props := d.Properties()
	for _, kind := range []BufferKind{Storage, Staging, DeviceOnly, StorageWrite, Upload, Readback} {
		b, err := d.NewBuffer(1<<20, kind, false)
		require.NoError(t, err, "%s", kind)
		mt := props.MemoryTypes[b.MemoryType]
		assert.GreaterOrEqual(t, props.Heaps[mt.Heap].Size, uint64(b.Size))
		switch kind {
		case Readback, Staging:
			assert.True(t, b.Mapped != nil && b.HostCached, "%s: read through a cached mapping", kind)
		case Storage:
			assert.True(t, b.Mapped == nil || b.HostCached, "a mapped storage buffer is cached")
		case DeviceOnly:
			assert.Nil(t, b.Mapped)
		case Upload:
			assert.NotNil(t, b.Mapped)
		}
		assert.NoError(t, b.Invalidate())
		b.Destroy()
	}
}

// A failed allocation is out of memory, not too large; one larger than
// every heap is both.
func TestAllocationFailures(t *testing.T) {
	_, d := openFirst(t, shaders.PushConstantsSize)
	d.SimulateOutOfMemory(1)
	_, err := d.NewBuffer(1<<20, Storage, false)
	assert.ErrorIs(t, err, ErrOutOfMemory)
	assert.NotErrorIs(t, err, ErrTooLarge)
	b, err := d.NewBuffer(1<<20, Storage, false)
	require.NoError(t, err, "the next allocation succeeds")
	b.Destroy()
	_, err = d.NewBuffer(1<<50, Storage, false)
	assert.ErrorIs(t, err, ErrTooLarge)
	var ae *AllocError
	require.ErrorAs(t, err, &ae)
	assert.Positive(t, ae.Fits)
}
