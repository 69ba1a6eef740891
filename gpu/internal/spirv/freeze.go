package spirv

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// SPIR-V opcodes, decorations and the header, from the SPIR-V specification
// (unified1), section 3.
const (
	magic      = 0x07230203
	headerSize = 5

	opTypeBool              = 20
	opTypeInt               = 21
	opConstantTrue          = 41
	opConstantFalse         = 42
	opConstant              = 43
	opConstantComposite     = 44
	opSpecConstantTrue      = 48
	opSpecConstantFalse     = 49
	opSpecConstant          = 50
	opSpecConstantComposite = 51
	opSpecConstantOp        = 52
	opDecorate              = 71
	opCompositeExtract      = 81
	opSNegate               = 126
	opIAdd                  = 128
	opISub                  = 130
	opIMul                  = 132
	opUDiv                  = 134
	opSDiv                  = 135
	opUMod                  = 137
	opSRem                  = 138
	opSMod                  = 139
	opLogicalEqual          = 164
	opLogicalNotEqual       = 165
	opLogicalOr             = 166
	opLogicalAnd            = 167
	opLogicalNot            = 168
	opSelect                = 169
	opIEqual                = 170
	opINotEqual             = 171
	opUGreaterThan          = 172
	opSGreaterThan          = 173
	opUGreaterThanEqual     = 174
	opSGreaterThanEqual     = 175
	opULessThan             = 176
	opSLessThan             = 177
	opULessThanEqual        = 178
	opSLessThanEqual        = 179
	opShiftRightLogical     = 194
	opShiftRightArithmetic  = 195
	opShiftLeftLogical      = 196
	opBitwiseOr             = 197
	opBitwiseXor            = 198
	opBitwiseAnd            = 199
	opNot                   = 200

	decorationSpecID = 1
)

// ErrMalformed is returned for input that is not a well-formed SPIR-V module.
var ErrMalformed = errors.New("spirv: malformed module")

// instruction is one instruction of a module: its words, opcode first.
type instruction []uint32

func (in instruction) opcode() uint32 { return in[0] & 0xffff }

// split cuts a module's words after the header into instructions.
func split(words []uint32) ([]instruction, error) {
	var out []instruction
	for i := headerSize; i < len(words); {
		n := int(words[i] >> 16)
		if n == 0 || i+n > len(words) {
			return nil, fmt.Errorf("%w: instruction at word %d has a word count of %d, %d words remain", ErrMalformed, i, n, len(words)-i)
		}
		out = append(out, instruction(words[i:i+n]))
		i += n
	}
	return out, nil
}

// constant is a scalar known at freeze time: a 32-bit integer or a boolean
// (0 or 1), or a composite of such constants.
type constant struct {
	value   uint32
	boolean bool
	members []uint32 // ids of the members, for composites
}

