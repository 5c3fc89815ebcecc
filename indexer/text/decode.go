package text

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"
)

// sniffLen is how much of a file the binary and UTF-16 checks look at: enough to
// see past a short header, small enough to stay cheap on large files.
const sniffLen = 8 << 10

// Magic numbers of binary formats that turn up misnamed in document folders.
// A PDF saved as .txt or .html is the common case; the others are cheap to catch.
var magics = []struct {
	magic, name string
}{
	{"%PDF-", "a PDF file"},
	{"\x89PNG\r\n\x1a\n", "a PNG image"},
	{"\x7fELF", "an ELF executable"},
	{"GIF87a", "a GIF image"},
	{"GIF89a", "a GIF image"},
	{"\xff\xd8\xff", "a JPEG image"},
	{"PK\x03\x04", "a ZIP archive (or DOCX, XLSX, ODT, EPUB)"},
	{"\x1f\x8b", "a gzip file"},
	{"\xd0\xcf\x11\xe0", "an old Office file (.doc, .xls)"},
}

// Sniff names the binary format data starts with ("a PNG image"), or "".
func Sniff(data []byte) string {
	for _, m := range magics {
		if bytes.HasPrefix(data, []byte(m.magic)) {
			return m.name
		}
	}
	return ""
}

// LooksBinary reports whether data is clearly not text: it starts with the magic
// number of a binary format, or its first 8 KB hold many NULs or other control
// bytes. A few stray NULs (a truncated export, a bad copy) do not count: Normalize
// drops them. Call it only after ruling out UTF-16, whose ASCII is half NULs.
func LooksBinary(data []byte) bool {
	if Sniff(data) != "" {
		return true
	}
	head := data[:min(len(data), sniffLen)]
	if len(head) == 0 {
		return false
	}
	var nul, ctl int
	for _, c := range head {
		switch {
		case c == 0:
			nul++
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1b:
			// ESC is allowed: terminal logs with colour codes are still text.
			ctl++
		}
	}
	// Thresholds: text almost never has a NUL, binary formats have them every
	// few bytes. 1% NULs or 10% control bytes is far from both.
	// The minimum counts keep a short file with one stray NUL from being rejected.
	return nul > 4 && nul*100 > len(head) || nul+ctl > 8 && (nul+ctl)*10 > len(head)
}

// UTF16 decodes data when it is UTF-16, and names the byte order. A byte order
// mark decides it. Without one, UTF-16 of a single alphabetic script (Latin,
// Cyrillic, Greek, Arabic, ...) shows itself by the high byte of each code unit:
// nearly all of them take one or two values (0x00 for ASCII, 0x04 for Cyrillic),
// while the low bytes vary like letters do. The guess is kept only if the result
// reads as text. BOM-less UTF-16 of ideographic scripts has no such pattern and is
// not detected: it then fails LooksBinary or decodes as mojibake, as there is no
// reliable signal to go on.
func UTF16(data []byte) (text, name string, ok bool) {
	var dec *encoding.Decoder
	bom := true
	switch {
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}):
		dec, name = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder(), "utf-16le"
	case bytes.HasPrefix(data, []byte{0xfe, 0xff}):
		dec, name = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder(), "utf-16be"
	default:
		bom = false
		switch sniffUTF16(data[:min(len(data), sniffLen)&^1]) {
		case 'l':
			dec, name = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder(), "utf-16le"
		case 'b':
			dec, name = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder(), "utf-16be"
		default:
			return "", "", false
		}
	}
	// x/text's UTF-16 decoder turns bad code units and an odd last byte into
	// U+FFFD instead of failing; an error would be a bug there, and the bytes are
	// then better judged as what they otherwise look like.
	b, err := dec.Bytes(data)
	if err != nil || !bom && !readable(b) {
		return "", "", false
	}
	return string(b), name, true
}

// sniffUTF16 returns 'l' or 'b' when head has the byte pattern of little- or
// big-endian UTF-16 text, else 0.
func sniffUTF16(head []byte) byte {
	pairs := len(head) / 2
	if pairs < 4 {
		return 0
	}
	var even, odd [256]int
	for i := 0; i+1 < len(head); i += 2 {
		even[head[i]]++
		odd[head[i+1]]++
	}
	// Concentrated: 90% of the bytes take at most two values.
	concentrated := func(c *[256]int) bool {
		a, b := 0, 0
		for _, n := range c {
			switch {
			case n > a:
				a, b = n, a
			case n > b:
				b = n
			}
		}
		return (a+b)*10 >= pairs*9
	}
	// Spaces, digits and line ends are ASCII in every script, so real UTF-16
	// text has NUL high bytes somewhere; demanding them keeps patterned ASCII
	// ("1.2.3.4.5.6") from passing for UTF-16.
	oddC, evenC := odd[0] > 0 && concentrated(&odd), even[0] > 0 && concentrated(&even)
	switch {
	case oddC && !evenC:
		return 'l'
	case evenC && !oddC:
		return 'b'
	}
	return 0
}

// readable reports whether decoded UTF-8 looks like text: under 1% of its runes
// are control characters or replacement characters.
func readable(b []byte) bool {
	var n, bad int
	for _, r := range string(b) {
		n++
		if r == utf8.RuneError || r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f' {
			bad++
		}
	}
	return n > 0 && bad*100 <= n
}

// Legacy reports whether data, which has no declared encoding, is better read as
// Windows-1252 than as UTF-8: it has bytes above 0x7F, and fewer of them form
// valid UTF-8 sequences than not. A UTF-8 file with a few damaged bytes stays
// UTF-8 (the damage becomes U+FFFD); a Windows-1252 or Latin-1 file, whose accented
// letters almost never happen to form UTF-8, gets its letters back instead of a
// row of replacement characters.
func Legacy(data []byte) bool {
	var valid, invalid int
	for i := 0; i < len(data); {
		c := data[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			invalid++
		} else {
			valid++
		}
		i += size
	}
	return invalid > valid
}

// Windows1252 is the decoder for Legacy text, exported so that the HTML parser
// falls back the same way.
func Windows1252() *encoding.Decoder { return charmap.Windows1252.NewDecoder() }

// Normalize makes decoded text safe to index and to take byte offsets into: it
// drops a leading byte order mark, replaces invalid UTF-8 with U+FFFD, removes NUL
// bytes, turns CRLF and lone CR line ends into LF, and composes accents written
// as combining marks (Unicode NFC), so that "Gene\u0300ve" from a macOS export or
// a PDF is found by a search for "Genève" as a keyboard types it.
func Normalize(s string) string {
	s = strings.TrimPrefix(s, "\uFEFF")
	if !utf8.ValidString(s) { // ToValidUTF8 copies even valid input
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = norm.NFC.String(s) // returns s itself when it is already NFC
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return s
}
