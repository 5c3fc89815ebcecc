package pdf

import (
	"context"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	lpdf "github.com/ledongthuc/pdf"
)

// This file runs a page's content stream and records where each glyph lands.
// It replaces the library's Page.Content, which assumes one-byte character codes
// (so every glyph of a Type0 font, as Chromium writes them, gets width 0),
// ignores word spacing (Tw) and form XObjects, and cannot be stopped half-way.

// glyph is one shown character code, in default user space (points, y up)
// turned so that its baseline runs left to right.
type glyph struct {
	dir   uint8   // how far the baseline is turned from left-to-right, in quarter turns counterclockwise
	x, y  float64 // origin on the baseline
	end   float64 // x where the glyph's advance ends
	size  float64 // rendered font size
	s     string  // the text it stands for; may be several runes (ligatures)
	space bool    // s is white space: a word break the producer wrote out
}

// place returns a glyph drawn with text rendering matrix trm and advance w
// (in ems), laid out in the frame of its own baseline: rotated text (table
// headers, landscape pages on portrait media) then reads like any other, and
// layoutPage handles each direction on its own.
func place(trm matrix, w float64, s string) glyph {
	bx, by := trm[0], trm[1] // the baseline direction, scaled by the font size
	e, f := trm[4], trm[5]
	g := glyph{size: math.Hypot(trm[2], trm[3]), s: s, space: isBlank(s)}
	switch {
	case abs(bx) >= abs(by) && bx >= 0:
		g.dir, g.x, g.y, g.end = 0, e, f, e+w*bx
	case abs(bx) >= abs(by):
		g.dir, g.x, g.y, g.end = 2, -e, -f, -e-w*bx
	case by > 0:
		g.dir, g.x, g.y, g.end = 1, f, -e, f+w*by
	default:
		g.dir, g.x, g.y, g.end = 3, -f, e, -f-w*by
	}
	return g
}

// matrix is a PDF transformation matrix [a b c d e f].
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// mul returns m × n: apply m first, then n.
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2],
		m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2],
		m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4],
		m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

type gstate struct {
	ctm    matrix
	tc, tw float64 // character and word spacing
	th     float64 // horizontal scaling, 1 = 100%
	tl     float64 // leading
	tfs    float64 // font size
	rise   float64
	font   *font
}

// Limits that keep one hostile page from costing more than a normal document.
const (
	maxFormDepth  = 8       // nested form XObjects
	maxOpsPerPage = 4 << 20 // content-stream operators
	maxGlyphs     = 1 << 20 // glyphs on one page (about 64 MB of positions)
	// maxContentBytes bounds a page's content stream, inflated: a few MB of
	// Flate data can inflate to gigabytes, which the interpreter would lex
	// byte by byte (and stack as operands) until the deadline.
	maxContentBytes = 64 << 20
	ctxCheckEvery   = 1024 // operators between ctx checks
)

// abort carries an error out of the library's callback-driven interpreter,
// which offers no other way to stop.
type abort struct{ err error }

// pageReader interprets pages of one document, sharing parsed fonts between
// pages: re-parsing a ToUnicode CMap on every page dominates the cost otherwise.
type pageReader struct {
	ctx     context.Context
	fonts   map[string]*font // by fontKey
	unknown *font            // stands in when text is shown before any Tf
	glyphs  []glyph          // the current page's glyphs, in content order
	ops     int
	budget  int // bytes of text still allowed before the output cap
}

// resources is one resource dictionary with its fonts resolved lazily.
type resources struct {
	v     lpdf.Value
	fonts map[string]*font
}

func (r *pageReader) font(res *resources, name string) *font {
	if f, ok := res.fonts[name]; ok {
		return f
	}
	v := res.v.Key("Font").Key(name)
	key := fontKey(v)
	f := r.fonts[key]
	if f == nil || key == "" {
		f = newFont(v)
		if key != "" {
			r.fonts[key] = f
		}
	}
	res.fonts[name] = f
	return f
}

