//go:build !unix

package search

import "time"

// lockFree cannot look at the lock where flock does not exist; Bleve's own
// open still waits for it and times out.
func lockFree(string, time.Duration) (bool, error) { return true, nil }
