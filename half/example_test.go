package half_test

import (
	"fmt"

	"github.com/vkgemm/vkgemm/half"
)

func Example() {
	x := float32(0.1)
	b := half.BF16.FromFloat32(x)
	h := half.F16.FromFloat32(x)
	fmt.Printf("bf16 %#04x = %g\n", b, half.BF16.ToFloat32(b))
	fmt.Printf("f16  %#04x = %g\n", h, half.F16.ToFloat32(h))
	// Output:
	// bf16 0x3dcd = 0.100097656
	// f16  0x2e66 = 0.099975586
}
