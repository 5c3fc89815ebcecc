package indexer

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Entry is what the manifest remembers of one indexed file.
type Entry struct {
	DocID   string `json:"doc_id"`
	Size    int64  `json:"size"`
	ModTime int64  `json:"mtime_ns"` // 0 when the source has no modification times (embedded files)
}

// Manifest records which file paths are in the index and under which document
// id, so that a re-run skips unchanged files, replaces changed ones and removes
// deleted ones. It is a bbolt file beside the index, and the two are written so
// that the manifest never claims a document the index lacks, whenever a crash
// (kill -9, power loss) comes:
//
//   - A document is added to the index before its path to the manifest: a
//     crash between the two leaves the manifest behind the index, and the next
//     run repeats idempotent work rather than skipping any.
//   - A document leaves the index after its last path leaves the manifest (a
//     file deleted, or changed to new content): the manifest records the
//     document as retired in the same transaction, and forgets it once the
//     index has deleted it. A crash in between leaves the index ahead of the
//     manifest, holding retired documents that no path lists (still found by
//     a search until then), and the next run deletes them before anything
//     else.
type Manifest struct {
	db *bolt.DB
}

var (
	pathsBucket = []byte("paths")
	// retiredBucket holds, as keys, the ids of documents that may have lost
	// their last path and may still be in the index.
	retiredBucket = []byte("retired")
)

// OpenManifest opens (creating if needed) the manifest file at path.
func OpenManifest(path string, lockTimeout time.Duration) (*Manifest, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("open manifest %s: in use by another process", path)
	}
	if err != nil {
		return nil, fmt.Errorf("open manifest %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{pathsBucket, retiredBucket} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open manifest %s: %w", path, err)
	}
	return &Manifest{db: db}, nil
}

// Close closes the manifest file.
func (m *Manifest) Close() error { return m.db.Close() }

// Load returns every entry, keyed by path.
func (m *Manifest) Load() (map[string]Entry, error) {
	out := map[string]Entry{}
	err := m.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(pathsBucket).ForEach(func(k, v []byte) error {
			var e Entry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("entry %q: %w", k, err)
			}
			out[string(k)] = e
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	return out, nil
}

// Update stores set and removes remove, and records retire as retired
// document ids, in one transaction. Retire the id a removed or replaced path
// had: whether another path still has it is decided when the retired ids are
// deleted (see Retired).
func (m *Manifest) Update(set map[string]Entry, remove, retire []string) error {
	err := m.db.Update(func(tx *bolt.Tx) error {
		r := tx.Bucket(retiredBucket)
		for _, id := range retire {
			if err := r.Put([]byte(id), nil); err != nil {
				return err
			}
		}
		b := tx.Bucket(pathsBucket)
		for path, e := range set {
			v, err := json.Marshal(e)
			if err != nil {
				return err
			}
			if err := b.Put([]byte(path), v); err != nil {
				return err
			}
		}
		for _, path := range remove {
			if err := b.Delete([]byte(path)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	return nil
}

// Retired returns the document ids Update recorded as retired and Forget has
// not yet dropped: each is in the index still, or was deleted from it by a run
// that stopped before it could say so. Those that no path lists are to be
// deleted from the index; the others are in use again.
func (m *Manifest) Retired() ([]string, error) {
	var ids []string
	err := m.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(retiredBucket).ForEach(func(k, _ []byte) error {
			ids = append(ids, string(k))
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	return ids, nil
}

// Forget drops ids from the retired ones, once the index no longer holds
// those that no path lists.
func (m *Manifest) Forget(ids []string) error {
	err := m.db.Update(func(tx *bolt.Tx) error {
		r := tx.Bucket(retiredBucket)
		for _, id := range ids {
			if err := r.Delete([]byte(id)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	return nil
}
