// Package text parses plain-text files (.txt) into a parse.Document, and holds
// the byte-level helpers that every text-bearing format needs: telling text from
// binary, detecting UTF-16, falling back to Windows-1252, normalising line ends
// and invalid UTF-8, and reading a date as ISO 8601. The HTML parser uses those
// helpers so that both formats turn the same bytes into the same text.
//
// Encodings: UTF-8 (a BOM is dropped), UTF-16 with a BOM, UTF-16 without one when
// it is in a single alphabetic script (see UTF16), and Windows-1252 when the bytes
// are not UTF-8 and mostly fail to be (see Legacy); Meta["encoding"] names the one
// used. Invalid UTF-8 left over becomes U+FFFD.
//
// A text file's title is its first non-empty line. Its date is taken only from an
// explicit header line near the top ("Date: 2019-12-05"); dates in running prose
// are left to the entity extractor, which sees the whole body.
package text

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"dossier/indexer/parse"
)

// ErrBinary is returned for content that is clearly not text (a PDF or image
// named .txt, or bytes full of NULs and control codes).
var ErrBinary = errors.New("binary content, not text")

// MaxTitle caps a title taken from a first line, in bytes: a file that opens
// with a long paragraph should not get a paragraph for a title.
const MaxTitle = 300

// Parser parses plain text. The zero value is ready to use.
type Parser struct{}

var _ parse.Parser = Parser{}

// Parse decodes data (UTF-8, UTF-16 with or without a byte order mark, or
// Windows-1252 when the bytes are clearly not UTF-8), normalises it and returns it
// whole as the body.
func (Parser) Parse(ctx context.Context, data []byte) (*parse.Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	body, enc, err := Decode(data)
	if err != nil {
		return nil, err
	}
	return &parse.Document{
		Title:  Title(body),
		Date:   headerDate(body),
		Body:   body,
		Format: "text",
		Meta:   map[string]string{"encoding": enc},
	}, nil
}

// Decode turns the bytes of a text file into normalised UTF-8 (see Normalize) and
// names the encoding it read them as. It fails with ErrBinary for binary content.
func Decode(data []byte) (text, encoding string, err error) {
	if s, name, ok := UTF16(data); ok {
		return Normalize(s), name, nil
	}
	if LooksBinary(data) {
		if kind := Sniff(data); kind != "" {
			return "", "", fmt.Errorf("%w: the file is %s", ErrBinary, kind)
		}
		return "", "", ErrBinary
	}
	if !utf8.Valid(data) && Legacy(data) {
		b, err := Windows1252().Bytes(data)
		if err != nil {
			return "", "windows-1252", fmt.Errorf("decode windows-1252: %w", err)
		}
		return Normalize(string(b)), "windows-1252", nil
	}
	return Normalize(string(data)), "utf-8", nil
}

// Title returns the first non-empty line of s, trimmed and cut to at most
// MaxTitle bytes at a word boundary where there is one. A leading block of
// memo or e-mail headers is read as such: "Subject:" or "Title:" gives the
// title, and "Date:", "From:" and the like are skipped.
func Title(s string) string {
	first := ""
	for line := range strings.Lines(s) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if first == "" {
			first = line
		}
		m := memoHeader.FindStringSubmatch(line)
		if m == nil {
			return Truncate(line, MaxTitle)
		}
		if k := strings.ToLower(m[1]); (k == "subject" || k == "title") && m[2] != "" {
			return Truncate(m[2], MaxTitle)
		}
	}
	return Truncate(first, MaxTitle)
}

// memoHeader matches one header line of a memo, an e-mail or an exported record.
var memoHeader = regexp.MustCompile(`(?i)^(subject|title|date|dated|published|publication date|issued|from|to|cc|author|source|ref|reference|symbol)\s*:\s*(.*?)$`)

// Truncate cuts s to at most n bytes without splitting a rune, preferring the last
// space in the second half of the allowance so that words stay whole.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if sp := strings.LastIndexByte(s[:cut], ' '); sp > n/2 {
		cut = sp
	}
	return strings.TrimSpace(s[:cut])
}

// headerLine matches an explicit date header, the way e-mails, memos and exported
// press releases label one.
var headerLine = regexp.MustCompile(`(?i)^\s*(?:date|dated|published|publication date|issued)\s*:\s*(.+?)\s*$`)

// headerLines bounds how far down a header can be: a "Date:" line deep in the text
// is a quotation, not this file's metadata.
const headerLines = 20

func headerDate(s string) string {
	n := 0
	for line := range strings.Lines(s) {
		if n++; n > headerLines {
			break
		}
		if m := headerLine.FindStringSubmatch(line); m != nil {
			if d := ParseDate(m[1]); d != "" {
				return d
			}
		}
	}
	return ""
}
