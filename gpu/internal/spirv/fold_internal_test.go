package spirv

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFold(t *testing.T) {
	neg := func(x int32) uint32 { return uint32(x) }
	for _, c := range []struct {
		name string
		op   uint32
		args []uint32
		want uint32
		ok   bool
	}{
		{"ULessThan true", opULessThan, []uint32{5, 8}, 1, true},
		{"ULessThan false", opULessThan, []uint32{8, 8}, 0, true},
		{"ULessThan is unsigned", opULessThan, []uint32{1, neg(-1)}, 1, true},
		{"SLessThan is signed", opSLessThan, []uint32{1, neg(-1)}, 0, true},
		{"LogicalNot", opLogicalNot, []uint32{1}, 0, true},
		{"IAdd wraps", opIAdd, []uint32{0xffffffff, 2}, 1, true},
		{"ISub", opISub, []uint32{3, 5}, neg(-2), true},
		{"IMul", opIMul, []uint32{16, 12}, 192, true},
		{"UDiv", opUDiv, []uint32{17, 4}, 4, true},
		{"UDiv by zero", opUDiv, []uint32{17, 0}, 0, false},
		{"SDiv rounds to zero", opSDiv, []uint32{neg(-7), 2}, neg(-3), true},
		{"SDiv overflow", opSDiv, []uint32{neg(-1 << 31), neg(-1)}, 0, false},
		{"SRem takes the dividend's sign", opSRem, []uint32{neg(-7), 3}, neg(-1), true},
		{"SMod takes the divisor's sign", opSMod, []uint32{neg(-7), 3}, 2, true},
		{"UMod", opUMod, []uint32{7, 3}, 1, true},
		{"shift left", opShiftLeftLogical, []uint32{3, 4}, 48, true},
		{"shift by 32", opShiftLeftLogical, []uint32{3, 32}, 0, false},
		{"arithmetic shift", opShiftRightArithmetic, []uint32{neg(-8), 1}, neg(-4), true},
		{"Select", opSelect, []uint32{0, 10, 20}, 20, true},
		{"LogicalAnd", opLogicalAnd, []uint32{1, 0}, 0, true},
		{"IEqual", opIEqual, []uint32{4, 4}, 1, true},
		{"Not", opNot, []uint32{0}, 0xffffffff, true},
		{"wrong arity", opIAdd, []uint32{1}, 0, false},
		{"floating point", 129 /* OpFAdd */, []uint32{1, 2}, 0, false},
	} {
		got, ok := fold(c.op, c.args)
		assert.Equal(t, c.ok, ok, c.name)
		if c.ok {
			assert.Equal(t, c.want, got, c.name)
		}
	}
}