// runPage interprets one page's content stream into r.glyphs. It panics with
// abort when ctx ends or the text budget runs out; the caller recovers.
func (r *pageReader) runPage(contents, res lpdf.Value) {
	r.glyphs = r.glyphs[:0]
	checkSize(contents)
	g := gstate{ctm: identity, th: 1}
	r.run(contents, &resources{v: res, fonts: map[string]*font{}}, g, 0)
}

func (r *pageReader) run(strm lpdf.Value, res *resources, g gstate, depth int) {
	var (
		tm, tlm matrix = identity, identity
		stack   []gstate
		args    []lpdf.Value
	)
	show := func(raw string) {
		f := g.font
		if f == nil {
			if r.unknown == nil {
				r.unknown = &font{dw: 500, scale: 1, decoded: map[string]string{}}
			}
			f = r.unknown
		}
		step := 1
		if f.twoByte {
			step = 2
		}
		for i := 0; i+step <= len(raw); i += step {
			code := raw[i : i+step]
			w := f.width(code)
			trm := matrix{g.tfs * g.th, 0, 0, g.tfs, 0, g.rise}.mul(tm).mul(g.ctm)
			if s := f.decode(code); s != "" {
				if len(r.glyphs) >= maxGlyphs {
					panic(abort{errTooComplex})
				}
				r.glyphs = append(r.glyphs, place(trm, w/1000, s))
				r.budget -= len(s)
			}
			tx := w/1000*g.tfs + g.tc
			if step == 1 && code == " " {
				tx += g.tw
			}
			tx *= g.th
			tm = matrix{1, 0, 0, 1, tx, 0}.mul(tm)
		}
		if r.budget < 0 {
			panic(abort{errBudget})
		}
	}

	lpdf.Interpret(strm, func(stk *lpdf.Stack, op string) {
		r.ops++
		if r.ops%ctxCheckEvery == 0 {
			if err := r.ctx.Err(); err != nil {
				panic(abort{err})
			}
		}
		if r.ops > maxOpsPerPage {
			panic(abort{errTooComplex})
		}
		// Operands come off the stack last-first; keep them in written order.
		n := stk.Len()
		if cap(args) < n {
			args = make([]lpdf.Value, n)
		}
		args = args[:n]
		for i := n - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		num := func(i int) float64 {
			if i < len(args) {
				return args[i].Float64()
			}
			return 0
		}
		mat := func() matrix {
			var m matrix
			for i := range m {
				m[i] = num(i)
			}
			return m
		}

		switch op {
		case "q":
			if len(stack) < 1024 {
				stack = append(stack, g)
			}
		case "Q":
			if len(stack) > 0 {
				g = stack[len(stack)-1]
				stack = stack[:len(stack)-1]
			}
		case "cm":
			g.ctm = mat().mul(g.ctm)
		case "BT":
			tm, tlm = identity, identity
		case "Tc":
			g.tc = num(0)
		case "Tw":
			g.tw = num(0)
		case "Tz":
			g.th = num(0) / 100
		case "TL":
			g.tl = num(0)
		case "Ts":
			g.rise = num(0)
		case "Tf":
			if len(args) >= 2 {
				g.font = r.font(res, args[0].Name())
				g.tfs = num(1)
			}
		case "Td", "TD":
			if op == "TD" {
				g.tl = -num(1)
			}
			tlm = matrix{1, 0, 0, 1, num(0), num(1)}.mul(tlm)
			tm = tlm
		case "Tm":
			tlm = mat()
			tm = tlm
		case "T*":
			tlm = matrix{1, 0, 0, 1, 0, -g.tl}.mul(tlm)
			tm = tlm
		case "Tj":
			if len(args) >= 1 {
				show(args[len(args)-1].RawString())
			}
		case "'", "\"":
			if op == "\"" && len(args) >= 3 {
				g.tw, g.tc = num(0), num(1)
			}
			tlm = matrix{1, 0, 0, 1, 0, -g.tl}.mul(tlm)
			tm = tlm
			if len(args) >= 1 {
				show(args[len(args)-1].RawString())
			}
		case "TJ":
			if len(args) < 1 {
				return
			}
			a := args[len(args)-1]
			for i := 0; i < a.Len(); i++ {
				x := a.Index(i)
				switch x.Kind() {
				case lpdf.String:
					show(x.RawString())
				case lpdf.Integer, lpdf.Real:
					// Kerning: positive numbers move left, in thousandths of an em.
					tx := -x.Float64() / 1000 * g.tfs * g.th
					tm = matrix{1, 0, 0, 1, tx, 0}.mul(tm)
				}
			}
		case "Do":
			if len(args) < 1 || depth >= maxFormDepth {
				return
			}
			xo := res.v.Key("XObject").Key(args[0].Name())
			if xo.Kind() != lpdf.Stream || xo.Key("Subtype").Name() != "Form" {
				return
			}
			inner := g
			if m := xo.Key("Matrix"); m.Len() == 6 {
				var fm matrix
				for i := range fm {
					fm[i] = m.Index(i).Float64()
				}
				inner.ctm = fm.mul(g.ctm)
			}
			sub := res
			if rv := xo.Key("Resources"); rv.Kind() == lpdf.Dict {
				sub = &resources{v: rv, fonts: map[string]*font{}}
			}
			checkSize(xo)
			r.run(xo, sub, inner, depth+1)
		}
	})
}

