//go:build unix

package search

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// lockFree reports whether the lock Bleve's root file is held under (bbolt's
// flock) can be taken, waiting up to timeout for it. It takes the lock only to
// look and releases it at once: Bleve takes it again when it opens the index.
// A missing file is free.
func lockFree(path string, timeout time.Duration) (bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	deadline := time.Now().Add(timeout)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return true, syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			return false, err
		}
		if time.Now().After(deadline) {
			return false, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
}
