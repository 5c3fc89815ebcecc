// Package pdftotext reads PDFs with poppler's pdftotext, where it is
// installed: the fallback for files Dossier's own extractor (indexer/pdf)
// cannot read, such as AES-256 encryption that opens without a password, or
// finds no text in. Poppler is the reader most Linux PDF viewers use, and it
// repairs and decrypts more than the Go library does; it is also C++ parsing
// hostile input, so it runs as a child process with a deadline, a memory
// limit (through the sandbox, when one is given) and a cap on the text read
// back, and the file goes to it on stdin: no temporary file to leak.
package pdftotext

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"dossier/indexer/parse"
	"dossier/indexer/sandbox"
)

// Name is Meta["extractor"] of a document this package read.
const Name = "pdftotext"

// Defaults for a Parser's zero fields.
const (
	DefaultTimeout = sandbox.DefaultTimeout
	DefaultMemory  = sandbox.DefaultMemory // bytes of address space
	DefaultMaxBody = 8 << 20               // as indexer/pdf
)

// ErrNotRun wraps the reason pdftotext could not be started at all (it is
// not installed where Path says): the file was never read by it.
var ErrNotRun = errors.New("pdftotext could not be started")

// Look returns the path of pdftotext on PATH, or "" when it is not installed.
// It looks once per process.
var Look = sync.OnceValue(func() string {
	p, err := exec.LookPath("pdftotext")
	if err != nil {
		return ""
	}
	return p
})

// Parser runs pdftotext. It implements parse.Parser.
type Parser struct {
	Path string // the pdftotext executable; required
	// Sandbox, when set, is an executable that calls sandbox.Main first
	// thing; pdftotext then runs under a limit of Memory bytes of address
	// space. Without it pdftotext runs with the deadline and the output cap
	// only.
	Sandbox string
	Timeout time.Duration
	Memory  int64
	// MaxBody caps the text read back; past it pdftotext is stopped and the
	// text kept so far, cut at a line end, is the body, flagged truncated.
	MaxBody int
}

var _ parse.Parser = Parser{}

// Parse reads the text of one PDF. A document with no text (a scan) comes
// back with an empty body: whether that is a failure is the caller's call.
func (p Parser) Parse(ctx context.Context, data []byte) (*parse.Document, error) {
	timeout, maxBody := p.Timeout, p.MaxBody
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	if maxBody <= 0 {
		maxBody = DefaultMaxBody
	}
	memory := p.Memory
	if memory <= 0 {
		memory = DefaultMemory
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// stop ends the process once the text passes the cap, and says so.
	stopCtx, stop := context.WithCancel(ctx)
	defer stop()

	args := []string{"-enc", "UTF-8", "-eol", "unix", "-", "-"}
	var cmd *exec.Cmd
	if p.Sandbox != "" {
		cmd = sandbox.Command(stopCtx, p.Sandbox, memory, p.Path, args...)
	} else {
		cmd = exec.CommandContext(stopCtx, p.Path, args...)
	}
	cmd.Stdin = bytes.NewReader(data)
	stdout := &capped{max: maxBody, full: stop}
	stderr := &capped{max: 8 << 10}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	// Should the program leave a child holding its stdout, Wait still returns.
	cmd.WaitDelay = time.Second
	err := cmd.Run()

	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return nil, fmt.Errorf("pdftotext: %w after %s (stopped)", parse.ErrTimeout, timeout.Round(time.Millisecond))
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case stdout.over:
		// Stopped on purpose: the text is long enough.
	case err != nil:
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return nil, fmt.Errorf("%w: %v", ErrNotRun, err)
		}
		if ee.ExitCode() == 127 && strings.HasPrefix(stderr.buf.String(), "sandbox: run ") {
			return nil, fmt.Errorf("%w: %s", ErrNotRun, strings.TrimSpace(stderr.buf.String()))
		}
		return nil, fmt.Errorf("pdftotext: %v%s", err, lastLine(stderr.buf.String()))
	}
	body, pages := Clean(stdout.buf.Bytes())
	doc := &parse.Document{
		Body:   body,
		Title:  firstLine(body),
		Format: "pdf",
		Meta:   map[string]string{"extractor": Name},
	}
	if pages > 0 {
		doc.Meta["pages"] = strconv.Itoa(pages)
	}
	if stdout.over {
		doc.Body = cutAtLine(doc.Body, maxBody)
		doc.Meta["truncated"] = "true"
		doc.Meta["warning"] = fmt.Sprintf("truncated: the text is over %s; the first %s are indexed", size(maxBody), size(maxBody))
	}
	return doc, nil
}

// Clean turns pdftotext's output into a body: valid UTF-8 without NULs, LF
// line ends, each page (pdftotext ends every page with a form feed) a
// paragraph apart from the next, lines without trailing blanks, at most one
// blank line in a row. It also returns how many pages the output holds.
func Clean(out []byte) (string, int) {
	pages := bytes.Count(out, []byte("\f"))
	s := strings.ToValidUTF8(string(out), "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.ReplaceAll(s, "\f", "\n\n")
	var b strings.Builder
	blank := 0
	for line := range strings.SplitSeq(s, "\n") {
		line = strings.TrimRight(line, " \t\r\v")
		if strings.TrimSpace(line) == "" {
			blank++
			continue
		}
		if b.Len() > 0 {
			if blank > 0 {
				b.WriteString("\n\n")
			} else {
				b.WriteByte('\n')
			}
		}
		blank = 0
		b.WriteString(line)
	}
	return b.String(), pages
}

// firstLine is the first non-empty line of body, as the title: pdftotext
// gives no metadata.
func firstLine(body string) string {
	for l := range strings.SplitSeq(body, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return cutAtRune(l, 512)
		}
	}
	return ""
}

// cutAtLine cuts s to at most n bytes, at the last line end in the final
// quarter when there is one, else at a character boundary.
func cutAtLine(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = cutAtRune(s, n)
	if i := strings.LastIndexByte(s, '\n'); i > n*3/4 {
		return strings.TrimRight(s[:i], "\n")
	}
	return s
}

// cutAtRune cuts s to at most n bytes without splitting a character.
func cutAtRune(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// lastLine is the last non-empty line of a failed run's stderr, which is
// where pdftotext says why ("Command Line Error: Incorrect password").
func lastLine(stderr string) string {
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if l := strings.TrimSpace(lines[len(lines)-1]); l != "" {
		return ": " + cutAtRune(strings.ToValidUTF8(l, "?"), 200)
	}
	return ""
}

func size(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

// capped keeps at most max bytes; past that it calls full (once) and drops
// the rest.
type capped struct {
	buf  bytes.Buffer
	max  int
	over bool
	full func()
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max + 1 - c.buf.Len(); len(p) > room {
		if room > 0 {
			c.buf.Write(p[:room])
		}
		if !c.over && c.full != nil {
			c.full()
		}
		c.over = true
		return len(p), nil
	}
	return c.buf.Write(p)
}
