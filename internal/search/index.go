// Package search owns Dossier's Bleve index: the mapping, opening and creating the
// index, turning documents into index entries, and answering searches, facet
// counts, document look-ups and every-mention queries. It is the one place the
// indexer and the server talk to Bleve.
package search

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"dossier/internal/entity"
)

// Options tune how an index is opened.
type Options struct {
	// LockTimeout bounds the wait for another process that holds the index; zero
	// means DefaultLockTimeout. Bleve alone would wait forever.
	LockTimeout time.Duration
}

// DefaultLockTimeout is how long Open waits for another process to release the index.
const DefaultLockTimeout = 2 * time.Second

// Index is an open Dossier index. Its read methods are safe for concurrent use;
// Apply must be called from one goroutine at a time.
type Index struct {
	// current is the open Bleve index; Apply replaces it when a failed batch
	// may have left its in-memory state broken (see reopen).
	current  atomic.Pointer[bleve.Index]
	config   map[string]interface{}
	dir      string
	browse   browseCache
	mentions *mentionTable
	// seq numbers the last write; Apply gives the next to the mentions table
	// and to Bleve together.
	seq uint64
	// mentionsErr holds why the mentions table is out of date, or nil.
	mentionsMu  sync.Mutex
	mentionsErr error
}

// mentionTableFile is the mentions table's file in the index folder.
const mentionTableFile = "dossier-mentions.db"

// Exists reports whether dir holds an index.
func Exists(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "index_meta.json"))
	return err == nil
}

// Open opens the index in dir, creating it (and dir) when there is none.
// It fails with ErrLocked when another process holds the index.
func Open(dir string, opts Options) (*Index, error) {
	timeout := opts.LockTimeout
	if timeout <= 0 {
		timeout = DefaultLockTimeout
	}
	config := map[string]interface{}{"bolt_timeout": timeout.String()}
	var (
		b   bleve.Index
		err error
	)
	if Exists(dir) {
		// Segments are checked only while no other process holds the index: a
		// running server merges segments, and a file it is still writing would
		// look damaged.
		var free bool
		if free, err = lockFree(filepath.Join(dir, "store", "root.bolt"), timeout); err != nil {
			return nil, fmt.Errorf("open index %s: %w", dir, err)
		}
		if !free {
			return nil, fmt.Errorf("open index %s: %w (is `dossier serve` or `dossier index` running on it?)", dir, ErrLocked)
		}
		if err := verifySegments(dir); err != nil {
			return nil, err
		}
		b, err = bleve.OpenUsing(dir, config)
	} else {
		if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
			return nil, fmt.Errorf("create index %s: %w", dir, err)
		}
		b, err = bleve.NewUsing(dir, newMapping(), bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, config)
	}
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("open index %s: %w (is `dossier serve` or `dossier index` running on it?)", dir, ErrLocked)
	}
	if err != nil && Exists(dir) && !errors.Is(err, os.ErrPermission) {
		// The index is there but Bleve cannot read it: a torn or damaged file.
		return nil, fmt.Errorf("open index %s: %w (%v)", dir, ErrCorrupt, err)
	}
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
	table, err := openMentionTable(filepath.Join(dir, mentionTableFile), timeout)
	if err != nil {
		b.Close()
		return nil, err
	}
	ix := &Index{dir: dir, config: config, mentions: table}
	ix.current.Store(&b)
	if ix.seq, err = ix.indexSeq(); err != nil {
		ix.Close()
		return nil, fmt.Errorf("open index %s: %w (%v)", dir, ErrCorrupt, err)
	}
	// A table that cannot be brought up to date (a full disk) leaves searching
	// working; every-mention answers say what is wrong until it is.
	ix.setMentionsError(ix.syncMentionTable())
	return ix, nil
}

