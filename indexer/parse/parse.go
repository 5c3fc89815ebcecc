// Package parse defines what every format parser produces: a Document holding the
// text a person would read (title, date, body) and the facts about its source. The
// format packages (indexer/text, indexer/html, indexer/pdf) implement Parser; Safe
// runs any of them behind recover and a deadline so that one bad file can only fail
// itself.
package parse

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"
)

// Document is one parsed file.
type Document struct {
	// Title is the document's own title, trimmed; never empty after a successful parse
	// of a file with text (parsers fall back to the first line).
	Title string
	// Date is the publication date the source's metadata gives, ISO 8601 at the
	// precision given (2019-12-05, 2019-12, 2019), or "" when the metadata has none.
	Date string
	// Body is the plain text a reader sees, in reading order, paragraphs separated by
	// blank lines. Entity offsets point into it.
	Body string
	// Format is the file format: "html", "pdf" or "text".
	Format string
	// Language is the BCP 47 tag the source declares ("en"), or "" when unknown.
	Language string
	// Meta holds source metadata worth keeping (PDF producer, page count, canonical
	// URL, ...), keyed by short lower-case names.
	Meta map[string]string
}

// Parser turns the bytes of one file into a Document.
type Parser interface {
	Parse(ctx context.Context, data []byte) (*Document, error)
}

// ErrTimeout is returned by Safe when a parser runs past its deadline.
var ErrTimeout = errors.New("parser timed out")

// DefaultTimeout bounds one file's parse when the caller sets no deadline.
const DefaultTimeout = 30 * time.Second

// Safe runs p on data, turning a panic into an error and giving up after timeout
// (DefaultTimeout when zero). A parser that hangs keeps its goroutine, but the
// caller goes on: that leak is the price of not trusting third-party parsers
// in-process.
func Safe(ctx context.Context, p Parser, data []byte, timeout time.Duration) (*Document, error) {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	type outcome struct {
		doc *Document
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- outcome{err: fmt.Errorf("parser panicked: %v\n%s", r, firstLines(debug.Stack(), 12))}
			}
		}()
		doc, err := p.Parse(ctx, data)
		done <- outcome{doc, err}
	}()
	select {
	case o := <-done:
		return o.doc, o.err
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("%w after %s", ErrTimeout, timeout)
		}
		return nil, ctx.Err()
	}
}

func firstLines(b []byte, n int) []byte {
	for i, c := range b {
		if c == '\n' {
			n--
			if n == 0 {
				return b[:i]
			}
		}
	}
	return b
}
