package indexer

import (
	"errors"
	"regexp"
	"syscall"
)

// DiskFullError says that a run stopped because the disk holding the index
// (or the user's quota on it) is full, what is kept and what to do; DiskFull
// makes one from the error Run (or opening a data folder) returned. What the
// run had committed stays: the index is written a batch at a time and the
// manifest only after its batch, so the index opens and searches, the reading
// lists are not touched, and the same run repeated once there is room
// finishes the job (cmd/dossier/diskfull_test.go checks all of it).
type DiskFullError struct {
	// Op is the write that failed, as the system put it: "write
	// /x/bleve/store/000000000004.zap: no space left on device".
	Op string
}

func (e *DiskFullError) Error() string {
	return "the disk is full: indexing stopped; everything indexed before is kept and can be searched; free some space and run the same command again to finish (" + e.Op + ")"
}

// Is makes a DiskFullError match syscall.ENOSPC (a full quota included), so
// that code which must not import indexer, the server answering a hand-off,
// tells a full disk from other failures with errors.Is and can pass this
// message on.
func (e *DiskFullError) Is(target error) bool { return target == syscall.ENOSPC }

// noSpace finds the operation that failed for want of space in an error's
// text: Bleve reports a failed segment write with the text of the error, not
// the error itself, so errors.Is cannot see it.
var noSpace = regexp.MustCompile(`(?:[a-z]+ \S+: )?(?:no space left on device|disk quota exceeded)`)

// DiskFull reports whether err, from Run or from opening or writing a data
// folder, failed for want of space, and says which write failed.
func DiskFull(err error) (*DiskFullError, bool) {
	if err == nil {
		return nil, false
	}
	if d, ok := errors.AsType[*DiskFullError](err); ok {
		return d, true
	}
	m := noSpace.FindAllString(err.Error(), -1)
	if m == nil && !errors.Is(err, syscall.ENOSPC) && !errors.Is(err, syscall.EDQUOT) {
		return nil, false
	}
	op := err.Error()
	if m != nil {
		op = m[len(m)-1]
	}
	return &DiskFullError{Op: op}, true
}
