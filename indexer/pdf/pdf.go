// Package pdf owns reading PDF files into a parse.Document: the text a reader
// sees in reading order (words rebuilt from glyph positions, lines, paragraphs,
// columns, hyphenated words rejoined), the title and date from the document
// information dictionary, and source facts (page count, producer, creator).
//
// It sits on github.com/ledongthuc/pdf for the file structure (cross-reference
// tables, streams, fonts, encodings) but runs content streams itself, because
// the library's text calls lose word boundaries in files that position words
// by kerning instead of drawing spaces, which is most of what LibreOffice,
// Word and pdfTeX write. The library panics on malformed input; Parse recovers
// and reports an error, keeps what it read from pages before a bad one, and
// stops between pages and every few thousand operators when ctx ends.
package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	lpdf "github.com/ledongthuc/pdf"

	"dossier/indexer/parse"
)

// DefaultMaxBody caps the body of one document. Past it the text is cut and
// Meta["truncated"] is "true": a bigger body is almost always a data dump, and
// the index and the entity extractors would pay for every byte.
const DefaultMaxBody = 32 << 20

// Errors Parse returns, for errors.Is.
var (
	// ErrEmpty is returned for a zero-byte file.
	ErrEmpty = errors.New("pdf: empty file")
	// ErrNoText is returned when a readable PDF holds no extractable text,
	// which usually means scanned pages without an OCR layer.
	ErrNoText = errors.New("pdf: no extractable text (scanned or image-only?)")

	errBudget     = errors.New("text limit reached")
	errTooComplex = errors.New("page content too complex")
)

// Parser reads PDF files. The zero value is ready to use.
type Parser struct {
	// MaxBody caps the body in bytes; zero means DefaultMaxBody.
	MaxBody int
}

// New returns a Parser with default limits.
func New() *Parser { return &Parser{} }

var _ parse.Parser = Parser{}

// Parse extracts the text and metadata of one PDF file.
func (p Parser) Parse(ctx context.Context, data []byte) (doc *parse.Document, err error) {
	if len(data) == 0 {
		return nil, ErrEmpty
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, fmt.Errorf("pdf: malformed file: %v", r)
		}
	}()
	limit := p.MaxBody
	if limit <= 0 {
		limit = DefaultMaxBody
	}

	r, err := lpdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		// The library only knows PDF 1.x headers and wants %%EOF at the very
		// end; PDF 2.0 files and files with trailing junk are otherwise fine.
		if fixed, ok := normalize(data); ok {
			r, err = lpdf.NewReader(bytes.NewReader(fixed), int64(len(fixed)))
		}
		if err != nil {
			return nil, fmt.Errorf("pdf: open: %w", err)
		}
	}

	root := r.Trailer().Key("Root")
	refs := collectPages(root.Key("Pages"))
	info := r.Trailer().Key("Info")

	pr := &pageReader{ctx: ctx, fonts: map[string]*font{}, budget: limit + 1}
	var (
		pages     [][]pageLine
		pageErrs  []error
		truncated bool
	)
	for i, pg := range refs {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("pdf: page %d: %w", i+1, err)
		}
		stop, err := pr.page(pg)
		if err != nil {
			pageErrs = append(pageErrs, fmt.Errorf("page %d: %w", i+1, err))
		}
		pages = append(pages, layoutPage(pr.glyphs))
		if stop != nil {
			if errors.Is(stop, errBudget) {
				truncated = true
				break
			}
			return nil, fmt.Errorf("pdf: page %d: %w", i+1, stop)
		}
	}

	body, cut := assemble(joinPages(dropFurniture(pages)), limit)
	truncated = truncated || cut
	if strings.TrimSpace(body) == "" {
		if len(pageErrs) > 0 {
			return nil, fmt.Errorf("pdf: no text read: %w", errors.Join(pageErrs...))
		}
		if len(refs) == 0 {
			return nil, errors.New("pdf: no pages found")
		}
		return nil, ErrNoText
	}

	doc = &parse.Document{
		Body:     body,
		Format:   "pdf",
		Language: infoText(root.Key("Lang")),
		Meta:     map[string]string{"pages": strconv.Itoa(len(refs))},
	}
	doc.Title = infoTitle(infoText(info.Key("Title")))
	if doc.Title == "" {
		doc.Title = firstLine(body)
	}
	doc.Date = pdfDate(infoText(info.Key("CreationDate")))
	if doc.Date == "" {
		doc.Date = pdfDate(infoText(info.Key("ModDate")))
	}
	for _, k := range []string{"Producer", "Creator", "Author"} {
		if v := infoText(info.Key(k)); v != "" {
			doc.Meta[strings.ToLower(k)] = v
		}
	}
	if truncated {
		doc.Meta["truncated"] = "true"
	}
	if len(pageErrs) > 0 {
		// Some pages were unreadable; the rest is still worth indexing.
		doc.Meta["page_errors"] = strconv.Itoa(len(pageErrs))
	}
	return doc, nil
}

