package gpu

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestByteSizeNeverSaysZeroMiB(t *testing.T) {
	assert.Equal(t, "16384 bytes", byteSize(16<<10))
	assert.Equal(t, "1 MiB", byteSize(1<<20))
	assert.Equal(t, "128 MiB", byteSize(128<<20+5))
}
