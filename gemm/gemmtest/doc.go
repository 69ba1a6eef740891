// Package gemmtest is the yardstick every engine is held to: the float64
// reference (Reference, Reference64) with its error bound (Bound, Bound64),
// the corpus of problems (Cases, NewProblem), Verify, which runs one problem
// on an engine and compares, and the conformance suite every gemm.Engine
// runs in its tests (Correctness, BadArguments). Correctness is defined once
// here, not per engine. The reference and Verify need no test binary: the
// tuner checks every candidate kernel with them and `vkgemm verify` runs the
// corpus on a device.
package gemmtest
