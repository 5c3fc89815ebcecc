package indexer_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dossier/indexer"
)

// The pdftotext fallback (issue 6): these tests stand a shell script in for
// pdftotext, so that they hold on machines without poppler and can make it
// misbehave; badinput_test.go's AES-256 case runs the real one.

// fakePDFToText writes a stand-in for pdftotext and returns its path.
func fakePDFToText(t *testing.T, script string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pdftotext")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+script+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// analyzePDF runs Analyze on a PDF with the sandbox and the given pdftotext.
func analyzePDF(t *testing.T, data []byte, limits indexer.Limits) (string, map[string]string, string, error) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	limits.Sandbox = exe
	doc, err := indexer.Analyze(context.Background(), "file.pdf", data, limits)
	if err != nil {
		return "", nil, "", err
	}
	return doc.Body, doc.Meta, doc.Title, nil
}

func TestPDFExtractorRecorded(t *testing.T) {
	called := filepath.Join(t.TempDir(), "called")
	fake := fakePDFToText(t, "touch "+called+"; echo 'Other text.'")
	data, err := os.ReadFile("testdata/docs/report.pdf")
	if err != nil {
		t.Fatal(err)
	}
	body, meta, _, err := analyzePDF(t, data, indexer.Limits{PDFToText: fake})
	if err != nil {
		t.Fatal(err)
	}
	if meta["extractor"] != indexer.OwnPDFExtractor || meta["fallback_reason"] != "" || !strings.Contains(body, "quillwort") {
		t.Errorf("Analyze(report.pdf) = meta %v, body %q; want extractor %s and its text", meta, body, indexer.OwnPDFExtractor)
	}
	if _, err := os.Stat(called); err == nil {
		t.Error("pdftotext ran for a PDF the own extractor read")
	}
}

func TestPDFFallback(t *testing.T) {
	owner := encryptedPDF(aes256Crypt("", "owner"), "The kestrel census.")
	tests := []struct {
		name   string
		data   []byte
		script string
		limits indexer.Limits
		// want, when set, is what the error must say; else the body must
		// hold body, and the meta keys their values.
		want      []string
		body      string
		meta      map[string]string
		title     string
		noWarning string // must not be in meta["warning"]
		within    time.Duration
	}{
		{name: "reads what the own extractor cannot", data: owner, script: "cat >/dev/null; printf 'Encrypted report\\nThe kestrel census.\\n\\f'",
			body: "The kestrel census.", title: "Encrypted report",
			meta: map[string]string{"extractor": "pdftotext", "pages": "1"}},
		{name: "hangs: stopped at the file's deadline, the own reason kept", data: owner, script: "cat >/dev/null; exec sleep 30",
			limits: indexer.Limits{Timeout: 2 * time.Second},
			want:   []string{"AES-256", "also tried pdftotext", "timed out"}, within: 6 * time.Second},
		{name: "floods: the text is capped", data: owner, script: "exec yes 'The kestrel census.'",
			limits: indexer.Limits{MaxBody: 64 << 10, Timeout: 20 * time.Second},
			body:   "The kestrel census.", meta: map[string]string{"extractor": "pdftotext", "truncated": "true"}, within: 6 * time.Second},
		{name: "fails: the own reason kept, with pdftotext's", data: owner, script: "echo 'Syntax Error: Couldn'\\''t read xref table' >&2; exit 1",
			want: []string{"encrypted PDF (AES-256) that opens without a password", "Couldn't read xref table"}},
		{name: "finds no text either: the own reason kept", data: owner, script: "printf '\\f'",
			want: []string{"AES-256"}},
		{name: "not installed: the own reason kept as it was", data: owner, limits: indexer.Limits{PDFToText: "/nonexistent/pdftotext"},
			want: []string{"AES-256"}},
		{name: "a user password: not tried", data: encryptedPDF(aes256Crypt("secret", "owner"), "The ibis census."), script: "echo 'The ibis census.'",
			want: []string{"encrypted PDF: needs a password"}},
		{name: "scan: pdftotext's text, the own metadata", data: scannedPDF(), script: "echo 'Minutes of the plenary.'",
			body: "Minutes of the plenary.", title: "Minutes of the plenary, scanned", noWarning: "no text layer",
			meta: map[string]string{"extractor": "pdftotext", "producer": "FlatbedScan 2.1"}},
		{name: "scan: no text either", data: scannedPDF(), script: "printf '\\f'",
			body: "", title: "Minutes of the plenary, scanned",
			meta: map[string]string{"extractor": indexer.OwnPDFExtractor, "warning": "no text layer (scanned or image-only?)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			limits := tc.limits
			if limits.PDFToText == "" {
				limits.PDFToText = fakePDFToText(t, tc.script)
			}
			start := time.Now()
			body, meta, title, err := analyzePDF(t, tc.data, limits)
			if tc.within > 0 {
				if d := time.Since(start); d > tc.within {
					t.Errorf("Analyze took %v, want under %v", d, tc.within)
				}
			}
			if tc.want != nil {
				for _, w := range tc.want {
					if err == nil || !strings.Contains(err.Error(), w) {
						t.Errorf("Analyze = %v, want an error saying %q", err, w)
					}
				}
				if err != nil && strings.Contains(tc.name, "not installed") && strings.Contains(err.Error(), "also tried") {
					t.Errorf("Analyze = %v; pdftotext never ran, so the reason should not say it was tried", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Analyze = %v, want a document", err)
			}
			if !strings.Contains(body, tc.body) || tc.body == "" && body != "" {
				t.Errorf("body = %.80q, want it to hold %q", body, tc.body)
			}
			if tc.title != "" && title != tc.title {
				t.Errorf("title = %q, want %q", title, tc.title)
			}
			for k, v := range tc.meta {
				if meta[k] != v {
					t.Errorf("meta[%q] = %q, want %q (meta %v)", k, meta[k], v, meta)
				}
			}
			if meta["extractor"] == "pdftotext" && meta["fallback_reason"] == "" {
				t.Errorf("meta = %v, want fallback_reason", meta)
			}
			if tc.noWarning != "" && strings.Contains(meta["warning"], tc.noWarning) {
				t.Errorf("warning = %q, want no %q", meta["warning"], tc.noWarning)
			}
			if len(body) > 64<<10 {
				t.Errorf("body is %d bytes, over the cap", len(body))
			}
		})
	}
}
