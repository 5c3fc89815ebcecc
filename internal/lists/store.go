package lists

import (
	"cmp"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"dossier/internal/search"
)

// The store's layout. A list is one JSON value holding its items: lists are
// small (tens to hundreds of items), every change rewrites one value in one
// transaction, and order, notes and snapshots can never disagree with each other.
var (
	bucketLists    = []byte("lists")
	bucketSearches = []byte("searches")
	bucketMeta     = []byte("meta")
	keyVersion     = []byte("version")
)

// schemaVersion is written into a new store; a store written by a newer Dossier
// is refused rather than misread.
const schemaVersion = "1"

// Store holds reading lists and saved searches in one bbolt file. Its methods
// are safe for concurrent use: bbolt runs one writer at a time and readers
// alongside it.
type Store struct {
	db  *bolt.DB
	now func() time.Time // a clock tests can stop
}

// Open opens the store at path, creating the file (and its folder) when missing.
// bbolt locks the file for one process; Open waits up to lockTimeout for the lock
// (0 waits for ever, as bbolt does) and then fails with ErrLocked.
func Open(path string, lockTimeout time.Duration) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("open lists %s: %w", path, err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("open lists %s: %w", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("open lists %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketLists, bucketSearches, bucketMeta} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		switch v := meta.Get(keyVersion); {
		case v == nil:
			return meta.Put(keyVersion, []byte(schemaVersion))
		case string(v) != schemaVersion:
			return fmt.Errorf("store has schema version %q; this Dossier reads %q", v, schemaVersion)
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open lists %s: %w", path, err)
	}
	return &Store{db: db, now: func() time.Time { return time.Now() }}, nil
}

// Close closes the file and releases its lock.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close lists: %w", err)
	}
	return nil
}

// Path returns the file the store lives in.
func (s *Store) Path() string { return s.db.Path() }

// stamp is the time written into records: UTC, to the second, so the JSON reads
// "2026-11-27T16:17:05Z" and two reads of one record compare equal.
func (s *Store) stamp() time.Time { return s.now().UTC().Truncate(time.Second) }

// Create makes an empty list.
func (s *Store) Create(name, description string) (List, error) {
	return s.create(name, description, nil)
}

// CreateFrom makes a list of docs in one transaction ("make a list from these
// results"). Repeated documents are kept once; a nil document is an error.
func (s *Store) CreateFrom(name, description string, docs []*search.Document) (List, error) {
	items := make([]Item, 0, len(docs))
	for i, d := range docs {
		if d == nil {
			return List{}, invalidf("document %d of %d is missing", i+1, len(docs))
		}
		items = append(items, ItemFor(d))
	}
	return s.create(name, description, items)
}

// Import makes a list of items read from an export (see ImportCSLJSON), keeping
// their notes and added times; items without an added time get the current one.
// The items' document ids may be stale: call Relink afterwards to find each
// document in the current index.
func (s *Store) Import(name, description string, items []Item) (List, error) {
	return s.create(name, description, items)
}

func (s *Store) create(name, description string, items []Item) (List, error) {
	name, err := validName("list", name)
	if err != nil {
		return List{}, err
	}
	description, err = validText("description", description, MaxDescription)
	if err != nil {
		return List{}, err
	}
	now := s.stamp()
	l := List{Name: name, Description: description, Created: now, Updated: now, Items: []Item{}}
	// Maps rather than List.find: a list from a large result set would
	// otherwise cost a scan per item.
	ids, paths := map[string]bool{}, map[string]bool{}
	for _, it := range items {
		if err := validItem(it); err != nil {
			return List{}, err
		}
		it.Note = strings.TrimSpace(it.Note)
		if it.Added.IsZero() {
			it.Added = now
		}
		it.Added = it.Added.UTC()
		if ids[it.DocID] || (it.Path != "" && paths[it.Path]) {
			continue
		}
		ids[it.DocID], paths[it.Path] = true, true
		l.Items = append(l.Items, it)
	}
	if len(l.Items) > MaxItems {
		return List{}, invalidf("a list holds at most %d items; %d given", MaxItems, len(l.Items))
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		return insertNew(tx.Bucket(bucketLists), func(id string, seq uint64) listRecord {
			l.ID = id
			return listRecord{l, seq}
		})
	})
	if err != nil {
		return List{}, fmt.Errorf("create list %q: %w", name, err)
	}
	return l, nil
}

