package indexer

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"dossier/internal/search"
)

// Store is an open data folder: the Bleve index under bleve/ and the manifest
// of indexed files beside it. The process that opens it owns both.
type Store struct {
	Index    *search.Index
	Manifest *Manifest
}

// StoreExists reports whether dir holds an index.
func StoreExists(dir string) bool { return search.Exists(filepath.Join(dir, "bleve")) }

// OpenStore opens the index and manifest in dir, creating them (and dir) when
// missing, waiting up to lockTimeout for another process that holds them.
func OpenStore(dir string, lockTimeout time.Duration) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create index folder: %w", err)
	}
	ix, err := search.Open(filepath.Join(dir, "bleve"), search.Options{LockTimeout: lockTimeout})
	if err != nil {
		return nil, err
	}
	man, err := OpenManifest(filepath.Join(dir, "manifest.db"), lockTimeout)
	if err != nil {
		ix.Close()
		return nil, err
	}
	return &Store{Index: ix, Manifest: man}, nil
}

// Close closes the manifest and the index.
func (s *Store) Close() error {
	err := s.Manifest.Close()
	if e := s.Index.Close(); err == nil {
		err = e
	}
	return err
}