// checkSize panics with abort{errBomb} when a content stream (or an array of
// them) inflates past maxContentBytes. Inflating to count costs a fraction of
// interpreting, so normal pages hardly notice the second pass.
func checkSize(strm lpdf.Value) {
	var n int64
	count := func(v lpdf.Value) {
		rd := v.Reader()
		m, _ := io.Copy(io.Discard, io.LimitReader(rd, maxContentBytes+1-n))
		rd.Close()
		n += m
	}
	if strm.Kind() == lpdf.Array {
		for i := 0; i < strm.Len() && n <= maxContentBytes; i++ {
			count(strm.Index(i))
		}
	} else {
		count(strm)
	}
	if n > maxContentBytes {
		panic(abort{errBomb})
	}
}

// font is what text extraction needs from a PDF font: how to split a string into
// character codes, what each code means, and how wide it is.
type font struct {
	enc     lpdf.TextEncoding
	twoByte bool // Type0 fonts: two-byte codes (Identity-H, the CMap producers use for embedded fonts)
	// simple fonts
	first  int
	widths []float64
	// CID fonts
	cidW      map[int]float64
	cidRanges []cidRange
	dw        float64
	scale     float64 // glyph units to thousandths of an em (Type3 fonts have their own)
	decoded   map[string]string
}

type cidRange struct {
	lo, hi int
	w      float64
}

// fontKey identifies a font dictionary across pages. The library exposes no
// object identity, so the key combines what differs between distinct fonts;
// subset prefixes (ABCDEF+Name) make BaseFont unique in practice.
func fontKey(v lpdf.Value) string {
	base := v.Key("BaseFont").Name()
	if base == "" {
		return ""
	}
	enc := v.Key("Encoding")
	encKey := enc.Name()
	if enc.Kind() == lpdf.Dict {
		encKey = "dict" + strconv.Itoa(enc.Key("Differences").Len())
	}
	return strings.Join([]string{
		base,
		v.Key("Subtype").Name(),
		encKey,
		strconv.FormatInt(v.Key("ToUnicode").Key("Length").Int64(), 10),
		strconv.FormatInt(v.Key("FirstChar").Int64(), 10),
		strconv.Itoa(v.Key("Widths").Len()),
	}, "|")
}