// Get returns one list with its items in order.
func (s *Store) Get(id string) (List, error) {
	var l List
	err := s.db.View(func(tx *bolt.Tx) error {
		rec, err := getList(tx, id)
		l = rec.List
		return err
	})
	return l, err
}

// Lists returns every list, oldest first, with their items.
func (s *Store) Lists() ([]List, error) {
	var ls []List
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		ls, err = inCreationOrder(tx.Bucket(bucketLists), decodeList,
			func(r listRecord) uint64 { return r.Seq }, func(r listRecord) List { return r.List })
		return err
	})
	if err != nil {
		return nil, err
	}
	return ls, nil
}

// Containing returns the ids of the lists that hold the document, so a page can
// show which lists it is already in.
func (s *Store) Containing(docID string) ([]string, error) {
	ls, err := s.Lists()
	if err != nil {
		return nil, err
	}
	ids := []string{}
	for _, l := range ls {
		if l.indexOf(docID) >= 0 {
			ids = append(ids, l.ID)
		}
	}
	return ids, nil
}

// Update renames or re-describes a list.
func (s *Store) Update(id string, p Patch) (List, error) {
	var name, desc string
	var err error
	if p.Name != nil {
		if name, err = validName("list", *p.Name); err != nil {
			return List{}, err
		}
	}
	if p.Description != nil {
		if desc, err = validText("description", *p.Description, MaxDescription); err != nil {
			return List{}, err
		}
	}
	return s.modify(id, func(l *List) error {
		if p.Name != nil {
			l.Name = name
		}
		if p.Description != nil {
			l.Description = desc
		}
		return nil
	})
}

// Delete removes a list and its items.
func (s *Store) Delete(id string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketLists)
		if b.Get([]byte(id)) == nil {
			return notFoundf("no list with id %.40q", id)
		}
		return b.Delete([]byte(id))
	})
}

// Add puts a document at the end of a list with a note. Adding a document the
// list already holds changes nothing and returns the existing item with
// added=false. "Already holds" means the same document id, or the same path: a
// file that was re-indexed under a new id is the same document, so its item is
// moved onto the new id and snapshot (keeping its note and place) instead of
// appearing twice.
func (s *Store) Add(listID string, doc *search.Document, note string) (it Item, added bool, err error) {
	if doc == nil {
		return Item{}, false, invalidf("no document given")
	}
	snap := ItemFor(doc)
	snap.Note = note
	if err := validItem(snap); err != nil {
		return Item{}, false, err
	}
	snap.Note = strings.TrimSpace(note)
	_, err = s.modify(listID, func(l *List) error {
		switch i := l.find(snap); {
		case i >= 0 && l.Items[i].DocID == snap.DocID:
			it = l.Items[i]
			return errUnchanged
		case i >= 0:
			l.Items[i] = withSnapshot(l.Items[i], snap)
			it = l.Items[i]
			return nil
		}
		if len(l.Items) >= MaxItems {
			return invalidf("list %q is full: a list holds at most %d items", l.Name, MaxItems)
		}
		snap.Added = s.stamp()
		l.Items = append(l.Items, snap)
		it, added = snap, true
		return nil
	})
	if err != nil {
		return Item{}, false, err
	}
	return it, added, nil
}

// Remove takes a document out of a list.
func (s *Store) Remove(listID, docID string) error {
	_, err := s.modify(listID, func(l *List) error {
		i, err := l.item(docID)
		if err != nil {
			return err
		}
		l.Items = slices.Delete(l.Items, i, i+1)
		return nil
	})
	return err
}

// SetNote replaces the note of one item.
func (s *Store) SetNote(listID, docID, note string) (Item, error) {
	note, err := validText("note", note, MaxNote)
	if err != nil {
		return Item{}, err
	}
	var it Item
	_, err = s.modify(listID, func(l *List) error {
		i, err := l.item(docID)
		if err != nil {
			return err
		}
		l.Items[i].Note = note
		it = l.Items[i]
		return nil
	})
	return it, err
}

