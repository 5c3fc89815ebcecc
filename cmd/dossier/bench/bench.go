// Package bench is `dossier bench`: it generates a synthetic corpus, ingests
// it with the real pipeline, indexes the same text with bare Bleve as a
// same-run baseline, and measures index size, time to searchable, in-process
// and HTTP latency and peak memory. It is a measuring instrument, not part of
// Dossier's pipeline, which is why it alone speaks Bleve directly besides
// internal/search: the baseline must be bare Bleve, with none of Dossier's
// code in the way.
package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"

	"dossier/indexer"
	"dossier/internal/corpusgen"
	"dossier/internal/entity"
	"dossier/internal/gcsettings"
	"dossier/internal/search"
	"dossier/server"
)

// Config is what one run measures; the command's flags fill it.
type Config struct {
	Docs       int           // documents to generate and ingest
	Seed       int64         // corpus seed
	Dir        string        // scratch folder, kept; "" for a temporary one, removed
	Clients    int           // concurrent HTTP clients
	Queries    int           // distinct queries per kind
	HTTPTime   time.Duration // time limit of the HTTP load loop
	KindTime   time.Duration // time limit of each kind of in-process query
	CPUProfile string        // where to write a CPU profile of the ingest phase
	SkipHTTP   bool
	SkipBase   bool
	NewDocs    int  // documents added for the time-to-searchable measurement
	BaseTV     bool // the baseline gets body term vectors and a stored body
	// Limits are the parse limits and sandbox `dossier index` uses, so PDFs
	// are measured the way they are indexed.
	Limits      indexer.Limits
	ProgressOut io.Writer
}

// Report is the result of a run, printed as a table or, with --json, as is.
type Report struct {
	Docs       int    `json:"docs"`
	Seed       int64  `json:"seed"`
	Cores      int    `json:"cores"`
	GoMaxProcs int    `json:"gomaxprocs"`
	Go         string `json:"go"`
	Started    string `json:"started"`
	// LoadAvg is /proc/loadavg at the start and the end: other processes on the
	// machine share its cores, and a load above the core count means every
	// figure here is slower than the machine can do.
	LoadAvg [2]string `json:"loadavg"`

	Corpus   corpusStats  `json:"corpus"`
	Ingest   ingestStats  `json:"ingest"`
	Baseline *ingestStats `json:"baseline,omitempty"`
	// BaselineBodyTV says the baseline's body had term vectors and was stored.
	BaselineBodyTV bool          `json:"baseline_body_tv,omitempty"`
	Index          indexStats    `json:"index"`
	Fresh          freshStats    `json:"time_to_searchable"`
	Latency        []latencyStat `json:"latency"`
	// BaselineLatency times the kinds of baselineKinds on the baseline index.
	BaselineLatency []latencyStat `json:"baseline_latency,omitempty"`
	HTTP            *httpStats    `json:"http,omitempty"`
	// ServePeakRSSMB is the peak resident memory while answering the in-process
	// queries and the HTTP load, measured from a reset after ingest.
	ServePeakRSSMB float64 `json:"serve_peak_rss_mb"`
	// ServePeakAnonMB is the peak of the anonymous part alone (RssAnon): the
	// process's own memory, without the pages of index files Bleve maps,
	// which the kernel may drop and read again.
	ServePeakAnonMB float64 `json:"serve_peak_anon_mb"`
	RSSReset        bool    `json:"rss_reset"` // whether VmHWM could be reset between phases
	// IngestVsBaseline is Dossier's ingest docs/s over the baseline's, same run.
	IngestVsBaseline float64 `json:"ingest_vs_baseline,omitempty"`
}

type formatCount struct {
	Files     int   `json:"files"`
	Bytes     int64 `json:"bytes"`      // file bytes
	TextBytes int64 `json:"text_bytes"` // the document text, without markup
}

type corpusStats struct {
	formatCount
	ByFormat   map[string]formatCount `json:"by_format"`
	GenerateMS int64                  `json:"generate_ms"`
}

type rate struct {
	Docs     int     `json:"docs"`
	Bytes    int64   `json:"bytes"`
	TookMS   float64 `json:"took_ms"`
	DocsPerS float64 `json:"docs_per_s"`
	MBPerS   float64 `json:"mb_per_s"` // file bytes, 10^6 per MB
	// CPUS is the process's CPU time (user and system, all threads) over the
	// phase, and DocsPerCPUS the documents per CPU second: on a machine shared
	// with other work, wall-clock rates say how busy the machine was, CPU time
	// much less so.
	CPUS        float64 `json:"cpu_s,omitempty"`
	DocsPerCPUS float64 `json:"docs_per_cpu_s,omitempty"`
}

func (r rate) withCPU(cpu float64) rate {
	r.CPUS = cpu
	if cpu > 0 {
		r.DocsPerCPUS = float64(r.Docs) / cpu
	}
	return r
}

func newRate(docs int, bytes int64, d time.Duration) rate {
	s := d.Seconds()
	return rate{Docs: docs, Bytes: bytes, TookMS: ms(d), DocsPerS: float64(docs) / s, MBPerS: float64(bytes) / 1e6 / s}
}

type ingestStats struct {
	rate
	ByFormat  map[string]rate `json:"by_format,omitempty"`
	Failed    int             `json:"failed"`
	PeakRSSMB float64         `json:"peak_rss_mb"`
	// PeakAnonMB is the peak of RssAnon, sampled every 20 ms: see
	// Report.ServePeakAnonMB.
	PeakAnonMB float64 `json:"peak_anon_mb"`
	// IndexBytes is the baseline's index size (the Dossier index's is in Index).
	IndexBytes int64 `json:"index_bytes,omitempty"`
}

