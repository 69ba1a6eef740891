package gpu

import (
	"github.com/vkgemm/vkgemm/gpu/internal/engine"
	"github.com/vkgemm/vkgemm/internal/diag"
)

// The tuner (gpu/tune) and the command-line tool's diagnostics need the
// engine behind a Device, which this package does not export.
func init() {
	engine.RegisterUnwrap(func(dev any) *engine.Device {
		if d, ok := dev.(*Device); ok && d != nil {
			return d.e
		}
		return nil
	})
	diag.Register(func(dev any) diag.Prober {
		if d, ok := dev.(*Device); ok && d != nil {
			return d.e
		}
		return nil
	})
}
