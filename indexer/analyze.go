package indexer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"dossier/indexer/html"
	"dossier/indexer/parse"
	"dossier/indexer/pdf"
	"dossier/indexer/sandbox"
	"dossier/indexer/text"
	"dossier/internal/entity"
	"dossier/internal/search"
)

// formats maps a lower-case file extension to the format that reads it.
var formats = map[string]string{
	".txt":  "text",
	".text": "text",
	".html": "html",
	".htm":  "html",
	".pdf":  "pdf",
}

// Parsers returns the parser of each format, by format name. A sandbox child
// (see Limits.Sandbox) must call sandbox.Main with it.
func Parsers() map[string]parse.Parser {
	return map[string]parse.Parser{
		"text": text.Parser{},
		"html": html.Parser{},
		"pdf":  pdf.Parser{},
	}
}

// Limits bound the parse of one file.
type Limits struct {
	// Timeout is the longest one file may take; zero means parse.DefaultTimeout.
	Timeout time.Duration
	// MaxBody caps the text of one document in bytes; past it the body is cut
	// and flagged truncated. Zero means MaxTextBytes.
	MaxBody int
	// Sandbox, when set, is an executable that calls sandbox.Main(Parsers()) at
	// start (Dossier's own binary): PDFs are then parsed in a child process of it,
	// under a deadline and a memory limit. Empty parses everything in-process,
	// behind recover and the timeout.
	Sandbox string
	// Pool, when set, holds long-lived sandbox children that parse file after
	// file, instead of a new child per file (Indexer.Run makes one for its run).
	Pool *sandbox.Pool
	// PDFToText is poppler's pdftotext, run when Dossier's own PDF extractor
	// cannot read a file or finds no text in it (see parsePDF). Empty looks
	// for it on PATH, once; a path where nothing is installed turns the
	// fallback off.
	PDFToText string
}

// Supported reports whether Dossier has a parser for the file at path.
func Supported(path string) bool {
	return formatOf(path) != ""
}

// formatOf names the format of the file at path by its extension, or "".
func formatOf(path string) string {
	return formats[strings.ToLower(filepath.Ext(path))]
}

// DocID is the document id for a file's content: the same bytes at two paths are
// one document, and re-indexing unchanged bytes gives the same id.
func DocID(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8])
}

// Analyze parses one file's bytes with the parser its extension names, finds its
// entities, and returns the document ready to index. A parser that panics, runs
// past the time limit or (sandboxed) crashes fails this file only.
func Analyze(ctx context.Context, path string, data []byte, limits Limits) (*search.Document, error) {
	format, ok := formats[strings.ToLower(filepath.Ext(path))]
	if !ok {
		return nil, fmt.Errorf("no parser for %q files (supported: .txt, .html, .htm, .pdf)", filepath.Ext(path))
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("empty file")
	}
	var doc *parse.Document
	var err error
	switch {
	case format == "pdf":
		// The PDF library can overflow its stack or exhaust memory on
		// hostile files, which no recover catches: parsePDF uses the sandbox.
		doc, err = parsePDF(ctx, data, limits)
	default:
		doc, err = parse.Safe(ctx, Parsers()[format], data, limits.Timeout)
	}
	if err != nil {
		return nil, err
	}
	// Accents written as combining marks are composed (NFC), as the text and
	// HTML parsers do, so that "Gene\u0300ve" from a PDF is found by "Genève".
	doc.Title, doc.Body = norm.NFC.String(doc.Title), norm.NFC.String(doc.Body)
	maxBody := limits.MaxBody
	if maxBody <= 0 {
		maxBody = MaxTextBytes
	}
	if len(doc.Body) > maxBody {
		// A parser's own cap may be higher, or absent.
		doc.Body = cutBody(doc.Body, maxBody)
		if doc.Meta == nil {
			doc.Meta = map[string]string{}
		}
		if doc.Meta["truncated"] != "true" {
			doc.Meta["truncated"] = "true"
			addWarning(doc, fmt.Sprintf("truncated: the text is over %s; the first %s are indexed", size(maxBody), size(maxBody)))
		}
	}
	if body, n := shortenRuns(doc.Body, maxRunBytes); n > 0 {
		doc.Body = body
		if doc.Meta == nil {
			doc.Meta = map[string]string{}
		}
		w := fmt.Sprintf("%d runs of text over %d KiB without a space (encoded data?) were cut short", n, maxRunBytes>>10)
		if n == 1 {
			w = fmt.Sprintf("a run of text over %d KiB without a space (encoded data?) was cut short", maxRunBytes>>10)
		}
		addWarning(doc, w)
	}
	mentions := entity.Extract(doc.Body)
	date := documentDate(doc, mentions)
	title := doc.Title
	if title == "" {
		title = filepath.Base(path)
	}
	return &search.Document{
		ID:       DocID(data),
		Title:    title,
		Date:     date,
		Type:     entity.DocType(title, doc.Body),
		Format:   doc.Format,
		Language: doc.Language,
		Path:     path,
		Body:     doc.Body,
		Meta:     doc.Meta,
		Entities: mentions,
	}, nil
}

