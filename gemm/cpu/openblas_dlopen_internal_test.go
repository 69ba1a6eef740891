//go:build linux || darwin || freebsd

package cpu

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestOpenBLASConfigIsRead(t *testing.T) {
	assert.Equal(t, "OpenBLAS 0.3.21 (Zen)", openBLASName("OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64", "Zen\n"))
	assert.Equal(t, "OpenBLAS", openBLASName("", ""), "an empty config still names the library")
	assert.False(t, uses64BitInts("OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64"))
	assert.True(t, uses64BitInts("OpenBLAS 0.3.26 USE64BITINT DYNAMIC_ARCH Haswell MAX_THREADS=128"))
}
