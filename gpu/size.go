package gpu

import "fmt"

// byteSize writes a size for an error message: in MiB, or in bytes under
// 1 MiB, so that a small limit never reads "0 MiB".
func byteSize(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d bytes", n)
	}
	return fmt.Sprintf("%d MiB", n>>20)
}
