package cpu

import (
	"fmt"
	"os"
	"strings"
	"sync"

	"gonum.org/v1/gonum/blas"
)

// cblas is a CPU BLAS library's GEMMs with gonum's arguments, already
// checked: neither function is called with arguments CheckArgs rejects, so
// the library's own error handler (xerbla, which prints and may exit) is
// never reached.
type cblas struct {
	name    string     // "OpenBLAS 0.3.21 (Zen)"
	threads func() int // the library's thread count, which it may change
	maxDim  int        // the largest size or leading dimension its integers hold
	sgemm   gemmFunc[float32]
	dgemm   gemmFunc[float64]
}

// gemmFunc is one GEMM with gonum's argument convention and no checks.
type gemmFunc[T float32 | float64] func(tA, tB blas.Transpose, m, n, k int, alpha T, a []T, lda int,
	b []T, ldb int, beta T, c []T, ldc int)

// Describe says which library runs and on how many threads.
func (l *cblas) Describe() string {
	return fmt.Sprintf("%s, %d threads", l.name, l.threads())
}

// fits reports whether every size and leading dimension fits the library's
// integers (32 bits in most builds).
func (l *cblas) fits(dims ...int) bool {
	for _, d := range dims {
		if d > l.maxDim {
			return false
		}
	}
	return true
}

// openBLASLibraries are the names tried in order. Debian's and Fedora's
// packages install libopenblas.so.0; the 64-bit-integer builds have their
// own names.
var openBLASLibraries = []string{
	"libopenblas.so.0", "libopenblas.so", "libopenblas64.so.0", "libopenblas64_.so.0",
	"libopenblas.dylib", "/opt/homebrew/opt/openblas/lib/libopenblas.dylib", "/usr/local/opt/openblas/lib/libopenblas.dylib",
}

// loadedBLAS is OpenBLAS, loaded on first use, or why it could not be.
var loadedBLAS = sync.OnceValues(func() (*cblas, error) {
	switch v := os.Getenv("VKGEMM_OPENBLAS"); strings.ToLower(v) {
	case "off", "0", "no", "false", "gonum":
		return nil, fmt.Errorf("VKGEMM_OPENBLAS=%s asks for gonum's pure-Go code", v)
	case "":
		var errs []string
		for _, name := range openBLASLibraries {
			l, err := loadOpenBLAS(name)
			if err == nil {
				return l, nil
			}
			errs = append(errs, err.Error())
		}
		return nil, fmt.Errorf("OpenBLAS not found (install Debian's libopenblas0-pthread, or set VKGEMM_OPENBLAS to its path): %s",
			strings.Join(errs, "; "))
	default:
		return loadOpenBLAS(v)
	}
})

// OpenBLAS describes the OpenBLAS library the CPU engine calls, such as
// "OpenBLAS 0.3.21 (Zen), 2 threads", or returns why the engine runs gonum's
// pure-Go code instead. The library is looked for once, on first use, under
// its usual names, or at the path VKGEMM_OPENBLAS gives; VKGEMM_OPENBLAS=off
// keeps gonum's code.
func OpenBLAS() (string, error) {
	l, err := loadedBLAS()
	if err != nil {
		return "", err
	}
	return l.Describe(), nil
}
