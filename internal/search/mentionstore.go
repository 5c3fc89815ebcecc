package search

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// mentionTable answers "every mention of this entity" without reading the
// documents that do not appear on the page asked for. It is a bbolt file inside
// the index folder, written by Apply together with every Bleve batch:
//
//   - postings: kind NUL id NUL date NUL doc id → the mention spans in that document,
//     so one cursor walks an entity's documents in date order;
//   - docs: doc id → what the document contributed, so a replaced or deleted
//     document can be taken out again;
//   - stats: kind NUL id → documents, mentions, and mentions per year.
//
// Each Apply numbers its write; the number is stored here and, in the same Bleve
// batch, in the index's internal storage. Open compares the two and rebuilds the
// table from the index when they differ (a crash between the two writes, or an
// index made before the table existed).
type mentionTable struct {
	db *bolt.DB
}

var (
	postingsBucket = []byte("postings")
	docsBucket     = []byte("docs")
	statsBucket    = []byte("stats")
	tableMeta      = []byte("meta")
	seqKey         = []byte("seq")
)

// mentionSeqKey names the write number in Bleve's internal storage.
var mentionSeqKey = []byte("dossier.mentions.seq")

// undatedKey sorts after every date, so undated documents come last.
const undatedKey = "~"

func openMentionTable(path string, lockTimeout time.Duration) (*mentionTable, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout, NoFreelistSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return nil, fmt.Errorf("open mentions table %s: %w", path, err)
	}
	return &mentionTable{db: db}, nil
}

func (t *mentionTable) close() error { return t.db.Close() }

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
	date string // the sort key: an ISO day, or undatedKey
	year string // "" when undated
	// spans holds each entity's mentions, keyed kind NUL id, in text order.
	spans map[string][]span
}

type span struct{ start, end int }

