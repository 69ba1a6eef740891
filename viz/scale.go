package viz

import "math"

// LogScale maps a positive value on a logarithmic axis to a pixel position:
// Lo maps to P0 and Hi to P1 (P1 < P0 for a y axis that grows upwards).
type LogScale struct {
	Lo, Hi float64 // data range, 0 < Lo < Hi
	P0, P1 float64 // pixel positions of Lo and Hi
}

// Map returns the pixel position of v, clamped into the axis; values <= 0
// land on Lo.
func (s LogScale) Map(v float64) float64 {
	if !(v > s.Lo) {
		return s.P0
	}
	if v >= s.Hi {
		return s.P1
	}
	t := math.Log(v/s.Lo) / math.Log(s.Hi/s.Lo)
	return s.P0 + t*(s.P1-s.P0)
}

// Tick is one mark on an axis.
type Tick struct {
	Value float64
	Pos   float64 // pixel position
	Label string  // empty for minor ticks
	Major bool
}

// DecadeTicks returns ticks at 1, 2 and 5 times each power of ten in the
// range; the powers of ten are major and labelled. When the range spans many
// decades the minor ticks are left out so that labels stay apart.
func (s LogScale) DecadeTicks() []Tick {
	var ts []Tick
	decades := math.Log10(s.Hi / s.Lo)
	for e := math.Floor(math.Log10(s.Lo)); math.Pow(10, e) <= s.Hi*(1+1e-9); e++ {
		p := math.Pow(10, e)
		for _, m := range []float64{1, 2, 5} {
			v := p * m
			if v < s.Lo*(1-1e-9) || v > s.Hi*(1+1e-9) || (m != 1 && decades > 4) {
				continue
			}
			t := Tick{Value: v, Pos: s.Map(v), Major: m == 1}
			if m == 1 || decades <= 1.5 {
				t.Label = Number(v)
			}
			ts = append(ts, t)
		}
	}
	return ts
}

// SizeTicks returns one labelled tick per size of a sweep.
func (s LogScale) SizeTicks(sizes []int) []Tick {
	ts := make([]Tick, 0, len(sizes))
	for _, n := range sizes {
		ts = append(ts, Tick{Value: float64(n), Pos: s.Map(float64(n)), Label: Number(float64(n)), Major: true})
	}
	return ts
}

// DecadeRange returns the smallest range of whole decades that holds every
// positive value, at least one decade wide; [0.1, 10] when there are none.
func DecadeRange(values ...float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range values {
		if v > 0 && !math.IsInf(v, 0) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if math.IsInf(lo, 1) {
		return 0.1, 10
	}
	lo = math.Pow(10, math.Floor(math.Log10(lo)+1e-9))
	hi = math.Pow(10, math.Ceil(math.Log10(hi)-1e-9))
	if hi <= lo {
		hi = lo * 10
	}
	return lo, hi
}

// NiceMax rounds v up to 1, 2 or 5 times a power of ten, the end of a linear
// axis that starts at 0; 1 when v <= 0.
func NiceMax(v float64) float64 {
	if !(v > 0) || math.IsInf(v, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p*(1+1e-9) {
			return m * p
		}
	}
	return 10 * p
}
