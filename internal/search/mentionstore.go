package search

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"slices"
	"time"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"dossier/internal/entity"
)

// mentionTable answers "every mention of this entity" without reading the
// documents that do not appear on the page asked for. It is a bbolt file inside
// the index folder, written by Apply together with every Bleve batch:
//
//   - entities: kind NUL id → the entity's number, its documents and mentions,
//     and its mentions per year;
//   - postings: entity number, date, doc id → the mention spans in that
//     document, so one cursor walks an entity's documents in date order.
//
// What a replaced or deleted document contributed is read back from the index
// (its stored entities), so nothing is kept twice. Each Apply numbers its write;
// the number is stored here and, in the same Bleve batch, in the index's
// internal storage. Open compares the two and rebuilds the table from the index
// when they differ (a crash between the two writes, or an index made before the
// table existed).
type mentionTable struct {
	db *bolt.DB
}

var (
	entitiesBucket = []byte("entities")
	postingsBucket = []byte("postings")
	tableMeta      = []byte("meta")
	seqKey         = []byte("seq")
	lastEntityKey  = []byte("last-entity")
)

// mentionSeqKey names the write number in Bleve's internal storage.
var mentionSeqKey = []byte("dossier.mentions.seq")

// undated is the date key of a document without a date: after every date.
const undated = math.MaxUint32

func openMentionTable(path string, lockTimeout time.Duration) (*mentionTable, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout, NoFreelistSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return nil, fmt.Errorf("open mentions table %s: %w", path, err)
	}
	// The file grows a megabyte at a time rather than bbolt's default 16.
	db.AllocSize = 1 << 20
	// A compacted copy left by a crash during close (see close) is not needed.
	os.Remove(path + compactSuffix)
	return &mentionTable{db: db}, nil
}

// compactSuffix names the compacted copy close writes before it replaces the table.
const compactSuffix = ".compact"

// close closes the table, first compacting it when over half of its file is
// free pages or half-empty ones: writes from batches land all over the table,
// and bbolt copies every page it changes, so a bulk ingest leaves the file
// two to three times the size of what it holds. The compacted copy is written
// beside the table and renamed over it, so a crash leaves one or the other
// whole. Compacting is an economy: when it fails, the table is kept as it was.
func (t *mentionTable) close() error {
	path := t.db.Path()
	worth := t.worthCompacting()
	if err := t.db.Close(); err != nil || !worth {
		return err
	}
	if err := compactFile(path); err != nil {
		os.Remove(path + compactSuffix)
	}
	return nil
}

// worthCompacting reports whether the table holds less than half of its file.
func (t *mentionTable) worthCompacting() bool {
	var size, used int64
	t.db.View(func(tx *bolt.Tx) error {
		size = tx.Size()
		return tx.ForEach(func(_ []byte, b *bolt.Bucket) error {
			s := b.Stats()
			used += int64(s.LeafInuse + s.BranchInuse)
			return nil
		})
	})
	return size > compactMinBytes && used < size/2
}

// compactMinBytes is the size below which a table is never compacted.
var compactMinBytes int64 = 4 << 20

func compactFile(path string) error {
	src, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := bolt.Open(path+compactSuffix, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return err
	}
	dst.AllocSize = 1 << 20
	if err := bolt.Compact(dst, src, 64<<20); err != nil {
		dst.Close()
		return err
	}
	if err := dst.Close(); err != nil {
		return err
	}
	return os.Rename(path+compactSuffix, path)
}

// seq returns the number of the last write, and false when none was recorded.
func (t *mentionTable) seq() (uint64, bool, error) {
	var (
		n  uint64
		ok bool
	)
	err := t.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(tableMeta); b != nil {
			if v := b.Get(seqKey); len(v) == 8 {
				n, ok = binary.BigEndian.Uint64(v), true
			}
		}
		return nil
	})
	return n, ok, err
}

// contribution is what one document adds to the table.
type contribution struct {
	date uint32 // yyyymmdd, or undated
	// spans holds each entity's mentions, keyed kind NUL id, in text order.
	spans map[string][]span
}

type span struct{ start, end int }

// year is the contribution's year as text, "" when undated.
func (c contribution) year() string {
	if c.date == undated {
		return ""
	}
	return fmt.Sprintf("%04d", c.date/10000)
}

