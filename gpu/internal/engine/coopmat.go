package engine

import (
	"errors"
	"fmt"
	"strings"

	"github.com/vkgemm/vkgemm/gpu/internal/kernel"
	"github.com/vkgemm/vkgemm/half"
	"github.com/vkgemm/vkgemm/shaders"
)

// CoopmatMode says where GemmHalf may use cooperative matrices.
type CoopmatMode int

const (
	// CoopmatAuto uses them on GPUs that list a matching shape, not on CPU
	// drivers, which emulate them (lavapipe 26) far slower than its FMA
	// kernels.
	CoopmatAuto CoopmatMode = iota
	CoopmatOn               // wherever the device lists a matching shape
	CoopmatOff              // never
)

// coopElements are the inputs with a cooperative-matrix kernel: GemmHalf's
// F16 and BF16 and GemmInt8's int8, in the order CoopmatCheck reports them.
var coopElements = []shaders.Element{shaders.F16, shaders.BF16, shaders.Int8}

// coopState is a device's cooperative-matrix kernel for one element type
// and what its self-check found.
type coopState struct {
	kern    kernel.Kernel
	enabled bool  // listed, and allowed by Config.Coopmat
	checked bool  // the self-check ran
	err     error // why the self-check failed, nil where it passed
	// corrupt, where set (tests), adds 1 to C(0,5) of the self-check's
	// result so that it fails.
	corrupt bool
}

// initCoopmat chooses the cooperative-matrix kernels at Open.
func (d *Device) initCoopmat() {
	mode := d.cfg.Coopmat
	d.coop = map[shaders.Element]*coopState{}
	for _, e := range coopElements {
		k, ok := kernel.Coopmat(d.props, e)
		d.coop[e] = &coopState{kern: k, enabled: ok && (mode == CoopmatOn || mode == CoopmatAuto && !d.CPU())}
	}
}

// coopUsable says whether products of e run on cooperative matrices:
// enabled, and the self-check passed. The first call runs the self-check.
// The caller holds d.mu.
func (d *Device) coopUsable(e shaders.Element) bool {
	cs := d.coop[e]
	if cs == nil || !cs.enabled {
		return false
	}
	if !cs.checked {
		cs.checked = true
		if e == shaders.Int8 {
			cs.err = d.checkCoopInt8(cs)
		} else {
			cs.err = d.checkCoopHalf(cs, e)
		}
		if cs.err != nil {
			d.cfg.logf("vkgemm: cooperative matrices switched off for %s on %s, it keeps its other kernels: %v", e, d.name, cs.err)
		}
	}
	return cs.err == nil
}

// coopKernel is the cooperative-matrix kernel of e where it has passed its
// self-check. The caller holds d.mu.
func (d *Device) coopKernel(e shaders.Element) (kernel.Kernel, bool) {
	cs := d.coop[e]
	if cs == nil || !cs.enabled || !cs.checked || cs.err != nil {
		return kernel.Kernel{}, false
	}
	return cs.kern, true
}

// The self-checks run the cooperative-matrix kernel on two small products
// with edges (67×45×37, plain and both transposed) and compare them with
// the exact result: drivers list matrix shapes they then get wrong, and a
// wrong kernel is worse than a slow one.
const checkM, checkN, checkK = 67, 45, 37

// checkTransposes are the self-checks' transposes of A and B.
var checkTransposes = [][2]bool{{false, false}, {true, true}}

// checkLeading is the leading dimensions of the self-checks' A and B.
func checkLeading(tr [2]bool) (lda, ldb int) {
	lda, ldb = checkK, checkN
	if tr[0] {
		lda = checkM
	}
	if tr[1] {
		ldb = checkK
	}
	return lda, ldb
}

