package vk

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nocgo.go must stand in for every exported name of the cgo files, or
// builds without cgo break: regenerate it with `go generate
// ./gpu/internal/vk` after changing them.
func TestNoCgoStubsAreFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generator")
	}
	fresh := filepath.Join(t.TempDir(), "nocgo.go")
	out, err := exec.Command("go", "run", "gen_nocgo.go", "-o", fresh).CombinedOutput()
	require.NoError(t, err, "%s", out)
	want, err := os.ReadFile(fresh)
	require.NoError(t, err)
	got, err := os.ReadFile("nocgo.go")
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "nocgo.go is stale: run go generate ./gpu/internal/vk")
}
