// Package indexer is Dossier's ingestion pipeline: it walks folders (or the
// embedded sample corpus), parses each supported file with the parser for its
// format, extracts entities, and writes the documents into the index in batches,
// keeping a manifest so that re-runs only do what changed.
//
// The shape follows zoekt's builder: one walker sends files down a channel, a
// bounded pool of workers (one per core) reads, hashes, parses and extracts, and
// a single writer — the only goroutine that touches the Bleve batch — commits
// batches by count and by bytes. A bad file is recorded with its reason and
// skipped; only index or manifest I/O stops a run.
package indexer

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"dossier/internal/search"
)

// Source is a tree of files to index.
type Source struct {
	FS fs.FS
	// Root is the name files under FS are recorded with: an absolute folder path
	// for files on disk, or a label such as "corpus" for the embedded corpus.
	Root string
	// File, when set, limits the source to that one file of FS.
	File string
}

// DirSource returns the source for a file or folder on disk.
func DirSource(p string) (Source, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return Source{}, err
	}
	info, err := os.Stat(abs)
	if err != nil {
		return Source{}, err
	}
	if info.IsDir() {
		return Source{FS: os.DirFS(abs), Root: abs}, nil
	}
	if !info.Mode().IsRegular() {
		return Source{}, fmt.Errorf("%s is not a regular file or folder", p)
	}
	return Source{FS: os.DirFS(filepath.Dir(abs)), Root: filepath.Dir(abs), File: filepath.Base(abs)}, nil
}

// recorded is the path a file of the source is recorded and shown under.
func (s Source) recorded(rel string) string {
	if s.Root == "" {
		return rel
	}
	return path.Join(filepath.ToSlash(s.Root), rel)
}

// covers reports whether a recorded path belongs to this source, so a walk of it
// may declare the path deleted when it was not seen.
func (s Source) covers(p string) bool {
	if s.File != "" {
		return p == s.recorded(s.File)
	}
	root := filepath.ToSlash(s.Root)
	return strings.HasPrefix(p, strings.TrimSuffix(root, "/")+"/")
}

// Options tune a run; zero values take the defaults.
type Options struct {
	Workers      int    // parsers running at once; default one per core
	BatchDocs    int    // documents per index batch; default 500
	BatchBytes   int    // body bytes per index batch; default 32 MiB
	MaxFileBytes int64  // larger files are refused; default 256 MiB
	Limits       Limits // per-file parse limits and the sandbox
	// Progress, when set, is called from the writer goroutine after every file.
	Progress func(Progress)
}

// Progress is a snapshot of a run for a progress bar.
type Progress struct {
	Found     int  // supported files found so far
	Walking   bool // whether the walk is still finding files
	Done      int  // files finished, in any way
	Indexed   int
	Unchanged int
	Failed    int
	Path      string // the file just finished
}

// Failure is one file that could not be indexed, with the reason.
type Failure struct {
	Path  string `json:"path"`
	Error string `json:"error"`
}

// Summary is the outcome of a run, in the contract's JSON shape.
type Summary struct {
	Indexed   int       `json:"indexed"`
	Unchanged int       `json:"unchanged"`
	Removed   int       `json:"removed"`
	Failed    []Failure `json:"failed"`
	TookMS    int64     `json:"took_ms"`
}

// Indexer ingests sources into one index and its manifest. Both must be owned by
// this process for the duration of Run.
type Indexer struct {
	index    *search.Index
	manifest *Manifest
	opts     Options
}

// New returns an Indexer writing to index and recording in manifest.
func New(index *search.Index, manifest *Manifest, opts Options) *Indexer {
	if opts.Workers <= 0 {
		opts.Workers = runtime.NumCPU()
	}
	if opts.BatchDocs <= 0 {
		opts.BatchDocs = 500
	}
	if opts.BatchBytes <= 0 {
		opts.BatchBytes = 32 << 20
	}
	if opts.MaxFileBytes <= 0 {
		opts.MaxFileBytes = 256 << 20
	}
	return &Indexer{index: index, manifest: manifest, opts: opts}
}

// job is one file for a worker.
type job struct {
	path    string // recorded path
	src     Source
	rel     string // path inside src.FS
	size    int64
	modTime int64
}

