//go:build cgo && windows

package vk

/*
#include <stdlib.h>
#include <windows.h>

static void *vkgemm_open_loader(const char *path, unsigned long *code) {
	HMODULE lib = LoadLibraryA(path);
	if (!lib) { *code = GetLastError(); return NULL; }
	FARPROC f = GetProcAddress(lib, "vkGetInstanceProcAddr");
	if (!f) { *code = GetLastError(); FreeLibrary(lib); return NULL; }
	return (void *)f;
}
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// openLoader opens the Vulkan loader at path and returns its
// vkGetInstanceProcAddr.
func openLoader(path string) (unsafe.Pointer, error) {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var code C.ulong
	f := C.vkgemm_open_loader(cpath, &code)
	if f == nil {
		return nil, fmt.Errorf("LoadLibrary or GetProcAddress failed with Windows error %d", uint32(code))
	}
	return f, nil
}
