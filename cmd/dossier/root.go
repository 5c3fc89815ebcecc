package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/spf13/cobra"

	"dossier/indexer"
	"dossier/internal/search"
)

// options are the flags every command shares.
type options struct {
	indexDir string
	json     bool
}

func newRootCmd() *cobra.Command {
	opts := &options{}
	root := &cobra.Command{
		Use:           "dossier",
		Short:         "Search press releases and reports by text, resolution, organization, country and date",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&opts.indexDir, "index", defaultIndexDir(), "the index folder ($DOSSIER_INDEX)")
	root.AddCommand(
		newIndexCmd(opts),
		newSearchCmd(opts),
		newMentionsCmd(opts),
		newExtractCmd(opts),
		newServeCmd(opts),
		newListsCmd(opts),
		newBenchCmd(opts),
	)
	return root
}

// defaultIndexDir is $DOSSIER_INDEX, else the per-user data folder.
func defaultIndexDir() string {
	if d := os.Getenv("DOSSIER_INDEX"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "dossier")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "dossier-index"
	}
	if runtime.GOOS == "darwin" {
		return filepath.Join(home, "Library", "Application Support", "dossier")
	}
	if runtime.GOOS == "windows" {
		if d, err := os.UserConfigDir(); err == nil {
			return filepath.Join(d, "dossier")
		}
	}
	return filepath.Join(home, ".local", "share", "dossier")
}

// store is an open data folder: the Bleve index and the manifest of indexed files.
type store struct {
	index    *search.Index
	manifest *indexer.Manifest
}

// lockTimeout is how long a command waits for another process holding the index.
const lockTimeout = 2 * time.Second

// openStore opens (creating when create is set) the index and manifest in dir.
func openStore(dir string, create bool) (*store, error) {
	bleveDir := filepath.Join(dir, "bleve")
	if !create && !search.Exists(bleveDir) {
		return nil, fmt.Errorf("no index at %s: run `dossier index PATH` or `dossier serve` first, or pass --index", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create index folder: %w", err)
	}
	ix, err := search.Open(bleveDir, search.Options{LockTimeout: lockTimeout})
	if errors.Is(err, search.ErrCorrupt) {
		return nil, fmt.Errorf("%w; run `dossier index --rebuild` to rebuild it from its files", err)
	}
	if err != nil {
		return nil, err
	}
	man, err := indexer.OpenManifest(filepath.Join(dir, "manifest.db"), lockTimeout)
	if err != nil {
		ix.Close()
		return nil, err
	}
	return &store{index: ix, manifest: man}, nil
}

func (s *store) Close() error {
	err := s.manifest.Close()
	if e := s.index.Close(); err == nil {
		err = e
	}
	return err
}

// limits are the per-file parse limits: PDFs are parsed in a child process of
// this very binary (see main), so a hostile PDF cannot take the indexer down.
func limits() indexer.Limits {
	exe, err := os.Executable()
	if err != nil {
		return indexer.Limits{} // in-process, behind recover and a timeout
	}
	return indexer.Limits{Sandbox: exe}
}

// writeJSON prints v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
