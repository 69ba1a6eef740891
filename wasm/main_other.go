//go:build !(js && wasm)

package main

import (
	"fmt"
	"os"
)

// main explains how to build the browser version; it does nothing natively.
func main() {
	fmt.Fprintln(os.Stderr, "wasm: this is the browser build; run ./build.sh web (GOOS=js GOARCH=wasm) and ./build.sh serve")
	os.Exit(2)
}
