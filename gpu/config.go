package gpu

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/vkgemm/vkgemm/gpu/internal/engine"
	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"github.com/vkgemm/vkgemm/shaders"
)

// Switch is a boolean setting that can also be left to its default.
type Switch int8

// Values of a Switch. The zero value, Default, leaves the setting to the
// environment variable that sets it, else to its documented default.
const (
	Default Switch = iota
	On
	Off
)

// Config says which device to open and how. The zero Config picks the best
// device. Open applies ConfigFromEnv to every field left at its zero
// value, so each is also an environment variable (see the package
// documentation); a field set here wins over the environment.
type Config struct {
	// Device picks a device by its index in Devices or by a case-blind
	// substring of its name; empty, the best device. For OpenAll it may
	// also be "all" (empty means all there too) or a comma-separated list
	// of indexes or names, such as "0,2"; Open refuses those.
	Device string
	// Validation enables VK_LAYER_KHRONOS_validation: any message it
	// reports is returned as an error wrapping ErrValidation by the call
	// that caused it. Off by default.
	Validation Switch
	// Kernel forces a kernel family (shaders.FamilyDirect, FamilySubgroup,
	// FamilyBlock or FamilyTiled) on every product instead of the choice
	// made for the device; Open fails with ErrUnsupported where the device
	// cannot run it (the subgroup family needs 4- or 8-wide subgroups with
	// subgroupBroadcast).
	Kernel shaders.Family
	// ForceStaging copies every matrix through staging buffers even where
	// device memory is host-visible, as a discrete GPU needs: for testing
	// that path on CPU drivers. Off by default.
	ForceStaging Switch
	// MaxBindingBytes lowers the largest buffer range bound to a kernel
	// below the device's maxStorageBufferRange, so larger problems are
	// split: for testing the split path with small matrices.
	MaxBindingBytes int64
	// TransferQueue says where staging uploads run: "auto" (the default),
	// on a transfer-only queue family (a discrete GPU's copy engine) where
	// the device has one, else in the compute submission; "off", always in
	// the compute submission; "second", on a second queue of the compute
	// family (the compute queue where the family has only one); "same", on
	// the compute queue in submissions of their own. "second" and "same"
	// run the transfer-queue path (split submissions, semaphores) on any
	// device, for testing it where no transfer family exists.
	TransferQueue string
	// Timeout bounds every wait for the device (default 10 minutes).
	Timeout time.Duration
	// CacheDir holds tuning files and pipeline caches (default
	// os.UserCacheDir()/vkgemm).
	CacheDir string
	// Cache Off neither reads nor writes the cache directory: no tuning
	// file is used and no pipeline cache kept. On by default.
	Cache Switch
	// Warm On builds every pipeline in the background after Open (see
	// Device.Warm). Off by default.
	Warm Switch
	// Coopmat says whether GemmHalf's F16 products and GemmInt8's may run
	// on cooperative matrices (tensor cores, matrix units) where the device
	// lists a shape for them (f16×f16→f32, s8×s8→s32): by default on GPUs
	// and not on CPU drivers, which emulate them far slower than their
	// other kernels; On wherever listed; Off never. The first such product
	// checks the kernel on a small product first, and keeps the other
	// kernels, with a warning, where it is wrong.
	Coopmat Switch
	// CPUBelow overrides every crossover of the BLAS adapter (NewBLAS):
	// products of fewer flops (2·m·n·k) run on the CPU path, the others on
	// the device, which then waits for pipelines being built. Zero keeps
	// the device's crossovers; a negative value sends every product to the
	// device.
	CPUBelow float64
	// Logf receives warnings, such as a corrupt tuning file being ignored
	// (default: standard error).
	Logf func(format string, args ...any)
}

