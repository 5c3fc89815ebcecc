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
type store = indexer.Store

// lockTimeout is how long a command waits for another process holding the index.
const lockTimeout = 2 * time.Second

// openStore opens (creating when create is set) the index and manifest in dir,
// with errors that say what to do.
func openStore(dir string, create bool) (*store, error) {
	if !create && !indexer.StoreExists(dir) {
		return nil, fmt.Errorf("no index at %s: run `dossier index PATH` or `dossier serve` first, or pass --index", dir)
	}
	st, err := indexer.OpenStore(dir, lockTimeout)
	if errors.Is(err, search.ErrCorrupt) {
		return nil, fmt.Errorf("%w; run `dossier index --rebuild` to rebuild it from its files", err)
	}
	return st, err
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
