//go:build !(linux || darwin || freebsd)

package cpu

import (
	"fmt"
	"runtime"
)

func loadOpenBLAS(path string) (*cblas, error) {
	return nil, fmt.Errorf("%s: loading a C library at run time is not supported on %s/%s", path, runtime.GOOS, runtime.GOARCH)
}