// Environment variables, each setting the Config field of the same meaning.
const (
	envDevice          = "VKGEMM_DEVICE"
	envValidation      = "VKGEMM_VALIDATION"
	envKernel          = "VKGEMM_KERNEL"
	envForceStaging    = "VKGEMM_FORCE_STAGING"
	envMaxBindingBytes = "VKGEMM_MAX_BINDING_BYTES"
	envTimeout         = "VKGEMM_TIMEOUT"
	envTransferQueue   = "VKGEMM_TRANSFER_QUEUE"
	envCacheDir        = "VKGEMM_CACHE_DIR"
	envNoCache         = "VKGEMM_NO_CACHE"
	envWarm            = "VKGEMM_WARM"
	envCPUBelow        = "VKGEMM_CPU_BELOW"
	envCoopmat         = "VKGEMM_COOPMAT"
)

// ConfigFromEnv is the Config the environment asks for: every VKGEMM_*
// variable of the package documentation, read into its field; unset
// variables leave their fields zero. A value that cannot be read is an
// error naming the variable, and its field is left zero.
func ConfigFromEnv() (Config, error) {
	c, errs := configFromEnv()
	var all []error
	for _, err := range errs {
		all = append(all, err)
	}
	return c, errors.Join(all...)
}

// configFromEnv reads the environment, with the error of each variable
// that cannot be read, by name.
func configFromEnv() (Config, map[string]error) {
	var c Config
	errs := map[string]error{}
	fail := func(name, value, want string) {
		errs[name] = fmt.Errorf("gpu: %s=%q is not %s", name, value, want)
	}
	c.Device = os.Getenv(envDevice)
	c.Kernel = shaders.Family(os.Getenv(envKernel))
	c.TransferQueue = os.Getenv(envTransferQueue)
	c.CacheDir = os.Getenv(envCacheDir)
	for _, sw := range []struct {
		name   string
		field  *Switch
		invert bool
	}{{envValidation, &c.Validation, false}, {envForceStaging, &c.ForceStaging, false}, {envNoCache, &c.Cache, true}, {envWarm, &c.Warm, false},
		{envCoopmat, &c.Coopmat, false}} {
		v := os.Getenv(sw.name)
		on, ok := parseSwitch(v)
		switch {
		case v == "":
		case !ok:
			fail(sw.name, v, "1 or 0 (also true/false, on/off, yes/no)")
		case on != sw.invert:
			*sw.field = On
		default:
			*sw.field = Off
		}
	}
	if s := os.Getenv(envMaxBindingBytes); s != "" {
		if v, err := strconv.ParseInt(s, 10, 64); err != nil || v <= 0 {
			fail(envMaxBindingBytes, s, "a positive number of bytes")
		} else {
			c.MaxBindingBytes = v
		}
	}
	if s := os.Getenv(envTimeout); s != "" {
		if d, err := time.ParseDuration(s); err != nil || d <= 0 {
			fail(envTimeout, s, "a positive duration such as 90s")
		} else {
			c.Timeout = d
		}
	}
	if s := os.Getenv(envCPUBelow); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		switch {
		case err != nil || math.IsNaN(v) || v < 0:
			fail(envCPUBelow, s, "a number of flops >= 0, such as 3.4e7 (256³ products) or 0 (everything on the device)")
		case v == 0:
			c.CPUBelow = -1
		default:
			c.CPUBelow = v
		}
	}
	return c, errs
}

// parseSwitch reads a boolean variable; ok is false where it is no boolean.
func parseSwitch(v string) (on, ok bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "on", "yes":
		return true, true
	case "0", "false", "off", "no":
		return false, true
	}
	return false, false
}