// checkCoopHalf is the F16 and BF16 self-check: every value an exact
// integer in float32, inputs from -3 to 3, alpha 2, beta -1.
func (d *Device) checkCoopHalf(cs *coopState, e shaders.Element) error {
	format := half.F16
	if e == shaders.BF16 {
		format = half.BF16
	}
	const m, n, k = checkM, checkN, checkK
	for _, tr := range checkTransposes {
		a, b := make([]float32, m*k), make([]float32, k*n)
		for i := range b {
			b[i] = float32(i*5%7 - 3)
		}
		for i := range a {
			a[i] = float32((i*13+5)%7 - 3)
		}
		c := make([]float32, m*n)
		want := make([]float32, m*n)
		lda, ldb := checkLeading(tr)
		for i := range m {
			for j := range n {
				c[i*n+j] = float32((i+j)%5 - 2)
				var s float32
				for p := range k {
					s += a[elem(tr[0], i, p, lda)] * b[elem(tr[1], p, j, ldb)]
				}
				want[i*n+j] = 2*s - c[i*n+j]
			}
		}
		ah, bh := make([]uint16, len(a)), make([]uint16, len(b))
		format.Encode(ah, a)
		format.Encode(bh, b)
		p := problem{tA: tr[0], tB: tr[1], m: m, n: n, k: k, alpha: 2, beta: -1, ah: ah, lda: lda, bh: bh, ldb: ldb, c: c, ldc: n}
		if err := runCheck(d, cs, &p, tr, c, want); err != nil {
			return err
		}
	}
	return nil
}

// checkCoopInt8 is the int8 self-check, its inputs over the whole range of
// int8, -128 and 127 included.
func (d *Device) checkCoopInt8(cs *coopState) error {
	const m, n, k = checkM, checkN, checkK
	for _, tr := range checkTransposes {
		a, b := make([]int8, m*k), make([]int8, k*n)
		for i := range a {
			a[i] = int8((i*97 + 11) % 256)
		}
		for i := range b {
			b[i] = int8((i*61 + 200) % 256)
		}
		a[0], b[0] = -128, -128
		lda, ldb := checkLeading(tr)
		want := make([]int32, m*n)
		for i := range m {
			for j := range n {
				var s int32
				for p := range k {
					s += int32(a[elem(tr[0], i, p, lda)]) * int32(b[elem(tr[1], p, j, ldb)])
				}
				want[i*n+j] = s
			}
		}
		c := make([]int32, m*n)
		for i := range c {
			c[i] = -7 // overwritten
		}
		p := problem{tA: tr[0], tB: tr[1], m: m, n: n, k: k, a8: a, lda: lda, b8: b, ldb: ldb, c: int32s(c), ldc: n}
		if err := runCheck(d, cs, &p, tr, c, want); err != nil {
			return err
		}
	}
	return nil
}

// elem is the index of element (r, q) of op(X) in X stored with leading
// dimension ld.
func elem(trans bool, r, q, ld int) int {
	if trans {
		return q*ld + r
	}
	return r*ld + q
}

// runCheck runs a self-check's product p, whose C is c, on the kernel of
// cs and compares C with the exact one.
func runCheck[T float32 | int32](d *Device, cs *coopState, p *problem, tr [2]bool, c, want []T) error {
	kern := cs.kern
	if _, err := d.run(p, kern); err != nil {
		return fmt.Errorf("the %v kernel failed: %w", kern, err)
	}
	if cs.corrupt {
		c[5]++
	}
	for idx := range c {
		if c[idx] != want[idx] {
			return fmt.Errorf("the %v kernel gave C(%d,%d) = %v where %v is exact (transposes %v), on a %dx%dx%d product",
				kern, idx/checkN, idx%checkN, c[idx], want[idx], tr, checkM, checkN, checkK)
		}
	}
	return nil
}

// CoopmatCheck reports the cooperative-matrix kernels of the device, one
// per element type, joined by "; " ("" where it has none or Config.Coopmat
// keeps them off) and, running them once if they have not run, what their
// self-checks found: nil where all passed.
func (d *Device) CoopmatCheck() (string, error) {
	if err := d.lock(); err != nil {
		return "", err
	}
	defer d.mu.Unlock()
	var names []string
	var errs []error
	for _, e := range coopElements {
		cs := d.coop[e]
		if cs == nil || !cs.enabled {
			continue
		}
		d.coopUsable(e)
		names = append(names, cs.kern.String())
		errs = append(errs, cs.err)
	}
	return strings.Join(names, "; "), d.finish(errors.Join(errs...))
}
