package entity

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkStages times each stage of Extract on its own over the corpus
// bodies joined into one text, to show where extraction time goes (the
// tokenizer, at about half, is the first place to look):
//
//	GOMAXPROCS=1 go test -run '^$' -bench Stages ./internal/entity/
func BenchmarkStages(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join("testdata", "eval", "corpus-*.txt"))
	var all string
	for _, f := range files {
		d, _ := os.ReadFile(f)
		all += string(d) + "\n\n"
	}
	toks := tokenize(all, nil)
	run := func(name string, f func()) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(all)))
			cpu0 := processCPU()
			for b.Loop() {
				f()
			}
			if cpu := processCPU() - cpu0; cpu > 0 {
				b.ReportMetric(float64(len(all))*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
			}
		})
	}
	buf := make([]token, 0, len(toks))
	run("tokenize", func() { buf = tokenize(all, buf) })
	var gm []gazMatch
	run("gazetteer", func() { gm = gaz.scanGazetteer(all, toks, gm[:0]) })
	run("acronyms", func() { learnAcronyms(all, toks, gaz.scanGazetteer(all, toks, gm[:0])) })
	var ms []Mention
	run("resolutions", func() { ms = scanResolutions(all, toks, ms[:0]) })
	run("dates", func() { ms = scanDates(all, toks, ms[:0]) })
	run("extract", func() { Extract(all) })
}
