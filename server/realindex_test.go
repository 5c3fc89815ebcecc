package server

import (
	"bufio"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dossier/internal/entity"
	"dossier/internal/search"
)

// testdataDocs reads the documents in testdata/: each file opens with
// "Title:" and "Date:" lines and a blank line, and the rest is the body. The
// id is the file name without its extension; the path is the file's path from
// this package, which is what the test Originals hook opens.
//
// The entities come from the real extractor and the type from entity.DocType,
// as the indexer would give them, so the index the tests search is real in
// everything but the parsing.
func testdataDocs(t testing.TB) []search.Document {
	t.Helper()
	paths, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no testdata documents: %v", err)
	}
	var docs []search.Document
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		d := search.Document{
			ID:       strings.TrimSuffix(filepath.Base(p), ".txt"),
			Format:   "text",
			Language: "en",
			Path:     filepath.ToSlash(p),
		}
		r := bufio.NewReader(strings.NewReader(string(raw)))
		for {
			line, err := r.ReadString('\n')
			line = strings.TrimRight(line, "\n")
			if line == "" || err != nil {
				break
			}
			key, val, ok := strings.Cut(line, ": ")
			if !ok {
				t.Fatalf("%s: header line %q", p, line)
			}
			switch key {
			case "Title":
				d.Title = val
			case "Date":
				d.Date = val
			default:
				t.Fatalf("%s: unknown header %q", p, key)
			}
		}
		rest, _ := io.ReadAll(r)
		d.Body = strings.TrimSpace(string(rest))
		d.Type = entity.DocType(d.Title, d.Body)
		d.Entities = entity.Extract(d.Body)
		docs = append(docs, d)
	}
	return docs
}

// realIndex builds a Bleve index in a temporary folder from the testdata
// documents and returns it with the documents it holds.
func realIndex(t testing.TB) (*search.Index, []search.Document) {
	t.Helper()
	docs := testdataDocs(t)
	ix, err := search.Open(filepath.Join(t.TempDir(), "index"), search.Options{})
	if err != nil {
		t.Fatalf("search.Open: %v", err)
	}
	t.Cleanup(func() { ix.Close() })
	if err := ix.Apply(docs, nil); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return ix, docs
}

// realServer is the server over the testdata index, with an Originals hook
// that opens the testdata files as cmd opens files on disk.
func realServer(t testing.TB) (*Server, []search.Document) {
	t.Helper()
	ix, docs := realIndex(t)
	srv, err := New(ix, Options{
		Logger: slog.New(slog.DiscardHandler),
		Originals: func(path string) (io.ReadCloser, error) {
			if !slices.ContainsFunc(docs, func(d search.Document) bool { return d.Path == path }) {
				t.Errorf("Originals asked for %q, which no document has as its path", path)
			}
			return os.Open(path)
		},
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return srv, docs
}