type indexStats struct {
	Bytes         int64   `json:"bytes"`          // the Bleve folder, apparent file sizes
	ManifestBytes int64   `json:"manifest_bytes"` // manifest.db
	TextBytes     int64   `json:"raw_text_bytes"` // the documents' text
	FileBytes     int64   `json:"raw_file_bytes"`
	VsText        float64 `json:"index_vs_text"`
	BaselineBytes int64   `json:"baseline_bytes,omitempty"`
	BaselineRatio float64 `json:"baseline_vs_text,omitempty"`
}

type freshStats struct {
	NewDocs int     `json:"new_docs"`
	TotalMS float64 `json:"total_ms"` // from starting the run to the search that finds them all
	RunMS   float64 `json:"run_ms"`   // the incremental indexer run (walk, skip unchanged, index new)
	Found   uint64  `json:"found"`
}

type latencyStat struct {
	Kind     string  `json:"kind"`
	Queries  int     `json:"queries"`
	Distinct int     `json:"distinct"`
	Errors   int     `json:"errors"`
	P50MS    float64 `json:"p50_ms"`
	P90MS    float64 `json:"p90_ms"`
	P99MS    float64 `json:"p99_ms"`
	MaxMS    float64 `json:"max_ms"`
	MeanHits float64 `json:"mean_total"` // mean result total, to show the queries match something
	TimedOut bool    `json:"stopped_by_time_limit,omitempty"`
}

type httpStats struct {
	Clients int `json:"clients"`
	// Mixed sends every kind of query, interleaved; Facets sends only searches
	// with a selection in all five facets, the load the target names.
	Mixed  LoadStats `json:"mixed"`
	Facets LoadStats `json:"search_5_facets"`
}

