package engine

import (
	"fmt"

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

// coopState is a device's cooperative-matrix kernel and what its
// self-check found.
type coopState struct {
	kern    kernel.Kernel
	enabled bool  // listed, and allowed by Config.Coopmat
	checked bool  // the self-check ran
	err     error // why the self-check failed, nil where it passed
	// corrupt, where set (tests), alters the self-check's result so that it
	// fails.
	corrupt func(c []float32)
}

// initCoopmat chooses the cooperative-matrix kernel at Open.
func (d *Device) initCoopmat() {
	k, ok := kernel.Coopmat(d.props, shaders.F16)
	mode := d.cfg.Coopmat
	d.coop = coopState{kern: k, enabled: ok && (mode == CoopmatOn || mode == CoopmatAuto && !d.CPU())}
}

// coopUsable says whether GemmHalf's F16 products run on cooperative
// matrices: enabled, and the self-check passed. The first call runs the
// self-check. The caller holds d.mu.
func (d *Device) coopUsable() bool {
	if !d.coop.enabled {
		return false
	}
	if !d.coop.checked {
		d.coop.checked = true
		if d.coop.err = d.checkCoop(); d.coop.err != nil {
			d.cfg.logf("vkgemm: cooperative matrices switched off on %s, GemmHalf keeps its other kernels: %v", d.name, d.coop.err)
		}
	}
	return d.coop.err == nil
}

// checkCoop runs the cooperative-matrix kernel on two small products with
// edges (67×45×37, plain and both transposed) whose every value is an exact
// integer in float32, F16 inputs from -3 to 3, alpha 2, beta -1, and
// compares them with the exact result: drivers list matrix shapes they then
// get wrong, and a wrong kernel is worse than a slow one.
func (d *Device) checkCoop() error {
	const m, n, k = 67, 45, 37
	for _, tr := range [][2]bool{{false, false}, {true, true}} {
		a, b := make([]float32, m*k), make([]float32, k*n)
		for i := range b {
			b[i] = float32(i*5%7 - 3)
		}
		for i := range a {
			a[i] = float32((i*13+5)%7 - 3)
		}
		c := make([]float32, m*n)
		want := make([]float32, m*n)
		for i := range m {
			for j := range n {
				c[i*n+j] = float32((i+j)%5 - 2)
				var s float32
				for p := range k {
					x, y := a[i*k+p], b[p*n+j]
					if tr[0] {
						x = a[p*m+i]
					}
					if tr[1] {
						y = b[j*k+p]
					}
					s += x * y
				}
				want[i*n+j] = 2*s - c[i*n+j]
			}
		}
		ah, bh := make([]uint16, len(a)), make([]uint16, len(b))
		half.F16.Encode(ah, a)
		half.F16.Encode(bh, b)
		lda, ldb := k, n
		if tr[0] {
			lda = m
		}
		if tr[1] {
			ldb = k
		}
		p := problem{tA: tr[0], tB: tr[1], m: m, n: n, k: k, alpha: 2, beta: -1, ah: ah, lda: lda, bh: bh, ldb: ldb, c: c, ldc: n}
		if _, err := d.run(&p, d.coop.kern); err != nil {
			return fmt.Errorf("the %v kernel failed: %w", d.coop.kern, err)
		}
		if d.coop.corrupt != nil {
			d.coop.corrupt(c)
		}
		for idx := range c {
			if c[idx] != want[idx] {
				return fmt.Errorf("the %v kernel gave C(%d,%d) = %g where %g is exact (transposes %v), on a %dx%dx%d product",
					d.coop.kern, idx/n, idx%n, c[idx], want[idx], tr, m, n, k)
			}
		}
	}
	return nil
}

// CoopmatCheck reports the cooperative-matrix kernel of the device ("" where
// it has none or Config.Coopmat keeps it off) and, running it once if it
// has not run, whether its self-check passed.
func (d *Device) CoopmatCheck() (string, error) {
	if err := d.lock(); err != nil {
		return "", err
	}
	defer d.mu.Unlock()
	if !d.coop.enabled {
		return "", nil
	}
	d.coopUsable()
	return d.coop.kern.String(), d.finish(d.coop.err)
}
