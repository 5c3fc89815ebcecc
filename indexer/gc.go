package indexer

import (
	"os"
	"runtime/debug"
)

// Garbage-collector settings for a bulk ingest. Parsing and Bleve's analysis
// allocate a great deal that dies young; collecting at four times the live heap
// rather than twice cut ingest CPU by about a fifth in `dossier bench`, and the
// soft limit keeps the heap near the 400 MB peak the project aims for.
const (
	bulkGCPercent   = 400
	bulkMemoryLimit = 300 << 20
)

// BulkGC sets the garbage collector for a bulk ingest and returns the function
// that puts the previous settings back. Settings given in the GOGC or GOMEMLIMIT
// environment variables are left alone.
func BulkGC() (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	percent := debug.SetGCPercent(bulkGCPercent)
	limit := debug.SetMemoryLimit(bulkMemoryLimit)
	return func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	}
}
