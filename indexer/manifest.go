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
// deleted ones. It is a bbolt file beside the index; the index is always written
// before the manifest, so a crash between the two leaves the manifest behind the
// index, and the next run repeats idempotent work rather than skipping any.
type Manifest struct {
	db *bolt.DB
}

var pathsBucket = []byte("paths")

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
		_, err := tx.CreateBucketIfNotExists(pathsBucket)
		return err
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

// Update stores set and removes remove, in one transaction.
func (m *Manifest) Update(set map[string]Entry, remove []string) error {
	err := m.db.Update(func(tx *bolt.Tx) error {
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
