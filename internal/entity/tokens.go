package entity

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The extractors work on one shared token stream instead of one regexp per
// pattern: a single pass over the body is what keeps extraction well above
// 20 MB/s, and matching names word by word makes spacing, line breaks,
// hyphenation and curly apostrophes the same problem solved once.

type tokKind uint8

const (
	tWord   tokKind = iota // letters, possibly with digits and inner apostrophes
	tNumber                // ASCII digits only
	tPunct                 // one punctuation rune
)

// sep says what stands between a token and the one before it.
type sep uint8

const (
	sepNone  sep = iota // adjacent: "S/RES", "2396(2017)", the pieces of "Co-operation"
	sepSpace            // spaces or a single line break
	sepPara             // a blank line: names and citations never run across it
)

type token struct {
	start, end int
	kind       tokKind
	sep        sep
	// joined marks a word hyphenated at a line end in PDF text ("Philip-\npines"):
	// one token, its text as written, its norm without the break.
	joined bool
	// norm is the lower-cased word with apostrophes written ', the digits of a
	// number, or the punctuation rune with every dash written "-" and every
	// apostrophe or single quote written "'".
	norm string
}

// text returns the token as written.
func (t token) text(body string) string { return body[t.start:t.end] }

// word returns the token as written, without the hyphen and line break of a
// joined word: "Philippines" for "Philip-\npines".
func (t token) word(body string) string {
	w := body[t.start:t.end]
	if !t.joined {
		return w
	}
	return strings.Map(func(r rune) rune {
		if r == '-' || isSpace(r) {
			return -1
		}
		return r
	}, w)
}

// lineEndHyphen reports where the rest of a word hyphenated at a line end
// begins: body[j] is "-", then a line break (spaces around it allowed, no
// blank line), then a lower-case letter. It returns -1 when that is not so:
// "Kyrgyz-\nTajik" is two words, and so is any hyphen inside a line.
func lineEndHyphen(body string, j int) int {
	if j >= len(body) || body[j] != '-' {
		return -1
	}
	k := j + 1
	newlines := 0
	for k < len(body) && (body[k] == ' ' || body[k] == '\t' || body[k] == '\r' || body[k] == '\n') {
		if body[k] == '\n' {
			newlines++
		}
		k++
	}
	if newlines != 1 || k >= len(body) {
		return -1
	}
	r, _ := utf8.DecodeRuneInString(body[k:])
	if !unicode.IsLower(r) {
		return -1
	}
	return k
}

// isApostrophe reports the runes used as apostrophes (and single quotes).
func isApostrophe(r rune) bool {
	return r == '\'' || r == '’' || r == 'ʼ' || r == '‘'
}

func isDash(r rune) bool {
	return r == '-' || r == '‐' || r == '‑' || r == '‒' || r == '–' || r == '—' || r == '−'
}

func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' ||
		r == 0xA0 || r == 0x2007 || r == 0x202F || r == 0x2009 || r == 0x200A || r == 0x3000 ||
		(r > 0x7f && unicode.IsSpace(r))
}

// isInvisible reports the format characters that PDF and web text leave
// inside words (soft hyphens, zero-width spaces and joiners, byte-order
// marks): a word goes on across them and its normal form drops them.
func isInvisible(r rune) bool {
	return r == 0xAD || r == 0x200B || r == 0x200C || r == 0x200D || r == 0x2060 || r == 0xFEFF
}

// ligatures are the letter pairs and triples PDF text may keep as one rune.
var ligatures = map[rune]string{'ﬀ': "ff", 'ﬁ': "fi", 'ﬂ': "fl", 'ﬃ': "ffi", 'ﬄ': "ffl", 'ﬅ': "st", 'ﬆ': "st"}

func isLetter(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
	}
	return unicode.IsLetter(r) || unicode.Is(unicode.Mn, r)
}