func contributionOf(d Document) (contribution, error) {
	c := contribution{date: undatedKey, spans: map[string][]span{}}
	if d.Date != "" {
		t, err := parseISODate(d.Date, false)
		if err != nil {
			return c, fmt.Errorf("document date: %w", err)
		}
		c.date, c.year = t.Format("2006-01-02"), d.Date[:4]
	}
	for _, m := range d.Entities {
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
// of the same id). seq numbers the write.
func (t *mentionTable) write(puts []Document, deletes []string, seq uint64) error {
	return t.db.Update(func(tx *bolt.Tx) error {
		w, err := newTableWriter(tx)
		if err != nil {
			return err
		}
		for _, d := range puts {
			c, err := contributionOf(d)
			if err != nil {
				return fmt.Errorf("document %s: %w", d.ID, err)
			}
			if err := w.remove(d.ID); err != nil {
				return err
			}
			if err := w.add(d.ID, c); err != nil {
				return err
			}
		}
		for _, id := range deletes {
			if err := w.remove(id); err != nil {
				return err
			}
		}
		return w.finish(seq)
	})
}

// tableWriter gathers one transaction's changes to the per-entity statistics,
// so an entity mentioned by many documents of a batch is read and written once.
type tableWriter struct {
	tx                    *bolt.Tx
	postings, docs, stats *bolt.Bucket
	changed               map[string]*entityStats
}

func newTableWriter(tx *bolt.Tx) (*tableWriter, error) {
	w := &tableWriter{tx: tx, changed: map[string]*entityStats{}}
	for _, b := range []struct {
		name []byte
		dst  **bolt.Bucket
	}{{postingsBucket, &w.postings}, {docsBucket, &w.docs}, {statsBucket, &w.stats}} {
		bucket, err := tx.CreateBucketIfNotExists(b.name)
		if err != nil {
			return nil, err
		}
		*b.dst = bucket
	}
	return w, nil
}

func (w *tableWriter) statsOf(key string) (*entityStats, error) {
	if s, ok := w.changed[key]; ok {
		return s, nil
	}
	s, err := decodeStats(w.stats.Get([]byte(key)))
	if err != nil {
		return nil, fmt.Errorf("mentions table: stats of %q: %w", key, err)
	}
	w.changed[key] = s
	return s, nil
}

func (w *tableWriter) add(id string, c contribution) error {
	for key, spans := range c.spans {
		if err := w.postings.Put(postingKey(key, c.date, id), encodeSpans(spans)); err != nil {
			return err
		}
		s, err := w.statsOf(key)
		if err != nil {
			return err
		}
		s.change(c.year, len(spans), 1)
	}
	return w.docs.Put([]byte(id), encodeContribution(c))
}

func (w *tableWriter) remove(id string) error {
	v := w.docs.Get([]byte(id))
	if v == nil {
		return nil
	}
	c, err := decodeContribution(v)
	if err != nil {
		return fmt.Errorf("mentions table: document %s: %w", id, err)
	}
	for key, spans := range c.spans {
		if err := w.postings.Delete(postingKey(key, c.date, id)); err != nil {
			return err
		}
		s, err := w.statsOf(key)
		if err != nil {
			return err
		}
		s.change(c.year, -len(spans), -1)
	}
	return w.docs.Delete([]byte(id))
}

// finish writes the changed statistics and the write's number.
func (w *tableWriter) finish(seq uint64) error {
	keys := make([]string, 0, len(w.changed))
	for k := range w.changed {
		keys = append(keys, k)
	}
	slices.Sort(keys) // bbolt writes sorted keys fastest
	for _, k := range keys {
		s := w.changed[k]
		var err error
		if s.documents <= 0 {
			err = w.stats.Delete([]byte(k))
		} else {
			err = w.stats.Put([]byte(k), s.encode())
		}
		if err != nil {
			return err
		}
	}
	meta, err := w.tx.CreateBucketIfNotExists(tableMeta)
	if err != nil {
		return err
	}
	return meta.Put(seqKey, binary.BigEndian.AppendUint64(nil, seq))
}

func postingKey(entityKey, date, id string) []byte {
	return []byte(entityKey + "\x00" + date + "\x00" + id)
}

// entityStats counts one entity's documents and mentions, and its mentions per
// year of the documents' dates.
type entityStats struct {
	documents, mentions int
	years               map[string]int
}

func (s *entityStats) change(year string, mentions, documents int) {
	s.documents += documents
	s.mentions += mentions
	if year == "" {
		return
	}
	s.years[year] += mentions
	if s.years[year] <= 0 {
		delete(s.years, year)
	}
}

func (s *entityStats) encode() []byte {
	b := binary.AppendUvarint(nil, uint64(s.documents))
	b = binary.AppendUvarint(b, uint64(s.mentions))
	years := make([]string, 0, len(s.years))
	for y := range s.years {
		years = append(years, y)
	}
	slices.Sort(years)
	b = binary.AppendUvarint(b, uint64(len(years)))
	for _, y := range years {
		b = appendString(b, y)
		b = binary.AppendUvarint(b, uint64(s.years[y]))
	}
	return b
}

func decodeStats(v []byte) (*entityStats, error) {
	s := &entityStats{years: map[string]int{}}
	if v == nil {
		return s, nil
	}
	r := reader{b: v}
	s.documents, s.mentions = r.int(), r.int()
	for n := r.int(); n > 0 && r.err == nil; n-- {
		y := r.string()
		s.years[y] = r.int()
	}
	return s, r.err
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

func encodeContribution(c contribution) []byte {
	b := appendString(nil, c.date)
	b = appendString(b, c.year)
	keys := make([]string, 0, len(c.spans))
	for k := range c.spans {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		b = appendString(b, k)
		b = binary.AppendUvarint(b, uint64(len(c.spans[k])))
	}
	return b
}

// decodeContribution reads back what encodeContribution wrote; the spans come
// back as the right number of empty spans, which is all remove needs.
func decodeContribution(v []byte) (contribution, error) {
	r := reader{b: v}
	c := contribution{date: r.string(), year: r.string(), spans: map[string][]span{}}
	for n := r.int(); n > 0 && r.err == nil; n-- {
		k := r.string()
		count := r.int()
		if count > len(v) {
			return c, errors.New("mention count beyond the value")
		}
		c.spans[k] = make([]span, count)
	}
	return c, r.err
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

// stats returns the entity's counts; an entity nothing mentions has zeros.
func (t *mentionTable) stats(kind, id string) (*entityStats, error) {
	var s *entityStats
	err := t.db.View(func(tx *bolt.Tx) error {
		var v []byte
		if b := tx.Bucket(statsBucket); b != nil {
			v = b.Get([]byte(kind + "\x00" + id))
		}
		var err error
		s, err = decodeStats(v)
		return err
	})
	return s, err
}

// docSpans is one document's mentions that fall on the page asked for.
type docSpans struct {
	id    string
	spans []span
}

// page returns the mentions numbered first to last-1 (0-based, in date order,
// then text order), grouped by document.
func (t *mentionTable) page(kind, id string, first, last int) ([]docSpans, error) {
	var out []docSpans
	prefix := []byte(kind + "\x00" + id + "\x00")
	err := t.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(postingsBucket)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		n := 0
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && n < last; k, v = c.Next() {
			if n+spanCount(v) <= first {
				n += spanCount(v)
				continue
			}
			spans, err := decodeSpans(v)
			if err != nil {
				return fmt.Errorf("mentions table: %q: %w", k, err)
			}
			rest := k[len(prefix):]
			docID := string(rest[bytes.IndexByte(rest, 0)+1:])
			d := docSpans{id: docID}
			for _, s := range spans {
				if n >= first && n < last {
					d.spans = append(d.spans, s)
				}
				n++
			}
			out = append(out, d)
		}
		return nil
	})
	return out, err
}

// spanCount reads the number of spans at the head of a postings value.
func spanCount(v []byte) int {
	n, k := binary.Uvarint(v)
	if k <= 0 {
		return 0
	}
	return int(n)
}

// rebuildMentionTable fills the table afresh from the documents in the index
// and gives both the write number seq.
func (ix *Index) rebuildMentionTable(ctx context.Context, seq uint64) error {
	err := ix.mentions.db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{postingsBucket, docsBucket, statsBucket} {
			if err := tx.DeleteBucket(name); err != nil && !errors.Is(err, bolterrors.ErrBucketNotFound) {
				return err
			}
		}
		w, err := newTableWriter(tx)
		if err != nil {
			return err
		}
		var after []string
		for {
			req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 1000, 0, false)
			req.Fields = []string{fieldDateText, fieldEntities}
			req.SortByCustom(bsearch.SortOrder{&bsearch.SortDocID{}})
			if after != nil {
				req.SetSearchAfter(after)
			}
			res, err := ix.bleve.SearchInContext(ctx, req)
			if err != nil {
				return err
			}
			for _, h := range res.Hits {
				d := Document{ID: h.ID, Date: str(h.Fields[fieldDateText])}
				if s := str(h.Fields[fieldEntities]); s != "" {
					if err := json.Unmarshal([]byte(s), &d.Entities); err != nil {
						return fmt.Errorf("document %s: stored entities: %w", h.ID, err)
					}
				}
				c, err := contributionOf(d)
				if err != nil {
					return fmt.Errorf("document %s: %w", h.ID, err)
				}
				if err := w.add(d.ID, c); err != nil {
					return err
				}
			}
			if len(res.Hits) < 1000 {
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
	v, err := ix.bleve.GetInternal(mentionSeqKey)
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
