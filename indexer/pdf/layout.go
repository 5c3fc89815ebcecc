package pdf

import (
	"bytes"
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file turns positioned glyphs back into text. A PDF records where each
// glyph goes, not which glyphs form words, lines or paragraphs, and many
// producers (LibreOffice, Word, pdfTeX) never draw a space: they move the pen
// instead. So words are rebuilt from the gaps between glyphs, lines from
// shared baselines, columns from vertical white space running down the page,
// and paragraphs from larger than usual steps between lines.

// Tuning, in multiples of the font size. A space is 0.25-0.28 em in common
// fonts and kerning rarely exceeds 0.1 em, so a gap of 0.15 em is a word break.
const (
	wordGap      = 0.15 // a horizontal gap wider than this starts a new word
	segmentGap   = 1.0  // a horizontal gap wider than this splits a line into separate pieces (columns, table cells)
	baselineTol  = 0.45 // glyphs whose baselines differ by less than this share a line
	dupTol       = 0.1  // the same glyph drawn again this close is one glyph (fake bold, shadows)
	columnGap    = 1.0  // the narrowest gutter between columns
	columnWidth  = 4.0  // the narrowest column
	proseFill    = 0.6  // in a column of prose, most lines fill at least this share of its width
	rowGap       = 0.3  // white space between table rows is at least this high; between lines of text, less
	ascent       = 0.8  // a line's extent above its baseline
	descent      = 0.25 // and below
	paraStep     = 1.3  // a step between lines this many times the page's usual step starts a paragraph
	sizeChange   = 0.15 // a change of font size by this fraction starts a paragraph (headings)
	defaultPitch = 1.2  // the usual line step when a page has too few lines to measure it
)

// line is a piece of text on one baseline.
type line struct {
	x0, x1 float64
	y      float64 // baseline
	size   float64
	text   string
}

func (l *line) top() float64    { return l.y + ascent*l.size }
func (l *line) bottom() float64 { return l.y - descent*l.size }

// breakKind says what separates a line from the one before it.
type breakKind int

const (
	sameLine breakKind = iota
	lineBreak
	paraBreak
)

// pageLine is a line in reading order with the break that precedes it.
type pageLine struct {
	text   string
	before breakKind
}

// layoutPage returns the page's lines in reading order: the upright text
// first, then text turned by a quarter turn either way, then upside down.
func layoutPage(glyphs []glyph) []pageLine {
	var out []pageLine
	for _, dir := range []uint8{0, 1, 3, 2} {
		lines := buildLines(glyphs, dir)
		if len(lines) == 0 {
			continue
		}
		ordered := make([]*line, 0, len(lines))
		xycut(lines, &ordered, 0)
		out = append(out, breaks(ordered)...)
	}
	return out
}

// buildLines groups glyphs by baseline, orders each group left to right and
// splits it where a wide gap shows separate pieces of text.
func buildLines(glyphs []glyph, dir uint8) []*line {
	gs := make([]*glyph, 0, len(glyphs))
	for i := range glyphs {
		g := &glyphs[i]
		if g.dir != dir || g.size < 0.5 || math.IsNaN(g.x) || math.IsNaN(g.y) || math.IsInf(g.x, 0) || math.IsInf(g.y, 0) {
			continue // invisible or degenerate
		}
		gs = append(gs, g)
	}
	// Top to bottom; the stable sort keeps content order for equal baselines.
	sort.SliceStable(gs, func(i, j int) bool { return gs[i].y > gs[j].y })

	var out []*line
	for start := 0; start < len(gs); {
		// A band: glyphs whose baseline is near the band's first (highest) one.
		// The tolerance follows the largest font seen so far so that a small
		// superscript joins its line.
		y0, size := gs[start].y, gs[start].size
		end := start + 1
		for end < len(gs) {
			g := gs[end]
			if y0-g.y > baselineTol*math.Max(size, g.size) {
				break
			}
			size = math.Max(size, g.size)
			end++
		}
		band := gs[start:end]
		sort.SliceStable(band, func(i, j int) bool { return band[i].x < band[j].x })
		out = append(out, splitBand(band)...)
		start = end
	}
	return out
}

// splitBand turns one baseline's glyphs, sorted by x, into lines of text.
func splitBand(band []*glyph) []*line {
	var (
		out     []*line
		cur     *line
		b       strings.Builder
		prev    *glyph // last glyph placed, blank or not
		pending bool   // a space is owed before the next word
		sizes   []float64
		ys      []float64
	)
	flush := func() {
		if cur != nil && b.Len() > 0 {
			cur.text = b.String()
			cur.size = median(sizes)
			cur.y = median(ys)
			out = append(out, cur)
		}
		cur, prev, pending = nil, nil, false
		b.Reset()
		sizes, ys = sizes[:0], ys[:0]
	}
	track := tracking(band)
	for _, g := range band {
		if prev != nil {
			em := (prev.size + g.size) / 2
			gap := g.x - prev.end
			if gap > (segmentGap+track)*em {
				flush()
			} else if gap > (wordGap+track)*em {
				pending = true
			} else if !g.space && !prev.space && g.s == prev.s &&
				math.Abs(g.x-prev.x) < dupTol*em && math.Abs(g.y-prev.y) < dupTol*em {
				continue // drawn twice
			} else if !g.space && !prev.space && isScript(prev, g) {
				// A footnote mark or exponent: keep it apart, so that
				// "terrorism" followed by a raised "12" is still found.
				pending = true
			}
		}
		if g.space {
			if cur != nil {
				pending = true
				prev = g
			}
			continue
		}
		if cur == nil {
			cur = &line{x0: g.x}
		} else if pending {
			b.WriteByte(' ')
		}
		pending = false
		b.WriteString(g.s)
		sizes = append(sizes, g.size)
		ys = append(ys, g.y)
		cur.x1 = math.Max(g.end, g.x)
		prev = g
	}
	flush()
	return out
}

// isScript reports whether one of two neighbouring glyphs is set smaller and
// off the other's baseline: a superscript or subscript.
func isScript(a, b *glyph) bool {
	big := math.Max(a.size, b.size)
	return math.Abs(a.size-b.size) > sizeChange*big && math.Abs(a.y-b.y) > 0.15*big
}

// tracking measures letter-spacing: the gap, in ems, that most neighbouring
// glyphs in the band keep. Ordinary text keeps none beyond kerning; in
// letter-spaced text (Tc, tracked headings) only gaps wider than the tracking
// separate words. The 30th percentile rather than the median keeps lines of
// short words, where word gaps are many, from counting as letter-spaced.
func tracking(band []*glyph) float64 {
	var gaps []float64
	for i := 1; i < len(band); i++ {
		a, b := band[i-1], band[i]
		if a.space || b.space {
			continue
		}
		if g := (b.x - a.end) / ((a.size + b.size) / 2); g < segmentGap {
			gaps = append(gaps, g)
		}
	}
	if len(gaps) < 4 {
		return 0
	}
	sort.Float64s(gaps)
	if t := gaps[len(gaps)*3/10]; t > 0.05 {
		return t
	}
	return 0
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// xycut appends lines to out in reading order by recursive XY-cut: split the
// region at a vertical gutter (columns) if it has one, else at its widest
// horizontal gap, and read each part in turn. Columns win over horizontal
// gaps because two columns on one baseline grid also share their line gaps.
// The exception is a table: its rows are split first, so that it reads row by
// row, and then its cells, so that a cell's lines stay together.
func xycut(lines []*line, out *[]*line, depth int) {
	if len(lines) <= 1 || depth > 64 {
		appendTopDown(lines, out)
		return
	}
	size := medianSize(lines)
	top, rest, hGap := horizontalCut(lines)
	rows := hGap >= rowGap*size
cuts:
	for _, c := range verticalCuts(lines, size) {
		left := append([]*line(nil), lines[:c]...)
		right := append([]*line(nil), lines[c:]...)
		pl, pr := prose(left), prose(right)
		switch {
		case !pl && !pr:
			continue // not columns of text; perhaps a narrower gutter is
		case pl != pr && rows && (pl && beside(right, left) || pr && beside(left, right)):
			// Short lines, each beside a line of text: the cells of a table
			// whose rows can be separated. Do that first.
			break cuts
		}
		xycut(left, out, depth+1)
		xycut(right, out, depth+1)
		return
	}
	if top != nil {
		xycut(top, out, depth+1)
		xycut(rest, out, depth+1)
		return
	}
	appendTopDown(lines, out)
}

// verticalCuts sorts lines by left edge and returns the indexes where a
// gutter wide enough for columns separates lines[:i] from lines[i:], widest
// gutter first.
func verticalCuts(lines []*line, size float64) []int {
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].x0 < lines[j].x0 })
	type cut struct {
		at  int
		gap float64
	}
	var cuts []cut
	minX, maxX := lines[0].x0, lines[0].x1
	for _, l := range lines {
		maxX = math.Max(maxX, l.x1)
	}
	reach := lines[0].x1 // the rightmost end so far
	for i := 1; i < len(lines); i++ {
		gap := lines[i].x0 - reach
		// The left side must be wide, or list labels (bullets, numbers)
		// would become a column of their own; the right side may be narrow,
		// as the figures in a table often are.
		if gap > columnGap*size && reach-minX >= columnWidth*size && maxX-lines[i].x0 >= size {
			cuts = append(cuts, cut{i, gap})
		}
		reach = math.Max(reach, lines[i].x1)
	}
	sort.SliceStable(cuts, func(i, j int) bool { return cuts[i].gap > cuts[j].gap })
	at := make([]int, len(cuts))
	for i, c := range cuts {
		at[i] = c.at
	}
	return at
}

