// Package lists owns what researchers keep between searches: reading lists of
// documents with a note per item, and saved searches that remember what was seen
// when they were last opened. Both live in one bbolt file beside the index, so
// they survive a restart, and every change is one bbolt transaction, so a crash
// mid-write leaves the previous state.
//
// The package never imports the index. A caller that adds a document looks it up
// first and hands over the *search.Document; the item keeps the document id and a
// snapshot of what exports and citations need (path, URL, title, date, type and
// the ids of the organizations, resolutions and countries it mentions). Document
// ids are content hashes, so a re-index of a changed file gives it a new id; the
// path is the stable key, and Store.Relink lets the caller re-find each item's
// document (by id, else by path) and move the item onto it, note and all.
//
// The rest is pure functions over a List: exports as RIS, BibTeX, CSL-JSON,
// Markdown and CSV (Export), an importer for the CSL-JSON export (ImportCSLJSON),
// and ready-to-paste citations of documents and resolutions in OSCOLA, Bluebook
// and a plain UN style (Cite, CiteResolution).
package lists

import (
	"errors"
	"fmt"
)

// Errors callers compare with errors.Is; the server maps ErrNotFound to 404,
// ErrInvalid to 400 and ErrLocked to 503. Their messages are written for the
// person who sent the request, so a handler can show them as they are.
var (
	// ErrNotFound means no list, saved search or item has the id asked for.
	ErrNotFound = errors.New("not found")
	// ErrInvalid means the input cannot be stored as given (an empty or overlong
	// name, a missing document, a bad position, an unknown export format).
	ErrInvalid = errors.New("invalid input")
	// ErrLocked means another process holds the store open.
	ErrLocked = errors.New("list store is in use by another process")
)

// kindError carries a message written for people and matches one of the
// sentinel errors, so that "list name is empty" reads as it is, without a
// "invalid input: " prefix, and still satisfies errors.Is(err, ErrInvalid).
type kindError struct {
	kind error
	msg  string
}

func (e *kindError) Error() string        { return e.msg }
func (e *kindError) Is(target error) bool { return target == e.kind }

func invalidf(format string, args ...any) error {
	return &kindError{kind: ErrInvalid, msg: fmt.Sprintf(format, args...)}
}

func notFoundf(format string, args ...any) error {
	return &kindError{kind: ErrNotFound, msg: fmt.Sprintf(format, args...)}
}
