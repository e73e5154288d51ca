//go:build unix

package main

import (
	"syscall"
	"time"
)

// cpuSeconds is this process's user+system CPU time (server and client:
// both transports face the same server cost).
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}