// verifySegments checks every segment file the index's root lists against the
// CRC-32 its footer holds, so a damaged file is reported at open instead of
// giving wrong or missing results later. CRC-32 runs at gigabytes a second, so
// this costs little next to opening the index. A segment file the root does not
// list is not the index's: Bleve writes segments under their final names, so a
// process killed while writing or merging one leaves a partial file no root
// refers to, which Bleve ignores and later removes.
func verifySegments(dir string) error {
	names, err := referencedSegments(filepath.Join(dir, "store", "root.bolt"))
	if errors.Is(err, os.ErrPermission) {
		return fmt.Errorf("open index %s: %w", dir, err)
	}
	if err != nil {
		return fmt.Errorf("open index %s: %w: root file: %v", dir, ErrCorrupt, err)
	}
	for _, name := range names {
		if err := verifySegment(filepath.Join(dir, "store", name)); err != nil {
			return fmt.Errorf("open index %s: %w: segment %s: %v", dir, ErrCorrupt, name, err)
		}
	}
	return nil
}

// referencedSegments lists the segment files the snapshots in Bleve's root
// file refer to. The layout is scorch's (bleve/v2/util/keys.go): a bucket "s"
// of snapshots, in each a bucket per segment holding its file name under "p",
// beside the internal ("i") and metadata ("m") buckets.
func referencedSegments(root string) ([]string, error) {
	db, err := bolt.Open(root, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	seen := map[string]bool{}
	var names []string
	err = db.View(func(tx *bolt.Tx) error {
		snapshots := tx.Bucket([]byte("s"))
		if snapshots == nil {
			return nil
		}
		return snapshots.ForEachBucket(func(epoch []byte) error {
			snapshot := snapshots.Bucket(epoch)
			return snapshot.ForEachBucket(func(k []byte) error {
				if len(k) == 0 || k[0] == 'i' || k[0] == 'm' {
					return nil
				}
				name := string(snapshot.Bucket(k).Get([]byte("p")))
				if name == "" || name != filepath.Base(name) {
					return fmt.Errorf("segment %x has no usable file name (%q)", k, name)
				}
				if !seen[name] {
					seen[name] = true
					names = append(names, name)
				}
				return nil
			})
		})
	})
	return names, err
}

func verifySegment(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if info.Size() < 4 {
		return fmt.Errorf("%d bytes long, too short for a segment", info.Size())
	}
	h := crc32.NewIEEE()
	if _, err := io.Copy(h, io.LimitReader(f, info.Size()-4)); err != nil {
		return err
	}
	var stored [4]byte
	if _, err := io.ReadFull(f, stored[:]); err != nil {
		return err
	}
	if got, want := h.Sum32(), binary.BigEndian.Uint32(stored[:]); got != want {
		return fmt.Errorf("checksum %08x, footer says %08x", got, want)
	}
	return nil
}

// Dir is the folder the index lives in.
func (ix *Index) Dir() string { return ix.dir }

// Close releases the index and its lock.
func (ix *Index) Close() error {
	err := ix.mentions.close()
	if e := ix.bleve().Close(); err == nil {
		err = e
	}
	return err
}

// Count is the number of documents in the index.
func (ix *Index) Count() (uint64, error) { return ix.bleve().DocCount() }

// Apply indexes puts (replacing documents with the same id) and removes deletes,
// in one Bleve batch: either all of it is visible afterwards or, on error, none.
// The mentions table is written first, numbered like the batch, so a failure
// between the two is seen and repaired (see mentionTable).
func (ix *Index) Apply(puts []Document, deletes []string) error {
	if err := ix.mentionsError(); err != nil {
		return err
	}
	batch := ix.bleve().NewBatch()
	for _, d := range puts {
		fields, err := indexFields(d)
		if err != nil {
			return fmt.Errorf("index %s (%s): %w", d.ID, d.Path, err)
		}
		if err := batch.Index(d.ID, fields); err != nil {
			return fmt.Errorf("index %s (%s): %w", d.ID, d.Path, err)
		}
	}
	for _, id := range deletes {
		batch.Delete(id)
	}
	seq := ix.seq + 1
	batch.SetInternal(mentionSeqKey, binary.BigEndian.AppendUint64(nil, seq))
	ids := make([]string, 0, len(puts)+len(deletes))
	for _, d := range puts {
		ids = append(ids, d.ID)
	}
	indexed, err := ix.indexedContributions(context.Background(), append(ids, deletes...))
	if err != nil {
		return fmt.Errorf("write batch to %s: %w", ix.dir, err)
	}
	if err := ix.mentions.write(puts, deletes, indexed, seq); err != nil {
		return fmt.Errorf("write batch to %s: %w", ix.dir, err)
	}
	// Invalidated whether or not the batch succeeds: a failed batch may have
	// been applied in part.
	defer ix.browse.invalidate()
	if err := ix.bleve().Batch(batch); err != nil {
		err = fmt.Errorf("write batch to %s: %w", ix.dir, err)
		if rerr := ix.reopen(); rerr != nil {
			return fmt.Errorf("%w; reopening the index after it failed: %v", err, rerr)
		}
		if seq, e := ix.indexSeq(); e == nil {
			ix.seq = seq
		}
		ix.setMentionsError(ix.syncMentionTable())
		return err
	}
	ix.seq = seq
	return nil
}

// bleve is the open Bleve index.
func (ix *Index) bleve() bleve.Index { return *ix.current.Load() }

// reopen closes the Bleve index and opens it again from its files. A batch
// that failed to persist (a full disk) can leave a segment in Bleve's memory
// that later reads panic on, in a goroutine no recover reaches; what is on
// disk is whole. A search running meanwhile may fail; none is left broken.
func (ix *Index) reopen() error {
	ix.bleve().Close()
	b, err := bleve.OpenUsing(ix.dir, ix.config)
	if err != nil {
		return err
	}
	ix.current.Store(&b)
	return nil
}

// mentionsError says why the mentions table cannot be used, or is nil.
func (ix *Index) mentionsError() error {
	ix.mentionsMu.Lock()
	defer ix.mentionsMu.Unlock()
	if ix.mentionsErr != nil {
		return fmt.Errorf("%w: the every-mention table is out of date and could not be rebuilt (%v); free disk space and restart", ErrCorrupt, ix.mentionsErr)
	}
	return nil
}

func (ix *Index) setMentionsError(err error) {
	ix.mentionsMu.Lock()
	defer ix.mentionsMu.Unlock()
	ix.mentionsErr = err
}

// indexFields turns a Document into the field map the mapping expects.
func indexFields(d Document) (map[string]interface{}, error) {
	entities, err := json.Marshal(d.Entities)
	if err != nil {
		return nil, err
	}
	f := map[string]interface{}{
		fieldTitle:    d.Title,
		fieldBody:     d.Body,
		fieldType:     d.Type,
		fieldFormat:   d.Format,
		fieldLanguage: d.Language,
		fieldPath:     d.Path,
		fieldEntities: string(entities),
	}
	if len(d.Meta) > 0 {
		meta, err := json.Marshal(d.Meta)
		if err != nil {
			return nil, err
		}
		f[fieldMeta] = string(meta)
	}
	if d.Date != "" {
		t, err := parseISODate(d.Date, false)
		if err != nil {
			return nil, fmt.Errorf("document date: %w", err)
		}
		f[fieldDate] = t
		f[fieldDateText] = d.Date
		f[fieldYear] = d.Date[:4]
	}
	ids := map[string][]string{}
	seen := map[string]bool{}
	for _, m := range d.Entities {
		field, ok := entityField[m.Kind]
		if !ok || seen[m.Kind+"\x00"+m.ID] {
			continue
		}
		seen[m.Kind+"\x00"+m.ID] = true
		ids[field] = append(ids[field], m.ID)
	}
	for field, v := range ids {
		f[field] = v
	}
	return f, nil
}

// storedByID reads the stored fields named of the documents with these ids,
// keyed by id; ids not in the index are not in the answer.
func (ix *Index) storedByID(ctx context.Context, ids []string, fields []string) (map[string]*bsearch.DocumentMatch, error) {
	out := make(map[string]*bsearch.DocumentMatch, len(ids))
	for chunk := range slices.Chunk(ids, 1000) {
		req := bleve.NewSearchRequestOptions(bleve.NewDocIDQuery(chunk), len(chunk), 0, false)
		req.Fields = fields
		res, err := ix.bleve().SearchInContext(ctx, req)
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			out[h.ID] = h
		}
	}
	return out, nil
}