// LoadStats is one load loop: how many requests, how fast, how long each took.
type LoadStats struct {
	Requests int     `json:"requests"`
	Distinct int     `json:"distinct"`
	Errors   int     `json:"errors"`
	TookMS   float64 `json:"took_ms"`
	RPS      float64 `json:"requests_per_s"`
	P50MS    float64 `json:"p50_ms"`
	P90MS    float64 `json:"p90_ms"`
	P99MS    float64 `json:"p99_ms"`
	MaxMS    float64 `json:"max_ms"`
	TimedOut bool    `json:"stopped_by_time_limit"`
	// ByKind is the latency of each kind of query within the load.
	ByKind []latencyStat `json:"by_kind,omitempty"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func Run(ctx context.Context, cfg Config) (*Report, error) {
	rep := &Report{Docs: cfg.Docs, Seed: cfg.Seed, Cores: runtime.NumCPU(), GoMaxProcs: runtime.GOMAXPROCS(0),
		Go: runtime.Version(), Started: time.Now().UTC().Format(time.RFC3339)}
	rep.LoadAvg[0] = loadAvg()
	defer func() { rep.LoadAvg[1] = loadAvg() }()
	logf := func(format string, a ...any) {
		if cfg.ProgressOut != nil {
			fmt.Fprintf(cfg.ProgressOut, "bench: "+format+"\n", a...)
		}
	}

	dir := cfg.Dir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "dossier-bench-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else {
		// The bench writes and deletes its own subfolders; refuse a folder that
		// holds anything else rather than mix corpora or lose someone's files.
		if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
			return nil, fmt.Errorf("--dir %s is not empty: give an empty or new folder", dir)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	corpusDir := filepath.Join(dir, "corpus")
	indexDir := filepath.Join(dir, "index")
	baseDir := filepath.Join(dir, "baseline")

	// 1. The corpus.
	logf("generating %d documents (seed %d) in %s", cfg.Docs, cfg.Seed, corpusDir)
	start := time.Now()
	c, err := writeCorpus(corpusDir, cfg.Seed, 0, cfg.Docs)
	if err != nil {
		return nil, err
	}
	rep.Corpus = c
	rep.Corpus.GenerateMS = time.Since(start).Milliseconds()

	// 2. Ingest with the real pipeline, one format folder after the other.
	debug.FreeOSMemory()
	rep.RSSReset = resetPeakRSS()
	anon := sampleAnon(ctx)
	if cfg.CPUProfile != "" {
		f, err := os.Create(cfg.CPUProfile)
		if err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return nil, err
		}
		defer f.Close()
	}
	st, err := indexer.OpenStore(indexDir, 2*time.Second)
	if err != nil {
		return nil, err
	}
	// Both ingests, Dossier's and the baseline's, run with the collector
	// settings `dossier index` uses.
	restoreGC := gcsettings.Ingest()
	defer restoreGC() // on an early return; putting the settings back twice is harmless
	rep.Ingest.ByFormat = map[string]rate{}
	var ingestTime time.Duration
	var ingestCPU float64
	for _, format := range corpusgen.Formats {
		fc := rep.Corpus.ByFormat[format]
		if fc.Files == 0 {
			continue
		}
		logf("ingesting %d %s files", fc.Files, format)
		src := indexer.Source{FS: os.DirFS(filepath.Join(corpusDir, format)), Root: filepath.Join(corpusDir, format)}
		t, cpu := time.Now(), cpuSeconds()
		sum, err := indexer.New(st.Index, st.Manifest, indexer.Options{Limits: cfg.Limits}).Run(ctx, src)
		d, dcpu := time.Since(t), cpuSeconds()-cpu
		if err != nil {
			st.Close()
			return nil, fmt.Errorf("ingest %s: %w", format, err)
		}
		ingestTime += d
		ingestCPU += dcpu
		rep.Ingest.Failed += len(sum.Failed)
		for _, f := range sum.Failed {
			logf("failed: %s: %s", f.Path, strings.SplitN(f.Error, "\n", 2)[0])
		}
		rep.Ingest.ByFormat[format] = newRate(sum.Indexed, fc.Bytes, d).withCPU(dcpu)
	}
	if cfg.CPUProfile != "" {
		pprof.StopCPUProfile()
	}
	rep.Ingest.rate = newRate(rep.Corpus.Files-rep.Ingest.Failed, rep.Corpus.Bytes, ingestTime).withCPU(ingestCPU)
	rep.Ingest.PeakRSSMB = peakRSSMB()
	rep.Ingest.PeakAnonMB = anon.peak()
	if err := st.Close(); err != nil {
		return nil, err
	}

	// 3. The baseline, with Dossier's index closed and its memory returned, so
	// neither run's peak carries the other's.
	if !cfg.SkipBase {
		debug.FreeOSMemory()
		resetPeakRSS()
		anon.reset()
		logf("baseline: bare Bleve, tuned mapping, batches of 1000")
		b, err := runBaseline(baseDir, cfg.Seed, cfg.Docs, cfg.BaseTV)
		if err != nil {
			return nil, fmt.Errorf("baseline: %w", err)
		}
		b.PeakRSSMB = peakRSSMB()
		b.PeakAnonMB = anon.peak()
		rep.Baseline = b
		rep.BaselineBodyTV = cfg.BaseTV
		rep.IngestVsBaseline = rep.Ingest.DocsPerS / b.DocsPerS
	}
	restoreGC()

	// 4. Index size against the raw text.
	rep.Index = indexStats{
		Bytes:         dirSize(filepath.Join(indexDir, "bleve")),
		ManifestBytes: dirSize(filepath.Join(indexDir, "manifest.db")),
		TextBytes:     rep.Corpus.TextBytes,
		FileBytes:     rep.Corpus.Bytes,
	}
	rep.Index.VsText = float64(rep.Index.Bytes) / float64(rep.Index.TextBytes)
	if rep.Baseline != nil {
		rep.Index.BaselineBytes = rep.Baseline.IndexBytes
		rep.Index.BaselineRatio = float64(rep.Baseline.IndexBytes) / float64(rep.Index.TextBytes)
	}

	// 5. Time to searchable: new files, an incremental run over the whole
	// corpus as `dossier index` would do it, then a search that finds them.
	debug.FreeOSMemory()
	st, err = indexer.OpenStore(indexDir, 2*time.Second)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	if cfg.NewDocs > 0 {
		logf("time to searchable: %d new documents", cfg.NewDocs)
		if _, err := writeCorpus(corpusDir, cfg.Seed, cfg.Docs, cfg.Docs+cfg.NewDocs); err != nil {
			return nil, err
		}
		before, err := st.Index.Count()
		if err != nil {
			return nil, err
		}
		var sources []indexer.Source
		for _, format := range corpusgen.Formats {
			p := filepath.Join(corpusDir, format)
			if _, err := os.Stat(p); err == nil {
				sources = append(sources, indexer.Source{FS: os.DirFS(p), Root: p})
			}
		}
		t := time.Now()
		if _, err := indexer.New(st.Index, st.Manifest, indexer.Options{Limits: cfg.Limits}).Run(ctx, sources...); err != nil {
			return nil, fmt.Errorf("incremental run: %w", err)
		}
		run := time.Since(t)
		res, err := st.Index.Search(ctx, search.Request{Size: 1})
		if err != nil {
			return nil, err
		}
		rep.Fresh = freshStats{NewDocs: cfg.NewDocs, RunMS: ms(run), TotalMS: ms(time.Since(t)), Found: res.Total - before}
		if res.Total-before != uint64(cfg.NewDocs) {
			logf("warning: the search after the incremental run found %d new documents, want %d", res.Total-before, cfg.NewDocs)
		}
	}

	// 6. In-process latency, with the collector set as `dossier serve` sets it.
	defer gcsettings.Serve()()
	debug.FreeOSMemory()
	resetPeakRSS()
	anon.reset()
	qs := newQuerySet(cfg.Seed, cfg.Docs, cfg.Queries)
	for _, k := range qs.kinds() {
		logf("in-process latency: %s (%d queries)", k.name, len(k.queries)+len(k.mentions))
		rep.Latency = append(rep.Latency, measure(k, dossierRunner(ctx, st.Index, k), cfg.KindTime))
	}
	if rep.Baseline != nil {
		if err := measureBaseline(ctx, rep, baseDir, qs, cfg.KindTime); err != nil {
			return nil, fmt.Errorf("baseline queries: %w", err)
		}
	}
	os.RemoveAll(baseDir) // the disk is better used by what follows

	// 7. HTTP load over loopback, the real server in this process.
	if !cfg.SkipHTTP {
		logf("HTTP: %d clients on loopback", cfg.Clients)
		h, err := runHTTP(ctx, st.Index, qs, cfg.Clients, cfg.HTTPTime)
		if err != nil {
			return nil, err
		}
		rep.HTTP = h
	}
	rep.ServePeakRSSMB = peakRSSMB()
	rep.ServePeakAnonMB = anon.peak()
	return rep, nil
}

// writeCorpus writes documents from to to-1 and counts them.
func writeCorpus(dir string, seed int64, from, to int) (corpusStats, error) {
	c := corpusStats{ByFormat: map[string]formatCount{}}
	g := corpusgen.New(seed)
	made := map[string]bool{}
	for i := from; i < to; i++ {
		d := g.Doc(i)
		p := filepath.Join(dir, filepath.FromSlash(d.Path))
		if parent := filepath.Dir(p); !made[parent] {
			if err := os.MkdirAll(parent, 0o755); err != nil {
				return c, err
			}
			made[parent] = true
		}
		if err := os.WriteFile(p, d.Data, 0o644); err != nil {
			return c, err
		}
		fc := c.ByFormat[d.Format]
		fc.Files++
		fc.Bytes += int64(len(d.Data))
		fc.TextBytes += int64(len(d.Body))
		c.ByFormat[d.Format] = fc
		c.Files++
		c.Bytes += int64(len(d.Data))
		c.TextBytes += int64(len(d.Body))
	}
	return c, nil
}

// Peak resident memory. VmHWM is the process's high-water mark; writing 5 to
// /proc/self/clear_refs resets it to the current RSS (Linux 4.0 and later), so
// each phase reports its own peak rather than the run's.

// anonSampler keeps the highest RssAnon seen since its last reset.
type anonSampler struct {
	mu  sync.Mutex
	max float64
}

// sampleAnon reads RssAnon every 20 ms until ctx ends.
func sampleAnon(ctx context.Context) *anonSampler {
	a := &anonSampler{}
	a.sample()
	go func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				a.sample()
			}
		}
	}()
	return a
}

func (a *anonSampler) sample() {
	mb := statusMB("RssAnon:")
	a.mu.Lock()
	a.max = max(a.max, mb)
	a.mu.Unlock()
}

// peak returns the highest sample since the last reset.
func (a *anonSampler) peak() float64 {
	a.sample()
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.max
}

// reset starts a new phase from the current value.
func (a *anonSampler) reset() {
	a.mu.Lock()
	a.max = 0
	a.mu.Unlock()
	a.sample()
}

func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

func peakRSSMB() float64 { return statusMB("VmHWM:") }

// statusMB reads one of /proc/self/status's kB lines, in MB (0 without /proc).
func statusMB(key string) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), key); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}

// cpuSeconds is the CPU time this process and its finished children have
// used, user and system, from /proc/self/stat (in clock ticks of 1/100 s,
// USER_HZ on Linux), or 0 where there is no /proc. Children count because the
// indexer parses PDFs in child processes (indexer/sandbox).
func cpuSeconds() float64 {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	// The command name may hold spaces; the fields after it are fixed.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 15 {
		return 0
	}
	var ticks float64
	for _, x := range f[11:15] { // utime, stime, cutime, cstime
		v, _ := strconv.ParseFloat(x, 64)
		ticks += v
	}
	return ticks / 100
}

// loadAvg is the first three fields of /proc/loadavg, or "" where there is none.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}

// dirSize is the apparent size of the files under p (a file or a folder).
func dirSize(p string) int64 {
	var n int64
	filepath.WalkDir(p, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// baselineMapping is the tuned mapping of the peer table: English text
// for title and body, no _all field, the body neither stored nor with term
// vectors, keyword fields with doc values for the entity ids, type and year.
// With bodyTV the body keeps term vectors and is stored: what phrase queries
// (Bleve needs term locations for them), highlighting and mention contexts
// need, so the price of keeping those features can be measured.
func baselineMapping(bodyTV bool) mapping.IndexMapping {
	text := bleve.NewTextFieldMapping()
	text.Analyzer = en.AnalyzerName
	text.Store = bodyTV
	text.IncludeTermVectors = bodyTV
	text.IncludeInAll = false
	text.DocValues = false
	title := bleve.NewTextFieldMapping()
	title.Analyzer = en.AnalyzerName
	title.Store = true
	title.IncludeTermVectors = false
	title.IncludeInAll = false
	title.DocValues = false
	kw := bleve.NewKeywordFieldMapping()
	kw.Analyzer = keyword.Name
	kw.Store = false
	kw.IncludeTermVectors = false
	kw.IncludeInAll = false
	kw.DocValues = true
	date := bleve.NewDateTimeFieldMapping()
	date.Store = false
	date.IncludeInAll = false

	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt("title", title)
	doc.AddFieldMappingsAt("body", text)
	doc.AddFieldMappingsAt("date", date)
	for _, f := range []string{"type", "year", "resolution", "organization", "country"} {
		doc.AddFieldMappingsAt(f, kw)
	}
	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = en.AnalyzerName
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	return m
}

// runBaseline indexes the corpus's plain text with bare Bleve. The documents of
// each batch are generated before the clock starts, so only Bleve is timed
// (building the batch and committing it); nothing is parsed or extracted, and the
// entity ids are the generator's gold data.
func runBaseline(dir string, seed int64, n int, bodyTV bool) (*ingestStats, error) {
	idx, err := bleve.New(dir, baselineMapping(bodyTV))
	if err != nil {
		return nil, err
	}
	g := corpusgen.New(seed)
	const batchSize = 1000
	var took time.Duration
	var cpu float64
	var bytes int64
	docs := make([]map[string]any, 0, batchSize)
	ids := make([]string, 0, batchSize)
	for i := 0; i < n; {
		docs, ids = docs[:0], ids[:0]
		for ; i < n && len(docs) < batchSize; i++ {
			d := g.Doc(i)
			bytes += int64(len(d.Data))
			t, _ := time.Parse("2006-01-02", d.Date)
			docs = append(docs, map[string]any{
				"title": d.Title, "body": d.Body, "date": t, "type": entity.DocType(d.Title, d.Body), "year": d.Date[:4],
				"resolution": d.Resolutions, "organization": d.Organizations, "country": d.Countries,
			})
			ids = append(ids, strconv.Itoa(d.Index))
		}
		t, c := time.Now(), cpuSeconds()
		b := idx.NewBatch()
		for j, d := range docs {
			if err := b.Index(ids[j], d); err != nil {
				idx.Close()
				return nil, err
			}
		}
		if err := idx.Batch(b); err != nil {
			idx.Close()
			return nil, err
		}
		took += time.Since(t)
		cpu += cpuSeconds() - c
	}
	if err := idx.Close(); err != nil {
		return nil, err
	}
	s := &ingestStats{rate: newRate(n, bytes, took).withCPU(cpu), IndexBytes: dirSize(dir)}
	return s, nil
}

// querySet holds the distinct queries of each kind, drawn from the corpus
// itself (words and phrases of its bodies, the entities its gold data cites) so
// that they match something, as a researcher's queries would.
type querySet struct {
	search, facets, phrase, browse, dateRange []search.Request
	mentions                                  []search.MentionsRequest
}

type queryKind struct {
	name     string
	queries  []search.Request
	mentions []search.MentionsRequest
}

func (q *querySet) kinds() []queryKind {
	return []queryKind{
		{name: "search", queries: q.search},
		{name: "search_5_facets", queries: q.facets},
		{name: "phrase", queries: q.phrase},
		{name: "mentions", mentions: q.mentions},
		{name: "browse", queries: q.browse},
		{name: "date_range_facet", queries: q.dateRange},
	}
}

// stopWords are left out of the word queries: they say nothing and match all.
var stopWords = map[string]bool{"the": true, "and": true, "that": true, "with": true, "from": true,
	"their": true, "have": true, "been": true, "this": true, "which": true, "were": true, "also": true,
	"other": true, "into": true, "some": true, "among": true, "them": true, "will": true, "for": true}

func newQuerySet(seed int64, docs, n int) *querySet {
	g := corpusgen.New(seed)
	r := &lcg{s: uint64(seed)*2654435761 + 1}
	sample := min(docs, 400)
	var words []string
	seenWord := map[string]bool{}
	var bodies []corpusgen.Doc
	for i := range sample {
		d := g.Doc(i * docs / sample)
		bodies = append(bodies, d)
		for _, w := range strings.FieldsFunc(d.Body, func(r rune) bool { return !unicode.IsLetter(r) }) {
			lw := strings.ToLower(w)
			if len(lw) < 4 || stopWords[lw] || seenWord[lw] || w == strings.ToUpper(w) {
				continue
			}
			seenWord[lw] = true
			words = append(words, lw)
		}
	}
	slices.Sort(words)

	q := &querySet{}
	anyDoc := func() corpusgen.Doc { return bodies[r.intn(len(bodies))] }

	// Plain search: one to three words.
	q.search = distinctN(n, func() (search.Request, string, bool) {
		var ws []string
		for range 1 + r.intn(3) {
			ws = append(ws, words[r.intn(len(words))])
		}
		s := strings.Join(ws, " ")
		return search.Request{Query: s}, s, true
	})
	// A word and a selection in every one of the five facets, taken from one
	// document so the intersection is not empty by construction.
	types := entity.Types
	q.facets = distinctN(n, func() (search.Request, string, bool) {
		d := anyDoc()
		fs := strings.Fields(d.Body)
		w := strings.ToLower(strings.TrimFunc(fs[r.intn(len(fs))], func(r rune) bool { return !unicode.IsLetter(r) }))
		if len(w) < 4 || stopWords[w] || !seenWord[w] {
			return search.Request{}, "", false
		}
		req := search.Request{Query: w, Filters: map[string][]string{
			search.FacetResolution:   {d.Resolutions[r.intn(len(d.Resolutions))]},
			search.FacetOrganization: {d.Organizations[r.intn(len(d.Organizations))]},
			search.FacetCountry:      {d.Countries[r.intn(len(d.Countries))]},
			search.FacetType:         {entity.DocType(d.Title, d.Body), types[r.intn(len(types))]},
			search.FacetYear:         {d.Date[:4]},
		}}
		return req, fmt.Sprint(req.Query, req.Filters), true
	})
	// Phrases: two to four consecutive words of a body.
	q.phrase = distinctN(n, func() (search.Request, string, bool) {
		fs := strings.Fields(anyDoc().Body)
		k := 2 + r.intn(3)
		i := r.intn(len(fs) - k)
		var ws []string
		for _, w := range fs[i : i+k] {
			w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
			if w == "" || strings.ContainsAny(w, `"\:+-~*^(){}[]/!&|`) {
				return search.Request{}, "", false
			}
			ws = append(ws, w)
		}
		s := `"` + strings.Join(ws, " ") + `"`
		return search.Request{Query: s}, s, true
	})
	// Browse: everything, a page of it, in one of the three orders.
	sorts := []string{search.SortRelevance, search.SortDateAsc, search.SortDateDesc}
	q.browse = distinctN(n, func() (search.Request, string, bool) {
		req := search.Request{Page: 1 + r.intn(8), Size: 10 + r.intn(51), Sort: sorts[r.intn(3)]}
		return req, fmt.Sprint(req.Page, req.Size, req.Sort), true
	})
	// A date range with one facet selection.
	facetOf := []string{search.FacetResolution, search.FacetOrganization, search.FacetCountry}
	q.dateRange = distinctN(n, func() (search.Request, string, bool) {
		d := anyDoc()
		y1 := 2005 + r.intn(22)
		y2 := y1 + r.intn(2027-y1)
		from, to := strconv.Itoa(y1), strconv.Itoa(y2)
		if r.intn(2) == 0 {
			from += fmt.Sprintf("-%02d", 1+r.intn(12))
		}
		f := facetOf[r.intn(3)]
		var ids []string
		switch f {
		case search.FacetResolution:
			ids = d.Resolutions
		case search.FacetOrganization:
			ids = d.Organizations
		default:
			ids = d.Countries
		}
		req := search.Request{From: from, To: to, Filters: map[string][]string{f: {ids[r.intn(len(ids))]}}}
		if r.intn(2) == 0 {
			req.Query = words[r.intn(len(words))]
		}
		return req, fmt.Sprint(req.Query, req.From, req.To, req.Filters), true
	})
	// Every mention of a resolution, first page of 50, the id typed in one of
	// four ways. There are only so many resolutions: the list repeats once
	// every distinct form is used.
	var forms []string
	seenRes := map[string]bool{}
	for _, d := range bodies {
		for _, id := range d.Resolutions {
			if seenRes[id] {
				continue
			}
			seenRes[id] = true
			num, year, _ := strings.Cut(strings.TrimPrefix(id, "S/RES/"), " ")
			forms = append(forms, id, num, "UNSCR "+num, "resolution "+num+" "+year)
		}
	}
	for i := range n {
		if i < len(forms) {
			j := i + r.intn(len(forms)-i)
			forms[i], forms[j] = forms[j], forms[i]
		}
		q.mentions = append(q.mentions, search.MentionsRequest{Kind: entity.Resolution, ID: forms[i%len(forms)], Page: 1, Size: 50})
	}
	return q
}

