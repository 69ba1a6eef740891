package engine

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vkgemm/vkgemm/gpu/internal/kernel"
)

// A batch is cut into dispatches of as many products as the grid's z
// dimension, one binding and one submission's work allow (fake limits,
// as no device here has a small maxComputeWorkGroupCount[2]).
func TestBatchLayers(t *testing.T) {
	kern := kernel.Direct
	p := &problem{m: 16, n: 16, k: 16, batch: 10, a: make([]float32, 16*16), b: make([]float32, 16*16), c: make([]float32, 16*16)}
	for _, c := range []struct {
		name       string
		maxZ       uint32
		limit      int64
		work       float64
		wantLayers int
	}{
		{"one dispatch", 65535, 1 << 20, 1e12, 10},
		{"grid's z", 3, 1 << 20, 1e12, 3},
		{"binding", 65535, 4 * 16 * 16 * 4, 1e12, 4},
		{"work", 65535, 1 << 20, 2 * 16 * 16 * 16 * 2, 2},
		{"nothing fits two", 1, 1 << 20, 1, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			pl, err := makePlan(p, kern, c.limit, [3]uint32{65535, 65535, c.maxZ}, c.work)
			require.NoError(t, err)
			assert.Equal(t, c.wantLayers, pl.nz)
			covered := 0
			for b := range pl.blocks() {
				assert.LessOrEqual(t, b.nz, c.wantLayers)
				if b.first && b.i0 == 0 && b.j0 == 0 {
					covered += b.nz
				}
			}
			assert.Equal(t, p.batch, covered, "every product in exactly one layer")
			assert.Equal(t, pl.steps(), countBlocks(pl))
		})
	}
}

func countBlocks(pl *plan) int {
	n := 0
	for range pl.blocks() {
		n++
	}
	return n
}
