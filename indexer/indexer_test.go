package indexer_test

import (
	"context"
	"os"
	"path"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"dossier/indexer"
	"dossier/indexer/sandbox"
	"dossier/internal/search"
)

// TestMain lets this test binary serve as the PDF sandbox child, as Dossier's
// own binary does: the runs below parse PDFs in a child process of it.
func TestMain(m *testing.M) {
	sandbox.Main(indexer.Parsers())
	os.Exit(m.Run())
}

// env is a real index and manifest in a temp folder, over a copy of testdata/docs.
type env struct {
	t     *testing.T
	docs  string
	index *search.Index
	man   *indexer.Manifest
}

func newEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	docs := filepath.Join(dir, "docs")
	if err := os.CopyFS(docs, os.DirFS("testdata/docs")); err != nil {
		t.Fatal(err)
	}
	ix, err := search.Open(filepath.Join(dir, "index"), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	man, err := indexer.OpenManifest(filepath.Join(dir, "manifest.db"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { man.Close(); ix.Close() })
	return &env{t: t, docs: docs, index: ix, man: man}
}

func (e *env) run() *indexer.Summary {
	e.t.Helper()
	src, err := indexer.DirSource(e.docs)
	if err != nil {
		e.t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		e.t.Fatal(err)
	}
	opts := indexer.Options{BatchDocs: 2, Limits: indexer.Limits{Sandbox: exe}}
	sum, err := indexer.New(e.index, e.man, opts).Run(context.Background(), src)
	if err != nil {
		e.t.Fatalf("Run: %v", err)
	}
	return sum
}

// find returns the base names of the documents a query matches.
func (e *env) find(q string) []string {
	e.t.Helper()
	res, err := e.index.Search(context.Background(), search.Request{Query: q, Size: 100})
	if err != nil {
		e.t.Fatalf("Search(%q): %v", q, err)
	}
	var names []string
	for _, h := range res.Hits {
		names = append(names, filepath.Base(h.Path))
	}
	slices.Sort(names)
	return names
}

func (e *env) write(name, content string) {
	e.t.Helper()
	p := filepath.Join(e.docs, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		e.t.Fatal(err)
	}
	// Make the change visible even on file systems with coarse timestamps.
	later := time.Now().Add(2 * time.Second)
	if err := os.Chtimes(p, later, later); err != nil {
		e.t.Fatal(err)
	}
}

func TestIndexesEachFormatByItsBody(t *testing.T) {
	e := newEnv(t)
	sum := e.run()
	if sum.Indexed != 3 || len(sum.Failed) != 0 {
		t.Fatalf("first run = %+v, want 3 indexed and none failed", sum)
	}
	for _, tc := range []struct{ word, want string }{
		{"heliotrope", "release.html"},
		{"marmalade", "note.txt"},
		{"quillwort", "report.pdf"},
	} {
		if got := e.find(tc.word); !cmp.Equal(got, []string{tc.want}) {
			t.Errorf("search %q = %v, want [%s]", tc.word, got, tc.want)
		}
	}
	for _, furniture := range []string{"trackingPixelQuokka", "Navigationwombat", "Footerbadger"} {
		if got := e.find(furniture); len(got) != 0 {
			t.Errorf("search %q (page furniture) = %v, want nothing", furniture, got)
		}
	}
}

func TestRerunIsIncremental(t *testing.T) {
	e := newEnv(t)
	e.run()

	if sum := e.run(); sum.Indexed != 0 || sum.Unchanged != 3 || sum.Removed != 0 {
		t.Fatalf("second run = %+v, want 0 indexed, 3 unchanged", sum)
	}

	e.write("note.txt", "Note on a revised workshop\n\nThe saffron session replaced the earlier agenda.\n")
	if sum := e.run(); sum.Indexed != 1 || sum.Unchanged != 2 {
		t.Fatalf("run after a change = %+v, want 1 indexed, 2 unchanged", sum)
	}
	if got := e.find("saffron"); !cmp.Equal(got, []string{"note.txt"}) {
		t.Errorf("new content: search saffron = %v, want [note.txt]", got)
	}
	if got := e.find("marmalade"); len(got) != 0 {
		t.Errorf("old content still found: search marmalade = %v", got)
	}

	if err := os.Remove(filepath.Join(e.docs, "release.html")); err != nil {
		t.Fatal(err)
	}
	if sum := e.run(); sum.Removed != 1 || sum.Indexed != 0 {
		t.Fatalf("run after a delete = %+v, want 1 removed, 0 indexed", sum)
	}
	if got := e.find("heliotrope"); len(got) != 0 {
		t.Errorf("deleted file still found: %v", got)
	}
	if n, _ := e.index.Count(); n != 2 {
		t.Errorf("Count = %d, want 2", n)
	}
}

// TestRetiredDocumentsLeaveOnTheNextRun: a run killed after taking a deleted
// file's path out of the manifest, but before deleting its document, leaves
// the index ahead of the manifest, the document retired; the next run deletes
// it, and keeps a retired document that a path still has.
func TestRetiredDocumentsLeaveOnTheNextRun(t *testing.T) {
	e := newEnv(t)
	e.run()
	entries, err := e.man.Load()
	if err != nil {
		t.Fatal(err)
	}
	var release, note string
	for p := range entries {
		switch path.Base(p) {
		case "release.html":
			release = p
		case "note.txt":
			note = p
		}
	}
	if err := os.Remove(filepath.Join(e.docs, "release.html")); err != nil {
		t.Fatal(err)
	}
	// What the killed run wrote: the delete pass's manifest transaction, and
	// a changed file's old id retired though another path still has it.
	if err := e.man.Update(nil, []string{release}, []string{entries[release].DocID, entries[note].DocID}); err != nil {
		t.Fatal(err)
	}
	if got := e.find("heliotrope"); len(got) != 1 {
		t.Fatalf("before the next run: search heliotrope = %v, want the retired document still there", got)
	}

	if sum := e.run(); sum.Removed != 0 || sum.Indexed != 0 || sum.Unchanged != 2 {
		t.Errorf("next run = %+v, want 2 unchanged and nothing removed (the manifest had done it)", sum)
	}
	if got := e.find("heliotrope"); len(got) != 0 {
		t.Errorf("after the next run: search heliotrope = %v, want nothing", got)
	}
	if got := e.find("marmalade"); !cmp.Equal(got, []string{"note.txt"}) {
		t.Errorf("after the next run: search marmalade = %v, want [note.txt] (retired, but its path has it)", got)
	}
	if n, _ := e.index.Count(); n != 2 {
		t.Errorf("Count = %d, want 2", n)
	}
	if ids, err := e.man.Retired(); err != nil || len(ids) != 0 {
		t.Errorf("Retired() = %v, %v after the run, want none", ids, err)
	}
}

func TestIdenticalContentIsIndexedOnce(t *testing.T) {
	e := newEnv(t)
	data, err := os.ReadFile(filepath.Join(e.docs, "note.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(e.docs, "copy"), 0o755); err != nil {
		t.Fatal(err)
	}
	e.write("copy/note-again.txt", string(data))
	sum := e.run()
	if sum.Indexed != 3 || sum.Unchanged != 1 {
		t.Fatalf("run = %+v, want 3 indexed and the copy unchanged", sum)
	}
	if got := e.find("marmalade"); len(got) != 1 {
		t.Fatalf("search marmalade = %v, want one document", got)
	}
	// Removing one of the two paths keeps the document; removing both drops it.
	os.Remove(filepath.Join(e.docs, "note.txt"))
	e.run()
	if got := e.find("marmalade"); len(got) != 1 {
		t.Errorf("after removing one copy: search marmalade = %v, want one document", got)
	}
	os.Remove(filepath.Join(e.docs, "copy", "note-again.txt"))
	e.run()
	if got := e.find("marmalade"); len(got) != 0 {
		t.Errorf("after removing both copies: search marmalade = %v, want none", got)
	}
}

func TestBadFileFailsAloneWithItsPath(t *testing.T) {
	e := newEnv(t)
	e.write("broken.pdf", "%PDF-1.7\nthis is not a PDF body at all")
	e.write("empty.txt", "")
	e.write("picture.html", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00")
	sum := e.run()
	if sum.Indexed != 3 {
		t.Errorf("indexed = %d, want the 3 good files", sum.Indexed)
	}
	var failed []string
	for _, f := range sum.Failed {
		if f.Error == "" {
			t.Errorf("failure for %s has no reason", f.Path)
		}
		failed = append(failed, filepath.Base(f.Path))
	}
	slices.Sort(failed)
	if want := []string{"broken.pdf", "empty.txt", "picture.html"}; !cmp.Equal(failed, want) {
		t.Errorf("failed = %v, want %v", failed, want)
	}
}
