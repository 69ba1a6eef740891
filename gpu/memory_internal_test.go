package gpu

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/gpu/internal/vk"
)

// The memory tables of gpu/internal/vk replay tune's shape classes; this
// keeps their list in step with ClassShape.
func TestMemoryWorkloadMatchesTune(t *testing.T) {
	data, err := os.ReadFile("internal/vk/testdata/memory/workload.json")
	require.NoError(t, err)
	var w struct {
		Products []struct {
			Name    string
			M, N, K int
		}
	}
	require.NoError(t, json.Unmarshal(data, &w))
	got := map[string][3]int{}
	for _, p := range w.Products {
		got[p.Name] = [3]int{p.M, p.N, p.K}
	}
	for _, class := range ShapeClasses {
		m, n, k := ClassShape(class, false)
		assert.Equal(t, [3]int{m, n, k}, got[class], "workload.json's %s product", class)
	}
}

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
