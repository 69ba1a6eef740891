package half

import (
	"fmt"
	"math"

	"github.com/x448/float16"
)

// Format is a 16-bit floating-point format.
type Format int

const (
	// F16 is IEEE 754 binary16: 5 exponent bits, 10 fraction bits.
	F16 Format = iota + 1
	// BF16 is bfloat16: float32's 8 exponent bits, 7 fraction bits.
	BF16
)

func (f Format) String() string {
	switch f {
	case F16:
		return "F16"
	case BF16:
		return "BF16"
	}
	return fmt.Sprintf("half.Format(%d)", int(f))
}

// Valid reports whether f is F16 or BF16.
func (f Format) Valid() bool { return f == F16 || f == BF16 }

// FromFloat32 returns the value of f nearest to x (ties to even). It
// panics on an invalid format, a programming error; check Valid first
// where the format comes from input.
func (f Format) FromFloat32(x float32) uint16 {
	switch f {
	case F16:
		return float16.Fromfloat32(x).Bits()
	case BF16:
		return bf16FromFloat32(x)
	}
	panic("half: invalid format " + f.String())
}

// ToFloat32 returns the float32 value of the bit pattern h, exactly.
func (f Format) ToFloat32(h uint16) float32 {
	switch f {
	case F16:
		return float16.Frombits(h).Float32()
	case BF16:
		return math.Float32frombits(uint32(h) << 16)
	}
	panic("half: invalid format " + f.String())
}

// Encode converts src to f into dst, which must be at least as long.
func (f Format) Encode(dst []uint16, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = f.FromFloat32(x)
	}
}

// Decode converts src from f into dst, which must be at least as long.
func (f Format) Decode(dst []float32, src []uint16) {
	dst = dst[:len(src)]
	for i, h := range src {
		dst[i] = f.ToFloat32(h)
	}
}

// bf16FromFloat32 keeps the upper 16 bits of x, rounded to nearest even:
// adding 0x7FFF plus the lowest kept bit carries into the kept half exactly
// when the dropped half is above one half, or equal to it with an odd kept
// half. A carry out of the largest finite value gives infinity, as it
// should. NaNs would carry into the sign or become infinities, so they are
// quieted and truncated instead.
func bf16FromFloat32(x float32) uint16 {
	b := math.Float32bits(x)
	if b&0x7FFFFFFF > 0x7F800000 {
		return uint16(b>>16) | 0x0040
	}
	b += 0x7FFF + (b>>16)&1
	return uint16(b >> 16)
}
