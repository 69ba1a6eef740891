//go:build !(js && wasm)

package main

import (
	"fmt"
	"os"
)

// main explains how to build the benchmark's engine; it does nothing natively.
func main() {
	fmt.Fprintln(os.Stderr, "engine: this is the browser benchmark's WebAssembly side; run ./build.sh bench-web")
	os.Exit(2)
}
