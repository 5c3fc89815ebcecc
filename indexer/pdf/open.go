package pdf

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	lpdf "github.com/ledongthuc/pdf"
)

// This file opens a PDF with the library, first repairing what readers such as
// Acrobat and pdf.js tolerate and the library does not (bytes before the
// header, a cross-reference chain that loops), and turns the library's errors
// into reasons a researcher can act on.

// headerWindow is how far into a file the %PDF- header may start: Acrobat
// accepts it within the first 1024 bytes, after a mail or HTTP header that a
// download saved along with the file. The file's offsets count from the header.
const headerWindow = 1024

// open returns a reader for data or a clear reason why there is none.
func open(data []byte) (*lpdf.Reader, error) {
	i := bytes.Index(data[:min(len(data), headerWindow+5)], []byte("%PDF-"))
	if i < 0 {
		if bytes.Contains(data, []byte("%PDF-")) {
			return nil, errors.New("not a PDF: junk before the header (more than 1 KiB)")
		}
		return nil, fmt.Errorf("not a PDF: no %%PDF- header (the file starts %q)", head(data))
	}
	r, err := openAt(data[i:])
	if err != nil && i >= len("%PDF-1.7\n") {
		// Most files with bytes before the header count their offsets from
		// the header; some count them from the start of the file. For those,
		// keep every byte where it is and turn the junk into a header and
		// white space.
		shifted := bytes.Clone(data)
		n := copy(shifted, "%PDF-1.7\n")
		for k := n; k < i; k++ {
			shifted[k] = ' '
		}
		if r2, err2 := openAt(shifted); err2 == nil {
			return r2, nil
		}
	}
	if err != nil {
		return nil, explain(err, data[i:])
	}
	return r, nil
}

// openAt opens data that starts with the header.
func openAt(data []byte) (*lpdf.Reader, error) {
	data = breakXrefLoops(data)
	r, err := lpdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if fixed, ok := normalize(data); ok {
			r, err = lpdf.NewReader(bytes.NewReader(fixed), int64(len(fixed)))
		}
	}
	return r, err
}

// head is the start of data for a message, cut at the first line end.
func head(data []byte) string {
	h := data[:min(len(data), 24)]
	if j := bytes.IndexAny(h, "\r\n"); j >= 0 {
		h = h[:j]
	}
	return strings.ToValidUTF8(string(h), "?")
}

// explain turns an error from the library's NewReader into a reason.
func explain(err error, data []byte) error {
	msg := err.Error()
	switch {
	case errors.Is(err, lpdf.ErrInvalidPassword):
		return ErrEncrypted
	case bytes.Contains(data, []byte("/Encrypt")) && strings.Contains(msg, "encryption"):
		return explainEncryption(data, msg)
	case !bytes.Contains(data[max(0, len(data)-2048):], []byte("%%EOF")):
		return errors.New("pdf: truncated or damaged file: it does not end with %%EOF")
	}
	return fmt.Errorf("pdf: damaged file: %s", msg)
}

// encryptDict finds the standard security handler's dictionary in the raw
// bytes (the library does not hand it out when it refuses the file).
var (
	encryptV = regexp.MustCompile(`/Filter\s*/Standard[^>]*?/V\s+(\d+)|/V\s+(\d+)[^>]*?/Filter\s*/Standard`)
	encryptR = regexp.MustCompile(`/R\s+(\d+)`)
	encryptU = regexp.MustCompile(`/U\s*(<[0-9A-Fa-f\s]+>|\()`)
)

// explainEncryption names encryption the library cannot read. AES-256
// (revisions 5 and 6, PDF 2.0 and Acrobat 9 on) is the common case; when it
// has an empty user password the file opens in any viewer without asking, and
// the message says so rather than asking for a password nobody set.
func explainEncryption(data []byte, msg string) error {
	at := bytes.Index(data, []byte("/Filter /Standard"))
	if at < 0 {
		at = bytes.Index(data, []byte("/Standard"))
	}
	if at < 0 {
		return fmt.Errorf("encrypted PDF: unsupported encryption (%s)", msg)
	}
	from := max(0, at-2048)
	dict := data[from:min(len(data), at+2048)]
	v := 0
	if m := encryptV.FindSubmatch(dict); m != nil {
		v, _ = strconv.Atoi(string(m[1]) + string(m[2]))
	}
	if v != 5 {
		return fmt.Errorf("encrypted PDF: unsupported encryption (%s)", msg)
	}
	r := 0
	if m := encryptR.FindSubmatch(dict); m != nil {
		r, _ = strconv.Atoi(string(m[1]))
	}
	if u := encryptValue(dict); len(u) >= 40 && (r == 5 || r == 6) {
		if emptyUserPassword(u, r) {
			return errors.New("encrypted PDF (AES-256) that opens without a password: this encryption is not supported yet")
		}
		return errors.New("encrypted PDF: needs a password (AES-256)")
	}
	return errors.New("encrypted PDF (AES-256): not supported yet")
}

