package html

import (
	"bytes"
	"fmt"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"

	"dossier/indexer/text"
)

// metaScanLen bounds the search for a <meta> charset declaration. The HTML
// standard's prescan stops at 1024 bytes (charset.DetermineEncoding follows it),
// but pages exported from content-management systems often put the declaration
// after kilobytes of inline style or script in the head; browsers then re-decode
// when they meet it, and reading the whole head matches what they end up showing.
const metaScanLen = 64 << 10

// decode turns the bytes of an HTML page into UTF-8 and names the encoding used.
// The order follows the HTML standard: a byte order mark (including BOM-less
// UTF-16 that text.UTF16 recognises), then a <meta charset> or <meta http-equiv
// content-type> in the head (or, failing that, an XHTML page's XML declaration),
// then a guess from the bytes themselves: UTF-8 when they mostly are UTF-8, else
// Windows-1252 (the standard's default for an undeclared Western page).
//
// Two departures from charset.DetermineEncoding, both for pages that browsers
// would show garbled until the user picked an encoding: it guesses from the first
// 1024 bytes only, so undeclared UTF-8 whose first accent comes later would be
// read as Windows-1252, while the guess here looks at the whole page; and a label
// the bytes contradict loses: a page labelled Windows-1252 that is valid,
// non-ASCII UTF-8 is read as UTF-8, and one labelled UTF-8 without a single valid
// multi-byte sequence among its non-ASCII bytes is read as Windows-1252. Mixed
// pages keep their label, invalid bytes becoming U+FFFD.
func decode(data []byte) (string, string, error) {
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		return string(data[3:]), "utf-8", nil
	}
	if s, name, ok := text.UTF16(data); ok {
		return s, name, nil
	}
	if text.LooksBinary(data) {
		if kind := text.Sniff(data); kind != "" {
			return "", "", fmt.Errorf("%w: the file is %s", ErrBinary, kind)
		}
		return "", "", ErrBinary
	}
	head := data[:min(len(data), metaScanLen)]
	enc, name := metaCharset(head)
	if enc == nil {
		enc, name = xmlCharset(head)
	}
	if name == "windows-1252" && utf8.Valid(data) && !ascii(data) {
		// Declared Windows-1252 (or Latin-1) but valid UTF-8 with non-ASCII
		// letters: the page was re-encoded without fixing its label, as
		// CMS exports and "save as" copies do. Real Windows-1252 text is
		// practically never valid UTF-8 (it would need pairs like "Ã©").
		return string(data), "utf-8", nil
	}
	if name == "utf-8" && !utf8.Valid(data) && !hasUTF8Sequence(data) {
		// The reverse: labelled UTF-8, but not one non-ASCII letter is UTF-8.
		// Old pages pasted into a UTF-8 template carry Latin-1 bytes this
		// way; reading them as Windows-1252 gives the letters back.
		b, err := text.Windows1252().Bytes(data)
		return string(b), "windows-1252", err
	}
	if enc != nil {
		if name == "utf-8" {
			// Invalid bytes are replaced later, by text.Normalize.
			return string(data), name, nil
		}
		b, err := enc.NewDecoder().Bytes(data)
		return string(b), name, err
	}
	if !utf8.Valid(data) && text.Legacy(data) {
		b, err := text.Windows1252().Bytes(data)
		return string(b), "windows-1252", err
	}
	return string(data), "utf-8", nil
}

// metaCharset finds the first <meta> that declares a known character encoding,
// stopping at <body>. A declaration of UTF-16 in an ASCII-readable <meta> cannot
// be true, and means UTF-8 (HTML standard, "prescan a byte stream").
func metaCharset(head []byte) (encoding.Encoding, string) {
	z := html.NewTokenizer(bytes.NewReader(head))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return nil, ""
		case html.StartTagToken, html.SelfClosingTagToken:
		default:
			continue
		}
		name, hasAttr := z.TagName()
		if string(name) == "body" {
			return nil, ""
		}
		if string(name) != "meta" {
			continue
		}
		var label, content string
		pragma := false
		for hasAttr {
			var k, v []byte
			k, v, hasAttr = z.TagAttr()
			switch string(k) {
			case "charset":
				label = string(v)
			case "http-equiv":
				pragma = strings.EqualFold(string(v), "content-type")
			case "content":
				content = string(v)
			}
		}
		if label == "" && pragma {
			label = contentCharset(content)
		}
		if label == "" {
			continue
		}
		enc, canon := charset.Lookup(strings.TrimSpace(label))
		if enc == nil {
			continue
		}
		if strings.HasPrefix(canon, "utf-16") {
			return encoding.Nop, "utf-8"
		}
		// htmlindex maps the legacy Latin labels (iso-8859-1, latin1, ascii)
		// to windows-1252, as browsers do: pages labelled Latin-1 use its
		// curly quotes and dashes all the time.
		return enc, canon
	}
}

// contentCharset reads the charset parameter of a Content-Type value, tolerating
// the malformed values real pages carry ("text/html; charset=iso-8859-1;").
func contentCharset(v string) string {
	if _, params, err := mime.ParseMediaType(v); err == nil && params["charset"] != "" {
		return params["charset"]
	}
	i := strings.Index(strings.ToLower(v), "charset=")
	if i < 0 {
		return ""
	}
	v = strings.Trim(v[i+len("charset="):], ` "'`)
	if j := strings.IndexAny(v, ` ;"'`); j >= 0 {
		v = v[:j]
	}
	return v
}

// xmlDecl matches the encoding in an XHTML page's XML declaration, which the
// HTML standard ignores but old XHTML exports rely on when they carry no <meta>.
var xmlDecl = regexp.MustCompile(`^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']`)

func xmlCharset(head []byte) (encoding.Encoding, string) {
	m := xmlDecl.FindSubmatch(head)
	if m == nil {
		return nil, ""
	}
	enc, name := charset.Lookup(string(m[1]))
	if enc == nil || strings.HasPrefix(name, "utf-16") {
		return nil, ""
	}
	return enc, name
}

// hasUTF8Sequence reports whether b holds at least one valid multi-byte UTF-8
// sequence.
func hasUTF8Sequence(b []byte) bool {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || size > 1 {
			return true
		}
		i += size
	}
	return false
}

func ascii(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
