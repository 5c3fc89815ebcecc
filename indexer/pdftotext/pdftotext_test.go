package pdftotext_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"dossier/indexer/parse"
	"dossier/indexer/pdftotext"
	"dossier/indexer/sandbox"
)

// TestMain lets this test binary serve as the sandbox that starts pdftotext
// under a memory limit.
func TestMain(m *testing.M) {
	sandbox.Main(nil)
	os.Exit(m.Run())
}

func TestClean(t *testing.T) {
	tests := []struct {
		name, out string
		body      string
		pages     int
	}{
		{"two pages", "Title\nline one\n\nnext block\n\fpage two\n\f", "Title\nline one\n\nnext block\n\npage two", 2},
		{"trailing blanks and runs of blank lines", "a  \n\n\n\nb\t\n", "a\n\nb", 0},
		{"invalid UTF-8 and NULs", "caf\xe9\x00 ok\r\n", "caf\uFFFD ok", 0},
		{"only form feeds", "\f\f\f", "", 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body, pages := pdftotext.Clean([]byte(tc.out))
			if body != tc.body || pages != tc.pages {
				t.Errorf("Clean(%q) = %q, %d; want %q, %d", tc.out, body, pages, tc.body, tc.pages)
			}
		})
	}
}

func FuzzClean(f *testing.F) {
	f.Add([]byte("Title\n\fpage\x00 two\xff\n"))
	f.Fuzz(func(t *testing.T, out []byte) {
		body, _ := pdftotext.Clean(out)
		if !utf8.ValidString(body) || strings.ContainsAny(body, "\x00\f\r") || strings.Contains(body, "\n\n\n") {
			t.Errorf("Clean(%q) = %q: invalid UTF-8, a NUL, a form feed or a run of blank lines", out, body)
		}
	})
}

// fake writes an executable shell script standing in for pdftotext.
func fake(t *testing.T, script string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pdftotext")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+script+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func exe(t *testing.T) string {
	t.Helper()
	p, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestParseBounded runs stand-ins for pdftotext that misbehave: each run must
// end within its deadline, with the text capped, the memory limit in force.
func TestParseBounded(t *testing.T) {
	for _, sandboxed := range []bool{true, false} {
		name := "direct"
		if sandboxed {
			name = "sandboxed"
		}
		t.Run(name, func(t *testing.T) {
			parser := func(script string) pdftotext.Parser {
				p := pdftotext.Parser{Path: fake(t, script), Timeout: time.Second, MaxBody: 64 << 10, Memory: 512 << 20}
				if sandboxed {
					p.Sandbox = exe(t)
				}
				return p
			}
			t.Run("hangs", func(t *testing.T) {
				start := time.Now()
				_, err := parser("cat >/dev/null; exec sleep 30").Parse(context.Background(), []byte("%PDF-1.7"))
				if !errors.Is(err, parse.ErrTimeout) {
					t.Errorf("Parse = %v, want ErrTimeout", err)
				}
				if d := time.Since(start); d > 5*time.Second {
					t.Errorf("Parse took %v, want about the 1 s deadline", d)
				}
			})
			t.Run("floods", func(t *testing.T) {
				start := time.Now()
				doc, err := parser("exec yes 'The kestrel census.'").Parse(context.Background(), []byte("%PDF-1.7"))
				if err != nil {
					t.Fatalf("Parse = %v, want the text up to the cap", err)
				}
				if len(doc.Body) > 64<<10 || len(doc.Body) < 48<<10 || doc.Meta["truncated"] != "true" || !strings.Contains(doc.Meta["warning"], "truncated") {
					t.Errorf("Parse = %d bytes, meta %v; want at most 64 KiB, flagged truncated", len(doc.Body), doc.Meta)
				}
				if d := time.Since(start); d > 5*time.Second {
					t.Errorf("Parse took %v; the cap must stop the program", d)
				}
			})
			t.Run("fails", func(t *testing.T) {
				_, err := parser("echo 'Syntax Error: Couldn'\\''t read xref table' >&2; exit 1").Parse(context.Background(), []byte("%PDF-1.7"))
				if err == nil || !strings.Contains(err.Error(), "Couldn't read xref table") || errors.Is(err, pdftotext.ErrNotRun) {
					t.Errorf("Parse = %v, want pdftotext's reason", err)
				}
			})
			t.Run("reads stdin", func(t *testing.T) {
				doc, err := parser("cat; printf '\\f'").Parse(context.Background(), []byte("The kestrel census.\n"))
				if err != nil {
					t.Fatal(err)
				}
				want := map[string]string{"extractor": "pdftotext", "pages": "1"}
				if doc.Body != "The kestrel census." || doc.Title != "The kestrel census." || !cmp.Equal(doc.Meta, want) {
					t.Errorf("Parse = %+v, want the input as body and title, meta %v", doc, want)
				}
			})
			t.Run("not installed", func(t *testing.T) {
				p := parser("")
				p.Path = filepath.Join(t.TempDir(), "missing")
				if _, err := p.Parse(context.Background(), []byte("%PDF-1.7")); !errors.Is(err, pdftotext.ErrNotRun) {
					t.Errorf("Parse = %v, want ErrNotRun", err)
				}
			})
			if sandboxed {
				t.Run("memory limit", func(t *testing.T) {
					want := "524288"
					if raceEnabled {
						want = "unlimited"
					}
					doc, err := parser("ulimit -v").Parse(context.Background(), []byte("%PDF-1.7"))
					if err != nil || doc.Body != want {
						t.Errorf("ulimit -v under the sandbox = %v, %v; want %s (KiB)", doc, err, want)
					}
				})
			}
		})
	}
}

// TestParseReal reads a real PDF with the real pdftotext.
func TestParseReal(t *testing.T) {
	path := pdftotext.Look()
	if path == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext is not installed; in CI .ci/run installs poppler-utils")
		}
		t.Skip("pdftotext is not installed (apt-get install poppler-utils)")
	}
	data, err := os.ReadFile("../testdata/docs/report.pdf")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := pdftotext.Parser{Path: path, Sandbox: exe(t)}.Parse(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(doc.Body, "quillwort mentoring scheme") || doc.Meta["pages"] != "1" || doc.Meta["extractor"] != "pdftotext" {
		t.Errorf("Parse = %+v, want the report's text, 1 page, extractor pdftotext", doc)
	}
}
