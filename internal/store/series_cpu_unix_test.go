//go:build unix

package store

import (
	"syscall"
	"time"
)

// processCPU is the user+system CPU time of the test process so far; the
// series benchmarks report it because wall time on a shared machine is noise.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
