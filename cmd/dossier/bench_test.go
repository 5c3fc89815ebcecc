package main

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"dossier/cmd/dossier/bench"
)

// TestBenchSmoke runs the whole benchmark on a tiny corpus: every phase runs,
// nothing fails to parse (the generator's HTML and PDF are readable by the real
// parsers), the new documents become searchable, and --json prints one object.
// It checks that the command works, not how fast anything is.
func TestBenchSmoke(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bench")
	out, err := run(t, "bench", "--docs", "50", "--queries", "20", "--new-docs", "10",
		"--http-clients", "4", "--dir", dir, "--json")
	if err != nil {
		t.Fatalf("bench: %v", err)
	}
	var rep bench.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("bench --json is not one object: %v\n%s", err, out)
	}
	if rep.Corpus.Files != 50 || rep.Ingest.Docs != 50 || rep.Ingest.Failed != 0 {
		t.Errorf("corpus %d files, ingested %d, failed %d; want 50, 50, 0", rep.Corpus.Files, rep.Ingest.Docs, rep.Ingest.Failed)
	}
	if rep.Fresh.Found != 10 {
		t.Errorf("time to searchable found %d new documents, want 10", rep.Fresh.Found)
	}
	if rep.Baseline == nil || rep.Baseline.Docs != 50 {
		t.Errorf("baseline = %+v, want 50 documents", rep.Baseline)
	}
	if len(rep.Latency) != 6 {
		t.Errorf("latency kinds = %d, want 6", len(rep.Latency))
	}
	for _, l := range rep.Latency {
		if l.Queries == 0 || l.Errors != 0 {
			t.Errorf("%s: %d queries, %d errors", l.Kind, l.Queries, l.Errors)
		}
	}
	if len(rep.BaselineLatency) != 3 {
		t.Errorf("baseline latency kinds = %d, want 3", len(rep.BaselineLatency))
	}
	for _, l := range rep.BaselineLatency {
		if l.Queries == 0 || l.Errors != 0 || l.MeanHits == 0 {
			t.Errorf("baseline %s: %d queries, %d errors, %.1f hits on average", l.Kind, l.Queries, l.Errors, l.MeanHits)
		}
	}
	if rep.HTTP == nil {
		t.Fatal("no HTTP figures")
	}
	for name, l := range map[string]bench.LoadStats{"mixed": rep.HTTP.Mixed, "search_5_facets": rep.HTTP.Facets} {
		if l.Requests == 0 || l.Errors != 0 {
			t.Errorf("HTTP %s = %+v, want requests and no errors", name, l)
		}
	}
	if rep.Index.Bytes == 0 || rep.Ingest.PeakRSSMB == 0 {
		t.Errorf("index %d bytes, ingest peak RSS %.0f MB; want both measured", rep.Index.Bytes, rep.Ingest.PeakRSSMB)
	}

	// A non-empty --dir is refused: the bench would mix corpora.
	if _, err := run(t, "bench", "--docs", "5", "--dir", dir); err == nil {
		t.Error("bench into a non-empty --dir succeeded, want an error")
	}
}
