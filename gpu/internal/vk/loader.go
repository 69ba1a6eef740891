package vk

// LoaderEnv names the environment variable that overrides the path of the
// Vulkan loader library.
const LoaderEnv = "VKGEMM_VULKAN_LIBRARY"

// loaderNames are the libraries tried, in order, to find the Vulkan
// loader on goos: the runtime loader (the binding's own choice,
// libvulkan.so, exists only with the -dev package), and on macOS MoltenVK
// itself where no loader is installed (it exports vkGetInstanceProcAddr).
func loaderNames(goos string) []string {
	switch goos {
	case "darwin", "ios":
		return []string{"libvulkan.1.dylib", "libvulkan.dylib", "libMoltenVK.dylib"}
	case "windows":
		return []string{"vulkan-1.dll"}
	}
	return []string{"libvulkan.so.1"}
}

// loaderAdvice says how to install the loader on goos.
func loaderAdvice(goos string) string {
	switch goos {
	case "darwin", "ios":
		return "install the Vulkan SDK from LunarG or MoltenVK (`brew install molten-vk vulkan-loader`)"
	case "windows":
		return "install your GPU driver, which ships vulkan-1.dll, or the Vulkan runtime from LunarG"
	}
	return "on Debian or Ubuntu `apt-get install libvulkan1`, elsewhere your GPU driver's Vulkan runtime"
}
