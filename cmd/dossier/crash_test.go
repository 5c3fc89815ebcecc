package main

import (
	"context"
	"flag"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"dossier/indexer"
	"dossier/internal/corpusgen"
)

var crashTrials = flag.Int("crash.trials", 1, "kill -9 trials in TestKillDuringIndexing")

// envRunMain makes this test binary run the real main (see TestMain), so that a
// test can start `dossier` as a process of its own and kill it.
const envRunMain = "DOSSIER_TEST_RUN_MAIN"

// TestKillDuringIndexing kills `dossier index` with SIGKILL at a random moment
// over a 5,000-document corpus, then checks that the index opens, that every
// document the manifest marks as indexed is in it, that no file is in it twice,
// and that a re-run completes the job.
func TestKillDuringIndexing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 5,000-document corpus")
	}
	const docs = 5000
	corpus := filepath.Join(t.TempDir(), "corpus")
	if err := corpusgen.WriteDir(corpus, 7, docs); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 1))
	t.Logf("random seed %d", seed)

	for trial := range *crashTrials {
		dir := filepath.Join(t.TempDir(), "index")
		// The child's run over 5,000 documents took about 15 s here (its PDFs
		// go through the sandbox): kills land anywhere from the first batch on.
		delay := time.Duration(500+rng.IntN(14000)) * time.Millisecond
		cmd := exec.Command(exe, "--index", dir, "index", corpus)
		cmd.Env = append(os.Environ(), envRunMain+"=1")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		killed := cmd.Process.Kill() == nil
		err := cmd.Wait()
		if err == nil {
			t.Logf("trial %d: the run finished before the kill at %s", trial, delay)
		} else if killed {
			t.Logf("trial %d: killed after %s", trial, delay)
		}

		st, err := openStore(dir, false)
		if err != nil {
			t.Fatalf("trial %d: after the kill the index does not open: %v", trial, err)
		}
		entries, err := st.Manifest.Load()
		if err != nil {
			t.Fatal(err)
		}
		checkManifestAgainstIndex(t, st, entries)
		n, _ := st.Index.Count()
		if n > docs {
			t.Errorf("trial %d: %d documents in the index from %d files: duplicates", trial, n, docs)
		}
		t.Logf("trial %d: %d files in the manifest, %d documents in the index", trial, len(entries), n)

		sum, err := indexer.New(st.Index, st.Manifest, indexer.Options{Limits: limits()}).Run(context.Background(), mustSource(t, corpus))
		if err != nil {
			t.Fatalf("trial %d: re-run: %v", trial, err)
		}
		if len(sum.Failed) != 0 || sum.Indexed+sum.Unchanged != docs {
			t.Errorf("trial %d: re-run = %d indexed, %d unchanged, %d failed; want all %d files accounted for",
				trial, sum.Indexed, sum.Unchanged, len(sum.Failed), docs)
		}
		entries, _ = st.Manifest.Load()
		if len(entries) != docs {
			t.Errorf("trial %d: manifest has %d files after the re-run, want %d", trial, len(entries), docs)
		}
		checkManifestAgainstIndex(t, st, entries)
		ids := map[string]bool{}
		for _, e := range entries {
			ids[e.DocID] = true
		}
		if n, _ := st.Index.Count(); n != uint64(len(ids)) {
			t.Errorf("trial %d: %d documents in the index, want one per distinct content (%d)", trial, n, len(ids))
		}
		st.Close()
	}
}

// checkManifestAgainstIndex fails for every manifest entry whose document is
// not in the index.
func checkManifestAgainstIndex(t *testing.T, st *store, entries map[string]indexer.Entry) {
	t.Helper()
	missing := 0
	for path, e := range entries {
		if _, err := st.Index.Document(context.Background(), e.DocID); err != nil {
			if missing < 5 {
				t.Errorf("manifest says %s is indexed as %s, but: %v", path, e.DocID, err)
			}
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d manifest entries are not in the index", missing, len(entries))
	}
}

func mustSource(t *testing.T, dir string) indexer.Source {
	t.Helper()
	src, err := indexer.DirSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	return src
}
