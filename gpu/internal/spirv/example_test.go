package spirv_test

import (
	"fmt"

	"github.com/vkgemm/vkgemm/gpu/internal/spirv"
	"github.com/vkgemm/vkgemm/shaders"
)

// Freeze a kernel for a 64-wide workgroup: the module that comes back has
// no specialization constants left, so the pipeline needs no
// specialization info.
func ExampleFreeze() {
	module, err := shaders.SPIRV("peak")
	if err != nil {
		panic(err)
	}
	frozen, err := spirv.Freeze(module, map[uint32]uint32{shaders.SpecWorkgroupX: 64})
	fmt.Println(err, len(frozen) < len(module))
	// Output: <nil> true
}
