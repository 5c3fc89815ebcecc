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
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
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
	"unicode/utf8"

	"dossier/indexer/sandbox"
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
	// dir is Root for a folder on disk: files are opened through the operating
	// system, which (unlike os.DirFS) takes names that are not UTF-8.
	dir string
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
		return Source{FS: os.DirFS(abs), Root: abs, dir: abs}, nil
	}
	if !info.Mode().IsRegular() {
		return Source{}, fmt.Errorf("%s is not a regular file or folder", p)
	}
	dir := filepath.Dir(abs)
	return Source{FS: os.DirFS(dir), Root: dir, File: filepath.Base(abs), dir: dir}, nil
}

// open opens a file of the source by its path inside it.
func (s Source) open(rel string) (fs.File, error) {
	if s.dir != "" {
		return os.Open(filepath.Join(s.dir, filepath.FromSlash(rel)))
	}
	return s.FS.Open(rel)
}

// recorded is the path a file of the source is recorded and shown under.
func (s Source) recorded(rel string) string {
	if s.Root == "" {
		return printable(rel)
	}
	return printable(path.Join(filepath.ToSlash(s.Root), rel))
}

// printable returns p as valid UTF-8, which JSON, the index and terminals
// need: each byte that is not part of valid UTF-8 (a Latin-1 file name from an
// old archive) becomes the four characters \xNN. The escape keeps two such
// names apart and the recorded path the same from run to run.
func printable(p string) string {
	if utf8.ValidString(p) {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); {
		r, n := utf8.DecodeRuneInString(p[i:])
		if r == utf8.RuneError && n == 1 {
			fmt.Fprintf(&b, `\x%02x`, p[i])
		} else {
			b.WriteString(p[i : i+n])
		}
		i += n
	}
	return b.String()
}

// Covers reports whether a recorded path belongs to this source, so a walk of it
// may declare the path deleted when it was not seen.
func (s Source) Covers(p string) bool {
	if s.File != "" {
		return p == s.recorded(s.File)
	}
	root := printable(filepath.ToSlash(s.Root))
	return strings.HasPrefix(p, strings.TrimSuffix(root, "/")+"/")
}

// Options tune a run; zero values take the defaults.
type Options struct {
	Workers    int // parsers running at once; default one per core
	BatchDocs  int // documents per index batch; default 500
	BatchBytes int // body bytes per index batch; default 16 MiB
	// MaxFileBytes: larger PDFs are refused (a PDF must be read whole); text
	// and HTML files are hashed for their id up to it. Default 256 MiB.
	MaxFileBytes int64
	// MaxTextBytes is how much of a text file (four times as much of an HTML
	// page) is read, and how much text of any document is indexed: past it the
	// text is cut, the document flagged truncated and a warning given.
	// Default MaxTextBytes.
	MaxTextBytes int64
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

// Warning is one file that was indexed with a caveat a researcher should know
// of: its text was cut at the size cap, it has no text layer (a scan), part of
// it could not be read.
type Warning struct {
	Path    string `json:"path"`
	Warning string `json:"warning"`
}

// Summary is the outcome of a run, in the contract's JSON shape. Warnings
// extends it, and is left out when there are none, so that a run without
// caveats prints exactly the contract's keys.
type Summary struct {
	Indexed   int       `json:"indexed"`
	Unchanged int       `json:"unchanged"`
	Removed   int       `json:"removed"`
	Failed    []Failure `json:"failed"`
	Warnings  []Warning `json:"warnings,omitempty"`
	TookMS    int64     `json:"took_ms"`
}

// Indexer ingests sources into one index and its manifest. Both must be owned by
// this process for the duration of Run.
type Indexer struct {
	index    *search.Index
	manifest *Manifest
	opts     Options
	// pool holds the sandbox children of a run, when Options.Limits asks for
	// a sandbox and brings no pool of its own.
	pool *sandbox.Pool
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
		// Bleve holds a batch's analysed text in memory several times over.
		opts.BatchBytes = 16 << 20
	}
	if opts.MaxFileBytes <= 0 {
		opts.MaxFileBytes = 256 << 20
	}
	if opts.MaxTextBytes <= 0 {
		opts.MaxTextBytes = MaxTextBytes
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
	warning   string           // a caveat about an indexed document
	err       error
}

// Run indexes the sources: new and changed files are indexed, unchanged ones
// skipped, identical content at several paths indexed once, and files that were
// in the manifest under a walked source but are gone are removed from the index.
// The error is non-nil only when the index or manifest could not be written (or
// ctx ended); the summary then says how far the run got.
func (in *Indexer) Run(ctx context.Context, sources ...Source) (*Summary, error) {
	start := time.Now()
	if in.opts.Limits.Sandbox != "" && in.opts.Limits.Pool == nil {
		in.pool = &sandbox.Pool{Exe: in.opts.Limits.Sandbox}
		defer func() {
			in.pool.Close()
			in.pool = nil
		}()
	}
	sum := &Summary{Failed: []Failure{}, Warnings: []Warning{}}
	known, err := in.manifest.Load()
	if err != nil {
		return sum, err
	}
	// A run that stopped between taking paths out of the manifest and their
	// documents out of the index left those behind: delete them first, so
	// that none is found, nor taken for the content of a file it meets.
	if err := in.sweep(known); err != nil {
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

	w := writer{index: in.index, manifest: in.manifest, opts: in.opts, known: known, entries: map[string]Entry{}}
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
			if r.warning != "" {
				sum.Warnings = append(sum.Warnings, Warning{Path: r.path, Warning: r.warning})
			}
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

	// Paths under a walked source that were not seen are gone: they leave the
	// manifest, their documents retired in the same transaction; then the
	// retired documents that no path refers to any more (deleted files, and
	// the old content of changed ones, retired by the writer) leave the index.
	var removed, retire []string
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
			if src.Covers(p) {
				removed = append(removed, p)
				retire = append(retire, known[p].DocID)
				delete(final, p)
				break
			}
		}
	}
	if len(removed) > 0 {
		if err := in.manifest.Update(nil, removed, retire); err != nil {
			sum.TookMS = time.Since(start).Milliseconds()
			return sum, err
		}
	}
	if err := in.sweep(final); err != nil {
		sum.TookMS = time.Since(start).Milliseconds()
		return sum, err
	}
	sum.Removed = len(removed)
	sum.TookMS = time.Since(start).Milliseconds()
	return sum, nil
}

