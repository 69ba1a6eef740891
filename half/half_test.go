package half_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/half"
)

func isNaN32(x float32) bool { return x != x }

// Every bit pattern of both formats survives a trip through float32, NaNs
// as NaNs of the same sign.
func TestEveryValueRoundTrips(t *testing.T) {
	for _, f := range []half.Format{half.F16, half.BF16} {
		for h := range 1 << 16 {
			x := f.ToFloat32(uint16(h))
			back := f.FromFloat32(x)
			if isNaN32(x) {
				require.True(t, isNaN32(f.ToFloat32(back)), "%v %#04x: NaN stays NaN", f, h)
				require.Equal(t, uint16(h)&0x8000, back&0x8000, "%v %#04x: NaN keeps its sign", f, h)
				continue
			}
			require.Equal(t, uint16(h), back, "%v %#04x (%g)", f, h, x)
		}
	}
}

func TestRoundToNearestEven(t *testing.T) {
	bf := func(b uint32) float32 { return math.Float32frombits(b) }
	cases := []struct {
		name string
		f    half.Format
		x    float32
		want uint16
	}{
		{"bf16 exact", half.BF16, 1, 0x3F80},
		{"bf16 below half rounds down", half.BF16, bf(0x3F807FFF), 0x3F80},
		{"bf16 tie to even (down)", half.BF16, bf(0x3F808000), 0x3F80},
		{"bf16 tie to even (up)", half.BF16, bf(0x3F818000), 0x3F82},
		{"bf16 above half rounds up", half.BF16, bf(0x3F808001), 0x3F81},
		{"bf16 overflow to +Inf", half.BF16, math.MaxFloat32, 0x7F80},
		{"bf16 -Inf", half.BF16, float32(math.Inf(-1)), 0xFF80},
		{"bf16 negative zero", half.BF16, float32(math.Copysign(0, -1)), 0x8000},
		{"bf16 smallest subnormal kept", half.BF16, bf(0x00010000), 0x0001},
		{"bf16 subnormal tie to even", half.BF16, bf(0x00018000), 0x0002},
		{"f16 one", half.F16, 1, 0x3C00},
		{"f16 max finite", half.F16, 65504, 0x7BFF},
		{"f16 overflow to +Inf", half.F16, 65520, 0x7C00},
		{"f16 below overflow tie rounds to max", half.F16, 65519, 0x7BFF},
		{"f16 smallest subnormal", half.F16, float32(math.Ldexp(1, -24)), 0x0001},
		{"f16 half the smallest subnormal ties to zero", half.F16, float32(math.Ldexp(1, -25)), 0x0000},
		{"f16 tie to even (1 + 2^-11)", half.F16, 1 + float32(math.Ldexp(1, -11)), 0x3C00},
		{"f16 tie to even (1 + 3*2^-11)", half.F16, 1 + 3*float32(math.Ldexp(1, -11)), 0x3C02},
		{"f16 -Inf", half.F16, float32(math.Inf(-1)), 0xFC00},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, c.f.FromFloat32(c.x), "%s", c.name)
	}
}

func TestNaNIsQuietedNotInfinity(t *testing.T) {
	signalling := math.Float32frombits(0x7F800001) // fraction bits only below bfloat16's
	for _, f := range []half.Format{half.F16, half.BF16} {
		h := f.FromFloat32(signalling)
		assert.True(t, isNaN32(f.ToFloat32(h)), "%v: a NaN whose payload is cut off stays NaN", f)
		assert.True(t, isNaN32(f.ToFloat32(f.FromFloat32(float32(math.NaN())))))
	}
}

func TestSlicesAndNames(t *testing.T) {
	src := []float32{1, -2.5, 0.1, 3e38}
	for _, f := range []half.Format{half.F16, half.BF16} {
		enc := make([]uint16, len(src))
		f.Encode(enc, src)
		dec := make([]float32, len(src))
		f.Decode(dec, enc)
		for i := range src {
			assert.Equal(t, f.ToFloat32(f.FromFloat32(src[i])), dec[i])
		}
		assert.True(t, f.Valid())
	}
	assert.Equal(t, "F16", half.F16.String())
	assert.Equal(t, "BF16", half.BF16.String())
	assert.False(t, half.Format(0).Valid())
	assert.Equal(t, "half.Format(7)", half.Format(7).String())
	assert.Panics(t, func() { half.Format(0).FromFloat32(1) })
}
