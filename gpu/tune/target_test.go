package tune

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/vkgemm/vkgemm/shaders"
)

// A run searches float32 first, then each half format per class; batches
// are searched in float32 only, and nothing twice.
func TestTargets(t *testing.T) {
	var keys []string
	for _, tg := range targets([]Class{Square, Batched, Small, Small}, []shaders.Element{shaders.F16, shaders.BF16}) {
		keys = append(keys, tg.key.String())
		assert.Equal(t, tg.key.Class == Batched, tg.batch == BatchedCount, tg.key)
	}
	assert.Equal(t, []string{"f32/square", "f32/batched", "f32/small", "f16/square", "f16/small", "bf16/square", "bf16/small"}, keys)
}
