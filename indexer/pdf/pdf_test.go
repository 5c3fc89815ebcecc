package pdf

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	lpdf "github.com/ledongthuc/pdf"
	"golang.org/x/net/html"

	"dossier/indexer/parse"
)

// The generated documents: the same report text laid out both ways.
var generatedPages = []testPage{
	{
		"Workshop on countering terrorist travel",
		"",
		"The Counter-Terrorism Committee Executive Directorate met",
		"border officials from five States in Almaty on 3 December",
		"2019 to discuss resolution 2396 (2017) and the use of",
		"passenger data.",
		"",
		"Participants described their work on coun-",
		"tering the movement of foreign terrorist fighters.",
	},
	{
		"Follow-up visits are planned for 2020, with the support of",
		"UNODC and INTERPOL.",
	},
}

const generatedBody = `Workshop on countering terrorist travel

The Counter-Terrorism Committee Executive Directorate met
border officials from five States in Almaty on 3 December
2019 to discuss resolution 2396 (2017) and the use of
passenger data.

Participants described their work on countering the movement of foreign terrorist fighters.

Follow-up visits are planned for 2020, with the support of
UNODC and INTERPOL.`

var generatedInfo = map[string]string{
	"Title":        "Workshop on countering terrorist travel",
	"Producer":     "dossier test",
	"Creator":      "pdf_test.go",
	"CreationDate": "D:20191205093000+06'00'",
}

func generated(kerned bool) []byte {
	return testDoc{pages: generatedPages, kerned: kerned, info: generatedInfo}.bytes()
}

func parseOK(t testing.TB, data []byte) *parse.Document {
	t.Helper()
	doc, err := Parser{}.Parse(context.Background(), data)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return doc
}