// Freeze returns module with every specialization constant replaced by an
// ordinary constant: the value values gives its SpecId, or its default
// where values has none (as Vulkan specialization does). Booleans take any
// non-zero value as true, as VkBool32. Spec-constant composites and
// operations whose operands are then all known become constants too;
// operations that cannot be evaluated here (floating-point, 64-bit,
// division by zero) stay specialization-constant operations on constant
// operands, which is still valid SPIR-V. The module itself is not changed.
func Freeze(module []byte, values map[uint32]uint32) ([]byte, error) {
	if len(module)%4 != 0 || len(module) < 4*headerSize {
		return nil, fmt.Errorf("%w: %d bytes is not a header and a whole number of words", ErrMalformed, len(module))
	}
	words := make([]uint32, len(module)/4)
	for i := range words {
		words[i] = binary.LittleEndian.Uint32(module[4*i:])
	}
	if words[0] != magic {
		return nil, fmt.Errorf("%w: magic number %#08x, want %#08x (little-endian)", ErrMalformed, words[0], magic)
	}
	insts, err := split(words)
	if err != nil {
		return nil, err
	}

	specIDs := map[uint32]uint32{} // result id -> SpecId
	for _, in := range insts {
		if in.opcode() == opDecorate && len(in) == 4 && in[2] == decorationSpecID {
			specIDs[in[1]] = in[3]
		}
	}
	ints := map[uint32]bool{}  // ids of 32-bit integer types
	bools := map[uint32]bool{} // ids of the boolean type
	known := map[uint32]constant{}
	frozen := map[uint32]bool{} // spec constants whose SpecId decoration goes
	out := make([]uint32, 0, len(words))
	out = append(out, words[:headerSize]...)

	for _, in := range insts {
		switch op := in.opcode(); {
		case op == opTypeInt && len(in) == 4 && in[2] == 32:
			ints[in[1]] = true
		case op == opTypeBool && len(in) == 2:
			bools[in[1]] = true
		case op == opConstant && len(in) == 4 && ints[in[1]]:
			known[in[2]] = constant{value: in[3]}
		case (op == opConstantTrue || op == opConstantFalse) && len(in) == 3:
			known[in[2]] = constant{value: b2u(op == opConstantTrue), boolean: true}
		case (op == opConstantComposite || op == opSpecConstantComposite) && len(in) >= 3 && allKnown(known, in[3:]):
			known[in[2]] = constant{members: append([]uint32(nil), in[3:]...)}
			if op == opSpecConstantComposite {
				in = rewrite(in, opConstantComposite)
			}
		case (op == opSpecConstantTrue || op == opSpecConstantFalse) && len(in) == 3:
			v := op == opSpecConstantTrue
			if s, ok := specIDs[in[2]]; ok {
				if x, ok := values[s]; ok {
					v = x != 0
				}
			}
			known[in[2]] = constant{value: b2u(v), boolean: true}
			frozen[in[2]] = true
			in = boolConstant(in[1], in[2], v)
		case op == opSpecConstant && len(in) == 4:
			// One literal word: a 32-bit integer or float. Wider ones stay.
			v := in[3]
			if s, ok := specIDs[in[2]]; ok {
				if x, ok := values[s]; ok {
					v = x
				}
			}
			if ints[in[1]] {
				known[in[2]] = constant{value: v}
			}
			frozen[in[2]] = true
			in = instruction{4<<16 | opConstant, in[1], in[2], v}
		case op == opSpecConstantOp && len(in) >= 4:
			if c, ok := evaluate(in, ints, bools, known); ok {
				known[in[2]] = c
				if c.boolean {
					in = boolConstant(in[1], in[2], c.value != 0)
				} else {
					in = instruction{4<<16 | opConstant, in[1], in[2], c.value}
				}
			}
		}
		out = append(out, in...)
	}

	// Drop the SpecId decorations of what is now constant: SPIR-V allows
	// them on specialization constants only.
	res := out[:headerSize]
	for i := headerSize; i < len(out); {
		n := int(out[i] >> 16)
		in := instruction(out[i : i+n])
		if !(in.opcode() == opDecorate && len(in) == 4 && in[2] == decorationSpecID && frozen[in[1]]) {
			res = append(res, in...)
		}
		i += n
	}
	b := make([]byte, 4*len(res))
	for i, w := range res {
		binary.LittleEndian.PutUint32(b[4*i:], w)
	}
	return b, nil
}

// boolConstant is OpConstantTrue or OpConstantFalse.
func boolConstant(resultType, id uint32, v bool) instruction {
	if v {
		return instruction{3<<16 | opConstantTrue, resultType, id}
	}
	return instruction{3<<16 | opConstantFalse, resultType, id}
}

// rewrite returns in with another opcode and the same operands.
func rewrite(in instruction, op uint32) instruction {
	c := append(instruction(nil), in...)
	c[0] = c[0]&^0xffff | op
	return c
}

func allKnown(known map[uint32]constant, ids []uint32) bool {
	for _, id := range ids {
		if _, ok := known[id]; !ok {
			return false
		}
	}
	return true
}

func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