// documentDate picks the date a document was issued. Metadata comes first where
// it means publication (an HTML page's article:published_time), but a PDF's
// CreationDate is when the file was produced — often an export or a re-save
// years later — so for PDFs the first date in the text wins and the metadata is
// the fallback.
func documentDate(doc *parse.Document, mentions []entity.Mention) string {
	if doc.Format == "pdf" {
		if d := entity.DocumentDateOf(doc.Body, mentions); d != "" {
			return d
		}
		return doc.Date
	}
	if doc.Date != "" {
		return doc.Date
	}
	return entity.DocumentDateOf(doc.Body, mentions)
}

var asciiSpace = [256]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// maxRunBytes bounds a run of text without a break. No word is that long; such
// runs are encoded data (base64, hex dumps, minified scripts), and the index
// pays dearly for them: one 32 MiB word took Bleve over a minute and 4 GiB.
const maxRunBytes = 4 << 10

// shortenRuns cuts every run of more than max bytes without white space to its
// first max bytes and an ellipsis, and says how many it cut. Han, kana and
// other scripts written without spaces do not count towards a run: the index
// splits them into words (or characters) itself.
func shortenRuns(s string, max int) (string, int) {
	if len(s) <= max {
		return s, 0
	}
	var (
		b     strings.Builder
		cut   int
		start = -1 // where the current run began
		last  = 0  // s[:last] is already in b
	)
	end := func(i int) { // the run ends before s[i]
		if start >= 0 && i-start > max {
			stop := start + max
			for stop > start && !utf8.RuneStart(s[stop]) {
				stop--
			}
			b.WriteString(s[last:stop])
			b.WriteString("…")
			last = i
			cut++
		}
		start = -1
	}
	for i := 0; i < len(s); {
		c := s[i]
		brk, n := asciiSpace[c], 1
		if c >= utf8.RuneSelf {
			var r rune
			r, n = utf8.DecodeRuneInString(s[i:])
			brk = unicode.IsSpace(r) || unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar)
		}
		if brk {
			end(i)
		} else if start < 0 {
			start = i
		}
		i += n
	}
	end(len(s))
	if cut == 0 {
		return s, 0
	}
	b.WriteString(s[last:])
	return b.String(), cut
}

// addWarning adds w to the document's Meta["warning"].
func addWarning(doc *parse.Document, w string) {
	if doc.Meta == nil {
		doc.Meta = map[string]string{}
	}
	if old := doc.Meta["warning"]; old != "" {
		w = old + "; " + w
	}
	doc.Meta["warning"] = w
}

// cutBody cuts s to at most n bytes, at the last line end in the final
// quarter when there is one, else at a character boundary.
func cutBody(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	if i := strings.LastIndexByte(s, '\n'); i > n*3/4 {
		return s[:i]
	}
	for i := len(s) - 1; i >= 0 && i >= len(s)-utf8.UTFMax; i-- {
		if utf8.RuneStart(s[i]) {
			if !utf8.FullRuneInString(s[i:]) {
				s = s[:i]
			}
			break
		}
	}
	return s
}

// size says n bytes in MiB or KiB for a message.
func size(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}
