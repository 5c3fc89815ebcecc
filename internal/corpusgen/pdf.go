package corpusgen

import (
	"bytes"
	"fmt"
	"strings"
)

// The PDF writer: just enough of PDF 1.4 for a report of a few pages in
// Helvetica, with a correct cross-reference table, so that benchmarks exercise
// the PDF parser without an external tool. Text is ASCII (the word lists keep it
// so), drawn either as Tj strings with space glyphs, as browsers' print engines
// write it, or as TJ arrays with the word gaps as kerning offsets and no space
// glyphs, as word processors write it.

// helvetica holds the advance widths, in thousandths of an em, of Helvetica's
// glyphs for the characters 32 to 126 (from Adobe's Helvetica AFM).
var helvetica = [95]int{
	278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space to /
	556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0 to 9
	278, 278, 584, 584, 584, 556, 1015, // : to @
	667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, // A to M
	722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // N to Z
	278, 278, 278, 469, 556, 333, // [ to `
	556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, // a to m
	556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, // n to z
	334, 260, 334, 584, // { to ~
}

// Page geometry in points: US Letter with one-inch margins.
const (
	pageW, pageH  = 612.0, 792.0
	margin        = 72.0
	bodySize      = 10.5
	bodyLeading   = 14.0
	titleSize     = 16.0
	linesPerPage  = 38
	paragraphSkip = 0.6 // of a line, between paragraphs
)

// units is the advance width of s in thousandths of an em.
func units(s string) int {
	w := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 32 && c <= 126 {
			w += helvetica[c-32]
		} else {
			w += 556
		}
	}
	return w
}

// wrap breaks a paragraph into lines no wider than width at size, keeping a
// running width in whole units (so the breaks are exactly those of measuring
// each candidate line) rather than measuring each candidate line again.
func wrap(p string, size, width float64) []string {
	var lines []string
	line, w := "", 0
	space := units(" ")
	for _, word := range strings.Fields(p) {
		ww := units(word)
		switch {
		case line == "":
			line, w = word, ww
		case float64(w+space+ww)*size/1000 > width:
			lines = append(lines, line)
			line, w = word, ww
		default:
			line += " " + word
			w += space + ww
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// pdfLine is one line of a page: "" is a paragraph gap.
type pdfLine = string

// pdfFile lays the document out and writes the PDF.
func pdfFile(w *writer) []byte {
	kerned := w.r.intn(2) == 0
	// Lay out the body lines into pages; the title and kicker open page one.
	var pages [][]pdfLine
	var cur []pdfLine
	used := 5.0 // the title block takes about five body lines
	for _, p := range w.paras {
		for _, l := range wrap(p, bodySize, pageW-2*margin) {
			if used+1 > linesPerPage {
				pages = append(pages, cur)
				cur, used = nil, 0
			}
			cur = append(cur, l)
			used++
		}
		cur = append(cur, "")
		used += paragraphSkip
	}
	pages = append(pages, cur)

	var objs []string // objs[i] is object number i+1
	add := func(s string) int { objs = append(objs, s); return len(objs) }
	catalog := add("")
	pagesObj := add("")
	widths := make([]string, len(helvetica))
	for i, v := range helvetica {
		widths[i] = fmt.Sprint(v)
	}
	font := add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding /FirstChar 32 /LastChar 126 /Widths [" + strings.Join(widths, " ") + "] >>")
	var kids []string
	for n, lines := range pages {
		var c strings.Builder
		if n == 0 {
			// The title, larger, then the kicker and date, then the body.
			fmt.Fprintf(&c, "BT\n/F1 %g Tf\n%g %g Td\n", titleSize, margin, pageH-margin)
			for i, l := range wrap(w.title, titleSize, pageW-2*margin) {
				if i > 0 {
					fmt.Fprintf(&c, "0 %g Td\n", -titleSize*1.25)
				}
				showLine(&c, l, kerned)
			}
			fmt.Fprintf(&c, "ET\nBT\n/F1 %g Tf\n%g TL\n%g %g Td\n", bodySize, bodyLeading, margin, pageH-margin-3*bodyLeading-titleSize)
			showLine(&c, w.kick+" - "+w.date.long(), kerned)
			c.WriteString("T*\nT*\n")
		} else {
			fmt.Fprintf(&c, "BT\n/F1 %g Tf\n%g TL\n%g %g Td\n", bodySize, bodyLeading, margin, pageH-margin)
		}
		for i, l := range lines {
			if l == "" {
				fmt.Fprintf(&c, "0 %g Td\n", -bodyLeading*paragraphSkip)
				continue
			}
			if i > 0 {
				c.WriteString("T*\n")
			}
			showLine(&c, l, kerned)
		}
		// A page number in the foot, as reports have; parsers drop it.
		fmt.Fprintf(&c, "ET\nBT\n/F1 9 Tf\n%g %g Td\n(%d) Tj\nET", pageW/2, margin/2, n+1)
		content := c.String()
		co := add(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content))
		pg := add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %g %g] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>",
			pagesObj, pageW, pageH, font, co))
		kids = append(kids, fmt.Sprintf("%d 0 R", pg))
	}
	objs[catalog-1] = fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R /Lang (en) >>", pagesObj)
	objs[pagesObj-1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids))
	stamp := fmt.Sprintf("D:%04d%02d%02d100000Z", w.date.y, w.date.m, w.date.d)
	info := add(fmt.Sprintf("<< /Title (%s) /Producer (corpusgen) /CreationDate (%s) /ModDate (%s) >>", escapePDF(w.title), stamp, stamp))

	var out bytes.Buffer
	out.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := out.Len()
	// Each xref entry is exactly 20 bytes: ten digits, space, five digits, space,
	// the type, and a two-byte end of line.
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, catalog, info, xref)
	return out.Bytes()
}

// showLine draws one line at the current position.
func showLine(c *strings.Builder, l string, kerned bool) {
	if !kerned {
		fmt.Fprintf(c, "(%s) Tj\n", escapePDF(l))
		return
	}
	// No space glyphs: a quarter em (250/1000) of pen movement between words.
	c.WriteByte('[')
	for i, word := range strings.Fields(l) {
		if i > 0 {
			c.WriteString(" -250 ")
		}
		c.WriteString("(" + escapePDF(word) + ")")
	}
	c.WriteString("] TJ\n")
}

// pdfEscaper is built once: a Replacer is costly to build and cheap to use.
var pdfEscaper = strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`)

func escapePDF(s string) string { return pdfEscaper.Replace(s) }
