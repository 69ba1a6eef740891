package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMillisIsTheMedianOfRoundMedians(t *testing.T) {
	r := Run{N: 100, Rounds: [][]float64{{9, 1, 2}, {4, 3, 5}, {100, 6, 7, 8}}}
	// Round medians 2, 4 and 7.5: their median is 4.
	assert.Equal(t, 4.0, r.Millis())
	assert.InDelta(t, 2*1e6/4/1e6, r.GFLOPS(), 1e-12)
	assert.True(t, Run{}.Millis() != Run{}.Millis(), "NaN without rounds")
}

func TestTableHasRatiosToTheFirstEngine(t *testing.T) {
	res := Result{Runs: []Run{
		{Engine: "vkgemm", N: 100, Rounds: [][]float64{{1}}},
		{Engine: "tfjs", N: 100, Rounds: [][]float64{{4}}},
		{Engine: "jax", N: 100, Rounds: [][]float64{{2}}},
		{Engine: "vkgemm", N: 200, Rounds: [][]float64{{8}}},
		{Engine: "tfjs", N: 200, Error: "wrong result"},
	}}
	var b bytes.Buffer
	res.Table(&b)
	assert.Equal(t, `| n | vkgemm (GFLOPS) | tfjs (GFLOPS) | jax (GFLOPS) | vkgemm / tfjs | vkgemm / jax |
|---|---|---|---|---|---|
| 100 | 2 | 0.5 | 1 | 4.00 | 2.00 |
| 200 | 2 | failed | - | - | - |
`, b.String())
	assert.Equal(t, []string{"tfjs at n=200: wrong result"}, res.Problems())
}