// contributionOf reads what a document adds from its date and entities.
func contributionOf(date string, mentions []entity.Mention) (contribution, error) {
	c := contribution{date: undated, spans: map[string][]span{}}
	if date != "" {
		t, err := parseISODate(date, false)
		if err != nil {
			return c, fmt.Errorf("document date: %w", err)
		}
		c.date = uint32(t.Year()*10000 + int(t.Month())*100 + t.Day())
	}
	for _, m := range mentions {
		if _, ok := entityField[m.Kind]; !ok {
			continue
		}
		k := m.Kind + "\x00" + m.ID
		c.spans[k] = append(c.spans[k], span{m.Start, m.End})
	}
	return c, nil
}

// write applies one batch: puts replace documents with the same id, deletes
// remove documents, as Bleve does with the same batch (a delete wins over a put
// of the same id). indexed holds what the documents already in the index
// contribute, for those of the batch's ids that are there; seq numbers the write.
func (t *mentionTable) write(puts []Document, deletes []string, indexed map[string]contribution, seq uint64) error {
	return t.db.Update(func(tx *bolt.Tx) error {
		w, err := newTableWriter(tx)
		if err != nil {
			return err
		}
		current := maps.Clone(indexed)
		for _, d := range puts {
			c, err := contributionOf(d.Date, d.Entities)
			if err != nil {
				return fmt.Errorf("document %s: %w", d.ID, err)
			}
			if old, ok := current[d.ID]; ok {
				if err := w.remove(d.ID, old); err != nil {
					return err
				}
			}
			if err := w.add(d.ID, c); err != nil {
				return err
			}
			current[d.ID] = c
		}
		for _, id := range deletes {
			if old, ok := current[id]; ok {
				if err := w.remove(id, old); err != nil {
					return err
				}
				delete(current, id)
			}
		}
		return w.finish(seq)
	})
}

// tableWriter gathers one transaction's changes to the entities' counts, so an
// entity mentioned by many documents of a batch is read and written once.
type tableWriter struct {
	tx                 *bolt.Tx
	entities, postings *bolt.Bucket
	changed            map[string]*entityRow
	lastEntity         uint32
}

func newTableWriter(tx *bolt.Tx) (*tableWriter, error) {
	w := &tableWriter{tx: tx, changed: map[string]*entityRow{}}
	var err error
	if w.entities, err = tx.CreateBucketIfNotExists(entitiesBucket); err != nil {
		return nil, err
	}
	if w.postings, err = tx.CreateBucketIfNotExists(postingsBucket); err != nil {
		return nil, err
	}
	// Pages split fuller than bbolt's default half: a batch adds to most of an
	// entity's pages anyway, so little is gained by leaving room.
	w.postings.FillPercent = 0.9
	if b := tx.Bucket(tableMeta); b != nil {
		if v := b.Get(lastEntityKey); len(v) == 4 {
			w.lastEntity = binary.BigEndian.Uint32(v)
		}
	}
	return w, nil
}

// row returns the entity's row, numbering entities seen for the first time.
func (w *tableWriter) row(key string) (*entityRow, error) {
	if r, ok := w.changed[key]; ok {
		return r, nil
	}
	r, err := decodeEntityRow(w.entities.Get([]byte(key)))
	if err != nil {
		return nil, fmt.Errorf("mentions table: entity %q: %w", key, err)
	}
	if r.number == 0 {
		if w.lastEntity == math.MaxUint32 {
			return nil, errors.New("mentions table: out of entity numbers; rebuild the index")
		}
		w.lastEntity++
		r.number = w.lastEntity
	}
	w.changed[key] = r
	return r, nil
}

func (w *tableWriter) add(id string, c contribution) error {
	for key, spans := range c.spans {
		r, err := w.row(key)
		if err != nil {
			return err
		}
		if err := w.postings.Put(postingKey(r.number, c.date, id), encodeSpans(spans)); err != nil {
			return err
		}
		r.change(c.year(), len(spans), 1)
	}
	return nil
}

func (w *tableWriter) remove(id string, c contribution) error {
	for key, spans := range c.spans {
		r, err := w.row(key)
		if err != nil {
			return err
		}
		if err := w.postings.Delete(postingKey(r.number, c.date, id)); err != nil {
			return err
		}
		r.change(c.year(), -len(spans), -1)
	}
	return nil
}

