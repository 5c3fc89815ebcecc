package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"dossier/indexer"
	"dossier/indexer/sandbox"
)

// TestMain lets this test binary serve as the PDF sandbox child, as the real
// binary does (the commands under test start os.Executable()), and run as
// `dossier` itself for the tests that kill it.
func TestMain(m *testing.M) {
	sandbox.Main(indexer.Parsers())
	if os.Getenv(envRunMain) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// run executes the command line in-process and returns stdout.
func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := newRootCmd()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

// keys decodes a JSON object and returns its sorted keys.
func keys(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("not a JSON object: %v\n%s", err, raw)
	}
	var k []string
	for key := range m {
		k = append(k, key)
	}
	slices.Sort(k)
	return k
}

func TestCommandsSpeakTheContract(t *testing.T) {
	dir := t.TempDir()
	index := filepath.Join(dir, "index")
	docs := filepath.Join(dir, "docs")
	if err := os.CopyFS(docs, os.DirFS("../../indexer/testdata/docs")); err != nil {
		t.Fatal(err)
	}

	out, err := run(t, "--index", index, "index", docs, "--json")
	if err != nil {
		t.Fatalf("index: %v", err)
	}
	if diff := cmp.Diff([]string{"failed", "indexed", "removed", "took_ms", "unchanged"}, keys(t, json.RawMessage(out))); diff != "" {
		t.Errorf("index --json keys (-want +got):\n%s", diff)
	}
	var sum struct{ Indexed int }
	json.Unmarshal([]byte(out), &sum)
	if sum.Indexed != 3 {
		t.Errorf("indexed = %d, want 3", sum.Indexed)
	}

	out, err = run(t, "--index", index, "search", "quillwort", "--json")
	if err != nil {
		t.Fatalf("search: %v", err)
	}
	var res struct {
		Hits   []json.RawMessage
		Facets json.RawMessage
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"facets", "hits", "took_ms", "total"}, keys(t, json.RawMessage(out))); diff != "" {
		t.Errorf("search --json keys (-want +got):\n%s", diff)
	}
	if len(res.Hits) != 1 {
		t.Fatalf("search quillwort: %d hits, want 1", len(res.Hits))
	}
	if diff := cmp.Diff([]string{"date", "entities", "id", "path", "snippet", "title", "type"}, keys(t, res.Hits[0])); diff != "" {
		t.Errorf("hit keys (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"country", "organization", "resolution", "type", "year"}, keys(t, res.Facets)); diff != "" {
		t.Errorf("facet names (-want +got):\n%s", diff)
	}

	out, err = run(t, "--index", index, "mentions", "resolution", "2178", "--json")
	if err != nil {
		t.Fatalf("mentions: %v", err)
	}
	if diff := cmp.Diff([]string{"documents", "entity", "mentions", "total", "years"}, keys(t, json.RawMessage(out))); diff != "" {
		t.Errorf("mentions --json keys (-want +got):\n%s", diff)
	}

	out, err = run(t, "extract", filepath.Join(docs, "note.txt"), "--json")
	if err != nil {
		t.Fatalf("extract: %v", err)
	}
	// meta extends the contract's shape.
	if diff := cmp.Diff([]string{"body", "date", "entities", "language", "meta", "title", "type"}, keys(t, json.RawMessage(out))); diff != "" {
		t.Errorf("extract --json keys (-want +got):\n%s", diff)
	}
}

// TestExtractNamesThePDFExtractor: which extractor read a PDF is in the
// document's meta, and extract shows it.
func TestExtractNamesThePDFExtractor(t *testing.T) {
	pdf := "../../indexer/testdata/docs/report.pdf"
	out, err := run(t, "extract", pdf, "--json")
	if err != nil {
		t.Fatalf("extract --json: %v", err)
	}
	var res struct{ Meta map[string]string }
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Meta["extractor"] != "dossier-pdf" {
		t.Errorf("extract --json meta = %v (%v), want extractor dossier-pdf", res.Meta, err)
	}
	out, err = run(t, "extract", pdf)
	if err != nil {
		t.Fatalf("extract: %v", err)
	}
	if !strings.Contains(out, "Extractor: dossier-pdf\n") {
		t.Errorf("extract printed\n%s\nwant a line Extractor: dossier-pdf", out)
	}
}

func TestErrorsAreOneClearLine(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"search without an index", []string{"--index", filepath.Join(dir, "none"), "search", "x"}, "no index at"},
		{"extract a missing file", []string{"extract", filepath.Join(dir, "missing.txt")}, "no such file"},
		{"extract a folder", []string{"extract", dir}, "is a folder"},
		{"bad filter", []string{"--index", dir, "search", "x", "--filter", "resolution"}, "want KIND=ID"},
		{"index a missing path", []string{"--index", filepath.Join(dir, "ix"), "index", filepath.Join(dir, "nope")}, "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := run(t, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("dossier %v: error = %v, want one containing %q", tc.args, err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
}

// TestRebuildADamagedIndex: a flipped byte in a segment makes every command
// say the index is damaged and how to rebuild it; --rebuild makes a new index
// from the manifest's files, and searches work again.
func TestRebuildADamagedIndex(t *testing.T) {
	dir := t.TempDir()
	index := filepath.Join(dir, "index")
	docs := filepath.Join(dir, "docs")
	if err := os.CopyFS(docs, os.DirFS("../../indexer/testdata/docs")); err != nil {
		t.Fatal(err)
	}
	if _, err := run(t, "--index", index, "index", docs); err != nil {
		t.Fatal(err)
	}
	segs, _ := filepath.Glob(filepath.Join(index, "bleve", "store", "*.zap"))
	if len(segs) == 0 {
		t.Fatal("no segment files")
	}
	data, err := os.ReadFile(segs[0])
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/3] ^= 0x55
	if err := os.WriteFile(segs[0], data, 0o600); err != nil {
		t.Fatal(err)
	}

	_, err = run(t, "--index", index, "search", "quillwort")
	if err == nil || !strings.Contains(err.Error(), "damaged") || !strings.Contains(err.Error(), "--rebuild") {
		t.Fatalf("search on a damaged index: error = %v, want it to say damaged and --rebuild", err)
	}
	out, err := run(t, "--index", index, "index", "--rebuild", "--json")
	if err != nil {
		t.Fatalf("index --rebuild: %v", err)
	}
	var sum struct{ Indexed int }
	if err := json.Unmarshal([]byte(out), &sum); err != nil || sum.Indexed != 3 {
		t.Errorf("rebuild summary = %s (%v), want 3 indexed", out, err)
	}
	out, err = run(t, "--index", index, "search", "quillwort", "--json")
	if err != nil {
		t.Fatalf("search after the rebuild: %v", err)
	}
	var res struct{ Total int }
	if json.Unmarshal([]byte(out), &res); res.Total != 1 {
		t.Errorf("search quillwort after the rebuild: total %d, want 1", res.Total)
	}
	if kept, _ := filepath.Glob(filepath.Join(index, "bleve.damaged-*")); len(kept) != 1 {
		t.Errorf("old index kept as %v, want one bleve.damaged-* folder", kept)
	}
}