// TestGenerated checks the exact output on PDFs whose layout is known: words
// from kerning offsets and from space glyphs, lines, paragraph gaps, a word
// hyphenated across a line end, and metadata.
func TestGenerated(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  testDoc
	}{
		{"TJ with kerning, no spaces", testDoc{kerned: true}},
		{"Tj with spaces", testDoc{}},
		{"rotated a quarter turn", testDoc{kerned: true, tm: "0 1 -1 0 540 72"}},
		{"rotated three quarters", testDoc{tm: "0 -1 1 0 72 720"}},
		{"upside down", testDoc{kerned: true, tm: "-1 0 0 -1 540 720"}},
		{"letter-spaced with spaces", testDoc{tc: 3}},
		{"letter-spaced with kerning", testDoc{kerned: true, tc: 3}},
		{"inside a form XObject", testDoc{kerned: true, form: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.doc.pages, tc.doc.info = generatedPages, generatedInfo
			doc := parseOK(t, tc.doc.bytes())
			if diff := cmp.Diff(generatedBody, doc.Body); diff != "" {
				t.Errorf("Body mismatch (-want +got):\n%s", diff)
			}
			want := &parse.Document{
				Title:    "Workshop on countering terrorist travel",
				Date:     "2019-12-05",
				Body:     generatedBody,
				Format:   "pdf",
				Language: "en",
				Meta:     map[string]string{"pages": "2", "producer": "dossier test", "creator": "pdf_test.go"},
			}
			if diff := cmp.Diff(want, doc); diff != "" {
				t.Errorf("Document mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLibraryPlainTextLosesWords documents why this package lays out glyphs
// itself: the library's plain-text call glues words set by kerning.
func TestLibraryPlainTextLosesWords(t *testing.T) {
	data := generated(true)
	lib := recall(words(generatedBody), words(plainText(t, data)))
	ours := recall(words(generatedBody), words(parseOK(t, data).Body))
	t.Logf("word recall on generated kerned text: library GetPlainText %.3f, Parse %.3f", lib, ours)
	for _, tc := range corpus {
		t.Logf("%s: library GetPlainText word recall %.3f", tc.pdf, recall(words(strings.Join(sourceParagraphs(t, tc.source), "\n")), words(plainText(t, readTestdata(t, tc.pdf)))))
	}
	if lib >= ours {
		t.Errorf("library recall %.3f >= ours %.3f; is the layout code still needed?", lib, ours)
	}
}

func plainText(t *testing.T, data []byte) string {
	t.Helper()
	r, err := lpdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	rd, err := r.GetPlainText()
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(rd)
	if err != nil {
		t.Fatal(err)
	}
	return string(plain)
}

// corpus lists the committed test PDFs and the sources they were made from.
var corpus = []struct {
	pdf, source string
	title       string
	pages       string
}{
	{"workshop-libreoffice.pdf", "workshop.fodt", "Regional Workshop on Countering the Financing of Terrorism in Central Asia", "3"},
	{"workshop-chromium.pdf", "workshop.html", "Regional Workshop on Countering the Financing of Terrorism in Central Asia", "3"},
	{"briefing-libreoffice.pdf", "briefing.fodt", "Expert Group Meeting on Protecting Critical Infrastructure against Terrorist Attacks", "3"},
}

// TestWordRecall checks that at least 99% of the source's words come back,
// and that every source paragraph comes back as one unbroken run of words,
// which is what reading order means for search and entity extraction.
func TestWordRecall(t *testing.T) {
	for _, tc := range corpus {
		t.Run(tc.pdf, func(t *testing.T) {
			data := readTestdata(t, tc.pdf)
			doc := parseOK(t, data)
			paras := sourceParagraphs(t, tc.source)
			src := words(strings.Join(paras, "\n"))
			got := words(doc.Body)
			r := recall(src, got)
			t.Logf("%s: word recall %.4f (%d source words)", tc.pdf, r, len(src))
			if r < 0.99 {
				t.Errorf("word recall %.4f < 0.99; missing: %v", r, missing(src, got))
			}
			flat := " " + strings.Join(got, " ") + " "
			for _, p := range paras {
				if w := words(p); len(w) > 0 && !strings.Contains(flat, " "+strings.Join(w, " ")+" ") {
					t.Errorf("paragraph not read in order: %q", p)
				}
			}
			if doc.Title != tc.title {
				t.Errorf("Title = %q, want %q", doc.Title, tc.title)
			}
			if doc.Meta["pages"] != tc.pages {
				t.Errorf(`Meta["pages"] = %q, want %q`, doc.Meta["pages"], tc.pages)
			}
			if doc.Date == "" || doc.Meta["producer"] == "" {
				t.Errorf("Date = %q, producer = %q; want both set", doc.Date, doc.Meta["producer"])
			}
		})
	}
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// words splits text into lower-case words with the punctuation around them
// stripped ("(2019)," -> "2019"; "counter-terrorism" stays whole).
func words(text string) []string {
	var out []string
	for _, f := range strings.Fields(text) {
		w := strings.ToLower(strings.TrimFunc(f, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) }))
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

// recall is the share of the source's words, counted with multiplicity, that
// the parsed text also has.
func recall(src, got []string) float64 {
	if len(src) == 0 {
		return 1
	}
	have := map[string]int{}
	for _, w := range got {
		have[w]++
	}
	found := 0
	for _, w := range src {
		if have[w] > 0 {
			have[w]--
			found++
		}
	}
	return float64(found) / float64(len(src))
}

func missing(src, got []string) []string {
	have := map[string]int{}
	for _, w := range got {
		have[w]++
	}
	var out []string
	for _, w := range src {
		if have[w] > 0 {
			have[w]--
		} else {
			out = append(out, w)
		}
	}
	return out
}

// sourceParagraphs returns the text blocks of an HTML or flat ODF source.
func sourceParagraphs(t *testing.T, name string) []string {
	t.Helper()
	return paragraphsOf(t, name, readTestdata(t, name))
}

func paragraphsOf(t *testing.T, name string, data []byte) []string {
	t.Helper()
	var paras []string
	var cur strings.Builder
	end := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			paras = append(paras, s)
		}
		cur.Reset()
	}
	switch filepath.Ext(name) {
	case ".html", ".htmlsrc":
		z := html.NewTokenizer(bytes.NewReader(data))
		inBody, skip := false, 0
		for {
			switch z.Next() {
			case html.ErrorToken:
				end()
				return paras
			case html.StartTagToken:
				tag, _ := z.TagName()
				switch string(tag) {
				case "body":
					inBody = true
				case "style", "script", "title":
					skip++
				case "p", "h1", "h2", "h3", "li", "div", "ul":
					end()
				}
			case html.EndTagToken:
				tag, _ := z.TagName()
				switch string(tag) {
				case "style", "script", "title":
					skip--
				case "p", "h1", "h2", "h3", "li", "div", "ul":
					end()
				}
			case html.TextToken:
				if inBody && skip == 0 {
					cur.Write(z.Text())
				}
			}
		}
	case ".fodt":
		// Footnotes sit inside the paragraph that cites them: the mark stays
		// in the paragraph, the note's text is a block of its own.
		d := xml.NewDecoder(bytes.NewReader(data))
		inBody, inCitation := false, false
		var outer []string
		for {
			tok, err := d.Token()
			if err == io.EOF {
				end()
				return paras
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			switch tok := tok.(type) {
			case xml.StartElement:
				switch tok.Name.Local {
				case "body":
					inBody = true
				case "p", "h":
					end()
				case "s", "tab", "line-break":
					cur.WriteByte(' ')
				case "note":
					outer = append(outer, cur.String())
					cur.Reset()
				case "note-citation":
					inCitation = true
				}
			case xml.EndElement:
				switch tok.Name.Local {
				case "p", "h":
					end()
				case "note-citation":
					inCitation = false
				case "note":
					end()
					cur.WriteString(outer[len(outer)-1])
					outer = outer[:len(outer)-1]
				}
			case xml.CharData:
				switch {
				case inCitation:
					outer[len(outer)-1] += " " + string(tok) + " "
				case inBody:
					cur.Write(tok)
				}
			}
		}
	}
	t.Fatalf("%s: unknown source format", name)
	return nil
}

func TestTitleFallsBackToFirstLine(t *testing.T) {
	for _, tc := range []struct {
		name, infoTitle, want string
	}{
		{"no title", "", "Workshop on countering terrorist travel"},
		{"file name", "report_final_v2.docx", "Workshop on countering terrorist travel"},
		{"Word print driver", "Microsoft Word - report.doc", "Workshop on countering terrorist travel"},
		{"placeholder", "Untitled", "Workshop on countering terrorist travel"},
		{"meaningful", "Counter-terrorism  workshop report", "Counter-terrorism workshop report"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			info := map[string]string{}
			if tc.infoTitle != "" {
				info["Title"] = tc.infoTitle
			}
			doc := parseOK(t, testDoc{pages: generatedPages, info: info}.bytes())
			if doc.Title != tc.want {
				t.Errorf("Title = %q, want %q", doc.Title, tc.want)
			}
			if doc.Date != "" {
				t.Errorf("Date = %q, want empty without CreationDate/ModDate", doc.Date)
			}
		})
	}
}

func TestPDFDate(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"D:20191205093000+06'00'", "2019-12-05"},
		{"D:20191205", "2019-12-05"},
		{"20191205093000Z", "2019-12-05"},
		{"D:201912", "2019-12"},
		{"D:2019", "2019"},
		{"D:20191345", ""}, // no 13th month
		{"D:20190230", ""}, // no 30 February
		{"yesterday", ""},
		{"", ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := pdfDate(tc.in); got != tc.want {
				t.Errorf("pdfDate(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestHyphenJoin(t *testing.T) {
	vocab := map[string]bool{"counter-terrorism": true, "countering": true, "well": true, "known": true}
	for _, tc := range []struct {
		name, text, next string
		keep, ok         bool
	}{
		{"hyphenation", "work on coun-", "tering the", false, true},
		{"compound seen elsewhere", "the counter-", "terrorism office", true, true},
		{"both halves are words", "a well-", "known case", true, true},
		{"capital after hyphen", "South-", "East Asia", true, true},
		{"dash between words", "2019 -", "the report", false, false},
		{"no hyphen", "the report", "continues", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			keep, ok := hyphenJoin([]byte(tc.text), tc.next, vocab)
			if keep != tc.keep || ok != tc.ok {
				t.Errorf("hyphenJoin(%q, %q) = %v, %v, want %v, %v", tc.text, tc.next, keep, ok, tc.keep, tc.ok)
			}
		})
	}
}

// TestBadInput feeds broken files to Parse directly and through parse.Safe:
// each must give an error, never a panic.
func TestBadInput(t *testing.T) {
	good := readTestdata(t, "workshop-libreoffice.pdf")
	corrupt := bytes.Clone(good)
	for i := len(corrupt) / 10; i < len(corrupt)*9/10; i += 97 {
		corrupt[i] ^= 0x5a
	}
	for _, tc := range []struct {
		name    string
		data    []byte
		wantErr error // nil: any error
	}{
		{"zero bytes", nil, ErrEmpty},
		{"not a PDF", []byte("<html><body>hello</body></html>"), nil},
		{"header only", []byte("%PDF-1.7\n"), nil},
		{"truncated", good[:len(good)/2], nil},
		{"no pages", []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\nxref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n45\n%%EOF\n"), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parser{}.Parse(context.Background(), tc.data)
			if err == nil {
				t.Fatal("Parse succeeded, want an error")
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("Parse error = %v, want %v", err, tc.wantErr)
			}
			_, err = parse.Safe(context.Background(), Parser{}, tc.data, 10*time.Second)
			if err == nil || strings.Contains(err.Error(), "parser panicked") {
				t.Errorf("Safe error = %v, want a parse error", err)
			}
		})
	}
	t.Run("corrupted bytes", func(t *testing.T) {
		// Damage inside compressed streams may or may not leave text to read;
		// either way there must be no panic.
		doc, err := parse.Safe(context.Background(), Parser{}, corrupt, 10*time.Second)
		if err != nil && strings.Contains(err.Error(), "parser panicked") {
			t.Fatalf("Safe: %v", err)
		}
		if err == nil && !utf8.ValidString(doc.Body) {
			t.Error("Body is not valid UTF-8")
		}
	})
}

func TestEmptyFileError(t *testing.T) {
	_, err := Parser{}.Parse(context.Background(), []byte{})
	if !errors.Is(err, ErrEmpty) || !strings.Contains(err.Error(), "empty") {
		t.Errorf("Parse(empty) error = %v, want %v", err, ErrEmpty)
	}
}

func TestCanceledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (Parser{}).Parse(ctx, generated(true)); !errors.Is(err, context.Canceled) {
		t.Errorf("Parse with canceled ctx: error = %v, want context.Canceled", err)
	}
}

func TestMaxBody(t *testing.T) {
	const limit = 100
	doc, err := Parser{MaxBody: limit}.Parse(context.Background(), readTestdata(t, "workshop-chromium.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Body) > limit || doc.Meta["truncated"] != "true" || !utf8.ValidString(doc.Body) {
		t.Errorf("len(Body) = %d, truncated = %q; want <= %d, \"true\"", len(doc.Body), doc.Meta["truncated"], limit)
	}
	if full := parseOK(t, readTestdata(t, "workshop-chromium.pdf")); full.Meta["truncated"] != "" {
		t.Errorf("untruncated document has truncated = %q", full.Meta["truncated"])
	}
}

// TestNoText: a PDF without text (a scan) is still a document, with its
// metadata, an empty body and a warning, so that it can be found by title.
func TestNoText(t *testing.T) {
	doc, err := Parser{}.Parse(context.Background(), testDoc{pages: []testPage{{}}, info: map[string]string{"Title": "Scanned minutes"}}.bytes())
	if err != nil {
		t.Fatalf("Parse(blank page) error = %v, want a document", err)
	}
	if doc.Title != "Scanned minutes" || doc.Body != "" || doc.Meta["warning"] != NoTextWarning {
		t.Errorf("Parse(blank page) = %+v, want the title, no body and warning %q", doc, NoTextWarning)
	}
}

// TestConcurrentParse runs parsers side by side, as the indexer's worker
// pool does; with -race it checks that they share no state.
func TestConcurrentParse(t *testing.T) {
	inputs := [][]byte{readTestdata(t, "workshop-libreoffice.pdf"), readTestdata(t, "workshop-chromium.pdf"), generated(true)}
	want := make([]string, len(inputs))
	for i, in := range inputs {
		want[i] = parseOK(t, in).Body
	}
	errs := make(chan error, 4*len(inputs))
	for range 4 {
		for i, in := range inputs {
			go func() {
				doc, err := Parser{}.Parse(context.Background(), in)
				if err == nil && doc.Body != want[i] {
					err = errors.New("body differs from a sequential parse")
				}
				errs <- err
			}()
		}
	}
	for range 4 * len(inputs) {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	for _, name := range []string{"workshop-libreoffice.pdf", "workshop-chromium.pdf"} {
		b.Run(name, func(b *testing.B) {
			data := readTestdata(b, name)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := (Parser{}).Parse(context.Background(), data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestOpenRepairs: damage that tolerant readers (Acrobat, pdf.js) accept, and
// that the library alone refuses, hangs on or panics on.
func TestOpenRepairs(t *testing.T) {
	good := generated(false)
	startxref := func(b []byte) string {
		f := strings.Fields(string(b[bytes.LastIndex(b, []byte("startxref")):]))
		return f[1]
	}
	selfPrev := bytes.Replace(good, []byte("trailer\n<< "), []byte("trailer\n<< /Prev "+startxref(good)+" "), 1)
	// The page tree lists itself in place of its second page (same length, so
	// no offset moves): the first page must be read once.
	cyclic := bytes.Replace(good, []byte("/Kids [5 0 R 7 0 R]"), []byte("/Kids [5 0 R 2 0 R]"), 1)
	if bytes.Equal(cyclic, good) {
		t.Fatal("the page tree of the generated PDF is not where this test expects it")
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string // the body must hold this exactly once
	}{
		{"xref /Prev points to itself", selfPrev, "Workshop on countering"},
		{"cyclic /Kids", cyclic, "Workshop on countering"},
		{"200 newlines after %%EOF", append(bytes.Clone(good), bytes.Repeat([]byte("\n"), 200)...), "Workshop on countering"},
		{"junk after %%EOF", append(bytes.Clone(good), "\x00garbage\xff"...), "Workshop on countering"},
		{"junk before the header", append([]byte("Content-Type: application/pdf\r\n\r\n"), good...), "Workshop on countering"},
		{"junk before the header, offsets from the file start", shiftOffsets(append([]byte("From: archive@example.org\n\n"), good...), 27), "Workshop on countering"},
		{"PDF 2.0 header", append([]byte("%PDF-2.0"), good[8:]...), "Workshop on countering"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := parse.Safe(context.Background(), Parser{}, tc.data, 10*time.Second)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if n := strings.Count(doc.Body, tc.want); n != 1 {
				t.Errorf("body holds %q %d times, want once:\n%s", tc.want, n, doc.Body)
			}
		})
	}
}

// shiftOffsets adds by to every offset in a PDF's cross-reference table and
// startxref: the file then counts offsets from its first byte, not its header.
func shiftOffsets(data []byte, by int) []byte {
	data = regexp.MustCompile(`(?m)^(\d{10}) 00000 n`).ReplaceAllFunc(data, func(m []byte) []byte {
		n, _ := strconv.Atoi(string(m[:10]))
		return fmt.Appendf(nil, "%010d 00000 n", n+by)
	})
	i := bytes.LastIndex(data, []byte("startxref\n"))
	f := strings.Fields(string(data[i:]))
	n, _ := strconv.Atoi(f[1])
	return append(data[:i], fmt.Sprintf("startxref\n%d\n%%%%EOF\n", n+by)...)
}

func TestOpenReasons(t *testing.T) {
	good := generated(false)
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"truncated at half", good[:len(good)/2], "truncated or damaged file"},
		{"not a PDF", []byte("<html><body>Access denied</body></html>"), `not a PDF: no %PDF- header (the file starts "<html>`},
		{"header after 1 KiB of junk", append(bytes.Repeat([]byte("junk "), 300), good...), "not a PDF: junk before the header"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parser{}.Parse(context.Background(), tc.data)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Parse error = %v, want one saying %q", err, tc.want)
			}
		})
	}
}

func TestEncryptionReasons(t *testing.T) {
	salt := []byte("saltsalt")
	open := append(hash2B(nil, salt, nil), salt...)
	locked := append(hash2B([]byte("secret"), salt, nil), salt...)
	dict := func(u []byte) []byte {
		return fmt.Appendf(nil, "trailer << /Encrypt 9 0 R >>\n9 0 obj\n<< /Filter /Standard /V 5 /R 6 /Length 256 /U <%x> >>\nendobj\n", append(u, make([]byte, 8)...))
	}
	encErr := errors.New("malformed PDF: 256-bit encryption key")
	for _, tc := range []struct {
		name string
		err  error
		data []byte
		want string
	}{
		{"RC4 with a user password", lpdf.ErrInvalidPassword, nil, "encrypted PDF: needs a password"},
		{"AES-256 with a user password", encErr, dict(locked), "encrypted PDF: needs a password (AES-256)"},
		{"AES-256 owner password only", encErr, dict(open), "encrypted PDF (AES-256) that opens without a password: this encryption is not supported yet"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := explain(tc.err, tc.data); got.Error() != tc.want {
				t.Errorf("explain = %q, want %q", got, tc.want)
			}
		})
	}
	// A literal /U string reads the same as a hex one.
	if got := literalString([]byte(`(a\(b\)\\\101\n)`)); string(got) != "a(b)\\A\n" {
		t.Errorf("literalString = %q", got)
	}
}

// TestFlateBomb: a page whose content stream inflates to gigabytes is skipped
// quickly, with a warning, and the other pages are kept.
func TestFlateBomb(t *testing.T) {
	// Compress two MiB of NULs; after a sync flush the deflate blocks for the
	// second are the same bytes for every further MiB of NULs, so repeat them.
	var zeros bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&zeros, zlib.BestCompression)
	block := make([]byte, 1<<20)
	zw.Write(block)
	zw.Flush()
	mark := zeros.Len()
	zw.Write(block)
	zw.Flush()
	seg := bytes.Clone(zeros.Bytes()[mark:])
	n := 2
	for ; n <= maxContentBytes>>20; n++ {
		zeros.Write(seg)
	}
	zeros.Write([]byte{0x03, 0x00}) // an empty final block
	zeros.Write([]byte{byte(n << 20 % 65521 >> 8), byte(n << 20 % 65521), 0, 1})
	good := generated(false)
	// Swap the second page's content stream (object 6) for the bomb, appended
	// as an incremental update so that no offset moves.
	var b bytes.Buffer
	b.Write(good)
	off := b.Len()
	fmt.Fprintf(&b, "6 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n", zeros.Len())
	b.Write(zeros.Bytes())
	b.WriteString("\nendstream\nendobj\n")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n6 1\n%010d 00000 n \ntrailer\n<< /Size 9 /Root 1 0 R /Info 8 0 R /Prev %s >>\nstartxref\n%d\n%%%%EOF\n",
		off, strings.Fields(string(good[bytes.LastIndex(good, []byte("startxref")):]))[1], xref)
	start := time.Now()
	doc, err := parse.Safe(context.Background(), Parser{}, b.Bytes(), 20*time.Second)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if !strings.Contains(doc.Body, "Workshop on countering") || strings.Contains(doc.Body, "UNODC") {
		t.Errorf("body = %q, want page 1 only", doc.Body)
	}
	if w := doc.Meta["warning"]; !strings.Contains(w, "page 2") || !strings.Contains(w, "compression bomb") {
		t.Errorf("warning = %q, want page 2 named as a compression bomb", w)
	}
	t.Logf("%d KiB of Flate, skipped in %v", zeros.Len()>>10, time.Since(start))
}
