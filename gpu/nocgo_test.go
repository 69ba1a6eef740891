//go:build !cgo

package gpu_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/vkgemm/vkgemm/gpu"
)

// Built without cgo (CGO_ENABLED=0 go test -run NoCgo ./gpu/, as build.sh's
// test_platforms does), Open says why it cannot run and how to build.
func TestNoCgoOpenSaysHowToBuild(t *testing.T) {
	_, err := gpu.Open(gpu.Config{})
	assert.ErrorIs(t, err, gpu.ErrUnsupported)
	assert.ErrorContains(t, err, "CGO_ENABLED=1")
	_, err = gpu.Devices()
	assert.ErrorIs(t, err, gpu.ErrUnsupported)
}
