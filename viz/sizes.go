package viz

import "fmt"

// Smallest and largest matrix sizes a sweep accepts. 8192² floats are 256 MiB
// per matrix, more than a portable WebGPU storage binding holds (128 MiB).
const (
	MinSize = 16
	MaxSize = 4096
)

// Sizes returns the square sizes of a sweep: from lo, doubling, up to hi.
func Sizes(lo, hi int) ([]int, error) {
	if lo < MinSize || hi > MaxSize || lo > hi {
		return nil, fmt.Errorf("sizes %d..%d: want %d <= min <= max <= %d", lo, hi, MinSize, MaxSize)
	}
	var s []int
	for n := lo; n <= hi; n *= 2 {
		s = append(s, n)
	}
	return s, nil
}
