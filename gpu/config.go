package gpu

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/vkgemm/vkgemm/gpu/internal/vk"
)

// Config says which device to open and how. The zero Config picks the best
// device; every field left zero may be set by an environment variable.
type Config struct {
	// Device picks a device by its index in Devices or by a case-blind
	// substring of its name. Empty: VKGEMM_DEVICE, else the best device.
	Device string
	// Validation enables VK_LAYER_KHRONOS_validation; any message it reports
	// is returned as an error wrapping ErrValidation by the call that caused
	// it. Also VKGEMM_VALIDATION=1.
	Validation bool
	// Kernel forces a kernel family, "direct", "subgroup", "block" or
	// "tiled", instead of the choice made for the device; Open fails with
	// ErrUnsupported where the device cannot run it ("subgroup" needs 4- or
	// 8-wide subgroups with subgroupBroadcast). Also VKGEMM_KERNEL.
	Kernel string
	// ForceStaging copies every matrix through staging buffers even where
	// device memory is host-visible, as a discrete GPU needs. For testing
	// that path on CPU drivers. Also VKGEMM_FORCE_STAGING=1.
	ForceStaging bool
	// MaxBindingBytes lowers the largest buffer range bound to a kernel
	// below the device's maxStorageBufferRange, so larger problems are split.
	// For testing the split path with small matrices. Also
	// VKGEMM_MAX_BINDING_BYTES.
	MaxBindingBytes int64
	// TransferQueue says where staging uploads run (see README, "How a
	// call runs"): "auto" or empty, on a transfer-only queue family (a
	// discrete GPU's copy engine) where the device has one, else in the
	// compute submission; "off", always in the compute submission; "second",
	// on a second queue of the compute family (the compute queue where the
	// family has only one); "same", on the compute queue in submissions of
	// their own. "second" and "same" run the transfer-queue path (split
	// submissions, semaphores) on any device, for testing it where no
	// transfer family exists. Also VKGEMM_TRANSFER_QUEUE.
	TransferQueue string
	// Timeout bounds every wait for the device (default 10 minutes, or
	// VKGEMM_TIMEOUT as a Go duration such as "90s").
	Timeout time.Duration
	// CacheDir holds tuning files and pipeline caches (default
	// VKGEMM_CACHE_DIR, else os.UserCacheDir()/vkgemm).
	CacheDir string
	// NoCache neither reads nor writes the cache directory. Also
	// VKGEMM_NO_CACHE=1.
	NoCache bool
	// Logf receives warnings, such as a corrupt tuning file being ignored
	// (default: standard error).
	Logf func(format string, args ...any)
}

// Environment variables read by Open when the Config field is zero.
const (
	EnvDevice          = "VKGEMM_DEVICE"
	EnvValidation      = "VKGEMM_VALIDATION"
	EnvKernel          = "VKGEMM_KERNEL"
	EnvForceStaging    = "VKGEMM_FORCE_STAGING"
	EnvMaxBindingBytes = "VKGEMM_MAX_BINDING_BYTES"
	EnvTimeout         = "VKGEMM_TIMEOUT"
	EnvTransferQueue   = "VKGEMM_TRANSFER_QUEUE"
	EnvCacheDir        = "VKGEMM_CACHE_DIR"
	EnvNoCache         = "VKGEMM_NO_CACHE"
)

const defaultTimeout = 10 * time.Minute

// withEnv fills the zero fields of c from the environment.
func (c Config) withEnv() (Config, error) {
	if c.Device == "" {
		c.Device = os.Getenv(EnvDevice)
	}
	if !c.Validation {
		c.Validation = envBool(EnvValidation)
	}
	if c.Kernel == "" {
		c.Kernel = os.Getenv(EnvKernel)
	}
	switch c.Kernel {
	case "", kernelDirect, kernelSubgroup, kernelBlock, kernelTiled:
	default:
		return c, fmt.Errorf("gpu: unknown kernel %q: use %q, %q, %q or %q", c.Kernel, kernelDirect, kernelSubgroup, kernelBlock, kernelTiled)
	}
	if !c.ForceStaging {
		c.ForceStaging = envBool(EnvForceStaging)
	}
	if c.MaxBindingBytes == 0 {
		if s := os.Getenv(EnvMaxBindingBytes); s != "" {
			v, err := strconv.ParseInt(s, 10, 64)
			if err != nil || v <= 0 {
				return c, fmt.Errorf("gpu: %s=%q is not a positive number of bytes", EnvMaxBindingBytes, s)
			}
			c.MaxBindingBytes = v
		}
	}
	if c.MaxBindingBytes < 0 {
		return c, fmt.Errorf("gpu: Config.MaxBindingBytes is negative (%d)", c.MaxBindingBytes)
	}
	if c.TransferQueue == "" {
		c.TransferQueue = os.Getenv(EnvTransferQueue)
	}
	if _, err := vk.ParseTransferMode(c.TransferQueue); err != nil {
		return c, fmt.Errorf("gpu: Config.TransferQueue or %s: %w", EnvTransferQueue, err)
	}
	if c.Timeout == 0 {
		c.Timeout = defaultTimeout
		if s := os.Getenv(EnvTimeout); s != "" {
			d, err := time.ParseDuration(s)
			if err != nil || d <= 0 {
				return c, fmt.Errorf("gpu: %s=%q is not a positive duration such as 90s", EnvTimeout, s)
			}
			c.Timeout = d
		}
	}
	if !c.NoCache {
		c.NoCache = envBool(EnvNoCache)
	}
	if c.Timeout < 0 {
		return c, fmt.Errorf("gpu: Config.Timeout is negative (%v)", c.Timeout)
	}
	return c, nil
}

func envBool(name string) bool {
	v, _ := strconv.ParseBool(os.Getenv(name))
	return v
}

func (c Config) logf(format string, args ...any) {
	if c.Logf != nil {
		c.Logf(format, args...)
		return
	}
	fmt.Fprintf(os.Stderr, format+"\n", args...)
}
