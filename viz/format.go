package viz

import (
	"fmt"
	"math"
	"time"
)

// GFLOPS formats a throughput with three significant digits, e.g. "12.3 GFLOPS".
func GFLOPS(g float64) string { return Rate(g, "GFLOPS") }

// Rate formats a throughput in unit (see Mode.Unit) with three significant
// digits, e.g. "12.3 GOPS".
func Rate(g float64, unit string) string {
	switch {
	case math.IsNaN(g) || g <= 0:
		return "– " + unit
	case g >= 100:
		return fmt.Sprintf("%.0f %s", g, unit)
	case g >= 10:
		return fmt.Sprintf("%.1f %s", g, unit)
	case g >= 1:
		return fmt.Sprintf("%.2f %s", g, unit)
	default:
		return fmt.Sprintf("%.3f %s", g, unit)
	}
}

// Number formats an axis value: 0.1, 1, 10, 250, 1k, 1.5M.
func Number(v float64) string {
	a := math.Abs(v)
	switch {
	case a == 0:
		return "0"
	case a >= 1e6:
		return trim(v/1e6) + "M"
	case a >= 1e4:
		return trim(v/1e3) + "k"
	case v == math.Trunc(v):
		return fmt.Sprintf("%.0f", v)
	default:
		return trim(v)
	}
}

func trim(v float64) string { return fmt.Sprintf("%.3g", v) }

// RelErr formats a relative error, e.g. "3.1e-08", or "0" when exact.
func RelErr(e float64) string {
	if e == 0 {
		return "0"
	}
	return fmt.Sprintf("%.1e", e)
}

// Verdict says whether a result passed its check and how much of it was
// checked: "OK: all 256 rows checked", "WRONG: 16 of 1024 rows checked".
func Verdict(r Result) string {
	v := "OK"
	if !r.OK {
		v = "WRONG"
	}
	rows := r.N
	if r.Rows > 0 {
		rows = r.Rows
	}
	if r.CheckedRows >= rows {
		return fmt.Sprintf("%s: all %d rows checked", v, rows)
	}
	return fmt.Sprintf("%s: %d of %d rows checked", v, r.CheckedRows, rows)
}

// Size formats a square GEMM size, e.g. "1024×1024×1024".
func Size(n int) string { return fmt.Sprintf("%d×%d×%d", n, n, n) }

// Speedup formats how many times faster the GPU path is than the CPU path,
// saying which one wins so that a ratio under 1 is not misread.
func Speedup(gpu, cpu float64) string {
	if gpu <= 0 || cpu <= 0 || math.IsNaN(gpu) || math.IsNaN(cpu) {
		return "–"
	}
	r := gpu / cpu
	switch {
	case r >= 1.005:
		return fmt.Sprintf("%.2f× (GPU faster)", r)
	case r <= 0.995:
		return fmt.Sprintf("%.2f× (CPU %.2f× faster)", r, 1/r)
	default:
		return "1.00× (even)"
	}
}

// Duration formats an elapsed time with a unit a person reads at a glance.
func Duration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%d µs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
}