// horizontalCut splits lines at the widest horizontal band of white space
// running across all of them, returning the parts above and below and the
// band's height, or nil parts when there is none. It copies the parts, so
// lines may be reordered afterwards.
func horizontalCut(lines []*line) (top, rest []*line, gap float64) {
	sorted := append([]*line(nil), lines...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].top() > sorted[j].top() })
	at := -1
	low := sorted[0].bottom() // the lowest bottom so far
	for i := 1; i < len(sorted); i++ {
		if g := low - sorted[i].top(); g > 0 && g > gap {
			at, gap = i, g
		}
		low = math.Min(low, sorted[i].bottom())
	}
	if at < 0 {
		return nil, nil, 0
	}
	return sorted[:at], sorted[at:], gap
}

// beside reports whether nearly every line of a has a line of b on the same
// baseline, as the cells of a table row do. A column of text soon falls out
// of step with its neighbour: their paragraph gaps differ.
func beside(a, b []*line) bool {
	n := 0
	for _, l := range a {
		for _, m := range b {
			if math.Abs(l.y-m.y) < 0.2*math.Max(l.size, m.size) {
				n++
				break
			}
		}
	}
	return float64(n) >= 0.9*float64(len(a))
}

// prose reports whether lines look like a column of running text: most of
// them fill the column's width, where table cells are ragged.
func prose(lines []*line) bool {
	x0, x1 := lines[0].x0, lines[0].x1
	for _, l := range lines {
		x0, x1 = math.Min(x0, l.x0), math.Max(x1, l.x1)
	}
	if x1 <= x0 {
		return false
	}
	fill := make([]float64, len(lines))
	for i, l := range lines {
		fill[i] = (l.x1 - l.x0) / (x1 - x0)
	}
	return median(fill) >= proseFill
}

