// Command vkgemm lists Vulkan devices, checks vkgemm's results on one, and
// measures its speed against the CPU.
//
//	vkgemm devices            the Vulkan devices of this machine
//	vkgemm verify             the correctness sweep on the chosen device
//	vkgemm bench              GFLOPS of the Vulkan engine and the CPU engine
//	vkgemm peak               the device's measured FMA throughput
//	vkgemm tune               find and save the fastest kernel per shape class
//
// Every command takes -device (index or name substring, as listed by
// `vkgemm devices`) and -validation; `vkgemm COMMAND -h` lists its flags.
package main
