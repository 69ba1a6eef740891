package main

import (
	"runtime"
	"syscall"
)

// lowPriority runs f on an OS thread whose nice value is raised by 10.
// Threads a driver starts from it inherit that value: lavapipe's workers,
// started when the device opens, then leave the cores to the software GL
// that draws the frames, which would otherwise drop below 30 per second on
// a machine with few cores.
func lowPriority(f func()) {
	done := make(chan struct{})
	go func() {
		// The thread is dropped when this goroutine exits still locked, so
		// no other goroutine ever runs at the lowered priority.
		runtime.LockOSThread()
		tid := syscall.Gettid()
		if prio, err := syscall.Getpriority(syscall.PRIO_PROCESS, tid); err == nil {
			// Getpriority returns 20 - nice on Linux.
			_ = syscall.Setpriority(syscall.PRIO_PROCESS, tid, min(19, 20-prio+10))
		}
		f()
		close(done)
	}()
	<-done
}
