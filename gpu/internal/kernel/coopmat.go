package kernel

import (
	"fmt"

	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"github.com/vkgemm/vkgemm/shaders"
)

// coopSubgroups is the subgroups a coopmat workgroup has, 2×2, and
// coopFragments the most accumulator matrices one subgroup keeps along M
// or N (the module's arrays).
const (
	coopSubgroups = 4
	coopFragments = 4
)

// coopTypes are the component types of the matrices a coopmat module
// multiplies, by its inputs: A and B, then C and the result.
var coopTypes = map[shaders.Element][2]vk.ComponentType{
	shaders.F16:  {vk.ComponentF16, vk.ComponentF32},
	shaders.BF16: {vk.ComponentBF16, vk.ComponentF32},
	shaders.Int8: {vk.ComponentS8, vk.ComponentS32},
}

// lists says whether m is a shape of the module for inputs e.
func lists(m vk.CoopMatrix, e shaders.Element) bool {
	t, ok := coopTypes[e]
	return ok && m.A == t[0] && m.B == t[0] && m.C == t[1] && m.Result == t[1] && !m.Saturating
}

// Coopmat is the cooperative-matrix kernel for inputs of element type e on
// the device: the first shape it lists for e with float32 (int32 for int8)
// accumulation (they come from
// vkGetPhysicalDeviceCooperativeMatrixPropertiesKHR at Open, never from a
// table), a 64×64 tile of C and two matrices of k a step; false where the
// device lists none or the kernel does not fit it.
func Coopmat(p *vk.Properties, e shaders.Element) (Kernel, bool) {
	for _, m := range p.CoopMatrices {
		if !lists(m, e) {
			continue
		}
		// 64 rows and columns where two subgroups of fragments along each
		// make it up (at most coopFragments each), else the fragments' own.
		tm, tn := max(64, 2*m.M), max(64, 2*m.N)
		k := Kernel{Family: shaders.FamilyCoopmat, Element: e, WGX: coopSubgroups * p.SubgroupSize, WGY: 1,
			TM: tm, TN: tn, TK: 2 * m.K, Matrix: [3]uint32{m.M, m.N, m.K}}
		if k.Fits(p) == nil {
			return k, true
		}
	}
	return Kernel{}, false
}

// fitsCoopmat is Fits for the coopmat family.
func (k Kernel) fitsCoopmat(p *vk.Properties) error {
	lm, ln, lk := k.Matrix[0], k.Matrix[1], k.Matrix[2]
	listed := false
	for _, m := range p.CoopMatrices {
		if m.M == lm && m.N == ln && m.K == lk && lists(m, k.Element) {
			listed = true
		}
	}
	t, known := coopTypes[k.Element]
	switch {
	case !known:
		return fmt.Errorf("kernel %v: the coopmat family takes f16, bf16 or int8 inputs", k)
	case !listed:
		return fmt.Errorf("kernel %v: the device lists no %dx%dx%d %v×%v→%v cooperative matrix", k, lm, ln, lk, t[0], t[0], t[1])
	case k.Element == shaders.Int8 && k.TK%4 != 0:
		return fmt.Errorf("kernel %v: the int8 module steps through k by whole words of four", k)
	case lm == 0 || ln == 0 || lk == 0 || k.TM%(2*lm) != 0 || k.TN%(2*ln) != 0 || k.TK%lk != 0 || k.TK == 0:
		return fmt.Errorf("kernel %v: the tile is not whole matrices for 2×2 subgroups", k)
	case k.TM/(2*lm) > coopFragments || k.TN/(2*ln) > coopFragments:
		return fmt.Errorf("kernel %v: more than %d matrices per subgroup along M or N", k, coopFragments)
	case p.SubgroupSize == 0 || k.WGX != coopSubgroups*p.SubgroupSize || k.WGY != 1:
		return fmt.Errorf("kernel %v: a workgroup is %d full subgroups of %d", k, coopSubgroups, p.SubgroupSize)
	case k.KChunk != 0 || k.Texel:
		return fmt.Errorf("kernel %v: the coopmat family takes no slices of k and no texel loads", k)
	case uint64(k.WGX) > uint64(p.MaxInvocations) || k.WGX > p.MaxWorkGroupSize[0]:
		return fmt.Errorf("kernel %v: %d invocations, the device runs at most %d per workgroup", k, k.WGX, p.MaxInvocations)
	case k.SharedBytes() > int64(p.MaxSharedMemory):
		return fmt.Errorf("kernel %v: %d bytes of shared memory, the device has %d", k, k.SharedBytes(), p.MaxSharedMemory)
	}
	_, err := k.Module()
	return err
}