// outcome is what a worker made of a job.
type outcome struct {
	job
	entry     Entry            // the manifest entry to record, when not failed
	doc       *search.Document // set when the file must be (re)indexed
	unchanged bool             // same content as already indexed (at this or another path)
	recorded  bool             // the manifest already holds entry as it is
	err       error
}

// Run indexes the sources: new and changed files are indexed, unchanged ones
// skipped, identical content at several paths indexed once, and files that were
// in the manifest under a walked source but are gone are removed from the index.
// The error is non-nil only when the index or manifest could not be written (or
// ctx ended); the summary then says how far the run got.
func (in *Indexer) Run(ctx context.Context, sources ...Source) (*Summary, error) {
	start := time.Now()
	sum := &Summary{Failed: []Failure{}}
	known, err := in.manifest.Load()
	if err != nil {
		return sum, err
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Document ids already claimed, so identical content is parsed and indexed once.
	var claimed sync.Map
	for _, e := range known {
		claimed.Store(e.DocID, true)
	}

	jobs := make(chan job, 256)
	results := make(chan outcome, 256)
	var found, walking = 0, true
	var foundMu sync.Mutex
	var walkErrs []Failure

	go func() {
		defer close(jobs)
		for _, src := range sources {
			err := walk(ctx, src, func(j job) {
				foundMu.Lock()
				found++
				foundMu.Unlock()
				select {
				case jobs <- j:
				case <-ctx.Done():
				}
			}, func(p string, err error) {
				foundMu.Lock()
				walkErrs = append(walkErrs, Failure{Path: p, Error: err.Error()})
				foundMu.Unlock()
			})
			if err != nil {
				return
			}
		}
		foundMu.Lock()
		walking = false
		foundMu.Unlock()
	}()

	var wg sync.WaitGroup
	for range in.opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				results <- in.process(ctx, j, known, &claimed)
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	w := writer{index: in.index, manifest: in.manifest, opts: in.opts, entries: map[string]Entry{}}
	seen := map[string]bool{}
	var writeErr error
	var prog Progress
	for r := range results {
		seen[r.path] = true
		switch {
		case r.err != nil:
			sum.Failed = append(sum.Failed, Failure{Path: r.path, Error: r.err.Error()})
			prog.Failed++
		case r.doc != nil:
			sum.Indexed++
			prog.Indexed++
		default:
			sum.Unchanged++
			prog.Unchanged++
		}
		if r.err == nil && writeErr == nil {
			if writeErr = w.add(r); writeErr != nil {
				cancel()
			}
		}
		prog.Done++
		prog.Path = r.path
		if in.opts.Progress != nil {
			foundMu.Lock()
			prog.Found, prog.Walking = found, walking
			foundMu.Unlock()
			in.opts.Progress(prog)
		}
	}
	sum.Failed = append(sum.Failed, walkErrs...)
	if writeErr == nil {
		writeErr = w.flush()
	}
	if writeErr == nil && ctx.Err() != nil {
		writeErr = ctx.Err()
	}
	if writeErr != nil {
		sum.TookMS = time.Since(start).Milliseconds()
		return sum, writeErr
	}

	// Paths under a walked source that were not seen are gone; documents that no
	// path refers to any more (deleted or changed files) leave the index.
	var removed []string
	final := map[string]Entry{}
	for p, e := range known {
		final[p] = e
	}
	for p, e := range w.written {
		final[p] = e
	}
	for p := range known {
		if seen[p] {
			continue
		}
		for _, src := range sources {
			if src.covers(p) {
				removed = append(removed, p)
				delete(final, p)
				break
			}
		}
	}
	referenced := map[string]bool{}
	for _, e := range final {
		referenced[e.DocID] = true
	}
	var deletes []string
	stale := map[string]bool{}
	for _, e := range known {
		if !referenced[e.DocID] && !stale[e.DocID] {
			stale[e.DocID] = true
			deletes = append(deletes, e.DocID)
		}
	}
	if len(deletes) > 0 {
		if err := in.index.Apply(nil, deletes); err != nil {
			sum.TookMS = time.Since(start).Milliseconds()
			return sum, err
		}
	}
	if len(removed) > 0 {
		if err := in.manifest.Update(nil, removed); err != nil {
			sum.TookMS = time.Since(start).Milliseconds()
			return sum, err
		}
	}
	sum.Removed = len(removed)
	sum.TookMS = time.Since(start).Milliseconds()
	return sum, nil
}

// walk sends every supported regular file of src to send, in lexical order.
// Hidden files and folders are skipped, and so are symbolic links (so a link loop
// or a link out of the folder is never followed). Unreadable folders are reported
// through fail and the walk goes on; only ctx ending stops it.
func walk(ctx context.Context, src Source, send func(job), fail func(string, error)) error {
	if src.File != "" {
		info, err := fs.Stat(src.FS, src.File)
		if err != nil {
			fail(src.recorded(src.File), err)
			return nil
		}
		send(job{path: src.recorded(src.File), src: src, rel: src.File, size: info.Size(), modTime: info.ModTime().UnixNano()})
		return nil
	}
	return fs.WalkDir(src.FS, ".", func(rel string, d fs.DirEntry, err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			fail(src.recorded(rel), err)
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if rel != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !Supported(rel) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			fail(src.recorded(rel), err)
			return nil
		}
		var mod int64
		if !info.ModTime().IsZero() {
			mod = info.ModTime().UnixNano()
		}
		send(job{path: src.recorded(rel), src: src, rel: rel, size: info.Size(), modTime: mod})
		return nil
	})
}