// distinctN calls gen until it has n queries with distinct keys (or has tried
// long enough: a small corpus has fewer distinct phrases than asked for).
// gen's false means the draw was unusable.
func distinctN[T any](n int, gen func() (T, string, bool)) []T {
	var out []T
	seen := map[string]bool{}
	for tries := 0; len(out) < n && tries < 50*n; tries++ {
		v, key, ok := gen()
		if ok && !seen[key] {
			seen[key] = true
			out = append(out, v)
		}
	}
	return out
}

// lcg is a small deterministic generator for the query set (the corpus has its own).
type lcg struct{ s uint64 }

func (l *lcg) intn(n int) int {
	l.s = l.s*6364136223846793005 + 1442695040888963407
	return int((l.s >> 33) % uint64(n))
}

// measure runs each query of a kind once, in order, and takes percentiles. The
// first few queries of the kind warm the caches and are not counted. A kind
// slow enough to pass limit stops there, and Queries says how many ran.
// dossierRunner answers query i of kind k with Dossier's index.
func dossierRunner(ctx context.Context, ix *search.Index, k queryKind) func(i int) (uint64, error) {
	return func(i int) (uint64, error) {
		if k.mentions != nil {
			res, err := ix.Mentions(ctx, k.mentions[i])
			if err != nil {
				return 0, err
			}
			return uint64(res.Total), nil
		}
		res, err := ix.Search(ctx, k.queries[i])
		if err != nil {
			return 0, err
		}
		return res.Total, nil
	}
}