// evaluate folds an OpSpecConstantOp whose operands are all known scalar
// constants and whose result is a 32-bit integer or a boolean.
func evaluate(in instruction, ints, bools map[uint32]bool, known map[uint32]constant) (constant, bool) {
	resultType, op, args := in[1], in[3], in[4:]
	if !ints[resultType] && !bools[resultType] {
		return constant{}, false
	}
	boolean := bools[resultType]
	if op == opCompositeExtract {
		// A composite id, then literal indices.
		if len(args) < 2 {
			return constant{}, false
		}
		c, ok := known[args[0]]
		for _, idx := range args[1:] {
			if !ok || int(idx) >= len(c.members) {
				return constant{}, false
			}
			c, ok = known[c.members[idx]]
		}
		if !ok || c.members != nil || c.boolean != boolean {
			return constant{}, false
		}
		return c, true
	}
	v := make([]uint32, len(args))
	for i, id := range args {
		c, ok := known[id]
		if !ok || c.members != nil {
			return constant{}, false
		}
		v[i] = c.value
	}
	r, ok := fold(op, v)
	if !ok {
		return constant{}, false
	}
	return constant{value: r, boolean: boolean}, true
}

// fold computes one operation on 32-bit integers (two's complement) and
// booleans (0 or 1). It refuses what SPIR-V leaves undefined: division by
// zero, signed overflow of division, shifts by 32 or more.
func fold(op uint32, v []uint32) (uint32, bool) {
	unary := map[uint32]func(uint32) uint32{
		opSNegate:    func(a uint32) uint32 { return -a },
		opNot:        func(a uint32) uint32 { return ^a },
		opLogicalNot: func(a uint32) uint32 { return a ^ 1 },
	}
	if f, ok := unary[op]; ok {
		if len(v) != 1 {
			return 0, false
		}
		return f(v[0]), true
	}
	if op == opSelect {
		if len(v) != 3 {
			return 0, false
		}
		if v[0] != 0 {
			return v[1], true
		}
		return v[2], true
	}
	if len(v) != 2 {
		return 0, false
	}
	a, b := v[0], v[1]
	sa, sb := int32(a), int32(b)
	switch op {
	case opIAdd:
		return a + b, true
	case opISub:
		return a - b, true
	case opIMul:
		return a * b, true
	case opUDiv, opUMod:
		if b == 0 {
			return 0, false
		}
		if op == opUDiv {
			return a / b, true
		}
		return a % b, true
	case opSDiv, opSRem, opSMod:
		if sb == 0 || (sa == -1<<31 && sb == -1) {
			return 0, false
		}
		switch op {
		case opSDiv:
			return uint32(sa / sb), true
		case opSRem: // the sign of the dividend
			return uint32(sa % sb), true
		default: // OpSMod: the sign of the divisor
			m := sa % sb
			if m != 0 && (m < 0) != (sb < 0) {
				m += sb
			}
			return uint32(m), true
		}
	case opShiftLeftLogical, opShiftRightLogical, opShiftRightArithmetic:
		if b >= 32 {
			return 0, false
		}
		switch op {
		case opShiftLeftLogical:
			return a << b, true
		case opShiftRightLogical:
			return a >> b, true
		default:
			return uint32(sa >> b), true
		}
	case opBitwiseOr:
		return a | b, true
	case opBitwiseXor:
		return a ^ b, true
	case opBitwiseAnd:
		return a & b, true
	case opLogicalOr:
		return a | b, true
	case opLogicalAnd:
		return a & b, true
	case opLogicalEqual, opIEqual:
		return b2u(a == b), true
	case opLogicalNotEqual, opINotEqual:
		return b2u(a != b), true
	case opUGreaterThan:
		return b2u(a > b), true
	case opSGreaterThan:
		return b2u(sa > sb), true
	case opUGreaterThanEqual:
		return b2u(a >= b), true
	case opSGreaterThanEqual:
		return b2u(sa >= sb), true
	case opULessThan:
		return b2u(a < b), true
	case opSLessThan:
		return b2u(sa < sb), true
	case opULessThanEqual:
		return b2u(a <= b), true
	case opSLessThanEqual:
		return b2u(sa <= sb), true
	}
	return 0, false
}
