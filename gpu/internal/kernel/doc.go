// Package kernel is the engine's vocabulary of kernels: Kernel, one
// configuration of a family of shaders (workgroup, block per invocation,
// k-step, loads, element type); what a device can run (Kernel.Fits); the
// kernel each kind of device starts with (Default, the per-driver and
// per-vendor built-ins, Half, Float64); the shape classes products are
// grouped in (Class); and the candidates the tuner tries. It knows devices
// only through their properties (package vk) and modules only through the
// table of package shaders.
package kernel
