// Package vk is vkgemm's thin layer over github.com/vulkan-go/vulkan, the only
// package that imports it. It keeps the binding's quirks inside: names are
// NUL-terminated here, every create-info is built fresh and freed after its
// call (the binding caches a stale C copy and leaks one otherwise), handles
// are written into locals (the binding refuses pointers into structs that
// hold Go pointers), vk.InitInstance runs right after instance creation, and
// the loader is opened by its runtime name per OS (loader.go: libvulkan.so.1,
// which a machine with only the runtime package has; libvulkan.1.dylib or
// MoltenVK; vulkan-1.dll). What the binding lacks (vkCreateInstance with the
// portability flag, vkGetPhysicalDeviceProperties2, VK_EXT_memory_budget,
// VK_EXT_debug_utils, vkEnumerateInstanceVersion) is in ext.go; the calls
// that take slices, which the binding frees under the driver's feet when the
// garbage collector runs mid-call, are in calls.go.
//
// Every Vulkan result becomes a Go error through check, which maps device
// loss and memory exhaustion to the sentinel errors of this package.
//
// Memory is chosen by memory.go, a pure function of the device's memory
// table (tested on tables recorded from real GPUs in testdata/memory).
// Queues likewise by queues.go, from the device's queue families (listed in
// the same tables): a transfer-only family, where there is one, takes the
// staging uploads in submissions of their own that the kernels wait for by
// a semaphore (transfer.go); TransferMode runs that path on any device.
//
// Only the files that import the binding or C need cgo; nocgo.go, generated
// from them by gen_nocgo.go, stands in where cgo is off, so the packages
// above build anywhere and fail at NewInstance with ErrUnsupported and
// advice.
//
// The package is not safe for concurrent use; the gpu package serialises.
package vk

//go:generate go run gen_nocgo.go
