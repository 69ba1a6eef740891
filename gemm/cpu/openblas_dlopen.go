//go:build linux || darwin || freebsd

package cpu

import (
	"fmt"
	"math"
	"runtime"
	"strings"

	"github.com/ebitengine/purego"
	"gonum.org/v1/gonum/blas"

	"github.com/vkgemm/vkgemm/gemm"
)

// CBLAS's enumerations (cblas.h); they are C enums, 32 bits, whatever the
// width of the library's integers.
const (
	cblasRowMajor  int32 = 101
	cblasNoTrans   int32 = 111
	cblasTrans     int32 = 112
	rtldNowLocal         = purego.RTLD_NOW | purego.RTLD_LOCAL
	openBLASSuffix       = "64_" // symbol suffix of 64-bit-integer builds that rename their symbols
)

// blasInt is the width of a BLAS library's integers.
type blasInt interface{ ~int32 | ~int64 }

// cgemm is cblas_sgemm or cblas_dgemm as the library exports it.
type cgemm[T float32 | float64, I blasInt] func(order, tA, tB int32, m, n, k I, alpha T, a *T, lda I,
	b *T, ldb I, beta T, c *T, ldc I)

// loadOpenBLAS opens the library at path and binds its GEMMs.
func loadOpenBLAS(path string) (*cblas, error) {
	h, err := purego.Dlopen(path, rtldNowLocal)
	if err != nil {
		return nil, err // dlerror's message names the path
	}
	suffix := ""
	if _, err := purego.Dlsym(h, "openblas_get_config"); err != nil {
		suffix = openBLASSuffix
	}
	sym := func(name string) (uintptr, error) {
		p, err := purego.Dlsym(h, name+suffix)
		if err != nil {
			return 0, fmt.Errorf("%s is not OpenBLAS: %w", path, err)
		}
		return p, nil
	}
	var syms [5]uintptr
	for i, name := range []string{"openblas_get_config", "openblas_get_corename", "openblas_get_num_threads", "cblas_sgemm", "cblas_dgemm"} {
		if syms[i], err = sym(name); err != nil {
			_ = purego.Dlclose(h)
			return nil, err
		}
	}
	var config, corename func() string
	var numThreads func() int32
	purego.RegisterFunc(&config, syms[0])
	purego.RegisterFunc(&corename, syms[1])
	purego.RegisterFunc(&numThreads, syms[2])
	cfg := config()
	if !strings.HasPrefix(cfg, "OpenBLAS") {
		_ = purego.Dlclose(h)
		return nil, fmt.Errorf("%s: unexpected configuration %q", path, cfg)
	}
	l := &cblas{
		name:    openBLASName(cfg, corename()),
		threads: func() int { return int(numThreads()) },
	}
	if uses64BitInts(cfg) {
		l.maxDim = math.MaxInt64
		l.sgemm, l.dgemm = bind[float32, int64](syms[3]), bind[float64, int64](syms[4])
	} else {
		l.maxDim = math.MaxInt32
		l.sgemm, l.dgemm = bind[float32, int32](syms[3]), bind[float64, int32](syms[4])
	}
	return l, nil
}

// bind wraps a cblas_?gemm in gonum's row-major argument convention.
func bind[T float32 | float64, I blasInt](sym uintptr) gemmFunc[T] {
	var f cgemm[T, I]
	purego.RegisterFunc(&f, sym)
	return func(tA, tB blas.Transpose, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
		f(cblasRowMajor, cblasTranspose(tA), cblasTranspose(tB), I(m), I(n), I(k), alpha, first(a), I(lda),
			first(b), I(ldb), beta, first(c), I(ldc))
		runtime.KeepAlive(a)
		runtime.KeepAlive(b)
		runtime.KeepAlive(c)
	}
}

func cblasTranspose(t blas.Transpose) int32 {
	if gemm.Transposed(t) {
		return cblasTrans
	}
	return cblasNoTrans
}

// first is the address of s[0], or nil for an empty slice (the library does
// not read an operand of no elements).
func first[T any](s []T) *T {
	if len(s) == 0 {
		return nil
	}
	return &s[0]
}

// openBLASName turns openblas_get_config's "OpenBLAS 0.3.21 DYNAMIC_ARCH
// NO_AFFINITY Zen MAX_THREADS=64" and the core name into "OpenBLAS 0.3.21 (Zen)".
func openBLASName(config, core string) string {
	f := strings.Fields(config)
	name := "OpenBLAS"
	if len(f) >= 2 && f[0] == "OpenBLAS" {
		name += " " + f[1]
	}
	if core = strings.TrimSpace(core); core != "" {
		name += " (" + core + ")"
	}
	return name
}

// uses64BitInts reports whether openblas_get_config says the library was
// built with 64-bit integers.
func uses64BitInts(config string) bool {
	for _, f := range strings.Fields(config) {
		if f == "USE64BITINT" {
			return true
		}
	}
	return false
}
