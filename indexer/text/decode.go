package text

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// sniffLen is how much of a file the binary and UTF-16 checks look at: enough to
// see past a short header, small enough to stay cheap on large files.
const sniffLen = 8 << 10

// Magic numbers of binary formats that turn up misnamed in document folders.
// A PDF saved as .txt or .html is the common case; the others are cheap to catch.
var magics = [][]byte{
	[]byte("%PDF-"),
	[]byte("\x89PNG\r\n\x1a\n"),
	[]byte("\x7fELF"),
	[]byte("GIF87a"),
	[]byte("GIF89a"),
	[]byte("\xff\xd8\xff"),     // JPEG
	[]byte("PK\x03\x04"),       // ZIP, and so DOCX, XLSX, ODT, EPUB
	[]byte("\x1f\x8b"),         // gzip
	[]byte("\xd0\xcf\x11\xe0"), // OLE2: legacy .doc, .xls
}

// LooksBinary reports whether data is clearly not text: it starts with the magic
// number of a binary format, or its first 8 KB hold many NULs or other control
// bytes. A few stray NULs (a truncated export, a bad copy) do not count: Normalize
// drops them. Call it only after ruling out UTF-16, whose ASCII is half NULs.
func LooksBinary(data []byte) bool {
	for _, m := range magics {
		if bytes.HasPrefix(data, m) {
			return true
		}
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

// UTF16 reports whether data is UTF-16 and returns a decoder for it. A byte order
// mark decides it. Without one, ASCII-heavy UTF-16 (most Latin-script text) is
// recognised by its pattern of NULs in every other byte; UTF-16 of other scripts
// without a mark has no such pattern and is not detected (it then usually fails
// LooksBinary or decodes as mojibake: there is no reliable signal to go on).
func UTF16(data []byte) (dec *encoding.Decoder, name string, ok bool) {
	switch {
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}):
		return unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder(), "utf-16le", true
	case bytes.HasPrefix(data, []byte{0xfe, 0xff}):
		return unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder(), "utf-16be", true
	}
	head := data[:min(len(data), sniffLen)&^1]
	if len(head) < 4 {
		return nil, "", false
	}
	var evenNul, oddNul int
	for i := 0; i < len(head); i += 2 {
		if head[i] == 0 {
			evenNul++
		}
		if head[i+1] == 0 {
			oddNul++
		}
	}
	pairs := len(head) / 2
	// Latin-script UTF-16 has a NUL high byte in nearly every code unit; binary
	// data has NULs on both sides. Demand a strong one-sided pattern.
	switch {
	case oddNul*10 >= pairs*7 && evenNul*20 <= pairs:
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder(), "utf-16le", true
	case evenNul*10 >= pairs*7 && oddNul*20 <= pairs:
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder(), "utf-16be", true
	}
	return nil, "", false
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
// bytes and turns CRLF and lone CR line ends into LF.
func Normalize(s string) string {
	s = strings.TrimPrefix(s, "\uFEFF")
	s = strings.ToValidUTF8(s, "\uFFFD")
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return s
}