// encryptValue reads the /U string of an encryption dictionary, hex or literal.
func encryptValue(dict []byte) []byte {
	loc := encryptU.FindSubmatchIndex(dict)
	if loc == nil {
		return nil
	}
	rest := dict[loc[2]:]
	if rest[0] == '<' {
		end := bytes.IndexByte(rest, '>')
		hex := strings.Join(strings.Fields(string(rest[1:end])), "")
		var out []byte
		for i := 0; i+1 < len(hex); i += 2 {
			b, err := strconv.ParseUint(hex[i:i+2], 16, 8)
			if err != nil {
				return nil
			}
			out = append(out, byte(b))
		}
		return out
	}
	return literalString(rest)
}

// literalString decodes a PDF literal string starting at its "(".
func literalString(b []byte) []byte {
	var out []byte
	depth := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '(':
			if depth > 0 {
				out = append(out, c)
			}
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				return out
			}
			out = append(out, c)
		case c == '\\' && i+1 < len(b):
			i++
			switch e := b[i]; e {
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case '\r', '\n':
				if e == '\r' && i+1 < len(b) && b[i+1] == '\n' {
					i++
				}
			default:
				if e >= '0' && e <= '7' {
					v := 0
					for j := 0; j < 3 && i < len(b) && b[i] >= '0' && b[i] <= '7'; j++ {
						v = v*8 + int(b[i]-'0')
						i++
					}
					i--
					out = append(out, byte(v))
				} else {
					out = append(out, e)
				}
			}
		default:
			out = append(out, c)
		}
	}
	return out
}

// emptyUserPassword reports whether the empty password opens an AES-256
// document: its hash with the validation salt U[32:40] must be U[:32]
// (PDF 32000-2, algorithms 2.A and 2.B).
func emptyUserPassword(u []byte, r int) bool {
	salt := u[32:40]
	if r == 5 {
		h := sha256.Sum256(salt)
		return bytes.Equal(h[:], u[:32])
	}
	return bytes.Equal(hash2B(nil, salt, nil), u[:32])
}

// hash2B is algorithm 2.B of PDF 32000-2, revision 6 password hashing.
func hash2B(pw, salt, udata []byte) []byte {
	s := sha256.Sum256(slices.Concat(pw, salt, udata))
	k := s[:]
	for i := 0; ; {
		k1 := bytes.Repeat(slices.Concat(pw, k, udata), 64)
		c, _ := aes.NewCipher(k[:16])
		e := make([]byte, len(k1))
		cipher.NewCBCEncrypter(c, k[16:32]).CryptBlocks(e, k1)
		sum := 0
		for _, b := range e[:16] {
			sum += int(b)
		}
		switch sum % 3 {
		case 0:
			s := sha256.Sum256(e)
			k = s[:]
		case 1:
			s := sha512.Sum384(e)
			k = s[:]
		default:
			s := sha512.Sum512(e)
			k = s[:]
		}
		i++
		if i >= 64 && int(e[len(e)-1]) <= i-32 {
			return k[:32]
		}
	}
}

// prevKey finds a cross-reference section's link to the one before it.
var prevKey = regexp.MustCompile(`/Prev\s+(\d+)`)

// breakXrefLoops follows the chain of cross-reference sections from startxref
// through each /Prev, and when an offset comes round again (a /Prev that
// points at its own section, or a longer loop) renames the /Prev that closes
// the loop to a key no reader knows, in place, so that no offset moves. The
// library follows /Prev without remembering where it has been, and spins
// forever on such a file; every section the loop visits has been read once
// by then, so nothing is lost.
func breakXrefLoops(data []byte) []byte {
	tail := data[max(0, len(data)-1024):]
	i := bytes.LastIndex(tail, []byte("startxref"))
	if i < 0 {
		return data
	}
	fields := strings.Fields(string(tail[i+len("startxref"):]))
	if len(fields) == 0 {
		return data
	}
	off, err := strconv.Atoi(fields[0])
	seen := map[int]bool{}
	for steps := 0; err == nil && off >= 0 && off < len(data) && steps < 4096; steps++ {
		seen[off] = true
		sec := data[off:]
		var dict []byte
		base := off
		if bytes.HasPrefix(bytes.TrimLeft(sec, " \t\r\n\f\x00"), []byte("xref")) {
			t := bytes.Index(sec, []byte("trailer"))
			if t < 0 {
				return data
			}
			e := bytes.Index(sec[t:], []byte("startxref"))
			if e < 0 {
				e = min(len(sec)-t, 4096)
			}
			dict, base = sec[t:t+e], off+t
		} else {
			e := bytes.Index(sec, []byte("stream"))
			if e < 0 {
				return data
			}
			dict = sec[:e]
		}
		m := prevKey.FindSubmatchIndex(dict)
		if m == nil {
			return data
		}
		next, perr := strconv.Atoi(string(dict[m[2]:m[3]]))
		if perr == nil && seen[next] {
			out := bytes.Clone(data)
			copy(out[base+m[0]:], "/Loop")
			return out
		}
		off, err = next, perr
	}
	return data
}
