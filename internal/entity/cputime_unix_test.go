//go:build unix

package entity

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time (user and system) the process has used, so
// that a benchmark can report throughput per CPU-second as well as per
// wall-clock second: on a shared, loaded machine the two differ widely.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