// appendTopDown reads lines that no cut separates: by baseline, then left to right.
func appendTopDown(lines []*line, out *[]*line) {
	sort.SliceStable(lines, func(i, j int) bool {
		a, b := lines[i], lines[j]
		if math.Abs(a.y-b.y) > baselineTol*math.Max(a.size, b.size) {
			return a.y > b.y
		}
		return a.x0 < b.x0
	})
	*out = append(*out, lines...)
}

func medianSize(lines []*line) float64 {
	s := make([]float64, len(lines))
	for i, l := range lines {
		s[i] = l.size
	}
	m := median(s)
	if m <= 0 {
		return 1
	}
	return m
}

// breaks decides what separates each line from the previous one: nothing but
// a space on the same baseline, a paragraph break where the step down is
// clearly larger than the page's usual line step or the font size changes,
// else a line break.
func breaks(ls []*line) []pageLine {
	// The usual step, as a multiple of font size: a low quantile of the steps
	// between consecutive lines, since lines inside paragraphs outnumber gaps
	// between them and are the smallest steps.
	var steps []float64
	for i := 1; i < len(ls); i++ {
		a, b := ls[i-1], ls[i]
		if r := (a.y - b.y) / b.size; r > 0.8 && r < 3 {
			steps = append(steps, r)
		}
	}
	usual := defaultPitch
	if len(steps) >= 3 {
		sort.Float64s(steps)
		usual = steps[len(steps)/4]
	}

	out := make([]pageLine, len(ls))
	for i, l := range ls {
		out[i].text = l.text
		if i == 0 {
			out[i].before = paraBreak
			continue
		}
		p := ls[i-1]
		step := p.y - l.y
		switch {
		case math.Abs(step) <= baselineTol*math.Max(p.size, l.size) && l.x0 >= p.x1:
			out[i].before = sameLine
		case step < 0:
			// Back up the page: the next column or a piece placed out of
			// order. Columns usually continue the paragraph.
			out[i].before = lineBreak
		case math.Abs(l.size-p.size) > sizeChange*math.Max(l.size, p.size):
			out[i].before = paraBreak
		case step/l.size > usual*paraStep:
			out[i].before = paraBreak
		default:
			out[i].before = lineBreak
		}
	}
	return out
}

