package indexer_test

import (
	"context"
	"io/fs"
	"testing"

	"dossier/corpus"
	"dossier/indexer"
)

// TestDocumentDates: a PDF's CreationDate is when the file was made (the sample
// PDFs were all exported in 2026), so the date in its text wins; an HTML page's
// published_time metadata wins over its text.
func TestDocumentDates(t *testing.T) {
	tests := []struct {
		path string
		want string
	}{
		{"pdf/cted-kenya-followup-2024.pdf", "2024-02-14"},
		{"pdf/cted-1373-southeast-asia-2009.pdf", "2009-09-22"},
		{"html/2019-12-kyrgyzstan-second-follow-up-visit.html", "2019-12-09"},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			data, err := fs.ReadFile(corpus.FS, tc.path)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := indexer.Analyze(context.Background(), tc.path, data, indexer.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if doc.Date != tc.want {
				t.Errorf("Analyze(%s).Date = %q, want %q", tc.path, doc.Date, tc.want)
			}
		})
	}
}
