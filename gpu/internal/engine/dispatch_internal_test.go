package engine

import (
	"testing"

	"github.com/vkgemm/vkgemm/gpu/internal/kernel"
	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"github.com/vkgemm/vkgemm/shaders"
)

// BenchmarkDispatchParts takes a dispatch's cost apart on the default
// device: an empty submit-and-wait, then one workgroup of the peak shader
// doing nothing (K = 0) without and with timestamps. The difference to
// BenchmarkDispatch's 1×1×1 product is vkgemm's own share.
func BenchmarkDispatchParts(b *testing.B) {
	d, err := openFirst(Config{})
	if err != nil {
		b.Skipf("no Vulkan device: %v", err)
	}
	defer d.Close()
	k := kernel.Peak(shaders.F32, 64)
	pipe, err := d.pipeline(k, false, false)
	if err != nil {
		b.Fatal(err)
	}
	buf, err := d.pool.get(4096, vk.Storage)
	if err != nil {
		b.Fatal(err)
	}
	defer d.pool.put(buf, vk.Storage)
	r := vk.Range{Buf: buf, Size: 4096}
	run := func(b *testing.B, dispatch, stamps bool) {
		for b.Loop() {
			batch, err := d.dev.Begin()
			if err != nil {
				b.Fatal(err)
			}
			if stamps {
				batch.Timestamp()
			}
			if dispatch {
				pc := pushConstants{}
				if err := batch.Dispatch(pipe, [3]vk.Range{r, r, r}, pc.bytes(), 1, 1); err != nil {
					b.Fatal(err)
				}
			}
			if stamps {
				batch.Timestamp()
			}
			if err := batch.Submit(); err != nil {
				b.Fatal(err)
			}
			if _, err := batch.Wait(d.timeout()); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("part=submit-wait", func(b *testing.B) { run(b, false, false) })
	b.Run("part=empty-dispatch", func(b *testing.B) { run(b, true, false) })
	b.Run("part=empty-dispatch-timestamps", func(b *testing.B) { run(b, true, true) })
}