// finish writes the changed entity rows and the write's number.
func (w *tableWriter) finish(seq uint64) error {
	for _, k := range slices.Sorted(maps.Keys(w.changed)) { // bbolt writes sorted keys fastest
		r := w.changed[k]
		var err error
		if r.documents <= 0 {
			err = w.entities.Delete([]byte(k))
		} else {
			err = w.entities.Put([]byte(k), r.encode())
		}
		if err != nil {
			return err
		}
	}
	meta, err := w.tx.CreateBucketIfNotExists(tableMeta)
	if err != nil {
		return err
	}
	if err := meta.Put(lastEntityKey, binary.BigEndian.AppendUint32(nil, w.lastEntity)); err != nil {
		return err
	}
	return meta.Put(seqKey, binary.BigEndian.AppendUint64(nil, seq))
}

// postingKey orders an entity's postings by date, then document id.
func postingKey(entity, date uint32, id string) []byte {
	k := binary.BigEndian.AppendUint32(make([]byte, 0, 8+len(id)), entity)
	k = binary.BigEndian.AppendUint32(k, date)
	return append(k, id...)
}

// entityRow is one entity's number and counts: its documents and mentions, and
// its mentions per year of the documents' dates.
type entityRow struct {
	number              uint32
	documents, mentions int
	years               map[string]int
}

func (r *entityRow) change(year string, mentions, documents int) {
	r.documents += documents
	r.mentions += mentions
	if year == "" {
		return
	}
	r.years[year] += mentions
	if r.years[year] <= 0 {
		delete(r.years, year)
	}
}

func (r *entityRow) encode() []byte {
	b := binary.AppendUvarint(nil, uint64(r.number))
	b = binary.AppendUvarint(b, uint64(r.documents))
	b = binary.AppendUvarint(b, uint64(r.mentions))
	years := slices.Sorted(maps.Keys(r.years))
	b = binary.AppendUvarint(b, uint64(len(years)))
	for _, y := range years {
		b = appendString(b, y)
		b = binary.AppendUvarint(b, uint64(r.years[y]))
	}
	return b
}

// decodeEntityRow reads a row; nil (an entity not in the table) is a row of
// zeros with no number yet.
func decodeEntityRow(v []byte) (*entityRow, error) {
	r := &entityRow{years: map[string]int{}}
	if v == nil {
		return r, nil
	}
	d := reader{b: v}
	number := d.int()
	if number > math.MaxUint32 {
		return nil, errors.New("entity number out of range")
	}
	r.number = uint32(number)
	r.documents, r.mentions = d.int(), d.int()
	for n := d.int(); n > 0 && d.err == nil; n-- {
		y := d.string()
		r.years[y] = d.int()
	}
	return r, d.err
}

func encodeSpans(spans []span) []byte {
	b := binary.AppendUvarint(nil, uint64(len(spans)))
	for _, s := range spans {
		b = binary.AppendUvarint(b, uint64(s.start))
		b = binary.AppendUvarint(b, uint64(s.end-s.start))
	}
	return b
}

