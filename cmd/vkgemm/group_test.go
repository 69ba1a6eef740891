package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/gpu"
)

// `bench -device all` times the group and each device alone at each size,
// with each device's share of the group's product, in JSON and as a table.
func TestGroupBench(t *testing.T) {
	needDevice(t)
	infos, err := gpu.Devices()
	require.NoError(t, err)
	usable := 0
	for _, d := range infos {
		if d.Supported {
			usable++
		}
	}
	code, out, errOut := runCLI("bench", "-device", "all", "-sizes", "48,600", "-reps", "2", "-json")
	require.Equal(t, 0, code, errOut)
	var rep groupReport
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.Len(t, rep.Devices, usable)
	require.Len(t, rep.Rows, 2)
	for _, r := range rep.Rows {
		require.Len(t, r.Devices, usable)
		total := 0.0
		for i, d := range r.Devices {
			assert.Positive(t, d.GFLOPS, "n=%d device %d", r.N, i)
			assert.LessOrEqual(t, d.WallMin, d.Wallms)
			total += d.Share
		}
		assert.InDelta(t, 1, total, 1e-9, "the shares of n=%d add up", r.N)
		assert.Positive(t, r.GroupGFLOPS)
		assert.Positive(t, r.OverFastest)
		assert.Less(t, r.Fastest, usable)
	}
	assert.Contains(t, errOut, "600³ group 2/2", "progress goes to stderr")
	assert.Contains(t, errOut, "600³ group warm-up 4/4")

	code, out, errOut = runCLI("bench", "-device", "all", "-sizes", "32", "-reps", "1")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "group/fastest")
	assert.Contains(t, out, "device 0: ")

	code, _, errOut = runCLI("bench", "-device", "all", "-half", "f16")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "drop -half")
	code, _, errOut = runCLI("bench", "-device", "0,0", "-sizes", "8")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "twice")
}
