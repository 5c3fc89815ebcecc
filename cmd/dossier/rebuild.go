package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"dossier/corpus"
	"dossier/indexer"
)

// corpusRoot is the name the embedded sample corpus's files are recorded under.
const corpusRoot = "corpus"

// rebuild makes a new index from the sources: the paths given, and every file
// the old manifest lists (when it can still be read). The new index is built
// beside the old one and swapped in only when complete; the old files are kept,
// renamed, for the user to delete.
func rebuild(ctx context.Context, indexDir string, paths []string, opts indexer.Options) (*indexer.Summary, []string, error) {
	sources, err := rebuildSources(indexDir, paths)
	if err != nil {
		return nil, nil, err
	}
	tmp := filepath.Join(indexDir, "rebuild")
	if err := os.RemoveAll(tmp); err != nil {
		return nil, nil, err
	}
	st, err := openStore(tmp, true)
	if err != nil {
		return nil, nil, rebuildDiskFull(tmp, err)
	}
	sum, err := indexer.New(st.Index, st.Manifest, opts).Run(ctx, sources...)
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if d, ok := indexer.DiskFull(err); ok {
		return sum, nil, rebuildDiskFull(tmp, d)
	}
	if err != nil {
		return sum, nil, fmt.Errorf("rebuild stopped (the old index is untouched; %s holds the partial rebuild): %w", tmp, err)
	}

	stamp := time.Now().UTC().Format("20060102T150405")
	var kept []string
	for _, name := range []string{"bleve", "manifest.db"} {
		old := filepath.Join(indexDir, name)
		if _, err := os.Stat(old); err == nil {
			aside := old + ".damaged-" + stamp
			if err := os.Rename(old, aside); err != nil {
				return sum, kept, fmt.Errorf("move the old %s aside: %w", name, err)
			}
			kept = append(kept, aside)
		}
		if err := os.Rename(filepath.Join(tmp, name), old); err != nil {
			return sum, kept, fmt.Errorf("put the rebuilt %s in place: %w", name, err)
		}
	}
	os.RemoveAll(tmp)
	return sum, kept, nil
}

// rebuildDiskFull explains a rebuild that ran out of space, and removes the
// partial rebuild, which would otherwise keep the disk full; any other error
// it returns as it is.
func rebuildDiskFull(tmp string, err error) error {
	d, ok := indexer.DiskFull(err)
	if !ok {
		return err
	}
	os.RemoveAll(tmp)
	return fmt.Errorf("rebuild stopped, the disk is full (%s): the old index is untouched and the partial rebuild is removed; free some space and run `dossier index --rebuild` again", d.Op)
}

// rebuildSources lists what a rebuild indexes: each path given, plus each file
// of the old manifest that no given path covers.
func rebuildSources(indexDir string, paths []string) ([]indexer.Source, error) {
	var sources []indexer.Source
	for _, p := range paths {
		src, err := indexer.DirSource(p)
		if err != nil {
			return nil, err
		}
		sources = append(sources, src)
	}
	recorded := manifestPaths(indexDir)
	embedded := false
	for _, p := range recorded {
		if covered(sources, p) {
			continue
		}
		if strings.HasPrefix(p, corpusRoot+"/") {
			embedded = true
			continue
		}
		if src, err := indexer.DirSource(p); err == nil {
			sources = append(sources, src)
		}
	}
	if embedded {
		sources = append(sources, indexer.Source{FS: corpus.FS, Root: corpusRoot})
	}
	if len(sources) == 0 {
		return nil, fmt.Errorf("nothing to rebuild from: the manifest lists no files; give the folders to index")
	}
	return sources, nil
}

// manifestPaths reads the file paths of the old manifest, or none when it is
// missing or unreadable.
func manifestPaths(indexDir string) []string {
	man, err := indexer.OpenManifest(filepath.Join(indexDir, "manifest.db"), lockTimeout)
	if err != nil {
		return nil
	}
	defer man.Close()
	entries, err := man.Load()
	if err != nil {
		return nil
	}
	var out []string
	for p := range entries {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func covered(sources []indexer.Source, p string) bool {
	for _, s := range sources {
		if s.Covers(p) {
			return true
		}
	}
	return false
}