// Move puts one item at position to (0-based) in the list, shifting the others:
// what dragging an item does.
func (s *Store) Move(listID, docID string, to int) (List, error) {
	return s.modify(listID, func(l *List) error {
		i, err := l.item(docID)
		if err != nil {
			return err
		}
		if to < 0 || to >= len(l.Items) {
			return invalidf("position %d is outside the list (0 to %d)", to, len(l.Items)-1)
		}
		it := l.Items[i]
		l.Items = slices.Insert(slices.Delete(l.Items, i, i+1), to, it)
		return nil
	})
}

// Reorder sets the whole order at once. docIDs must name every item of the
// list exactly once, so that a stale page cannot drop an item by omission.
func (s *Store) Reorder(listID string, docIDs []string) (List, error) {
	return s.modify(listID, func(l *List) error {
		if len(docIDs) != len(l.Items) {
			return invalidf("the new order names %d items; the list has %d", len(docIDs), len(l.Items))
		}
		out := make([]Item, 0, len(docIDs))
		used := make(map[string]bool, len(docIDs))
		for _, id := range docIDs {
			if used[id] {
				return invalidf("the new order names document %.40q twice", id)
			}
			used[id] = true
			i, err := l.item(id)
			if err != nil {
				return err
			}
			out = append(out, l.Items[i])
		}
		l.Items = out
		return nil
	})
}

// ItemRef names one item of one list.
type ItemRef struct {
	ListID string `json:"list_id"`
	DocID  string `json:"doc_id"`
	Path   string `json:"path"`
}

// Relink brings every item up to date with the index after a re-index. lookup
// gets each item and returns the document it now stands for: the document with
// item.DocID when the index still has it, else the one at item.Path (the stable
// key, since ids are content hashes), else false. An item whose document moved
// to a new id keeps its note, added time and place; its snapshot is refreshed.
// Items lookup cannot find are kept (the file may come back) and returned as
// missing. When two items of a list now stand for one document, the first is
// kept and the notes are joined.
//
// lookup runs outside any transaction, as it may be slow; the changes are then
// written in one transaction, and an item changed meanwhile (removed, or moved
// by someone else) is left alone.
func (s *Store) Relink(lookup func(Item) (*search.Document, bool)) (relinked int, missing []ItemRef, err error) {
	ls, err := s.Lists()
	if err != nil {
		return 0, nil, err
	}
	type change struct{ old, new Item }
	changes := map[string][]change{}
	missing = []ItemRef{}
	for _, l := range ls {
		for _, it := range l.Items {
			doc, ok := lookup(it)
			if !ok || doc == nil {
				missing = append(missing, ItemRef{ListID: l.ID, DocID: it.DocID, Path: it.Path})
				continue
			}
			snap := ItemFor(doc)
			if validItem(snap) != nil || sameSnapshot(it, snap) {
				continue
			}
			changes[l.ID] = append(changes[l.ID], change{it, withSnapshot(it, snap)})
		}
	}
	if len(changes) == 0 {
		return 0, missing, nil
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		for id, cs := range changes {
			rec, err := getList(tx, id)
			if errors.Is(err, ErrNotFound) {
				continue // deleted while lookup ran
			} else if err != nil {
				return err
			}
			l := &rec.List
			n := 0
			for _, c := range cs {
				i := l.indexOf(c.old.DocID)
				if i < 0 || !sameSnapshot(l.Items[i], c.old) {
					continue
				}
				l.Items[i] = withSnapshot(l.Items[i], c.new)
				n++
			}
			if n == 0 {
				continue
			}
			l.Items = mergeDuplicates(l.Items)
			l.Updated = s.stamp()
			if err := putJSON(tx.Bucket(bucketLists), id, rec); err != nil {
				return err
			}
			relinked += n
		}
		return nil
	})
	if err != nil {
		return 0, nil, fmt.Errorf("relink lists: %w", err)
	}
	return relinked, missing, nil
}

// mergeDuplicates keeps the first item of each document id, joining the notes
// of later ones into it, so a relink never silently loses what a reader wrote.
func mergeDuplicates(items []Item) []Item {
	out := items[:0:0]
	at := map[string]int{}
	for _, it := range items {
		i, dup := at[it.DocID]
		if !dup {
			at[it.DocID] = len(out)
			out = append(out, it)
			continue
		}
		if it.Note != "" && !strings.Contains(out[i].Note, it.Note) {
			out[i].Note = strings.TrimSpace(out[i].Note + "\n\n" + it.Note)
		}
	}
	return out
}

