package corpus

import (
	"bytes"
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// charsetDecl matches an HTML charset declaration in either of its usual forms:
// <meta charset="..."> or <meta http-equiv="Content-Type" content="text/html; charset=...">.
var charsetDecl = regexp.MustCompile(`(?i)<meta[^>]+charset\s*=\s*["']?([a-z0-9_-]+)`)

func corpusFiles(t *testing.T) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := fs.WalkDir(FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		data, err := FS.ReadFile(path)
		if err != nil {
			return err
		}
		files[path] = data
		return nil
	})
	if err != nil {
		t.Fatalf("walking the embedded corpus: %v", err)
	}
	return files
}

func TestCorpusSize(t *testing.T) {
	files := corpusFiles(t)
	perDir := map[string]int{}
	for path := range files {
		dir, _, _ := strings.Cut(path, "/")
		perDir[dir]++
	}
	want := 30 // html + text alone
	if perDir["pdf"] > 0 {
		want = 40
	}
	if len(files) < want {
		t.Errorf("corpus has %d files (%v), want at least %d", len(files), perDir, want)
	}
	for _, dir := range []string{"html", "text", "pdf"} {
		if perDir[dir] == 0 {
			t.Errorf("no files under %s/", dir)
		}
	}
}

func TestCorpusFilesNonEmpty(t *testing.T) {
	for path, data := range corpusFiles(t) {
		if len(bytes.TrimSpace(data)) == 0 {
			t.Errorf("%s is empty", path)
		}
	}
}

func TestCorpusPDFsArePDFs(t *testing.T) {
	for path, data := range corpusFiles(t) {
		if strings.HasPrefix(path, "pdf/") && !bytes.HasPrefix(data, []byte("%PDF-")) {
			t.Errorf("%s does not start with a PDF header", path)
		}
	}
}

func TestCorpusTextIsUTF8(t *testing.T) {
	for path, data := range corpusFiles(t) {
		if strings.HasPrefix(path, "text/") && !utf8.Valid(data) {
			t.Errorf("%s is not valid UTF-8", path)
		}
	}
}

// Every HTML page must be readable: either it is valid UTF-8, or it declares the
// charset it is written in so that a parser can decode it.
func TestCorpusHTMLEncoding(t *testing.T) {
	nonUTF8 := 0
	for path, data := range corpusFiles(t) {
		if !strings.HasPrefix(path, "html/") {
			continue
		}
		m := charsetDecl.FindSubmatch(data)
		if utf8.Valid(data) {
			if m != nil && !isUTF8Name(string(m[1])) && !isASCII(data) {
				t.Errorf("%s is valid UTF-8 with non-ASCII bytes but declares charset %q", path, m[1])
			}
			continue
		}
		nonUTF8++
		if m == nil {
			t.Errorf("%s is not UTF-8 and declares no charset", path)
		} else if isUTF8Name(string(m[1])) {
			t.Errorf("%s declares charset %q but is not valid UTF-8", path, m[1])
		}
	}
	if nonUTF8 == 0 {
		t.Errorf("expected at least one HTML page in a legacy encoding (windows-1252)")
	}
}

func isUTF8Name(s string) bool {
	s = strings.ToLower(s)
	return s == "utf-8" || s == "utf8"
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}