// joinPages strings the pages' lines together. A new page starts a paragraph
// unless it plainly continues a sentence (or a hyphenated word) from the page
// before.
func joinPages(pages [][]pageLine) []pageLine {
	var out []pageLine
	for _, pl := range pages {
		if len(pl) > 0 && len(out) > 0 {
			pl[0].before = paraBreak
			if r, _ := utf8.DecodeRuneInString(pl[0].text); unicode.IsLower(r) {
				pl[0].before = lineBreak
			}
		}
		out = append(out, pl...)
	}
	return out
}

// dropFurniture removes running heads and feet: the first or last line of a
// page when the same line, digits aside, opens or closes at least half of
// the pages (two at least), and a bare page number closing a page. Left in,
// they land in the middle of paragraphs that run across pages.
func dropFurniture(pages [][]pageLine) [][]pageLine {
	heads, feet := map[string]int{}, map[string]int{}
	for _, pl := range pages {
		if len(pl) > 1 {
			heads[furnitureKey(pl[0].text)]++
			feet[furnitureKey(pl[len(pl)-1].text)]++
		}
	}
	repeated := func(n int) bool { return n >= 2 && 2*n >= len(pages) }
	for i, pl := range pages {
		if len(pl) < 2 {
			continue
		}
		if last := pl[len(pl)-1].text; repeated(feet[furnitureKey(last)]) || pageNumber.MatchString(last) {
			pl = pl[:len(pl)-1]
		}
		if len(pl) > 1 && repeated(heads[furnitureKey(pl[0].text)]) {
			pl = pl[1:]
		}
		pages[i] = pl
	}
	return pages
}

var (
	pageNumber = regexp.MustCompile(`(?i)^\W*(page\s*)?\d{1,3}(\s*(of|/)\s*\d{1,3})?\W*$`)
	digits     = regexp.MustCompile(`\d+`)
)

func furnitureKey(s string) string { return digits.ReplaceAllString(strings.ToLower(s), "#") }

