//go:build !unix

package entity

import "time"

// processCPU is not measured on this system; BenchmarkExtract then reports
// wall-clock throughput only.
func processCPU() time.Duration { return 0 }
