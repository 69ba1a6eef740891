package vk

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"unsafe"

	vk "github.com/vulkan-go/vulkan"
)

// LoaderEnv names the environment variable that overrides the path of the
// Vulkan loader library.
const LoaderEnv = "VKGEMM_VULKAN_LIBRARY"

const validationLayer = "VK_LAYER_KHRONOS_validation"

var (
	loadOnce sync.Once
	loadErr  error
	getProc  unsafe.Pointer
)

// load opens the Vulkan loader once per process.
func load() error {
	loadOnce.Do(func() {
		path := os.Getenv(LoaderEnv)
		if path == "" {
			path = "libvulkan.so.1"
		}
		p, err := openLoader(path)
		if err != nil {
			loadErr = fmt.Errorf("%w: cannot open %s (%v); install the Vulkan loader: on Debian or Ubuntu `apt-get install libvulkan1`, elsewhere your GPU driver's Vulkan runtime", ErrNoLoader, path, err)
			return
		}
		getProc = p
		vk.SetGetInstanceProcAddr(p)
		if err := vk.Init(); err != nil {
			loadErr = fmt.Errorf("%w: %s loaded but did not initialise: %v", ErrNoLoader, path, err)
		}
	})
	return loadErr
}

// Instance is a Vulkan instance, with the validation layer and a debug
// messenger when asked for.
type Instance struct {
	h          vk.Instance
	fns        *fns // functions called from C (calls.go)
	validation bool
	messenger  messenger
}

// NewInstance loads the loader if needed and creates an instance for API
// version 1.1. With validation, VK_LAYER_KHRONOS_validation is enabled and
// its messages collected for Messages.
func NewInstance(validation bool) (*Instance, error) {
	if err := load(); err != nil {
		return nil, err
	}
	if v := instanceVersion(getProc); v < vk.MakeVersion(1, 1, 0) {
		return nil, fmt.Errorf("%w: the Vulkan loader supports only API %s; vkgemm needs 1.1 (update libvulkan1)", ErrUnsupported, Version(v))
	}
	var layers, exts []string
	if validation {
		if !hasLayer(validationLayer) {
			return nil, fmt.Errorf("validation requested but %s is not installed: on Debian or Ubuntu `apt-get install vulkan-validationlayers`", validationLayer)
		}
		layers = append(layers, validationLayer+"\x00")
		exts = append(exts, "VK_EXT_debug_utils\x00")
	}
	app := &vk.ApplicationInfo{
		SType:              vk.StructureTypeApplicationInfo,
		PApplicationName:   "vkgemm\x00",
		ApplicationVersion: vk.MakeVersion(0, 1, 0),
		PEngineName:        "vkgemm\x00",
		EngineVersion:      vk.MakeVersion(0, 1, 0),
		ApiVersion:         vk.MakeVersion(1, 1, 0),
	}
	info := &vk.InstanceCreateInfo{
		SType:                   vk.StructureTypeInstanceCreateInfo,
		PApplicationInfo:        app,
		EnabledLayerCount:       uint32(len(layers)),
		PpEnabledLayerNames:     layers,
		EnabledExtensionCount:   uint32(len(exts)),
		PpEnabledExtensionNames: exts,
	}
	var h vk.Instance
	r := vk.CreateInstance(info, nil, &h)
	info.Free()
	app.Free()
	if err := check(r, "vkCreateInstance"); err != nil {
		if r == vk.ErrorIncompatibleDriver || r == vk.ErrorInitializationFailed {
			return nil, fmt.Errorf("%w: %v (no Vulkan driver is installed: for a CPU driver `apt-get install mesa-vulkan-drivers`)", ErrNoDevice, err)
		}
		return nil, err
	}
	// Without InitInstance the next instance-level call jumps to address 0.
	if err := vk.InitInstance(h); err != nil {
		vk.DestroyInstance(h, nil)
		return nil, fmt.Errorf("vkgemm: loading instance functions: %v", err)
	}
	f, err := loadFns(h)
	if err != nil {
		vk.DestroyInstance(h, nil)
		return nil, err
	}
	in := &Instance{h: h, fns: f, validation: validation}
	if validation {
		m, r := createMessenger(getProc, h)
		if err := check(r, "vkCreateDebugUtilsMessengerEXT"); err != nil {
			freeFns(f)
			vk.DestroyInstance(h, nil)
			return nil, err
		}
		in.messenger = m
	}
	return in, nil
}

// Validation reports whether the validation layer is on.
func (in *Instance) Validation() bool { return in.validation }

// Messages returns the validation messages collected since the last call.
// Warnings and errors both count: correct use prints nothing.
func (in *Instance) Messages() error {
	if !in.validation {
		return nil
	}
	msgs, n := drainMessages()
	if n == 0 {
		return nil
	}
	return fmt.Errorf("%w: %d message(s):\n%s", ErrValidation, n, strings.Join(msgs, "\n"))
}

// Destroy destroys the instance; every device made from it must be gone.
func (in *Instance) Destroy() {
	if in.validation {
		destroyMessenger(getProc, in.h, in.messenger)
	}
	vk.DestroyInstance(in.h, nil)
	freeFns(in.fns)
}

// Version formats a packed Vulkan version.
func Version(v uint32) string {
	return fmt.Sprintf("%d.%d.%d", v>>22, (v>>12)&0x3ff, v&0xfff)
}

func cstr(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
