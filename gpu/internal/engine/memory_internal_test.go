package engine

import (
	"errors"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/gpu/internal/vk"
)

func TestMemoryBudgetFromHeaps(t *testing.T) {
	types := []vk.MemoryType{vk.MemoryTypeFromFlags(0, 0x1), vk.MemoryTypeFromFlags(1, 0xe), vk.MemoryTypeFromFlags(2, 0x7)}
	heaps := []vk.HeapBudget{
		{Size: 8 << 30, Budget: 7 << 30, Usage: 1 << 30, DeviceLocal: true},
		{Size: 16 << 30, Budget: 16 << 30, Usage: 4 << 30},
		{Size: 256 << 20, Budget: 200 << 20, DeviceLocal: true},
	}
	b := memoryBudget(heaps, types, true)
	assert.Equal(t, MemoryBudget{Device: 6 << 30, Host: 12 << 30, Exact: true}, b)
	uma := memoryBudget(heaps[:1], []vk.MemoryType{vk.MemoryTypeFromFlags(0, 0xf)}, false)
	assert.Equal(t, MemoryBudget{Device: 6 << 30, Host: 6 << 30}, uma)
	assert.Equal(t, int64(maxPoolKept), poolLimit(heaps), "a large device keeps up to 512 MiB")
	assert.Equal(t, int64(32<<20), poolLimit([]vk.HeapBudget{{Size: 320 << 20, Budget: 256 << 20, DeviceLocal: true}}), "a small one an eighth of its budget")
}

func openValidated(t *testing.T) *Device {
	t.Helper()
	return openForTest(t, Config{Validation: true})
}

// openForTest opens a device, skipping the test where there is none unless
// VKGEMM_REQUIRE_DEVICE=1. The caller closes it.
func openForTest(t *testing.T, cfg Config) *Device {
	t.Helper()
	d, err := openFirst(cfg)
	if err != nil {
		if os.Getenv("VKGEMM_REQUIRE_DEVICE") != "1" && (errors.Is(err, ErrNoLoader) || errors.Is(err, ErrNoDevice)) {
			t.Skipf("no Vulkan device: %v", err)
		}
		require.NoError(t, err)
	}
	return d
}

// What the validation layer reports while a device closes comes back from
// that Close: not from another open device, not from the next Open. (A
// buffer left alive is reported by vkDestroyDevice.)
func TestCloseReturnsItsOwnValidationMessages(t *testing.T) {
	other := openValidated(t)
	defer func() { assert.NoError(t, other.Close()) }()
	d := openValidated(t)
	_, err := d.dev.NewBuffer(4096, vk.Storage, false) // never destroyed
	require.NoError(t, err)
	err = d.Close()
	require.ErrorIs(t, err, ErrValidation)
	assert.Contains(t, err.Error(), "VUID-vkDestroyDevice-device-") // -00378 up to layer 1.3, -05137 from 1.4

	again := openValidated(t)
	assert.NoError(t, again.Close(), "a later Open and Close see nothing of it")
	_, err = other.MemoryBudget()
	assert.NoError(t, err)
	assert.NoError(t, other.finish(nil), "nor does another open device")
}

func TestMemoryBudgetOfARealDevice(t *testing.T) {
	d := openValidated(t)
	defer func() { assert.NoError(t, d.Close()) }()
	b, err := d.MemoryBudget()
	require.NoError(t, err)
	assert.Positive(t, b.Device)
	assert.Positive(t, b.Host)
	assert.LessOrEqual(t, uint64(b.Device), d.props.Heaps[0].Size)
	t.Logf("%s: %+v", d.name, b)
}

// Out of device memory, the pool frees the buffers it keeps and tries
// again before giving up.
func TestPoolFreesItsBuffersWhenMemoryRunsOut(t *testing.T) {
	d := openValidated(t)
	defer func() { assert.NoError(t, d.Close()) }()
	d.mu.Lock()
	defer d.mu.Unlock()
	b, err := d.pool.get(1<<20, vk.Storage)
	require.NoError(t, err)
	d.pool.put(b, vk.Storage)
	require.Equal(t, int64(1<<20), d.pool.kept)
	d.dev.SimulateOutOfMemory(1)
	b, err = d.pool.get(4<<20, vk.Storage)
	require.NoError(t, err, "the retry after freeing the pool succeeds")
	assert.Zero(t, d.pool.kept, "the pool was emptied")
	d.pool.put(b, vk.Storage)

	d.dev.SimulateOutOfMemory(3)
	_, err = d.pool.get(8<<20, vk.Storage)
	assert.ErrorIs(t, err, ErrOutOfMemory, "still out of memory after freeing: an error, not a hang or panic")
	d.dev.SimulateOutOfMemory(0)
}

// openFirst opens the first device the loader lists (tests pick the driver
// with VK_DRIVER_FILES), with validation also where VKGEMM_VALIDATION=1
// asks for it, as package gpu's Open would.
func openFirst(cfg Config) (*Device, error) {
	if os.Getenv("VKGEMM_VALIDATION") == "1" {
		cfg.Validation = true
	}
	in, err := AcquireInstance(cfg.Validation)
	if err != nil {
		return nil, err
	}
	pds, err := in.PhysicalDevices()
	if err == nil && len(pds) == 0 {
		err = ErrNoDevice
	}
	var d *Device
	if err == nil {
		d, err = Open(in, pds[0], cfg)
	}
	if err != nil {
		return nil, errors.Join(err, ReleaseInstance(in))
	}
	return d, nil
}
