// Package gcsettings holds the garbage-collector settings Dossier's long runs
// use: a bulk ingest and a server. Both trade memory the machine has for CPU
// the collector would spend: parsing, Bleve's analysis and search results
// allocate a great deal that dies young. Settings given in the GOGC or
// GOMEMLIMIT environment variables are always left alone.
package gcsettings

import (
	"os"
	"runtime/debug"
)

// Ingest sets the collector for a bulk ingest and returns the function that puts
// the previous settings back. Collecting at four times the live heap rather than
// twice cut ingest CPU by about a fifth in `dossier bench`; the soft limit keeps
// the heap near the 400 MB peak the project aims for.
func Ingest() (restore func()) { return set(400, 300<<20) }

// Serve sets the collector for a server. With the same fourfold growth the
// bench's loopback load went from 539 to 805 five-facet searches a second at
// 10,000 documents; a server's own heap is small (tens of MB; the index's files
// are mapped, not on the heap), and the soft limit bounds it all the same.
func Serve() (restore func()) { return set(400, 512<<20) }

func set(percent int, limit int64) (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	oldPercent := debug.SetGCPercent(percent)
	oldLimit := debug.SetMemoryLimit(limit)
	return func() {
		debug.SetGCPercent(oldPercent)
		debug.SetMemoryLimit(oldLimit)
	}
}
