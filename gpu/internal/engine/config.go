package engine

import (
	"fmt"
	"os"
	"time"

	"github.com/vkgemm/vkgemm/gpu/internal/vk"
	"github.com/vkgemm/vkgemm/shaders"
)

// Config is how a device is opened, every value decided: package gpu fills
// it from its Config and the environment.
type Config struct {
	Validation      bool
	Kernel          shaders.Family // a forced family, or ""
	ForceStaging    bool
	MaxBindingBytes int64 // 0: the device's limit
	Transfer        vk.TransferMode
	Timeout         time.Duration
	CacheDir        string // tunings and pipeline caches; "" for none
	Warm            bool   // start Warm in the background at Open
	Coopmat         CoopmatMode
	Logf            func(format string, args ...any)
}

// DefaultTimeout bounds every wait for the device unless configured.
const DefaultTimeout = 10 * time.Minute

func (c Config) logf(format string, args ...any) {
	if c.Logf != nil {
		c.Logf(format, args...)
		return
	}
	fmt.Fprintf(os.Stderr, format+"\n", args...)
}