// errUnchanged tells modify that fn changed nothing, so nothing is written.
var errUnchanged = errors.New("unchanged")

// modify reads one list, lets fn change it and writes it back, all in one
// transaction.
func (s *Store) modify(id string, fn func(*List) error) (List, error) {
	var rec listRecord
	err := s.db.Update(func(tx *bolt.Tx) error {
		var err error
		if rec, err = getList(tx, id); err != nil {
			return err
		}
		if err := fn(&rec.List); err != nil {
			return err
		}
		rec.Updated = s.stamp()
		return putJSON(tx.Bucket(bucketLists), id, rec)
	})
	if errors.Is(err, errUnchanged) {
		err = nil
	}
	if err != nil {
		return List{}, err
	}
	return rec.List, nil
}

// listRecord is a list as stored: the list and its creation sequence number,
// which orders Lists and is no business of callers.
type listRecord struct {
	List
	Seq uint64 `json:"seq"`
}

func getList(tx *bolt.Tx, id string) (listRecord, error) {
	v := tx.Bucket(bucketLists).Get([]byte(id))
	if v == nil {
		return listRecord{}, notFoundf("no list with id %.40q", id)
	}
	return decodeList([]byte(id), v)
}

func decodeList(k, v []byte) (listRecord, error) {
	var rec listRecord
	if err := json.Unmarshal(v, &rec); err != nil {
		return listRecord{}, fmt.Errorf("read list %q: %w", k, err)
	}
	if rec.Items == nil {
		rec.Items = []Item{} // the contract's items is an array, never null
	}
	return rec, nil
}

// insertNew stores a new record in b under a fresh random id; rec builds the
// record from that id and the bucket's next sequence number (its creation order).
func insertNew[R any](b *bolt.Bucket, rec func(id string, seq uint64) R) error {
	id, err := newID(b)
	if err != nil {
		return err
	}
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	return putJSON(b, id, rec(id, seq))
}

// inCreationOrder decodes every record of b and returns their values oldest
// first. Ids are random, so bbolt's key order means nothing to a reader; the
// sequence number is the order of creation, even within one second.
func inCreationOrder[R, T any](b *bolt.Bucket, decode func(k, v []byte) (R, error), seq func(R) uint64, value func(R) T) ([]T, error) {
	var recs []R
	err := b.ForEach(func(k, v []byte) error {
		rec, err := decode(k, v)
		recs = append(recs, rec)
		return err
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(recs, func(a, b R) int { return cmp.Compare(seq(a), seq(b)) })
	out := make([]T, len(recs))
	for i, r := range recs {
		out[i] = value(r)
	}
	return out, nil
}

func putJSON(b *bolt.Bucket, id string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %q: %w", id, err)
	}
	return b.Put([]byte(id), data)
}

// indexOf returns the position of the item with docID, or -1.
func (l *List) indexOf(docID string) int {
	return slices.IndexFunc(l.Items, func(it Item) bool { return it.DocID == docID })
}

// find returns the position of the item that stands for the same document as
// it: the same id, else the same non-empty path; -1 when none does.
func (l *List) find(it Item) int {
	if i := l.indexOf(it.DocID); i >= 0 {
		return i
	}
	if it.Path == "" {
		return -1
	}
	return slices.IndexFunc(l.Items, func(x Item) bool { return x.Path == it.Path })
}

func (l *List) item(docID string) (int, error) {
	i := l.indexOf(docID)
	if i < 0 {
		return -1, notFoundf("list %q has no document %.40q", l.Name, docID)
	}
	return i, nil
}

// idEncoding spells ids in lower-case letters and digits 2-7: URL-safe,
// case-insensitive and free of look-alikes such as 0/O and 1/l.
var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newID returns a random 10-character id not yet used in b. List ids are not
// document ids: they name something a person made, so random is right, and 50
// bits make a collision rare enough that one retry loop covers it.
func newID(b *bolt.Bucket) (string, error) {
	for range 10 {
		var raw [6]byte
		if _, err := rand.Read(raw[:]); err != nil {
			return "", fmt.Errorf("new id: %w", err)
		}
		id := idEncoding.EncodeToString(raw[:])[:10]
		if b.Get([]byte(id)) == nil {
			return id, nil
		}
	}
	return "", errors.New("new id: ten collisions in a row")
}