func newFont(v lpdf.Value) *font {
	f := &font{scale: 1, dw: 1000, decoded: map[string]string{}}
	lf := lpdf.Font{V: v}
	f.enc = lf.Encoder()
	switch v.Key("Subtype").Name() {
	case "Type0":
		f.twoByte = true
		d := v.Key("DescendantFonts").Index(0)
		if dw := d.Key("DW"); dw.Kind() == lpdf.Integer || dw.Kind() == lpdf.Real {
			f.dw = dw.Float64()
		}
		f.readW(d.Key("W"))
		return f
	case "Type3":
		if m := v.Key("FontMatrix"); m.Len() >= 1 {
			f.scale = m.Index(0).Float64() * 1000
		}
	}
	f.first = int(v.Key("FirstChar").Int64())
	ws := v.Key("Widths")
	f.widths = make([]float64, ws.Len())
	for i := range f.widths {
		f.widths[i] = ws.Index(i).Float64()
	}
	if len(f.widths) == 0 {
		// A standard-14 font without metrics: an average width keeps positions
		// roughly right; producers that rely on it write spaces as glyphs anyway.
		f.dw = 500
	} else {
		f.dw = 0
		if mw := v.Key("FontDescriptor").Key("MissingWidth"); mw.Kind() != lpdf.Null {
			f.dw = mw.Float64()
		}
	}
	return f
}

// readW reads a CIDFont's W array: "c [w1 w2 ...]" or "cFirst cLast w".
func (f *font) readW(w lpdf.Value) {
	f.cidW = map[int]float64{}
	for i := 0; i < w.Len(); {
		c := int(w.Index(i).Int64())
		next := w.Index(i + 1)
		if next.Kind() == lpdf.Array {
			for j := 0; j < next.Len(); j++ {
				f.cidW[c+j] = next.Index(j).Float64()
			}
			i += 2
			continue
		}
		if i+2 >= w.Len() {
			return
		}
		f.cidRanges = append(f.cidRanges, cidRange{c, int(next.Int64()), w.Index(i + 2).Float64()})
		i += 3
	}
}

// width returns the advance of one character code in thousandths of an em.
func (f *font) width(code string) float64 {
	if f.twoByte {
		c := int(code[0])<<8 | int(code[1])
		if w, ok := f.cidW[c]; ok {
			return w
		}
		for _, r := range f.cidRanges {
			if r.lo <= c && c <= r.hi {
				return r.w
			}
		}
		return f.dw
	}
	i := int(code[0]) - f.first
	if i >= 0 && i < len(f.widths) {
		return f.widths[i] * f.scale
	}
	if f.dw == 500 && len(f.widths) == 0 && code == " " {
		return 250
	}
	return f.dw * f.scale
}

// decode returns the text of one character code, cleaned for the body.
func (f *font) decode(code string) string {
	if s, ok := f.decoded[code]; ok {
		return s
	}
	var s string
	if f.enc != nil {
		s = f.enc.Decode(code)
	} else {
		s = code
	}
	s = clean(s)
	if len(f.decoded) < 1<<16 {
		f.decoded[code] = s
	}
	return s
}

// ligatures maps presentation forms to their letters, so that "ﬁnancing" from
// a pdfTeX font is found by a search for "financing".
var ligatures = strings.NewReplacer(
	"\ufb00", "ff", "\ufb01", "fi", "\ufb02", "fl", "\ufb03", "ffi", "\ufb04", "ffl",
	"\ufb05", "st", "\ufb06", "st",
)

// clean makes decoded text safe for the body: valid UTF-8, no control
// characters, no replacement characters for codes the font could not map,
// ligatures spelled out, and every kind of space a plain space.
func clean(s string) string {
	ok := true
	for _, c := range s {
		if c < ' ' || c == utf8.RuneError || c >= 0xfb00 && c <= 0xfb06 || c == '\u00a0' || c == '\u00ad' {
			ok = false
			break
		}
	}
	if ok && utf8.ValidString(s) {
		return s
	}
	s = ligatures.Replace(strings.ToValidUTF8(s, ""))
	return strings.Map(func(c rune) rune {
		switch {
		case c == '\t' || c == '\u00a0':
			return ' '
		case c == '\u00ad':
			return '-' // a soft hyphen drawn at a line end is a hyphen
		case c < ' ' || c == utf8.RuneError || c == 0x7f:
			return -1
		}
		return c
	}, s)
}

func isBlank(s string) bool {
	for _, c := range s {
		if !unicode.IsSpace(c) {
			return false
		}
	}
	return true
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}
