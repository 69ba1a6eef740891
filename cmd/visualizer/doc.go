// Command visualizer races the Vulkan engine against the CPU engine over
// growing square GEMMs and shows their throughput live. Where Vulkan is not
// available it says why on screen and races the CPU path alone.
//
//	visualizer [-device NAME|INDEX] [-min 64] [-max 1024] [-shot FILE [-frames N]]
//
// Keys: Space pauses, R reruns, ↑/↓ change the largest size, ←/→ pick the
// size the bars show, D switches the Vulkan device, H shows every key.
package main
