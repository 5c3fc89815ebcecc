package indexer_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"dossier/indexer"
	"dossier/internal/corpusgen"
	"dossier/internal/search"
)

// BenchmarkRun ingests 1,000 generated documents (text, HTML and PDF, with
// PDFs parsed in-process) into a fresh index per iteration and reports
// documents per second.
func BenchmarkRun(b *testing.B) {
	const n = 1000
	corpus := filepath.Join(b.TempDir(), "corpus")
	if err := corpusgen.WriteDir(corpus, 3, n); err != nil {
		b.Fatal(err)
	}
	src, err := indexer.DirSource(corpus)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var total time.Duration
	for i := 0; b.Loop(); i++ {
		dir := filepath.Join(b.TempDir(), "ix")
		ix, err := search.Open(filepath.Join(dir, "bleve"), search.Options{})
		if err != nil {
			b.Fatal(err)
		}
		man, err := indexer.OpenManifest(filepath.Join(dir, "manifest.db"), time.Second)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		sum, err := indexer.New(ix, man, indexer.Options{}).Run(context.Background(), src)
		total += time.Since(start)
		if err != nil || sum.Indexed != n {
			b.Fatalf("Run = %+v, %v", sum, err)
		}
		man.Close()
		ix.Close()
		os.RemoveAll(dir)
	}
	b.ReportMetric(float64(n*b.N)/total.Seconds(), "docs/s")
}