// page interprets one page into pr.glyphs. stop is set when extraction must
// end (ctx done, text limit reached); err when this page was malformed or
// too big, in which case the glyphs read before the fault are kept.
func (pr *pageReader) page(pg pageRef) (stop, err error) {
	pr.glyphs = pr.glyphs[:0]
	pr.ops = 0
	defer func() {
		if x := recover(); x != nil {
			if a, ok := x.(abort); ok {
				if errors.Is(a.err, errTooComplex) {
					err = a.err // this page only: keep what it had so far
				} else {
					stop = a.err
				}
				return
			}
			err = fmt.Errorf("%v", x)
		}
	}()
	contents := pg.v.Key("Contents")
	if contents.IsNull() {
		return nil, nil
	}
	pr.runPage(contents, pg.resources)
	return nil, nil
}

// pageRef is a leaf of the page tree with the resources it inherits.
type pageRef struct {
	v         lpdf.Value
	resources lpdf.Value
}

// maxPageNodes bounds the page-tree walk; a malicious tree can loop or fan out.
const maxPageNodes = 1 << 17

// collectPages walks the page tree in order. The library's own Page(i) walks
// from the root for every page and follows Parent links without a bound,
// which loops forever on a cyclic tree.
func collectPages(root lpdf.Value) []pageRef {
	var (
		out     []pageRef
		visited int
	)
	var walk func(node, res lpdf.Value, depth int)
	walk = func(node, res lpdf.Value, depth int) {
		visited++
		if visited > maxPageNodes || depth > 64 || node.Kind() != lpdf.Dict {
			return
		}
		if r := node.Key("Resources"); r.Kind() == lpdf.Dict {
			res = r
		}
		kids := node.Key("Kids")
		if node.Key("Type").Name() == "Page" || kids.Kind() != lpdf.Array {
			out = append(out, pageRef{node, res})
			return
		}
		for i := 0; i < kids.Len() && visited <= maxPageNodes; i++ {
			walk(kids.Index(i), res, depth+1)
		}
	}
	walk(root, lpdf.Value{}, 0)
	return out
}

// normalize returns data with a PDF 2.0 header presented as 1.7 and anything
// after the last %%EOF dropped, or false when neither applies.
func normalize(data []byte) ([]byte, bool) {
	changed := false
	if i := bytes.LastIndex(data, []byte("%%EOF")); i >= 0 && len(bytes.TrimSpace(data[i+5:])) > 0 {
		data = data[:i+5]
		changed = true
	}
	if bytes.HasPrefix(data, []byte("%PDF-2.")) {
		data = append([]byte("%PDF-1.7"), data[8:]...)
		changed = true
	} else if changed {
		data = append([]byte(nil), data...)
	}
	return data, changed
}

// infoText returns a metadata string as clean, trimmed UTF-8 of sane length:
// strings in neither PDFDocEncoding nor UTF-16 come back from the library as
// raw bytes.
func infoText(v lpdf.Value) string {
	return truncateUTF8(strings.Join(strings.Fields(clean(v.Text())), " "), 512)
}

// infoTitle returns the info dictionary's title if it names the document, not
// the file or the template it came from.
func infoTitle(t string) string {
	t = strings.Join(strings.Fields(t), " ")
	lower := strings.ToLower(t)
	for _, prefix := range []string{"microsoft word - ", "microsoft powerpoint - "} {
		if strings.HasPrefix(lower, prefix) {
			return "" // Word's print driver: the title is a file name
		}
	}
	switch {
	case len([]rune(t)) < 3,
		!strings.ContainsFunc(t, isLetter),
		placeholderTitle[lower],
		fileName.MatchString(lower),
		strings.Contains(lower, "://"),
		strings.HasPrefix(t, "/"), strings.Contains(t, `:\`):
		return ""
	}
	return truncateUTF8(t, 512)
}

var placeholderTitle = map[string]bool{
	"untitled": true, "untitled document": true, "document": true, "title": true,
	"no title": true, "slide 1": true, "powerpoint presentation": true,
}

var fileName = regexp.MustCompile(`\.(pdf|docx?|odt|fodt|rtf|html?|txt|xlsx?|pptx?|indd|tex|dvi|ps|qxd)$`)

func isLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 0x7f }

// firstLine returns the first non-empty line of body, as a fallback title.
func firstLine(body string) string {
	for l := range strings.SplitSeq(body, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return truncateUTF8(l, 512)
		}
	}
	return ""
}

// pdfDate converts a PDF date ("D:20191205103000+01'00'", with everything after
// the year optional) to ISO 8601 at the precision given: 2019-12-05, 2019-12
// or 2019. It returns "" for anything else.
func pdfDate(s string) string {
	s = strings.TrimPrefix(strings.TrimSpace(s), "D:")
	n := 0
	for n < len(s) && n < 8 && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	num := func(from, to int) int { v, _ := strconv.Atoi(s[from:to]); return v }
	switch {
	case n >= 8:
		y, m, d := num(0, 4), num(4, 6), num(6, 8)
		t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		if y < 1000 || t.Year() != y || int(t.Month()) != m || t.Day() != d {
			return ""
		}
		return t.Format("2006-01-02")
	case n >= 6:
		y, m := num(0, 4), num(4, 6)
		if y < 1000 || m < 1 || m > 12 {
			return ""
		}
		return fmt.Sprintf("%04d-%02d", y, m)
	case n >= 4:
		if y := num(0, 4); y >= 1000 {
			return s[:4]
		}
	}
	return ""
}