// measure times run over every query of kind k, one after the other, until
// limit has passed.
func measure(k queryKind, run func(i int) (uint64, error), limit time.Duration) latencyStat {
	var times []time.Duration
	var total float64
	errs := 0
	n := len(k.queries) + len(k.mentions)
	for i := range min(10, n) {
		run(i)
	}
	begin := time.Now()
	timedOut := false
	for i := range n {
		if time.Since(begin) > limit {
			timedOut = true
			break
		}
		t := time.Now()
		hits, err := run(i)
		times = append(times, time.Since(t))
		if err != nil {
			errs++
			continue
		}
		total += float64(hits)
	}
	n = len(times)
	st := latencyStat{Kind: k.name, Queries: n, Distinct: n, Errors: errs, MeanHits: total / float64(max(1, n-errs)), TimedOut: timedOut}
	if k.mentions != nil {
		seen := map[string]bool{}
		for _, m := range k.mentions[:n] {
			seen[m.ID] = true
		}
		st.Distinct = len(seen)
	}
	st.P50MS, st.P90MS, st.P99MS, st.MaxMS = percentiles(times)
	return st
}

// percentiles returns the nearest-rank 50th, 90th and 99th percentiles and the maximum.
func percentiles(ts []time.Duration) (p50, p90, p99, maxMS float64) {
	if len(ts) == 0 {
		return
	}
	s := slices.Clone(ts)
	slices.Sort(s)
	at := func(p int) float64 { return ms(s[max(0, (len(s)*p+99)/100-1)]) }
	return at(50), at(90), at(99), ms(s[len(s)-1])
}

