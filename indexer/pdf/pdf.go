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
//
// It matches the indexer's cap on text files (indexer.MaxTextBytes): indexing
// costs about a second and some 30 bytes of heap per byte of body, so a 32 MiB
// body took some 40 s and a GiB.
const DefaultMaxBody = 8 << 20

// Errors Parse returns, for errors.Is.
var (
	// ErrEmpty is returned for a zero-byte file.
	ErrEmpty = errors.New("pdf: empty file")
	// ErrEncrypted is returned for a PDF that needs a password to open.
	ErrEncrypted = errors.New("encrypted PDF: needs a password")

	errBudget     = errors.New("text limit reached")
	errTooComplex = errors.New("page content too complex")
	errBomb       = fmt.Errorf("content stream inflates past %d MiB (a compression bomb?)", maxContentBytes>>20)
)

// NoTextWarning is Meta["warning"] of a PDF that opens but has no text to
// read: scanned pages without an OCR layer, most often. Such a document is
// still returned, with its metadata and an empty body, so that it can be
// found by its title.
const NoTextWarning = "no text layer (scanned or image-only?)"

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

	r, err := open(data)
	if err != nil {
		return nil, err
	}

	root := r.Trailer().Key("Root")
	refs := collectPages(root)
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
	noText := false
	if strings.TrimSpace(body) == "" {
		if len(pageErrs) > 0 {
			return nil, fmt.Errorf("pdf: no text read: %w", errors.Join(pageErrs...))
		}
		if len(refs) == 0 {
			return nil, errors.New("pdf: no pages found")
		}
		body, noText = "", true
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
	var warnings []string
	if noText {
		warnings = append(warnings, NoTextWarning)
	}
	if truncated {
		doc.Meta["truncated"] = "true"
		warnings = append(warnings, fmt.Sprintf("truncated: the text is over %d MiB; the first %d MiB are indexed", limit>>20, limit>>20))
	}
	if len(pageErrs) > 0 {
		// Some pages were unreadable; the rest is still worth indexing.
		doc.Meta["page_errors"] = strconv.Itoa(len(pageErrs))
		if len(pageErrs) == 1 {
			warnings = append(warnings, fmt.Sprintf("%v; that page is not indexed", pageErrs[0]))
		} else {
			warnings = append(warnings, fmt.Sprintf("%d pages could not be read (%v; ...); they are not indexed", len(pageErrs), pageErrs[0]))
		}
	}
	if len(warnings) > 0 {
		doc.Meta["warning"] = strings.Join(warnings, "; ")
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
				if errors.Is(a.err, errTooComplex) || errors.Is(a.err, errBomb) {
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

// collectPages walks the page tree under the catalog in order. The library's
// own Page(i) walks from the root for every page and follows Parent links
// without a bound, which loops forever on a cyclic tree. Here a node met a
// second time (a tree that lists itself among its kids) is skipped, so each
// page is read once.
func collectPages(catalog lpdf.Value) []pageRef {
	var (
		out     []pageRef
		visited int
		seen    = map[string]bool{}
	)
	if m := pagesRef.FindStringSubmatch(catalog.String()); m != nil {
		seen[m[1]] = true
	}
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
		ids := refs(kids)
		for i := 0; i < kids.Len() && visited <= maxPageNodes; i++ {
			if ids != nil {
				if seen[ids[i]] {
					continue
				}
				seen[ids[i]] = true
			}
			walk(kids.Index(i), res, depth+1)
		}
	}
	walk(catalog.Key("Pages"), lpdf.Value{}, 0)
	return out
}

// pagesRef finds the reference to the page tree in a catalog as the library
// prints it.
var pagesRef = regexp.MustCompile(`/Pages (\d+ \d+ R)`)

// refs returns the object references an array holds ("12 0 R"), one per
// element, or nil when not every element is a reference. The library exposes
// no object identity but prints unresolved references this way.
func refs(a lpdf.Value) []string {
	s := strings.TrimSuffix(strings.TrimPrefix(a.String(), "["), "]")
	f := strings.Fields(s)
	if len(f) != 3*a.Len() {
		return nil
	}
	out := make([]string, 0, a.Len())
	for i := 0; i+2 < len(f); i += 3 {
		if f[i+2] != "R" {
			return nil
		}
		out = append(out, f[i]+" "+f[i+1]+" R")
	}
	return out
}

// normalize returns data with a PDF 2.0 header presented as 1.7 and anything
// after the last %%EOF and its line end dropped, or false when neither
// applies. The library only knows PDF 1.x headers, wants %%EOF within the last
// 100 bytes, and panics when they are all line ends.
func normalize(data []byte) ([]byte, bool) {
	changed := false
	if i := bytes.LastIndex(data, []byte("%%EOF")); i >= 0 && len(data) > i+7 {
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
