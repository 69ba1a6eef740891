package vk

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A memory table recorded from a real device (testdata/memory/*.json;
// each names its source).
type memoryTable struct {
	Device, Type, Source, Note string
	Heaps                      []struct {
		Size, Budget, Usage uint64
		DeviceLocal         bool
	}
	Types []struct {
		Heap  int
		Flags string
	}
	MaxStorageBufferRange   int64
	MaxMemoryAllocationSize uint64
	// Queue families (queues_test.go) and where they come from.
	QueueFamilies []struct {
		Flags string
		Count uint32
	}
	QueueSource string
	file        string
}

func (tb *memoryTable) layout(t *testing.T) MemoryLayout {
	m := MemoryLayout{MaxAllocation: tb.MaxMemoryAllocationSize}
	for _, h := range tb.Heaps {
		m.Heaps = append(m.Heaps, Heap{Size: h.Size, DeviceLocal: h.DeviceLocal})
	}
	for _, ty := range tb.Types {
		f, err := strconv.ParseUint(ty.Flags, 0, 32)
		require.NoError(t, err, tb.file)
		m.Types = append(m.Types, MemoryTypeFromFlags(ty.Heap, uint32(f)))
	}
	return m
}

func loadTables(t *testing.T) []*memoryTable {
	files, err := filepath.Glob("testdata/memory/*.json")
	require.NoError(t, err)
	var out []*memoryTable
	for _, f := range files {
		if filepath.Base(f) == "workload.json" {
			continue
		}
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		tb := &memoryTable{file: filepath.Base(f)}
		require.NoError(t, json.Unmarshal(data, tb), f)
		require.NotEmpty(t, tb.Source, "%s names its source", f)
		out = append(out, tb)
	}
	require.GreaterOrEqual(t, len(out), 14, "the tables the issue asks for")
	return out
}

type product struct {
	Name    string
	M, N, K int
}

func loadWorkload(t *testing.T) []product {
	data, err := os.ReadFile("testdata/memory/workload.json")
	require.NoError(t, err)
	var w struct{ Products []product }
	require.NoError(t, json.Unmarshal(data, &w))
	require.NotEmpty(t, w.Products)
	return w.Products
}

// fakeMemory allocates from a memory table the way a driver would: an
// allocation fails with VK_ERROR_OUT_OF_DEVICE_MEMORY when its heap's
// budget (the recorded budget less usage, else the heap size) is spent.
type fakeMemory struct {
	layout MemoryLayout
	limit  []uint64
	used   []uint64
}

func newFakeMemory(t *testing.T, tb *memoryTable) *fakeMemory {
	f := &fakeMemory{layout: tb.layout(t)}
	for _, h := range tb.Heaps {
		limit := h.Size
		if h.Budget > 0 {
			limit = h.Budget - h.Usage
		}
		f.limit = append(f.limit, limit)
	}
	f.used = make([]uint64, len(f.limit))
	return f
}

func (f *fakeMemory) available() []uint64 {
	out := make([]uint64, len(f.limit))
	for i := range out {
		out[i] = f.limit[i] - f.used[i]
	}
	return out
}

type fakeBuffer struct {
	kind             BufferKind
	size             uint64
	ti               int
	mapped, cached   bool
	coherent         bool
	heap             int
	heapSize         uint64
	onMainHeap       bool
	deviceLocal      bool
	hostVisibleLocal bool
}

// alloc is NewBuffer's selection and fallback, on the fake heaps.
func (f *fakeMemory) alloc(kind BufferKind, size uint64) (*fakeBuffer, error) {
	cands, err := f.layout.Candidates(^uint32(0), kind, size, f.available())
	if err != nil {
		return nil, err
	}
	ti, err := Allocate(cands, func(ti int) error {
		h := f.layout.Types[ti].Heap
		if f.used[h]+size > f.limit[h] {
			return CheckResult(resultErrorOutOfDeviceMemory, "vkAllocateMemory")
		}
		f.used[h] += size
		return nil
	})
	if err != nil {
		return nil, err
	}
	mt := f.layout.Types[ti]
	return &fakeBuffer{kind: kind, size: size, ti: ti, mapped: f.layout.Mapped(ti, kind), cached: mt.HostCached,
		coherent: mt.Coherent, heap: mt.Heap, heapSize: f.layout.Heaps[mt.Heap].Size,
		onMainHeap: mt.Heap == f.layout.mainHeap(), deviceLocal: mt.DeviceLocal,
		hostVisibleLocal: mt.DeviceLocal && mt.HostVisible}, nil
}

func (f *fakeMemory) free(b *fakeBuffer) { f.used[b.heap] -= b.size }

// productBuffers allocates what one product needs, as the engine asks for
// it: A and B as kernel buffers the CPU fills, C as a kernel buffer, each
// at most one binding's range; Upload buffers where A or B are not mapped,
// a Readback buffer where C is not.
func (f *fakeMemory) productBuffers(p product, maxBind int64) ([]*fakeBuffer, error) {
	block := func(rows, cols int) uint64 { return uint64(min(4*int64(rows)*int64(cols), maxBind)) }
	var bufs []*fakeBuffer
	get := func(kind BufferKind, size uint64) (*fakeBuffer, error) {
		b, err := f.alloc(kind, size)
		if err == nil {
			bufs = append(bufs, b)
		}
		return b, err
	}
	for _, size := range []uint64{block(p.M, p.K), block(p.K, p.N)} {
		b, err := get(StorageWrite, size)
		if err != nil {
			return bufs, err
		}
		if !b.mapped {
			if _, err := get(Upload, size); err != nil {
				return bufs, err
			}
		}
	}
	c, err := get(Storage, block(p.M, p.N))
	if err != nil {
		return bufs, err
	}
	if !c.mapped {
		if _, err := get(Readback, c.size); err != nil {
			return bufs, err
		}
	}
	return bufs, nil
}

func (b *fakeBuffer) String() string {
	s := fmt.Sprintf("type %d", b.ti)
	if b.mapped {
		s += " mapped"
		if !b.coherent {
			s += " (invalidate)"
		}
	}
	return s
}

// Every recorded table: kernels' buffers in the largest device-local heap,
// never a buffer in a heap smaller than it, results read only through
// cached memory, and an 8192³ product followed by tune's shape classes all
// fit. The log lists the memory type chosen per kind (go test -v -run
// TestMemoryTables ./gpu/internal/vk/).
func TestMemoryTables(t *testing.T) {
	work := loadWorkload(t)
	for _, tb := range loadTables(t) {
		t.Run(strings.TrimSuffix(tb.file, ".json"), func(t *testing.T) {
			f := newFakeMemory(t, tb)
			chosen := map[BufferKind]*fakeBuffer{}
			for _, p := range work {
				bufs, err := f.productBuffers(p, tb.MaxStorageBufferRange)
				require.NoError(t, err, "%s: the %s product's buffers", tb.Device, p.Name)
				for _, b := range bufs {
					assert.GreaterOrEqual(t, b.heapSize, b.size, "%s buffer in a heap smaller than it", b.kind)
					if b.kind.kernelBuffer() {
						assert.True(t, b.deviceLocal && b.onMainHeap, "%s: %s buffer outside the largest device-local heap", tb.Device, b.kind)
					}
					if b.kind == Storage && b.mapped || b.kind == Readback {
						assert.True(t, b.cached && b.mapped, "%s: results would be read through an uncached mapping (%s)", tb.Device, b)
					}
					if b.kind == Upload && b.hostVisibleLocal {
						assert.True(t, b.onMainHeap, "%s: upload buffer in the BAR window", tb.Device)
					}
					chosen[b.kind] = b
				}
				for _, b := range bufs {
					f.free(b)
				}
			}
			for h, u := range f.used {
				assert.Zero(t, u, "heap %d: everything was freed", h)
			}
			line := []string{}
			for _, k := range []BufferKind{StorageWrite, Storage, Upload, Readback} {
				if b, ok := chosen[k]; ok {
					line = append(line, fmt.Sprintf("%s: %s, %s", k, b, f.layout.Types[b.ti]))
				}
			}
			t.Logf("%s: %s", tb.Device, strings.Join(line, "; "))
		})
	}
}

// With the VRAM's budget spent by someone else, kernels' buffers go to
// the next suitable type (the BAR window) while they fit it, and a buffer
// larger than that is out of memory, not too large: the VRAM could hold it.
func TestMemoryFallsBackToTheNextType(t *testing.T) {
	var tb *memoryTable
	for _, x := range loadTables(t) {
		if x.file == "nvidia-rtx2070super.json" {
			tb = x
		}
	}
	require.NotNil(t, tb)
	f := newFakeMemory(t, tb)
	f.used[0] = f.limit[0] - 50<<20 // 50 MiB left in the VRAM's budget
	b, err := f.alloc(Storage, 128<<20)
	require.NoError(t, err)
	assert.Equal(t, 2, b.heap, "the 246 MiB BAR heap takes what the VRAM cannot")
	assert.False(t, b.mapped, "a kernel buffer in the BAR window is not read by the CPU")
	_, err = f.alloc(Storage, 200<<20)
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrOutOfMemory)
	assert.NotErrorIs(t, err, ErrTooLarge, "the VRAM heap could hold it: split or free, not too large")
}

// A buffer larger than every heap is too large (and out of memory), with
// what would fit.
func TestMemoryTooLarge(t *testing.T) {
	m := MemoryLayout{Heaps: []Heap{{Size: 1 << 30, DeviceLocal: true}}, Types: []MemoryType{MemoryTypeFromFlags(0, 0xf)}}
	_, err := m.Candidates(1, Storage, 2<<30, nil)
	var ae *AllocError
	require.True(t, errors.As(err, &ae), "%v", err)
	assert.Equal(t, uint64(1<<30), ae.Fits)
	assert.ErrorIs(t, err, ErrTooLarge)
	assert.ErrorIs(t, err, ErrOutOfMemory)
	m.MaxAllocation = 256 << 20
	_, err = m.Candidates(1, Storage, 512<<20, nil)
	require.True(t, errors.As(err, &ae))
	assert.Equal(t, uint64(256<<20), ae.Fits)
	assert.Contains(t, err.Error(), "at most 256 MiB")
}

func TestFormatBytes(t *testing.T) {
	assert.Equal(t, "0 bytes", FormatBytes(0))
	assert.Equal(t, "1048575 bytes", FormatBytes(int64(1<<20-1)))
	assert.Equal(t, "1 MiB", FormatBytes(1<<20))
	assert.Equal(t, "1.5 MiB", FormatBytes(3<<19))
	assert.Equal(t, "80.0 GiB", FormatBytes(uint64(80<<30)))
}

// Special memory types (lazily allocated, AMD's device-coherent ones) are
// never chosen, and a device without a cached host type still gets its
// results back through coherent memory rather than no memory at all.
func TestMemorySpecialTypes(t *testing.T) {
	m := MemoryLayout{Heaps: []Heap{{Size: 1 << 30, DeviceLocal: true}}, Types: []MemoryType{
		MemoryTypeFromFlags(0, 0x11), MemoryTypeFromFlags(0, 0xc7), MemoryTypeFromFlags(0, 0x7)}}
	c, err := m.Candidates(0b111, Storage, 1<<20, nil)
	require.NoError(t, err)
	assert.Equal(t, []int{2}, c)
	c, err = m.Candidates(0b111, Readback, 1<<20, nil)
	require.NoError(t, err)
	assert.Equal(t, []int{2}, c)
	_, err = m.Candidates(0b011, Upload, 1<<20, nil)
	assert.ErrorIs(t, err, ErrUnsupported)
}
