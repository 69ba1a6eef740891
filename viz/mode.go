package viz

import (
	"fmt"
	"strings"

	"github.com/vkgemm/vkgemm/half"
)

// Mode is what the engines race at each size n of the sweep.
type Mode int

const (
	// F32 is one n×n×n product of float32 matrices (Sgemm).
	F32 Mode = iota
	// Batched is BatchCount products of n/4×n/4×n/4 in float32, as a
	// strided batch: the same work as one n×n×n product, so its GFLOPS and
	// times compare with F32's at the same n, made of products small enough
	// (16³ at n = 64, 256³ at n = 1024) that one dispatch per product costs.
	Batched
	// BF16 is one n×n×n product with A and B in bfloat16, accumulated and
	// returned in float32.
	BF16
	// F16 is the same with A and B in IEEE 754 binary16.
	F16
	// Int8 is one n×n×n product with A and B in int8, drawn over the whole
	// range [-128, 127], and C in int32 (gemm.Int8Engine): integer
	// arithmetic, so every result must equal the int64 reference exactly.
	// Its rate counts 2·n³ operations, a multiply and an add per term, as
	// the float modes count theirs.
	Int8
)

// Modes lists the modes in the order the M key cycles through them.
var Modes = []Mode{F32, Batched, BF16, F16, Int8}

// BatchCount is the number of products in a Batched race.
const BatchCount = 64

var modeNames = map[Mode]string{F32: "f32", Batched: "batched", BF16: "bf16", F16: "f16", Int8: "int8"}

// String is the mode's name on the command line and in the page address.
func (m Mode) String() string {
	if s, ok := modeNames[m]; ok {
		return s
	}
	return fmt.Sprintf("viz.Mode(%d)", int(m))
}

// ParseMode reads a mode by its name: f32, batched, bf16, f16 or int8.
func ParseMode(s string) (Mode, error) {
	names := make([]string, len(Modes))
	for i, m := range Modes {
		if strings.EqualFold(s, m.String()) {
			return m, nil
		}
		names[i] = m.String()
	}
	return F32, fmt.Errorf("race %q: want one of %s", s, strings.Join(names, ", "))
}

// MarshalText writes the mode's name (so a Snapshot's JSON says "bf16").
func (m Mode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText reads a mode's name.
func (m *Mode) UnmarshalText(b []byte) error {
	v, err := ParseMode(string(b))
	*m = v
	return err
}

// Next is the mode after m in Modes.
func (m Mode) Next() Mode {
	for i, v := range Modes {
		if v == m {
			return Modes[(i+1)%len(Modes)]
		}
	}
	return F32
}

// Title says in words what is raced, e.g. "BF16 inputs, float32 accumulate".
func (m Mode) Title() string {
	switch m {
	case Batched:
		return fmt.Sprintf("batched float32 GEMM, %d products", BatchCount)
	case BF16:
		return "BF16 inputs, float32 accumulate"
	case F16:
		return "F16 inputs, float32 accumulate"
	case Int8:
		return "int8 inputs, int32 accumulate (exact)"
	}
	return "float32 GEMM"
}

// Product says what one race step at size n computes, as the chart's title
// puts it: "n×n×n GEMM" or "64 products of n/4×n/4×n/4".
func (m Mode) Product() string {
	switch m {
	case Batched:
		return fmt.Sprintf("%d products of n/4×n/4×n/4", BatchCount)
	case BF16, F16:
		return fmt.Sprintf("n×n×n GEMM, %s inputs", strings.ToUpper(m.String()))
	case Int8:
		return "n×n×n GEMM, int8 inputs"
	}
	return "n×n×n GEMM"
}

// Shape returns the products of one race step at size n: batch products
// of size×size×size each.
func (m Mode) Shape(n int) (batch, size int) {
	if m == Batched {
		return BatchCount, max(1, n/4)
	}
	return 1, n
}

// Size formats the products at size n, e.g. "1024×1024×1024" or
// "64 × 256³" (short: the cards put a verdict after it).
func (m Mode) Size(n int) string {
	batch, size := m.Shape(n)
	if batch > 1 {
		return fmt.Sprintf("%d × %d³", batch, size)
	}
	return Size(size)
}

// Half returns the 16-bit format of A and B, and false for float32 inputs.
func (m Mode) Half() (half.Format, bool) {
	switch m {
	case BF16:
		return half.BF16, true
	case F16:
		return half.F16, true
	}
	return 0, false
}

// Exact reports whether m's results are integers, checked for equality
// with the reference instead of against a floating-point error bound.
func (m Mode) Exact() bool { return m == Int8 }

// Unit names m's rate: "GOPS" (billions of integer operations a second)
// for Int8, "GFLOPS" for the floating-point modes. Both count a multiply
// and an add per term, so the numbers compare across modes.
func (m Mode) Unit() string {
	if m == Int8 {
		return "GOPS"
	}
	return "GFLOPS"
}