// apiRequest is one URL of the load, with the kind of query it asks.
type apiRequest struct{ kind, url string }

// requestURLs turns the query set into API requests, interleaved so the load
// is a mix of kinds throughout.
func (q *querySet) requestURLs() []apiRequest {
	var lists [][]apiRequest
	for _, k := range q.kinds() {
		var us []apiRequest
		for _, req := range k.queries {
			v := url.Values{}
			if req.Query != "" {
				v.Set("q", req.Query)
			}
			for f, ids := range req.Filters {
				for _, id := range ids {
					v.Add(f, id)
				}
			}
			if req.From != "" {
				v.Set("from", req.From)
			}
			if req.To != "" {
				v.Set("to", req.To)
			}
			if req.Page > 0 {
				v.Set("page", strconv.Itoa(req.Page))
			}
			if req.Size > 0 {
				v.Set("size", strconv.Itoa(req.Size))
			}
			if req.Sort != "" {
				v.Set("sort", req.Sort)
			}
			us = append(us, apiRequest{k.name, "/api/search?" + v.Encode()})
		}
		for _, m := range k.mentions {
			v := url.Values{"kind": {m.Kind}, "id": {m.ID}, "page": {"1"}, "size": {strconv.Itoa(m.Size)}}
			us = append(us, apiRequest{k.name, "/api/mentions?" + v.Encode()})
		}
		lists = append(lists, us)
	}
	var out []apiRequest
	seen := map[string]bool{}
	for i := 0; ; i++ {
		added := false
		for _, l := range lists {
			if i < len(l) {
				added = true
				if !seen[l[i].url] {
					seen[l[i].url] = true
					out = append(out, l[i])
				}
			}
		}
		if !added {
			return out
		}
	}
}

