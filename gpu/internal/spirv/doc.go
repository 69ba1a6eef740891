// Package spirv rewrites SPIR-V modules before they reach a driver.
//
// Freeze bakes a pipeline's specialization constants into the module as
// ordinary constants and folds the constant expressions built on them
// (OpSpecConstantOp). Vulkan drivers must do the same when they build a
// pipeline, but not all of them do it before optimising: SwiftShader keeps
// every test on a specialization constant as a run-time branch, and the
// GEMM kernels, which guard each element of their register block with one,
// ran 3 to 6 times slower from the module as compiled than from the same
// module frozen. Mesa's drivers and GPU drivers fold them either way, so
// freezing changes nothing there but the module's bytes.
//
// Only what a frozen module needs is understood here: the instruction
// stream, decorations, scalar integer and boolean types and constants, and
// the integer and logical operations that OpSpecConstantOp allows in
// shaders. Anything else is copied as it is.
package spirv