// tokenize splits body into tokens. A possessive "’s" becomes its own token so
// "Kyrgyzstan’s" is found as "Kyrgyzstan"; hyphens stay tokens of their own so
// dates can see "3-5" while names skip them.
func tokenize(body string, toks []token) []token {
	toks = toks[:0]
	newlines := 0
	pending := sepNone
	first := true
	i := 0
	for i < len(body) {
		c := body[i]
		if c == ' ' { // most bytes between tokens
			if pending < sepSpace {
				pending = sepSpace
			}
			i++
			continue
		}
		var r rune
		size := 1
		if c < utf8.RuneSelf {
			r = rune(c)
		} else {
			r, size = utf8.DecodeRuneInString(body[i:])
		}
		// Letters, digits and common punctuation are neither spaces nor
		// invisible: only the other runes need the two checks.
		if !(c >= '0' && c <= 'z' || c == '(' || c == ')' || c == ',' || c == '.') && (isSpace(r) || isInvisible(r)) {
			if r == '\n' {
				newlines++
			}
			if newlines >= 2 {
				pending = sepPara
			} else if pending < sepSpace {
				pending = sepSpace
			}
			i += size
			continue
		}
		s := pending
		if first {
			s = sepSpace
			first = false
		}
		pending = sepNone
		newlines = 0
		switch {
		case '0' <= r && r <= '9':
			j := i + 1
			for j < len(body) && '0' <= body[j] && body[j] <= '9' {
				j++
			}
			// Digits glued to letters ("G20", "2nd") are a word, not a number.
			if j < len(body) {
				if r2, _ := utf8.DecodeRuneInString(body[j:]); isLetter(r2) {
					j = wordEnd(body, j)
					toks = appendWord(toks, body, i, j, s)
					i = j
					continue
				}
			}
			toks = append(toks, token{start: i, end: j, kind: tNumber, sep: s, norm: body[i:j]})
			i = j
		case isLetter(r):
			j := wordEnd(body, i+size)
			if k := lineEndHyphen(body, j); k > 0 {
				// "Philip-\npines", "Feb-\nruary": one word broken by the
				// line end of PDF text.
				e := wordEnd(body, k)
				toks = append(toks, token{start: i, end: e, kind: tWord, sep: s, joined: true,
					norm: normWord(body[i:j]) + normWord(body[k:e])})
				i = e
				continue
			}
			toks = appendWord(toks, body, i, j, s)
			i = j
		default:
			n := body[i : i+size]
			switch {
			case isDash(r):
				n = "-"
			case isApostrophe(r):
				n = "'"
			case r == '“' || r == '”' || r == '„':
				n = `"`
			case r == '&':
				n = "and"
			}
			toks = append(toks, token{start: i, end: i + size, kind: tPunct, sep: s, norm: n})
			i += size
		}
	}
	return toks
}

// wordEnd returns the end of the word continuing at j: letters, digits, and
// apostrophes with a letter on both sides ("Da’esh", "d’Ivoire").
func wordEnd(body string, j int) int {
	for j < len(body) {
		if c := body[j]; c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				j++
				continue
			}
			if c != '\'' {
				break
			}
		}
		r, size := utf8.DecodeRuneInString(body[j:])
		if isLetter(r) || '0' <= r && r <= '9' {
			j += size
			continue
		}
		if (isApostrophe(r) || isInvisible(r)) && j+size < len(body) {
			if r2, _ := utf8.DecodeRuneInString(body[j+size:]); isLetter(r2) {
				j += size
				continue
			}
		}
		break
	}
	return j
}

// appendWord appends the word body[i:j], splitting off a possessive ’s.
func appendWord(toks []token, body string, i, j int, s sep) []token {
	w := body[i:j]
	if len(w) > 3 && (w[len(w)-1] == 's' || w[len(w)-1] == 'S') {
		r, size := utf8.DecodeLastRuneInString(w[:len(w)-1])
		if isApostrophe(r) {
			k := j - 1 - size
			toks = append(toks, token{start: i, end: k, kind: tWord, sep: s, norm: normWord(body[i:k])})
			return append(toks, token{start: k, end: j, kind: tWord, sep: sepNone, norm: "'s"})
		}
	}
	return append(toks, token{start: i, end: j, kind: tWord, sep: s, norm: normWord(w)})
}

// normCache maps the capitalised words texts use most (every word of every
// name, the words the extractors look for, in Title case and capitals) to their
// normal form, so that normalizing them does not allocate. It is filled once at
// init and only read afterwards.
var normCache = map[string]string{}

// cacheNorm adds w, as written and in Title case and capitals, to normCache.
func cacheNorm(w string) {
	if w == "" {
		return
	}
	n := normWord(w)
	r, size := utf8.DecodeRuneInString(w)
	for _, form := range []string{w, string(unicode.ToUpper(r)) + w[size:], strings.ToUpper(w)} {
		if form != n {
			normCache[form] = n
		}
	}
}

// normWord lower-cases w and writes every apostrophe as '. Plain lower-case
// ASCII, most words of a text, is returned without allocating.
func normWord(w string) string {
	clean := true
	for k := 0; k < len(w); k++ {
		c := w[k]
		if c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' || c == '\'' {
			clean = false
			break
		}
	}
	if clean {
		return w
	}
	if n, ok := normCache[w]; ok {
		return n
	}
	if ascii, apos := asciiWord(w); ascii && !apos {
		// Letters and digits only, as most words are: one allocation, no
		// rune decoding.
		b := make([]byte, len(w))
		for k := 0; k < len(w); k++ {
			c := w[k]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b[k] = c
		}
		return string(b)
	}
	var b strings.Builder
	b.Grow(len(w))
	for _, r := range w {
		if isApostrophe(r) {
			b.WriteByte('\'')
			continue
		}
		if isInvisible(r) {
			continue
		}
		if l, ok := ligatures[r]; ok {
			b.WriteString(l)
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// asciiWord reports whether w is all ASCII, and whether it has an ASCII
// apostrophe.
func asciiWord(w string) (ascii, apos bool) {
	for k := 0; k < len(w); k++ {
		switch c := w[k]; {
		case c >= utf8.RuneSelf:
			return false, apos
		case c == '\'':
			apos = true
		}
	}
	return true, apos
}

// isUpperWord reports whether w has at least two letters and no lower-case
// ones: an acronym such as "CTED" or "UNODC".
func isUpperWord(w string) bool {
	letters := 0
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 2
}

func startsUpper(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r) || '0' <= r && r <= '9'
}