// sweep deletes from the index the retired documents that no entry of the
// manifest (as it now is) refers to, then forgets them all (see Manifest).
func (in *Indexer) sweep(entries map[string]Entry) error {
	retired, err := in.manifest.Retired()
	if err != nil || len(retired) == 0 {
		return err
	}
	referenced := make(map[string]bool, len(entries))
	for _, e := range entries {
		referenced[e.DocID] = true
	}
	var deletes []string
	for _, id := range retired {
		if !referenced[id] {
			deletes = append(deletes, id)
		}
	}
	if len(deletes) > 0 {
		if err := in.index.Apply(nil, deletes); err != nil {
			return err
		}
	}
	return in.manifest.Forget(retired)
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

// MaxTextBytes is the default cap on how much of one text or HTML file is
// read and indexed (Options.MaxTextBytes); the PDF parser caps its text at the
// same size. A bigger file is almost always a data dump or a log, and every
// byte of it would cost memory in the parse, the extractors and the index.
//
// Measured on one core: entity extraction takes about 0.4 s and indexing about
// 0.8 s per MiB of prose, and indexing holds some 30 bytes of heap per byte of
// body, so 8 MiB is some ten seconds and a few hundred MiB for one document.
// Real reports are far smaller: a 500-page report is about 2 MiB of text.
const MaxTextBytes = 8 << 20

// process reads, hashes, and when needed parses one file.
func (in *Indexer) process(ctx context.Context, j job, known map[string]Entry, claimed *sync.Map) outcome {
	out := outcome{job: j}
	prev, had := known[j.path]
	// Same size and modification time as last run: trust it without reading.
	if had && j.modTime != 0 && prev.Size == j.size && prev.ModTime == j.modTime {
		out.entry, out.unchanged, out.recorded = prev, true, true
		return out
	}
	// A text or HTML file cut short is still a document; a PDF, whose
	// cross-reference table is at the end, is not.
	keep := in.opts.MaxFileBytes
	switch formatOf(j.rel) {
	case "text":
		keep = in.opts.MaxTextBytes
	case "html":
		// Markup, inline styles and scripts, and images saved into the page
		// as data: URIs come before and around the text: read more of a page,
		// and let Analyze cap the text it yields.
		keep = 4 * in.opts.MaxTextBytes
	default:
		if j.size <= in.opts.MaxFileBytes {
			break
		}
		out.err = fmt.Errorf("file is %d MiB; the limit is %d MiB", j.size>>20, in.opts.MaxFileBytes>>20)
		return out
	}
	keep = min(keep, in.opts.MaxFileBytes)
	f, err := readStable(j.src, j.rel, keep, in.opts.MaxFileBytes)
	if err != nil {
		out.err = err
		return out
	}
	id := f.id
	out.entry = Entry{DocID: id, Size: f.size, ModTime: f.modTime}
	if f.moving {
		// Still changing after a second read: index what was read, and leave
		// no modification time so that the next run reads it again.
		out.entry.ModTime = 0
	}
	if had && prev.DocID == id {
		out.unchanged = true
		return out
	}
	if _, taken := claimed.LoadOrStore(id, true); taken {
		out.unchanged = true // the same content is indexed under another path
		return out
	}
	limits := in.opts.Limits
	if limits.Pool == nil {
		limits.Pool = in.pool
	}
	if limits.MaxBody <= 0 {
		limits.MaxBody = int(in.opts.MaxTextBytes)
	}
	doc, err := Analyze(ctx, j.path, f.data, limits)
	if err != nil {
		claimed.Delete(id)
		out.err = err
		return out
	}
	doc.ID = id
	var warnings []string
	if w := doc.Meta["warning"]; w != "" {
		warnings = append(warnings, w)
	}
	if f.truncated {
		if doc.Meta == nil {
			doc.Meta = map[string]string{}
		}
		doc.Meta["truncated"] = "true"
		warnings = append(warnings, fmt.Sprintf("truncated: the file is %s; only its first %s were read", size(int(f.size)), size(int(keep))))
	}
	if f.moving {
		warnings = append(warnings, "the file changed while it was read; indexed as read, and read again next run")
	}
	out.warning = strings.Join(warnings, "; ")
	out.doc = doc
	return out
}

// fileRead is one read of a file.
type fileRead struct {
	data      []byte // the content, or its first keep bytes
	id        string // DocID of the whole content
	size      int64
	modTime   int64
	truncated bool // data is a prefix of the file
	moving    bool // the file changed while it was read
}

// readStable reads a file, and once more if its size or modification time
// moved during the read, so that the manifest never pairs new times with old
// content (a later run would then skip the change).
func readStable(src Source, name string, keep, limit int64) (fileRead, error) {
	f, err := readOnce(src, name, keep, limit)
	if err == nil && f.moving {
		f, err = readOnce(src, name, keep, limit)
	}
	return f, err
}

// readOnce reads a file, keeping its first keep bytes and hashing up to limit
// bytes of it (and, past that, its size). A file whose whole content must be
// kept (keep >= limit) fails past limit.
func readOnce(src Source, name string, keep, limit int64) (fileRead, error) {
	file, err := src.open(name)
	if err != nil {
		return fileRead{}, err
	}
	defer file.Close()
	before, err := file.Stat()
	if err != nil {
		return fileRead{}, fmt.Errorf("read: %w", err)
	}
	if !before.Mode().IsRegular() {
		return fileRead{}, errors.New("not a regular file")
	}
	h := sha256.New()
	buf := bytes.NewBuffer(make([]byte, 0, min(before.Size(), keep)+bytes.MinRead))
	n, err := io.Copy(io.MultiWriter(h, &prefixWriter{buf: buf, n: keep}), io.LimitReader(file, limit+1))
	if err != nil {
		return fileRead{}, fmt.Errorf("read: %w", err)
	}
	if keep >= limit && n > limit {
		return fileRead{}, fmt.Errorf("file is over the %d MiB limit", limit>>20)
	}
	after, err := file.Stat()
	if err != nil {
		return fileRead{}, fmt.Errorf("read: %w", err)
	}
	whole := n <= limit
	if !whole {
		// Not read to the end: its size stands in for the rest.
		fmt.Fprintf(h, "\x00size=%d", after.Size())
		n = after.Size()
	}
	sum := h.Sum(nil)
	r := fileRead{
		data:      buf.Bytes(),
		id:        hex.EncodeToString(sum[:8]),
		size:      n,
		truncated: n > keep,
		moving:    after.Size() != before.Size() || !after.ModTime().Equal(before.ModTime()) || whole && n != after.Size(),
	}
	if !after.ModTime().IsZero() {
		r.modTime = after.ModTime().UnixNano()
	}
	if r.truncated {
		r.data = cutText(r.data)
	}
	return r, nil
}

// prefixWriter keeps the first n bytes written to it and drops the rest.
type prefixWriter struct {
	buf *bytes.Buffer
	n   int64
}

func (w *prefixWriter) Write(p []byte) (int, error) {
	if room := w.n - int64(w.buf.Len()); room > 0 {
		w.buf.Write(p[:min(int64(len(p)), room)])
	}
	return len(p), nil
}

// cutText ends a prefix of a text file where a character ends: a UTF-16 file
// (by its byte order mark) on a whole code unit, anything else off a UTF-8
// sequence the cut split.
func cutText(b []byte) []byte {
	if bytes.HasPrefix(b, []byte{0xff, 0xfe}) || bytes.HasPrefix(b, []byte{0xfe, 0xff}) {
		return b[:len(b)&^1]
	}
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

// writer is the one goroutine's state that fills and commits index batches and
// then records their files in the manifest.
type writer struct {
	index    *search.Index
	manifest *Manifest
	opts     Options
	known    map[string]Entry // the manifest as the run found it

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
		// A changed file's old content may have had no other path: retire
		// it, for the end of the run (or, after a crash, the next run) to
		// delete.
		var retire []string
		for p, e := range w.entries {
			if old, ok := w.known[p]; ok && old.DocID != e.DocID {
				retire = append(retire, old.DocID)
			}
		}
		if err := w.manifest.Update(w.entries, nil, retire); err != nil {
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