// assemble joins the lines of all pages into the body: lines with newlines,
// paragraphs with blank lines, and words hyphenated across a line end put back
// together. It stops at limit bytes and reports whether it had to.
func assemble(lines []pageLine, limit int) (string, bool) {
	vocab := vocabulary(lines)
	var buf []byte
	for i, l := range lines {
		sep := ""
		if i > 0 {
			switch l.before {
			case sameLine:
				sep = " "
			case lineBreak:
				sep = "\n"
				if keep, ok := hyphenJoin(buf, l.text, vocab); ok {
					sep = ""
					if !keep {
						_, n := utf8.DecodeLastRune(buf)
						buf = buf[:len(buf)-n]
					}
				}
			case paraBreak:
				sep = "\n\n"
			}
		}
		if len(buf)+len(sep)+len(l.text) > limit {
			if rest := limit - len(buf) - len(sep); rest > 0 {
				buf = append(buf, sep...)
				buf = append(buf, truncateUTF8(l.text, rest)...)
			}
			return string(buf), true
		}
		buf = append(buf, sep...)
		buf = append(buf, l.text...)
	}
	return string(buf), false
}

// hyphenJoin decides whether text ending in a hyphen and the next line are one
// word. ok says they are; keepHyphen that the hyphen is part of the word
// (counter-terrorism) rather than a break inserted by hyphenation (coun-tering).
// The document itself is the dictionary: a form seen elsewhere wins, and when
// both halves occur as words on their own the hyphen is kept.
func hyphenJoin(text []byte, next string, vocab map[string]bool) (keepHyphen, ok bool) {
	last, n := utf8.DecodeLastRune(text)
	if !isHyphen(last) {
		return false, false
	}
	text = text[:len(text)-n]
	before, _ := utf8.DecodeLastRune(text)
	first, _ := utf8.DecodeRuneInString(next)
	if !unicode.IsLetter(before) || !unicode.IsLetter(first) {
		return false, false
	}
	if !unicode.IsLower(first) {
		return true, true // hyphenation never capitalizes: South-East
	}
	head := lastWord(text)
	tail := firstWord(next)
	if head == "" || tail == "" {
		return false, false
	}
	lh, lt := strings.ToLower(head), strings.ToLower(tail)
	switch {
	case vocab[lh+"-"+lt]:
		return true, true
	case vocab[lh+lt]:
		return false, true
	case vocab[lh] && vocab[lt] && utf8.RuneCountInString(lh) > 2 && utf8.RuneCountInString(lt) > 2:
		return true, true
	}
	return false, true
}

func isHyphen(r rune) bool { return r == '-' || r == '\u2010' || r == '\u00ad' }

// vocabulary collects the document's words, lower-cased, leaving out the
// pieces around line-end hyphens, which are what it is asked about.
func vocabulary(lines []pageLine) map[string]bool {
	v := map[string]bool{}
	for i, l := range lines {
		words := strings.Fields(l.text)
		if len(words) == 0 {
			continue
		}
		from, to := 0, len(words)
		if r, _ := utf8.DecodeLastRuneInString(l.text); isHyphen(r) {
			to--
		}
		if i > 0 && lines[i].before != paraBreak {
			if r, _ := utf8.DecodeLastRuneInString(lines[i-1].text); isHyphen(r) {
				from++
			}
		}
		for j := from; j < to; j++ {
			w := strings.ToLower(strings.TrimFunc(words[j], notWordRune))
			if w != "" {
				v[w] = true
			}
		}
	}
	return v
}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// lastWord returns the letters at the end of s.
func lastWord(s []byte) string {
	i := bytes.LastIndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !isHyphen(r) })
	if i < 0 {
		return string(s)
	}
	_, n := utf8.DecodeRune(s[i:])
	return string(s[i+n:])
}

// firstWord returns the letters at the start of s.
func firstWord(s string) string {
	i := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !isHyphen(r) })
	if i < 0 {
		return s
	}
	return s[:i]
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
