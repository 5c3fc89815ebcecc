package text_test

import (
	"context"
	"io/fs"
	"strings"
	"testing"

	"dossier/corpus"
	"dossier/indexer/text"
)

// TestCorpus runs the parser over the shipped plain-text documents: each has its
// title on the first line, and its body must come back byte for byte (they are
// clean UTF-8 with LF line ends), so that entity offsets match the file.
func TestCorpus(t *testing.T) {
	paths, err := fs.Glob(corpus.FS, "text/*.txt")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no corpus texts: %v", err)
	}
	for _, p := range paths {
		data, err := corpus.FS.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := text.Parser{}.Parse(context.Background(), data)
		if err != nil {
			t.Errorf("Parse(%q) error = %v", p, err)
			continue
		}
		firstLine, _, _ := strings.Cut(string(data), "\n")
		if doc.Title != strings.TrimSpace(firstLine) {
			t.Errorf("Parse(%q) title = %q, want the first line %q", p, doc.Title, firstLine)
		}
		if doc.Body != string(data) {
			t.Errorf("Parse(%q) body differs from the file", p)
		}
	}
}