// runHTTP serves the index with the real server on a loopback port and runs two
// load loops: searches with five facets alone, then every kind of query mixed.
// Each sends every distinct request once from clients concurrent clients,
// stopping when they are all answered or limit has passed.
func runHTTP(ctx context.Context, ix *search.Index, qs *querySet, clients int, limit time.Duration) (*httpStats, error) {
	srv, err := server.New(ix, server.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	sctx, stop := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(sctx, ln) }()
	defer func() { stop(); <-served }()
	base := "http://" + ln.Addr().String()

	client := &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients, DisableCompression: true},
	}
	defer client.CloseIdleConnections()
	urls := qs.requestURLs()
	var facets []apiRequest
	for _, u := range urls {
		if u.kind == "search_5_facets" {
			facets = append(facets, u)
		}
	}
	h := &httpStats{Clients: clients}
	// Five facets first: a mixed load stopped by its time limit leaves slow
	// searches running on the server for a while after.
	h.Facets = loadLoop(ctx, client, base, facets, clients, limit, nil)
	h.Mixed = loadLoop(ctx, client, base, urls, clients, limit, qs.kinds())
	return h, nil
}

// loadLoop sends each of urls once from clients concurrent clients, until all
// are answered or limit has passed, and reports the latencies, overall and, for
// each of kinds, by kind.
func loadLoop(ctx context.Context, client *http.Client, base string, urls []apiRequest, clients int, limit time.Duration, kinds []queryKind) LoadStats {
	lctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	var next atomic.Int64
	var errs atomic.Int64
	type timing struct {
		kind string
		d    time.Duration
	}
	times := make([][]timing, clients)
	var wg sync.WaitGroup
	start := time.Now()
	for c := range clients {
		wg.Go(func() {
			for lctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= len(urls) {
					return
				}
				t := time.Now()
				req, _ := http.NewRequestWithContext(lctx, http.MethodGet, base+urls[i].url, nil)
				resp, err := client.Do(req)
				if err != nil {
					if lctx.Err() == nil {
						errs.Add(1)
					}
					continue
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK {
					errs.Add(1)
				}
				times[c] = append(times[c], timing{urls[i].kind, time.Since(t)})
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	var all []time.Duration
	byKind := map[string][]time.Duration{}
	for _, ts := range times {
		for _, t := range ts {
			all = append(all, t.d)
			byKind[t.kind] = append(byKind[t.kind], t.d)
		}
	}
	l := LoadStats{Requests: len(all), Distinct: len(urls), Errors: int(errs.Load()), TookMS: ms(took),
		RPS: float64(len(all)) / took.Seconds(), TimedOut: len(all) < len(urls)}
	l.P50MS, l.P90MS, l.P99MS, l.MaxMS = percentiles(all)
	for _, k := range kinds {
		if ts := byKind[k.name]; len(ts) > 0 {
			s := latencyStat{Kind: k.name, Queries: len(ts)}
			s.P50MS, s.P90MS, s.P99MS, s.MaxMS = percentiles(ts)
			l.ByKind = append(l.ByKind, s)
		}
	}
	return l
}

// throughput says how fast a load loop went.
func throughput(l LoadStats) string {
	s := fmt.Sprintf("%.0f requests/s over %.1fs", l.RPS, l.TookMS/1000)
	if l.TimedOut {
		s += ", stopped by the time limit"
	}
	return s
}

// Print writes the report as tables.
func Print(w io.Writer, r *Report) {
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(&b, "Dossier bench: %d documents, seed %d, %d cores (GOMAXPROCS %d), %s\n", r.Docs, r.Seed, r.Cores, r.GoMaxProcs, r.Go)
	fmt.Fprintf(&b, "load average at start %s, at end %s\n\n", r.LoadAvg[0], r.LoadAvg[1])
	fmt.Fprintf(&b, "Corpus: %d files, %.1f MB of files, %.1f MB of text, generated in %.1fs\n\n",
		r.Corpus.Files, float64(r.Corpus.Bytes)/1e6, float64(r.Corpus.TextBytes)/1e6, float64(r.Corpus.GenerateMS)/1000)

	fmt.Fprintln(tw, "ingest\tdocs\tMB\tseconds\tdocs/s\tMB/s\tCPU s\tdocs/CPU s\t")
	for _, f := range corpusgen.Formats {
		if x, ok := r.Ingest.ByFormat[f]; ok {
			fmt.Fprintf(tw, "%s\t%d\t%.1f\t%.2f\t%.0f\t%.2f\t%.1f\t%.0f\t\n", f, x.Docs, float64(x.Bytes)/1e6, x.TookMS/1000, x.DocsPerS, x.MBPerS, x.CPUS, x.DocsPerCPUS)
		}
	}
	x := r.Ingest.rate
	fmt.Fprintf(tw, "all\t%d\t%.1f\t%.2f\t%.0f\t%.2f\t%.1f\t%.0f\t\n", x.Docs, float64(x.Bytes)/1e6, x.TookMS/1000, x.DocsPerS, x.MBPerS, x.CPUS, x.DocsPerCPUS)
	if r.Baseline != nil {
		x := r.Baseline.rate
		name := "bare Bleve baseline"
		if r.BaselineBodyTV {
			name += " (body: term vectors, stored)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%.1f\t%.2f\t%.0f\t%.2f\t%.1f\t%.0f\t\n", name, x.Docs, float64(x.Bytes)/1e6, x.TookMS/1000, x.DocsPerS, x.MBPerS, x.CPUS, x.DocsPerCPUS)
	}
	tw.Flush()
	fmt.Fprintf(&b, "\nfailed files: %d\n", r.Ingest.Failed)
	if r.Baseline != nil {
		fmt.Fprintf(&b, "ingest vs baseline: %.2fx in docs/s, %.2fx in docs per CPU second (the baseline's CPU counts its timed sections only)\n",
			r.IngestVsBaseline, r.Ingest.DocsPerCPUS/r.Baseline.DocsPerCPUS)
	}
	reset := ""
	if !r.RSSReset {
		reset = " (VmHWM could not be reset: each figure is the process peak so far)"
	}
	fmt.Fprintf(&b, "peak RSS, all / anonymous (without mapped index files): ingest %.0f / %.0f MB", r.Ingest.PeakRSSMB, r.Ingest.PeakAnonMB)
	if r.Baseline != nil {
		fmt.Fprintf(&b, ", baseline %.0f / %.0f MB", r.Baseline.PeakRSSMB, r.Baseline.PeakAnonMB)
	}
	fmt.Fprintf(&b, ", serving %.0f / %.0f MB%s\n", r.ServePeakRSSMB, r.ServePeakAnonMB, reset)
	fmt.Fprintf(&b, "index: %.1f MB = %.2fx the text (manifest %.1f MB)", float64(r.Index.Bytes)/1e6, r.Index.VsText, float64(r.Index.ManifestBytes)/1e6)
	if r.Baseline != nil {
		fmt.Fprintf(&b, "; baseline index %.1f MB = %.2fx", float64(r.Index.BaselineBytes)/1e6, r.Index.BaselineRatio)
	}
	fmt.Fprintln(&b)
	if r.Fresh.NewDocs > 0 {
		fmt.Fprintf(&b, "time to searchable, %d new documents: %.0f ms (incremental run %.0f ms; found %d)\n",
			r.Fresh.NewDocs, r.Fresh.TotalMS, r.Fresh.RunMS, r.Fresh.Found)
	}
	fmt.Fprintln(&b)
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "in-process latency\tqueries\tdistinct\terrors\tp50 ms\tp90 ms\tp99 ms\tmax ms\tmean total\t")
	for _, l := range r.Latency {
		name := l.Kind
		if l.TimedOut {
			name += " (time limit)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%.0f\t\n", name, l.Queries, l.Distinct, l.Errors, l.P50MS, l.P90MS, l.P99MS, l.MaxMS, l.MeanHits)
	}
	if h := r.HTTP; h != nil {
		m, f := h.Mixed, h.Facets
		fmt.Fprintf(tw, "HTTP, %d clients, mixed\t%d\t%d\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t\t\n", h.Clients, m.Requests, m.Distinct, m.Errors, m.P50MS, m.P90MS, m.P99MS, m.MaxMS)
		for _, l := range m.ByKind {
			fmt.Fprintf(tw, "HTTP %s\t%d\t\t\t%.2f\t%.2f\t%.2f\t%.2f\t\t\n", l.Kind, l.Queries, l.P50MS, l.P90MS, l.P99MS, l.MaxMS)
		}
		fmt.Fprintf(tw, "HTTP, %d clients, search_5_facets alone\t%d\t%d\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t\t\n", h.Clients, f.Requests, f.Distinct, f.Errors, f.P50MS, f.P90MS, f.P99MS, f.MaxMS)
	}
	tw.Flush()
	if len(r.BaselineLatency) > 0 {
		fmt.Fprintln(&b)
		tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "same queries, bare Bleve baseline\tp50 ms\tp99 ms\tDossier p50 ms\tp99 ms\tDossier / baseline, p50\tp99\t")
		for _, bl := range r.BaselineLatency {
			i := slices.IndexFunc(r.Latency, func(l latencyStat) bool { return l.Kind == bl.Kind })
			if i < 0 {
				continue
			}
			d := r.Latency[i]
			fmt.Fprintf(tw, "%s\t%.2f\t%.2f\t%.2f\t%.2f\t%.2fx\t%.2fx\t\n", bl.Kind, bl.P50MS, bl.P99MS, d.P50MS, d.P99MS, d.P50MS/bl.P50MS, d.P99MS/bl.P99MS)
		}
		tw.Flush()
	}
	if h := r.HTTP; h != nil {
		fmt.Fprintf(&b, "\nHTTP throughput: mixed %s; search_5_facets alone %s\n", throughput(h.Mixed), throughput(h.Facets))
	}
	w.Write(b.Bytes())
}
