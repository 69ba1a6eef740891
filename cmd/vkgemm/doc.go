// Command vkgemm lists Vulkan devices, checks vkgemm's results on one, and
// measures its speed against the CPU.
//
//	vkgemm devices            the Vulkan devices of this machine
//	vkgemm verify             the correctness sweep on the chosen device
//	vkgemm bench              GFLOPS of the Vulkan engine and the CPU engine
//	vkgemm peak               the device's measured FMA throughput
//	vkgemm tune               find and save the fastest kernel per shape class
//	vkgemm isa                what the driver's compiler makes of every kernel
//
// Every command takes -device (index or name substring, as listed by
// `vkgemm devices`), and those that open a device -validation; `vkgemm
// COMMAND -h` lists its flags.
//
// `vkgemm devices` shows the cooperative-matrix shapes (tensor cores,
// matrix units) each device lists, "none" where it lists none, and, where
// it lists any, opens the device with cooperative matrices on and runs the
// self-checks of its cooperative-matrix kernels (GemmHalf's F16 one where
// it lists f16×f16→f32, GemmInt8's where it lists s8×s8→s32): "passed",
// "failed: why", or "not used (why)" (VKGEMM_COOPMAT=0 skips them); -json
// has them as matrix_shapes and coopmat.
//
// `vkgemm bench -half f16,bf16` times GemmHalf next to float32, and
// `vkgemm bench -int8` GemmInt8 (int8 A and B, exact int32 C) at every size
// but the batch, and the CPU engine's int8 GEMM unless -cpu=false, in GOPS
// (2·m·n·k integer operations a second; JSON vulkan_wall_gops and
// cpu_gops), checking each int8 result once, untimed, against the CPU
// engine's exact one: a difference fails the run. Each row names the
// kernel family that ran it (JSON family and kernel): "coopmat" on
// cooperative matrices, else the FMA kernels' (direct, subgroup, block,
// tiled). GPUs use cooperative matrices for F16 and int8 where they list
// the shapes (f16×f16→f32, s8×s8→s32); CPU drivers that list them
// (lavapipe from Mesa 26) only with VKGEMM_COOPMAT=1, as they emulate them
// slowly:
//
//	VKGEMM_COOPMAT=1 scripts/mesa26.sh run lvp bin/vkgemm bench -sizes 256 -half f16 -int8
//
// `vkgemm tune -int8` searches GemmInt8's kernel per shape class too
// ("int8/square" in the tuning file): the int8 direct module's blocks per
// invocation and workgroup shapes that fit the device, each checked
// exactly against the CPU engine's int8 GEMM (on ragged products and on
// the product it is timed on) before it is timed, in GOPS; a wrong one is
// discarded. Where GemmInt8 runs on cooperative matrices it keeps them;
// the tuned kernel serves where they are off or fail their self-check.
//
// `vkgemm bench -device all` (or a list such as -device 0,2, or
// VKGEMM_DEVICE=all) times float32 square products at each size on every
// device of the group alone and on the group (gpu.OpenAll), in one run,
// the timed runs taking turns so that they share the machine's ups and
// downs: each one's GFLOPS, the group against its fastest device alone
// (JSON group_over_fastest), and each device's share of the group's
// multiply-adds, averaged over the repetitions (JSON devices[].share).
// The group warms up on 4 products of each size (JSON group_warm_up), the
// ones it learns the size from (gpu.Group):
//
//	VK_DRIVER_FILES=$LAVAPIPE:$SWIFTSHADER bin/vkgemm bench -device all -sizes 1024,2048
package main