// process reads, hashes, and when needed parses one file.
func (in *Indexer) process(ctx context.Context, j job, known map[string]Entry, claimed *sync.Map) outcome {
	out := outcome{job: j}
	prev, had := known[j.path]
	// Same size and modification time as last run: trust it without reading.
	if had && j.modTime != 0 && prev.Size == j.size && prev.ModTime == j.modTime {
		out.entry, out.unchanged, out.recorded = prev, true, true
		return out
	}
	if j.size > in.opts.MaxFileBytes {
		out.err = fmt.Errorf("file is %d MiB; the limit is %d MiB", j.size>>20, in.opts.MaxFileBytes>>20)
		return out
	}
	data, err := readFile(j.src.FS, j.rel, in.opts.MaxFileBytes)
	if err != nil {
		out.err = err
		return out
	}
	id := DocID(data)
	out.entry = Entry{DocID: id, Size: int64(len(data)), ModTime: j.modTime}
	if had && prev.DocID == id {
		out.unchanged = true
		return out
	}
	if _, taken := claimed.LoadOrStore(id, true); taken {
		out.unchanged = true // the same content is indexed under another path
		return out
	}
	doc, err := Analyze(ctx, j.path, data, in.opts.Limits)
	if err != nil {
		claimed.Delete(id)
		out.err = err
		return out
	}
	out.doc = doc
	return out
}

// readFile reads at most limit bytes of one file.
func readFile(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("file is over the %d MiB limit", limit>>20)
	}
	return data, nil
}

// writer is the one goroutine's state that fills and commits index batches and
// then records their files in the manifest.
type writer struct {
	index    *search.Index
	manifest *Manifest
	opts     Options

	docs    []search.Document
	bytes   int
	entries map[string]Entry // manifest entries waiting for the batch
	written map[string]Entry // manifest entries committed this run
}

func (w *writer) add(r outcome) error {
	if !r.recorded {
		w.entries[r.path] = r.entry
	}
	if r.doc != nil {
		w.docs = append(w.docs, *r.doc)
		w.bytes += len(r.doc.Body)
	}
	if len(w.docs) >= w.opts.BatchDocs || w.bytes >= w.opts.BatchBytes || len(w.entries) >= 4*w.opts.BatchDocs {
		return w.flush()
	}
	return nil
}

// flush commits the pending documents, then their manifest entries.
func (w *writer) flush() error {
	if len(w.docs) > 0 {
		if err := w.index.Apply(w.docs, nil); err != nil {
			return err
		}
	}
	if len(w.entries) > 0 {
		if err := w.manifest.Update(w.entries, nil); err != nil {
			return err
		}
	}
	if w.written == nil {
		w.written = map[string]Entry{}
	}
	for p, e := range w.entries {
		w.written[p] = e
	}
	w.docs, w.bytes, w.entries = nil, 0, map[string]Entry{}
	return nil
}
