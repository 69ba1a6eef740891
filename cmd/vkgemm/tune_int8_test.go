package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tune -int8 searches GemmInt8's kernel of each class asked for, shows it in
// GOPS, and saves it under int8/CLASS.
func TestTuneInt8SavesItsKernel(t *testing.T) {
	needDevice(t)
	t.Setenv("VKGEMM_CACHE_DIR", t.TempDir())
	t.Setenv("VKGEMM_COOPMAT", "0")
	code, out, errOut := runCLI("tune", "-budget", "3s", "-classes", "small", "-half", "", "-int8", "-crossovers=false")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "saved: ")
	assert.Contains(t, out, "GFLOPS (int8: GOPS)")
	assert.Regexp(t, `\nint8/small\s+direct \d+x\d+ workgroup, .*int8 inputs\s+[\d.]+\n`, out)
	assert.Regexp(t, `tune int8/small .* GOPS`, errOut, "progress in GOPS")
	assert.NotContains(t, out, "CROSSOVER")
}
