package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/viz"
)

func TestParseDefaults(t *testing.T) {
	o, err := parse("")
	require.NoError(t, err)
	assert.Equal(t, options{sizes: []int{64, 128, 256, 512}, minTime: 300 * time.Millisecond, gpu: true, canvas: -1}, o)
}

func TestParseEveryParameter(t *testing.T) {
	o, err := parse("min=128&max=1024&mintime=1s&gpu=off&band=8e6&canvas=960x540&kernel=tiled&race=bf16")
	require.NoError(t, err)
	assert.Equal(t, options{sizes: []int{128, 256, 512, 1024}, minTime: time.Second, gpu: false, canvas: 960 * 540, bandFlops: 8e6, kernel: "tiled", race: viz.BF16}, o)
	o, err = parse("canvas=full")
	require.NoError(t, err)
	assert.Zero(t, o.canvas, "the page's full resolution")
	o, err = parse("race=int8")
	require.NoError(t, err)
	assert.Equal(t, viz.Int8, o.race)
}

func TestParseSaysWhatIsWrong(t *testing.T) {
	for query, says := range map[string]string{
		"min=abc":        `?min="abc": want a whole number`,
		"max=1.5":        `?max="1.5": want a whole number`,
		"mintime=soon":   `?mintime="soon"`,
		"band=-1":        `?band="-1"`,
		"canvas=big":     `?canvas="big"`,
		"race=int4":      `?race "int4": want one of f32, batched, bf16, f16, int8`,
		"min=512&max=64": "",
		"%zz":            "the page address",
	} {
		_, err := parse(query)
		require.Error(t, err, query)
		assert.Contains(t, err.Error(), says, query)
	}
}
