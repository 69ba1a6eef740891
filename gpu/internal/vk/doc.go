// Package vk is vkgemm's thin layer over github.com/vulkan-go/vulkan, the only
// package that imports it. It keeps the binding's quirks inside: names are
// NUL-terminated here, every create-info is built fresh and freed after its
// call (the binding caches a stale C copy and leaks one otherwise), handles
// are written into locals (the binding refuses pointers into structs that
// hold Go pointers), vk.InitInstance runs right after instance creation, and
// the loader is opened as libvulkan.so.1, which a machine with only the
// runtime package has. What the binding lacks (vkGetPhysicalDeviceProperties2,
// VK_EXT_debug_utils, vkEnumerateInstanceVersion, the pipeline-cache header)
// is in ext.go; the calls that take slices, which the binding frees under
// the driver's feet when the garbage collector runs mid-call, are in
// calls.go.
//
// Every Vulkan result becomes a Go error through check, which maps device
// loss and memory exhaustion to the sentinel errors of this package.
//
// The package is not safe for concurrent use; the gpu package serialises.
package vk