// Document returns the stored document with the given id, or ErrNotFound.
func (ix *Index) Document(ctx context.Context, id string) (*Document, error) {
	return ix.firstDocument(ctx, bleve.NewDocIDQuery([]string{id}), fmt.Sprintf("document %q", id))
}

// firstDocument returns the stored document q matches first, or ErrNotFound
// for what (the thing looked for, in words).
func (ix *Index) firstDocument(ctx context.Context, q query.Query, what string) (*Document, error) {
	req := bleve.NewSearchRequest(q)
	req.Fields = []string{"*"}
	res, err := ix.bleve().SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("look up %s: %w", what, err)
	}
	if len(res.Hits) == 0 {
		return nil, fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return storedDocument(res.Hits[0].ID, res.Hits[0].Fields)
}

// storedDocument rebuilds a Document from a hit's stored fields.
func storedDocument(id string, fields map[string]interface{}) (*Document, error) {
	d := &Document{
		ID:       id,
		Title:    str(fields[fieldTitle]),
		Date:     str(fields[fieldDateText]),
		Type:     str(fields[fieldType]),
		Format:   str(fields[fieldFormat]),
		Language: str(fields[fieldLanguage]),
		Path:     str(fields[fieldPath]),
		Body:     str(fields[fieldBody]),
		Entities: []entity.Mention{},
	}
	if s := str(fields[fieldEntities]); s != "" {
		if err := json.Unmarshal([]byte(s), &d.Entities); err != nil {
			return nil, fmt.Errorf("document %s: stored entities: %w", id, err)
		}
	}
	if s := str(fields[fieldMeta]); s != "" {
		if err := json.Unmarshal([]byte(s), &d.Meta); err != nil {
			return nil, fmt.Errorf("document %s: stored metadata: %w", id, err)
		}
	}
	return d, nil
}

