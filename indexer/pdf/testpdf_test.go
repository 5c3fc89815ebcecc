package pdf

import (
	"bytes"
	"fmt"
	"strings"
)

// This file writes small PDFs for tests, so that the two ways producers put
// words on a page can be checked exactly: one space-free TJ array per line
// with the word gaps as kerning offsets (LibreOffice, Word, pdfTeX), and Tj
// strings that contain space glyphs (Chromium, most report generators).

// testPage is one page of a generated PDF: lines of text, with "" for the gap
// between paragraphs.
type testPage []string

// testDoc describes a generated PDF.
type testDoc struct {
	pages  []testPage
	kerned bool              // TJ arrays with kerning offsets instead of spaces
	tm     string            // text matrix to start from instead of "72 720 Td" (rotated text)
	tc     float64           // character spacing (letter-spaced text)
	form   bool              // draw each page's text from a form XObject with its own resources
	info   map[string]string // the document information dictionary
}

// Courier is the only standard font whose metrics fit in one number: every
// glyph is 600 units wide. Writing Widths anyway makes the file look like what
// real producers write, and lets the parser compute glyph ends exactly.
const (
	testFontSize = 11.0
	testLeading  = 13.0
	testWidth    = 600.0
)

func (d testDoc) bytes() []byte {
	var objs []string // objs[i] is object i+1
	add := func(s string) int { objs = append(objs, s); return len(objs) }

	catalog := add("") // filled in below
	pagesObj := add("")
	widths := strings.TrimSpace(strings.Repeat(fmt.Sprintf("%g ", testWidth), 126-32+1))
	fontObj := add(fmt.Sprintf("<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding /FirstChar 32 /LastChar 126 /Widths [%s] >>", widths))
	var kids []string
	for _, p := range d.pages {
		content := d.content(p)
		resources := fmt.Sprintf("<< /Font << /F1 %d 0 R >> >>", fontObj)
		if d.form {
			x := add(fmt.Sprintf("<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources %s /Length %d >>\nstream\n%s\nendstream", resources, len(content), content))
			resources = fmt.Sprintf("<< /XObject << /X1 %d 0 R >> >>", x)
			content = "q 1 0 0 1 0 0 cm /X1 Do Q"
		}
		c := add(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content))
		pg := add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Resources %s /Contents %d 0 R >>", pagesObj, resources, c))
		kids = append(kids, fmt.Sprintf("%d 0 R", pg))
	}
	objs[catalog-1] = fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R /Lang (en) >>", pagesObj)
	objs[pagesObj-1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids))
	infoObj := 0
	if len(d.info) > 0 {
		var b strings.Builder
		b.WriteString("<<")
		for _, k := range []string{"Title", "Producer", "Creator", "Author", "CreationDate", "ModDate"} {
			if v, ok := d.info[k]; ok {
				fmt.Fprintf(&b, " /%s (%s)", k, escapeString(v))
			}
		}
		b.WriteString(" >>")
		infoObj = add(b.String())
	}

	var out bytes.Buffer
	out.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root %d 0 R", len(objs)+1, catalog)
	if infoObj > 0 {
		fmt.Fprintf(&out, " /Info %d 0 R", infoObj)
	}
	fmt.Fprintf(&out, " >>\nstartxref\n%d\n%%%%EOF\n", xref)
	return out.Bytes()
}

// content writes one page's content stream, starting one inch from the top
// left and moving down a line per line, a line and a half per paragraph gap.
func (d testDoc) content(p testPage) string {
	var b strings.Builder
	fmt.Fprintf(&b, "BT\n/F1 %g Tf\n%g TL\n%g Tc\n", testFontSize, testLeading, d.tc)
	if d.tm != "" {
		fmt.Fprintf(&b, "%s Tm\n", d.tm)
	} else {
		b.WriteString("72 720 Td\n")
	}
	first := true
	for _, l := range p {
		if l == "" {
			fmt.Fprintf(&b, "0 %g Td\n", -testLeading*0.6)
			continue
		}
		if !first {
			b.WriteString("T*\n")
		}
		first = false
		if !d.kerned {
			fmt.Fprintf(&b, "(%s) Tj\n", escapeString(l))
			continue
		}
		// No space glyphs: each word is a string, and the pen moves a quarter
		// em between words. Inside words, split at every third letter with a
		// small kerning pair, as producers do for pairs such as "Te" or "AV".
		b.WriteString("[")
		for i, w := range strings.Fields(l) {
			if i > 0 {
				b.WriteString(" -250 ")
			}
			for j := 0; j < len(w); j += 3 {
				if j > 0 {
					// Tighten or loosen a little: both stay inside the word.
					b.WriteString([]string{" 40 ", " -60 "}[j/3%2])
				}
				fmt.Fprintf(&b, "(%s)", escapeString(w[j:min(j+3, len(w))]))
			}
		}
		b.WriteString("] TJ\n")
	}
	b.WriteString("ET")
	return b.String()
}

func escapeString(s string) string {
	return strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`).Replace(s)
}
