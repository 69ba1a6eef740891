// Package gemmtest is the conformance suite every gemm.Engine runs: the
// correctness sweep of gemm.Cases against the float64 reference, and the
// bad-argument checks. Correctness is defined once here, not per engine.
package gemmtest
