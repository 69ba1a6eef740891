package main

import (
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/vkgemm/vkgemm/viz"
)

// options are the page's settings, read from its address's query.
type options struct {
	sizes   []int
	minTime time.Duration
	gpu     bool
	// canvas is the most device pixels the canvas's backing store may have
	// (0: the page's full resolution; -1: softwareCanvas on software WebGL,
	// else full).
	canvas int
	// bandFlops is the work of one WebGPU dispatch (0: the engine's default).
	bandFlops float64
	// kernel forces a WGSL kernel family ("": the adapter's own).
	kernel string
	// race is what is raced first (M switches it).
	race viz.Mode
}

// parse reads the page's query string (without the "?"). It builds on
// every platform, so its tests run natively.
func parse(search string) (options, error) {
	o := options{minTime: 300 * time.Millisecond, gpu: true}
	q, err := url.ParseQuery(search)
	if err != nil {
		return o, fmt.Errorf("the page address: %w", err)
	}
	num := func(key string, def int) (int, error) {
		if v := q.Get(key); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return 0, fmt.Errorf("?%s=%q: want a whole number", key, v)
			}
			return n, nil
		}
		return def, nil
	}
	lo, err := num("min", 64)
	if err != nil {
		return o, err
	}
	hi, err := num("max", 512)
	if err != nil {
		return o, err
	}
	if o.sizes, err = viz.Sizes(lo, hi); err != nil {
		return o, err
	}
	if v := q.Get("mintime"); v != "" {
		if o.minTime, err = time.ParseDuration(v); err != nil {
			return o, fmt.Errorf("?mintime=%q: want a duration such as 300ms", v)
		}
	}
	o.gpu = q.Get("gpu") != "off"
	if v := q.Get("race"); v != "" {
		if o.race, err = viz.ParseMode(v); err != nil {
			return o, fmt.Errorf("?%w", err)
		}
	}
	o.kernel = q.Get("kernel")
	if v := q.Get("band"); v != "" {
		if o.bandFlops, err = strconv.ParseFloat(v, 64); err != nil || o.bandFlops <= 0 {
			return o, fmt.Errorf("?band=%q: want the floating-point operations of one WebGPU dispatch, such as 4e6", v)
		}
	}
	o.canvas = -1
	if v := q.Get("canvas"); v == "full" {
		o.canvas = 0
	} else if v != "" {
		var w, h int
		if _, err := fmt.Sscanf(v, "%dx%d", &w, &h); err != nil || w <= 0 || h <= 0 {
			return o, fmt.Errorf("?canvas=%q: want a size such as 960x540, or full", v)
		}
		o.canvas = w * h
	}
	return o, nil
}
