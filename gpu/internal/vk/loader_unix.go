//go:build cgo && (linux || darwin)

package vk

/*
#cgo linux LDFLAGS: -ldl
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

// vkgemm_open_loader opens the Vulkan loader and returns its
// vkGetInstanceProcAddr, or NULL with the reason in *why (malloc'd): dlerror's
// text is copied before dlclose, which may free it.
static void *vkgemm_open_loader(const char *path, char **why) {
	void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!lib) { const char *e = dlerror(); *why = strdup(e ? e : "dlopen failed"); return NULL; }
	void *f = dlsym(lib, "vkGetInstanceProcAddr");
	if (!f) {
		const char *e = dlerror();
		*why = strdup(e ? e : "no vkGetInstanceProcAddr");
		dlclose(lib);
		return NULL;
	}
	return f; // the library stays open for the life of the process
}
*/
import "C"

import (
	"errors"
	"unsafe"
)

// openLoader opens the Vulkan loader at path and returns its
// vkGetInstanceProcAddr.
func openLoader(path string) (unsafe.Pointer, error) {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var why *C.char
	f := C.vkgemm_open_loader(cpath, &why)
	if f == nil {
		defer C.free(unsafe.Pointer(why))
		return nil, errors.New(C.GoString(why))
	}
	return f, nil
}
