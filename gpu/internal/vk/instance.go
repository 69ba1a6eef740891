//go:build cgo && (linux || darwin || windows)

package vk

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"unsafe"

	vk "github.com/vulkan-go/vulkan"
)

const validationLayer = "VK_LAYER_KHRONOS_validation"

var (
	loadOnce sync.Once
	loadErr  error
	getProc  unsafe.Pointer
)

// load opens the Vulkan loader once per process: VKGEMM_VULKAN_LIBRARY if
// set, else the names of loaderNames in turn.
func load() error {
	loadOnce.Do(func() {
		names := loaderNames(runtime.GOOS)
		if p := os.Getenv(LoaderEnv); p != "" {
			names = []string{p}
		}
		var why []string
		for _, path := range names {
			p, err := openLoader(path)
			if err != nil {
				why = append(why, fmt.Sprintf("%s: %v", path, err))
				continue
			}
			getProc = p
			vk.SetGetInstanceProcAddr(p)
			if err := vk.Init(); err != nil {
				loadErr = fmt.Errorf("%w: %s loaded but did not initialise: %v", ErrNoLoader, path, err)
			}
			return
		}
		loadErr = fmt.Errorf("%w: cannot open the Vulkan loader (%s); %s", ErrNoLoader, strings.Join(why, "; "), loaderAdvice(runtime.GOOS))
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
	msgs       *messages // this instance's validation messages
}

// NewInstance loads the loader if needed and creates an instance for API
// version 1.1, with VK_KHR_portability_enumeration where the loader offers
// it (MoltenVK is hidden otherwise). With validation,
// VK_LAYER_KHRONOS_validation is enabled and its messages, from creation
// on, collected for Messages.
func NewInstance(validation bool) (*Instance, error) {
	if err := load(); err != nil {
		return nil, err
	}
	if v := instanceVersion(getProc); v < vk.MakeVersion(1, 1, 0) {
		return nil, fmt.Errorf("%w: the Vulkan loader supports only API %s; vkgemm needs 1.1 (update libvulkan1)", ErrUnsupported, Version(v))
	}
	var layers []string
	if validation {
		if !hasLayer(validationLayer) {
			return nil, fmt.Errorf("validation requested but %s is not installed: on Debian or Ubuntu `apt-get install vulkan-validationlayers`", validationLayer)
		}
		layers = append(layers, validationLayer)
	}
	exts, flags := InstanceExtensions(instanceExtensions(getProc), validation)
	in := &Instance{validation: validation}
	if validation {
		in.msgs = newMessages()
	}
	h, r := createInstance(getProc, layers, exts, flags, in.msgs)
	if err := check(r, "vkCreateInstance"); err != nil {
		err = errors.Join(driverError(r, err), in.Messages())
		freeMessages(in.msgs)
		return nil, err
	}
	in.h = h
	// Without InitInstance the next instance-level call jumps to address 0.
	if err := vk.InitInstance(h); err != nil {
		in.Destroy()
		return nil, fmt.Errorf("vk: loading instance functions: %v", err)
	}
	f, err := loadFns(h)
	if err != nil {
		in.Destroy()
		return nil, err
	}
	in.fns = f
	if validation {
		m, r := createMessenger(getProc, h, in.msgs)
		if err := check(r, "vkCreateDebugUtilsMessengerEXT"); err != nil {
			in.Destroy()
			return nil, err
		}
		in.messenger = m
	}
	return in, nil
}

// driverError is explainDriverError with this process's environment.
func driverError(r vk.Result, err error) error {
	return explainDriverError(int32(r), err, os.Getenv)
}

// Validation reports whether the validation layer is on.
func (in *Instance) Validation() bool { return in.validation }

// Messages returns the validation messages this instance collected since
// the last call. Warnings and errors both count: correct use prints nothing.
func (in *Instance) Messages() error {
	msgs, n := drainMessages(in.msgs)
	if n == 0 {
		return nil
	}
	return fmt.Errorf("%w: %d message(s):\n%s", ErrValidation, n, strings.Join(msgs, "\n"))
}

// Destroy destroys the instance; every device made from it must be gone.
// It returns the validation messages not yet collected, those raised while
// destroying the instance included.
func (in *Instance) Destroy() error {
	if in.h != nil {
		if in.messenger != nil {
			destroyMessenger(getProc, in.h, in.messenger)
		}
		vk.DestroyInstance(in.h, nil)
		in.h = nil
	}
	if in.fns != nil {
		freeFns(in.fns)
		in.fns = nil
	}
	err := in.Messages()
	freeMessages(in.msgs)
	in.msgs = nil
	return err
}

func cstr(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}
