package engine

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/shaders"
)

// On the device it opens, every product up to 8192² of every element type
// gets a kernel the device runs and a plan whose blocks fit its limits: one
// storage-buffer binding (128 MiB on lavapipe and Adreno), the workgroup
// grid, shared memory and invocations. Nothing is dispatched, so it runs on
// the fake devices of Mesa's drm shims too (./build.sh test runs it on
// NVIDIA's, AMD's, Adreno's and Apple M1's).
func TestPlansFitTheDevice(t *testing.T) {
	d := openForTest(t, Config{})
	t.Cleanup(func() { require.NoError(t, d.Close()) })
	p := d.props
	elements := []shaders.Element{shaders.F32, shaders.F16, shaders.BF16}
	if d.Float64Support() == nil {
		elements = append(elements, shaders.F64)
	}
	shapes := [][4]int{{1, 1, 1, 1}, {100, 70, 33, 1}, {1000, 1000, 1000, 1}, {4096, 4096, 4096, 1}, {8192, 8192, 8192, 1},
		{8192, 8192, 32, 1}, {8192, 64, 8192, 1}, {64, 8192, 8192, 1}, {128, 128, 64, 64}, {8192, 1, 8192, 1}}
	for _, e := range elements {
		for _, s := range shapes {
			m, n, k, batch := s[0], s[1], s[2], s[3]
			for _, tr := range [][2]bool{{false, false}, {true, true}} {
				name := fmt.Sprintf("%s %dx%dx%d batch %d %v", e, m, n, k, batch, tr)
				kern := d.KernelFor(e, m, n, k, batch)
				require.NoError(t, kern.Fits(p), "%s: %v", name, kern)
				_, err := kern.Module()
				require.NoError(t, err, name)
				q := problem{tA: tr[0], tB: tr[1], m: m, n: n, k: k, batch: batch}
				switch {
				case e == shaders.F64:
					q.words = 2
				case e.Half():
					q.ah, q.bh = []uint16{0}, []uint16{0}
				}
				pl, err := makePlan(&q, kern, d.maxBind, p.MaxWorkGroupCount, d.submissionWork())
				require.NoError(t, err, name)
				for i, b := range pl.bytes {
					assert.LessOrEqual(t, b, d.maxBind, "%s: binding %d of %d bytes", name, i, b)
				}
				bm, bn := kern.Block()
				assert.LessOrEqual(t, ceilDiv(pl.nb, bn), int(p.MaxWorkGroupCount[0]), name)
				assert.LessOrEqual(t, ceilDiv(pl.mb, bm), int(p.MaxWorkGroupCount[1]), name)
				assert.LessOrEqual(t, pl.nz, int(p.MaxWorkGroupCount[2]), name)
				assert.LessOrEqual(t, kern.SharedBytes(), int64(p.MaxSharedMemory), name)
				assert.LessOrEqual(t, uint64(kern.WGX)*uint64(kern.WGY), uint64(p.MaxInvocations), name)
			}
		}
	}
	t.Logf("%s: every plan fits (binding %d MiB, %d B shared, %d invocations, subgroup %d)", p.Name, d.maxBind>>20,
		p.MaxSharedMemory, p.MaxInvocations, p.SubgroupSize)
}
