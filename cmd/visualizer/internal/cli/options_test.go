package cli

import (
	"bytes"
	"flag"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/viz"
)

func TestParseDefaultsAndFlags(t *testing.T) {
	var out bytes.Buffer
	o, err := Parse(nil, &out)
	require.NoError(t, err)
	assert.Equal(t, Options{Min: 64, Max: 1024, MinTime: 300 * time.Millisecond, Width: 960, Height: 540}, o)
	assert.Empty(t, out.String())

	o, err = Parse([]string{"-device", "llvm", "-no-gpu", "-max", "2048", "-size", "1280x720", "-shot", "x.png", "-frames", "3"}, &out)
	require.NoError(t, err)
	assert.Equal(t, Options{Device: "llvm", NoGPU: true, Min: 64, Max: 2048, MinTime: 300 * time.Millisecond,
		Shot: "x.png", Frames: 3, Width: 1280, Height: 720}, o)

	for _, m := range viz.Modes {
		o, err = Parse([]string{"-race", m.String()}, &out)
		require.NoError(t, err)
		assert.Equal(t, m, o.Race)
	}
	_, err = Parse([]string{"-race", "f8"}, &out)
	assert.ErrorContains(t, err, `-race "f8": want one of f32, batched, bf16, f16, int8`)
}

func TestParseHelpAndBadFlags(t *testing.T) {
	var out bytes.Buffer
	_, err := Parse([]string{"-h"}, &out)
	assert.ErrorIs(t, err, flag.ErrHelp)
	assert.Contains(t, out.String(), "usage: visualizer [flags]")
	assert.Contains(t, out.String(), "-no-gpu")

	for _, args := range [][]string{{"-size", "tiny"}, {"-size", "100x100"}, {"extra"}, {"-bogus"}} {
		_, err := Parse(args, &out)
		assert.Error(t, err, "%v", args)
		assert.NotErrorIs(t, err, flag.ErrHelp, "%v", args)
	}
}
