//go:build !linux

package main

// lowPriority runs f; lowering a thread's priority is done on Linux only.
func lowPriority(f func()) { f() }