// str reads a stored field that holds one string.
func str(v interface{}) string {
	s, _ := v.(string)
	return s
}

// truncate cuts s to at most n bytes at a UTF-8 boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// parseISODate reads an ISO date at year, month or day precision. With end set,
// it returns the last instant of the period, so "2019" as an upper bound includes
// all of 2019.
func parseISODate(s string, end bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []struct {
		layout string
		years  int
		months int
		days   int
	}{{"2006-01-02", 0, 0, 1}, {"2006-01", 0, 1, 0}, {"2006", 1, 0, 0}} {
		if len(s) != len(layout.layout) {
			continue
		}
		t, err := time.Parse(layout.layout, s)
		if err != nil {
			continue
		}
		if end {
			t = t.AddDate(layout.years, layout.months, layout.days).Add(-time.Nanosecond)
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("date %q is not YYYY, YYYY-MM or YYYY-MM-DD", s)
}

// DocumentByPath returns the document indexed from the file at path (as
// recorded by the indexer), or ErrNotFound. Reading lists use it to find a
// document again after a change to the file gave it a new id.
func (ix *Index) DocumentByPath(ctx context.Context, path string) (*Document, error) {
	q := bleve.NewTermQuery(path)
	q.SetField(fieldPath)
	return ix.firstDocument(ctx, q, fmt.Sprintf("document at %q", path))
}