// withEnv fills the fields of c left at their zero value from the
// environment and checks the result; a variable that cannot be read is an
// error only where it would be used.
func (c Config) withEnv() (Config, error) {
	env, bad := configFromEnv()
	var errs []error
	use := func(name string, unset bool, apply func()) {
		if !unset {
			return
		}
		if err, ok := bad[name]; ok {
			errs = append(errs, err)
			return
		}
		apply()
	}
	use(envDevice, c.Device == "", func() { c.Device = env.Device })
	use(envValidation, c.Validation == Default, func() { c.Validation = env.Validation })
	use(envKernel, c.Kernel == "", func() { c.Kernel = env.Kernel })
	use(envForceStaging, c.ForceStaging == Default, func() { c.ForceStaging = env.ForceStaging })
	use(envMaxBindingBytes, c.MaxBindingBytes == 0, func() { c.MaxBindingBytes = env.MaxBindingBytes })
	use(envTimeout, c.Timeout == 0, func() { c.Timeout = env.Timeout })
	use(envTransferQueue, c.TransferQueue == "", func() { c.TransferQueue = env.TransferQueue })
	use(envCacheDir, c.CacheDir == "", func() { c.CacheDir = env.CacheDir })
	use(envNoCache, c.Cache == Default, func() { c.Cache = env.Cache })
	use(envWarm, c.Warm == Default, func() { c.Warm = env.Warm })
	use(envCPUBelow, c.CPUBelow == 0, func() { c.CPUBelow = env.CPUBelow })
	use(envCoopmat, c.Coopmat == Default, func() { c.Coopmat = env.Coopmat })
	return c, errors.Join(errs...)
}

// engineConfig checks c and decides every default: what the engine opens
// the device with.
func (c Config) engineConfig() (engine.Config, error) {
	for _, sw := range []struct {
		name string
		v    Switch
	}{{"Validation", c.Validation}, {"ForceStaging", c.ForceStaging}, {"Cache", c.Cache}, {"Warm", c.Warm}, {"Coopmat", c.Coopmat}} {
		if sw.v < Default || sw.v > Off {
			return engine.Config{}, fmt.Errorf("gpu: %w: Config.%s is %d, not gpu.Default, gpu.On or gpu.Off", ErrBadArgument, sw.name, sw.v)
		}
	}
	switch {
	case c.Kernel != "" && !c.Kernel.GEMM():
		return engine.Config{}, fmt.Errorf("gpu: %w: unknown kernel family %q: use %q, %q, %q or %q", ErrBadArgument, c.Kernel,
			shaders.FamilyDirect, shaders.FamilySubgroup, shaders.FamilyBlock, shaders.FamilyTiled)
	case c.MaxBindingBytes < 0:
		return engine.Config{}, fmt.Errorf("gpu: %w: Config.MaxBindingBytes is negative (%d)", ErrBadArgument, c.MaxBindingBytes)
	case c.Timeout < 0:
		return engine.Config{}, fmt.Errorf("gpu: %w: Config.Timeout is negative (%v)", ErrBadArgument, c.Timeout)
	case math.IsNaN(c.CPUBelow):
		return engine.Config{}, fmt.Errorf("gpu: %w: Config.CPUBelow is NaN", ErrBadArgument)
	}
	transfer, err := vk.ParseTransferMode(c.TransferQueue)
	if err != nil {
		return engine.Config{}, fmt.Errorf("gpu: %w: Config.TransferQueue or %s: %v", ErrBadArgument, envTransferQueue, err)
	}
	ec := engine.Config{
		Validation:      c.Validation == On,
		Kernel:          c.Kernel,
		ForceStaging:    c.ForceStaging == On,
		MaxBindingBytes: c.MaxBindingBytes,
		Transfer:        transfer,
		Timeout:         c.Timeout,
		Warm:            c.Warm == On,
		Coopmat:         map[Switch]engine.CoopmatMode{Default: engine.CoopmatAuto, On: engine.CoopmatOn, Off: engine.CoopmatOff}[c.Coopmat],
		Logf:            c.Logf,
	}
	if ec.Timeout == 0 {
		ec.Timeout = engine.DefaultTimeout
	}
	if c.Cache != Off {
		ec.CacheDir = c.CacheDir
		if ec.CacheDir == "" {
			if base, err := os.UserCacheDir(); err == nil {
				ec.CacheDir = filepath.Join(base, "vkgemm")
			}
		}
	}
	return ec, nil
}
