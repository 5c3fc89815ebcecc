package pdf

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"dossier/indexer/parse"
)

// FuzzParse feeds mutated PDFs to Parse through parse.Safe. Parse recovers
// from the library's panics itself, so a "parser panicked" error from Safe
// means a panic got past that recovery; a timeout means a hang, which Safe
// would otherwise hide by abandoning the goroutine. Run it with
// go test -fuzz=FuzzParse ./indexer/pdf/; plain go test runs the seeds only.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.pdf"))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(generated(true))
	f.Add(generated(false))
	f.Add([]byte("%PDF-1.4\n%%EOF\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := parse.Safe(context.Background(), Parser{}, data, 10*time.Second)
		if err != nil {
			if strings.Contains(err.Error(), "parser panicked") {
				t.Fatalf("panic escaped Parse: %v", err)
			}
			if errors.Is(err, parse.ErrTimeout) {
				t.Fatalf("Parse hung: %v", err)
			}
			return
		}
		if !utf8.ValidString(doc.Body) || !utf8.ValidString(doc.Title) {
			t.Errorf("invalid UTF-8 in Title %q or Body", doc.Title)
		}
	})
}
