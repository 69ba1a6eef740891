// Command visualizer races the Vulkan engine against the CPU engine over
// growing square GEMMs and shows their throughput live. Where Vulkan is not
// available it says why on screen and races the CPU path alone.
//
//	visualizer [-device NAME|INDEX|all|LIST] [-min 64] [-max 1024] [-race f32|batched|bf16|f16|int8] [-shot FILE [-frames N]]
//
// With -device all (or a list, 0,2) the Vulkan lane is a group of devices
// (gpu.OpenAll) sharing each product; its card gives each device's share
// of the last one.
//
// Keys: Space pauses, R reruns, ↑/↓ change the largest size, ←/→ pick the
// size the bars show, D switches the Vulkan device, M switches what is
// raced (float32, batched, BF16, F16, int8), H shows every key. An engine
// that cannot run what is raced (one without an int8 GEMM, say) sits it out
// and its card says why.
package main