func decodeSpans(v []byte) ([]span, error) {
	r := reader{b: v}
	n := r.int()
	if r.err == nil && n > len(v) {
		return nil, errors.New("span count beyond the value")
	}
	out := make([]span, 0, n)
	for ; n > 0 && r.err == nil; n-- {
		start := r.int()
		out = append(out, span{start, start + r.int()})
	}
	return out, r.err
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// reader decodes uvarints and length-prefixed strings, remembering the first error.
type reader struct {
	b   []byte
	err error
}

func (r *reader) int() int {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 || v > 1<<40 {
		r.err = errors.New("bad number")
		return 0
	}
	r.b = r.b[n:]
	return int(v)
}

func (r *reader) string() string {
	n := r.int()
	if r.err != nil {
		return ""
	}
	if n > len(r.b) {
		r.err = errors.New("string beyond the value")
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

// docSpans is one document's mentions that fall on the page asked for.
type docSpans struct {
	id    string
	spans []span
}

// lookup returns the entity's counts (zeros for an entity nothing mentions) and
// the mentions numbered first to last-1 (0-based, in date order, then text
// order), grouped by document.
func (t *mentionTable) lookup(kind, id string, first, last int) (*entityRow, []docSpans, error) {
	var (
		row  *entityRow
		docs []docSpans
	)
	err := t.db.View(func(tx *bolt.Tx) error {
		var v []byte
		if b := tx.Bucket(entitiesBucket); b != nil {
			v = b.Get([]byte(kind + "\x00" + id))
		}
		var err error
		if row, err = decodeEntityRow(v); err != nil {
			return fmt.Errorf("mentions table: entity %s %s: %w", kind, id, err)
		}
		b := tx.Bucket(postingsBucket)
		if row.number == 0 || b == nil {
			return nil
		}
		prefix := binary.BigEndian.AppendUint32(nil, row.number)
		c := b.Cursor()
		n := 0
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && n < last; k, v = c.Next() {
			if count := spanCount(v); n+count <= first {
				n += count
				continue
			}
			spans, err := decodeSpans(v)
			if err != nil || len(k) < 8 {
				return fmt.Errorf("mentions table: posting %x: bad value", k)
			}
			d := docSpans{id: string(k[8:])}
			for _, s := range spans {
				if n >= first && n < last {
					d.spans = append(d.spans, s)
				}
				n++
			}
			docs = append(docs, d)
		}
		return nil
	})
	return row, docs, err
}

// spanCount reads the number of spans at the head of a postings value.
func spanCount(v []byte) int {
	n, k := binary.Uvarint(v)
	if k <= 0 {
		return 0
	}
	return int(n)
}

// indexedContributions reads what the documents with these ids that are in the
// index contribute to the mentions table, from their stored date and entities.
func (ix *Index) indexedContributions(ctx context.Context, ids []string) (map[string]contribution, error) {
	hits, err := ix.storedByID(ctx, ids, contributionFields)
	if err != nil {
		return nil, err
	}
	out := make(map[string]contribution, len(hits))
	for id, h := range hits {
		if out[id], err = storedContribution(h); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// contributionFields are the stored fields storedContribution reads.
var contributionFields = []string{fieldDateText, fieldEntities}

// storedContribution reads what a document in the index contributes from its
// stored date and entities.
func storedContribution(h *bsearch.DocumentMatch) (contribution, error) {
	var mentions []entity.Mention
	if s := str(h.Fields[fieldEntities]); s != "" {
		if err := json.Unmarshal([]byte(s), &mentions); err != nil {
			return contribution{}, fmt.Errorf("document %s: stored entities: %w", h.ID, err)
		}
	}
	c, err := contributionOf(str(h.Fields[fieldDateText]), mentions)
	if err != nil {
		return c, fmt.Errorf("document %s: %w", h.ID, err)
	}
	return c, nil
}

// rebuildMentionTable fills the table afresh from the documents in the index
// and gives it the write number seq.
func (ix *Index) rebuildMentionTable(ctx context.Context, seq uint64) error {
	err := ix.mentions.db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{entitiesBucket, postingsBucket, tableMeta} {
			if err := tx.DeleteBucket(name); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
				return err
			}
		}
		w, err := newTableWriter(tx)
		if err != nil {
			return err
		}
		const page = 1000
		var after []string
		for {
			req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), page, 0, false)
			req.Fields = contributionFields
			req.SortByCustom(bsearch.SortOrder{&bsearch.SortDocID{}})
			if after != nil {
				req.SetSearchAfter(after)
			}
			res, err := ix.bleve().SearchInContext(ctx, req)
			if err != nil {
				return err
			}
			for _, h := range res.Hits { // in id order
				c, err := storedContribution(h)
				if err != nil {
					return err
				}
				if err := w.add(h.ID, c); err != nil {
					return err
				}
			}
			if len(res.Hits) < page {
				break
			}
			after = []string{res.Hits[len(res.Hits)-1].ID}
		}
		return w.finish(seq)
	})
	if err != nil {
		return fmt.Errorf("rebuild the mentions table of %s: %w", ix.dir, err)
	}
	return nil
}

// indexSeq reads the write number Bleve holds (0 when it holds none).
func (ix *Index) indexSeq() (uint64, error) {
	v, err := ix.bleve().GetInternal(mentionSeqKey)
	if err != nil || len(v) != 8 {
		return 0, err
	}
	return binary.BigEndian.Uint64(v), nil
}

// syncMentionTable rebuilds the table when its write number is not the index's.
func (ix *Index) syncMentionTable() error {
	want, err := ix.indexSeq()
	if err != nil {
		return err
	}
	have, ok, err := ix.mentions.seq()
	if err != nil {
		return err
	}
	if ok && have == want {
		return nil
	}
	return ix.rebuildMentionTable(context.Background(), want)
}
