package viz

import (
	"github.com/vkgemm/vkgemm/gemm"
)

// Contender is one path in the race.
type Contender struct {
	Role   string      // what its bar is labelled with: "GPU" or "CPU"
	Name   string      // the engine's name while Engine is nil, e.g. "Vulkan"
	Engine gemm.Engine // nil when the path is unavailable
	Err    error       // why Engine is nil, shown on screen
	// Switch, if set, closes the current engine and opens the one on the
	// next device. The runner calls it between products, never during one.
	Switch func() (gemm.Engine, error)
	// Note, if set, says in plain words what the engine's device is when
	// its role would mislead, e.g. a "GPU" that is a CPU driver; "" for
	// nothing to say. Called whenever the engine changes.
	Note func(gemm.Engine) string
}

// Yielder is an engine that splits a product into pieces and can call a
// function between them, as cpu.Engine does with RowsPerStep and Yield: the
// browser's WebGPU engine, whose dispatches on a software adapter take the
// same cores as the page's drawing.
type Yielder interface {
	gemm.Engine
	// WithYield returns the engine calling yield between pieces.
	WithYield(yield func()) gemm.Engine
}
