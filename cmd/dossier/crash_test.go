package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"dossier/indexer"
	"dossier/internal/corpusgen"
	"dossier/internal/search"
)

var crashTrials = flag.Int("crash.trials", 1, "kill -9 trials in TestKillDuringIndexing")

// envRunMain makes this test binary run the real main (see TestMain), so that a
// test can start `dossier` as a process of its own and kill it.
const envRunMain = "DOSSIER_TEST_RUN_MAIN"

// TestKillDuringIndexing kills `dossier index` with SIGKILL at a random moment
// over a 5,000-document corpus, then checks that the index opens, that every
// document the manifest marks as indexed is in it, that no file is in it twice,
// and that a re-run completes the job. Then it deletes a third of the files
// and kills the next run during its delete pass (see killDuringDeletes).
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

		killDuringDeletes(t, trial, rng, exe, corpus, dir)
	}
}

// killDuringDeletes deletes a third of the files of corpus, whose run into dir
// has completed, and kills a re-run with SIGKILL during its delete pass: the
// manifest then claims no document the index lacks, and the index holds no
// document that the manifest neither lists nor records as retired (deleted
// from the manifest first, see indexer.Manifest); the next run deletes those,
// leaving exactly the remaining files, and every mention count agrees with the
// documents. The files come back at the end, for the next trial.
//
// The pass is short, at the end of a run that takes about as long as one with
// nothing to do (a tenth of a second here), so the kill moment is searched
// for: random in a window around that time, which narrows after each miss
// (too early: nothing changed; too late: the pass was over, and the data
// folder is put back as it was before the run).
func killDuringDeletes(t *testing.T, trial int, rng *rand.Rand, exe, corpus, dir string) {
	t.Helper()
	// How long a run with nothing to do takes: the pass begins about then.
	start := time.Now()
	if _, err := runAndKill(exe, dir, corpus, time.Minute); err != nil {
		t.Fatalf("trial %d: a run with nothing to do: %v", trial, err)
	}
	idle := time.Since(start)

	before := manifestIDs(t, dir)
	var paths []string
	for p := range before {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	rng.Shuffle(len(paths), func(i, j int) { paths[i], paths[j] = paths[j], paths[i] })
	gone := paths[:len(paths)/3]
	kept := len(paths) - len(gone)
	aside := t.TempDir()
	move := func(from, to string) {
		t.Helper()
		for _, p := range gone {
			rel, err := filepath.Rel(corpus, filepath.FromSlash(p))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Dir(filepath.Join(to, rel)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(filepath.Join(from, rel), filepath.Join(to, rel)); err != nil {
				t.Fatal(err)
			}
		}
	}
	move(corpus, aside)
	defer move(aside, corpus)
	goneIDs := map[string]bool{}
	for _, p := range gone {
		goneIDs[before[p]] = true
	}

	// The data folder before the run, to go back to when a kill comes late.
	snapshot := filepath.Join(t.TempDir(), "index")
	if err := os.CopyFS(snapshot, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	lo, hi := idle/2, idle+idle/2
	landed := false
	for attempt := 0; attempt < 10 && !landed; attempt++ {
		delay := lo + time.Duration(rng.Int64N(int64(hi-lo)+1))
		finished, err := runAndKill(exe, dir, corpus, delay)
		if err != nil {
			t.Fatal(err)
		}
		st, err := openStore(dir, false)
		if err != nil {
			t.Fatalf("trial %d: killed %s into the delete pass's run, the index does not open: %v", trial, delay, err)
		}
		entries, err := st.Manifest.Load()
		if err != nil {
			t.Fatal(err)
		}
		retired, err := st.Manifest.Retired()
		if err != nil {
			t.Fatal(err)
		}
		n, _ := st.Index.Count()
		state := fmt.Sprintf("%d files in the manifest, %d retired, %d documents in the index", len(entries), len(retired), n)
		switch {
		case !finished && len(entries) == len(before) && len(retired) == 0 && n == uint64(len(before)):
			t.Logf("trial %d: killed at %s, before the delete pass: %s", trial, delay, state)
			lo = delay
		case finished || len(entries) == kept && len(retired) == 0 && n == uint64(kept):
			t.Logf("trial %d: killed at %s, after the delete pass (finished: %v): %s", trial, delay, finished, state)
			hi = delay
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			if err := os.CopyFS(dir, os.DirFS(snapshot)); err != nil {
				t.Fatal(err)
			}
			continue
		default:
			landed = true
			t.Logf("trial %d: killed at %s, during the delete pass: %s", trial, delay, state)
			checkManifestAgainstIndex(t, st, entries)
			checkStrays(t, st, entries, retired, goneIDs)
			checkMentions(t, st)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if !landed {
		t.Errorf("trial %d: no kill in 10 landed during the delete pass (a run with nothing to do takes %s)", trial, idle)
	}

	// The next complete run leaves exactly the remaining files.
	st, err := openStore(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sum, err := indexer.New(st.Index, st.Manifest, indexer.Options{Limits: limits()}).Run(context.Background(), mustSource(t, corpus))
	if err != nil {
		t.Fatalf("trial %d: the run after the kill: %v", trial, err)
	}
	if sum.Indexed != 0 || sum.Unchanged != kept || len(sum.Failed) != 0 || sum.Removed > len(gone) {
		t.Errorf("trial %d: the run after the kill = %d indexed, %d unchanged, %d removed, %d failed; want 0, %d, at most %d, 0",
			trial, sum.Indexed, sum.Unchanged, sum.Removed, len(sum.Failed), kept, len(gone))
	}
	entries, err := st.Manifest.Load()
	if err != nil {
		t.Fatal(err)
	}
	checkManifestAgainstIndex(t, st, entries)
	ids := map[string]bool{}
	for p, e := range entries {
		ids[e.DocID] = true
		if goneIDs[e.DocID] {
			t.Errorf("trial %d: after the run, the manifest still lists %s, deleted", trial, p)
		}
	}
	n, _ := st.Index.Count()
	if len(entries) != kept || n != uint64(len(ids)) || len(ids) != kept {
		t.Errorf("trial %d: after the run, %d files in the manifest and %d documents in the index (%d distinct in the manifest), want %d",
			trial, len(entries), n, len(ids), kept)
	}
	if retired, err := st.Manifest.Retired(); err != nil || len(retired) != 0 {
		t.Errorf("trial %d: after the run, %d documents still retired (%v), want none", trial, len(retired), err)
	}
	checkStrays(t, st, entries, nil, goneIDs)
	checkMentions(t, st)
}

// runAndKill runs `dossier index corpus` on dir as a process of its own and
// kills it with SIGKILL after delay; it says whether the run finished first.
func runAndKill(exe, dir, corpus string, delay time.Duration) (finished bool, err error) {
	cmd := exec.Command(exe, "--index", dir, "index", corpus)
	cmd.Env = append(os.Environ(), envRunMain+"=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return false, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return false, fmt.Errorf("dossier index: %v: %s", err, stderr.String())
		}
		return true, nil
	case <-time.After(delay):
		cmd.Process.Kill()
		<-done
		return false, nil
	}
}

// manifestIDs is the manifest of the data folder dir: path -> document id.
func manifestIDs(t *testing.T, dir string) map[string]string {
	t.Helper()
	st, err := openStore(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	entries, err := st.Manifest.Load()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for p, e := range entries {
		ids[p] = e.DocID
	}
	return ids
}

// checkStrays fails for every document of a deleted file (goneIDs) that is in
// the index though the manifest does not list it and has not retired it, and
// when the index holds more documents than the manifest lists and retired.
func checkStrays(t *testing.T, st *store, entries map[string]indexer.Entry, retired []string, goneIDs map[string]bool) {
	t.Helper()
	listed := map[string]bool{}
	for _, e := range entries {
		listed[e.DocID] = true
	}
	isRetired := map[string]bool{}
	for _, id := range retired {
		isRetired[id] = true
	}
	strays, ahead := 0, 0
	for id := range goneIDs {
		if listed[id] {
			continue
		}
		_, err := st.Index.Document(context.Background(), id)
		switch {
		case errors.Is(err, search.ErrNotFound):
		case err != nil:
			t.Fatal(err)
		case isRetired[id]:
			ahead++
		default:
			if strays < 5 {
				t.Errorf("document %s of a deleted file is in the index, and the manifest neither lists nor retires it", id)
			}
			strays++
		}
	}
	if strays > 0 {
		t.Errorf("%d documents of deleted files left in the index unrecorded", strays)
	}
	if n, _ := st.Index.Count(); n != uint64(len(listed)+ahead+strays) {
		t.Errorf("%d documents in the index, want the %d the manifest lists and %d retired ones not yet deleted", n, len(listed), ahead)
	}
}

// checkMentions checks, for one resolution the corpus cites, that the
// every-mention table's count is the number of its mentions in the documents
// a search finds citing it: the table is rebuilt at open when a kill left it
// out of step with Bleve.
func checkMentions(t *testing.T, st *store) {
	t.Helper()
	ctx := context.Background()
	res, err := st.Index.Search(ctx, search.Request{Size: 1})
	if err != nil {
		t.Fatal(err)
	}
	// A resolution cited by a hundred documents or so: enough to count, few
	// enough to read.
	var resolution search.FacetValue
	for _, v := range res.Facets["resolution"] {
		if resolution.ID == "" || abs(v.Count-100) < abs(resolution.Count-100) {
			resolution = v
		}
	}
	if resolution.ID == "" {
		t.Fatal("the corpus cites no resolution")
	}
	want, docs := 0, map[string]bool{}
	for page := 1; ; page++ {
		res, err := st.Index.Search(ctx, search.Request{
			Filters: map[string][]string{"resolution": {resolution.ID}},
			Page:    page, Size: search.MaxSize, Sort: search.SortDateDesc,
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			if docs[h.ID] {
				continue
			}
			docs[h.ID] = true
			d, err := st.Index.Document(ctx, h.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range d.Entities {
				if m.Kind == "resolution" && m.ID == resolution.ID {
					want++
				}
			}
		}
		if len(res.Hits) < search.MaxSize {
			if uint64(len(docs)) != res.Total {
				t.Fatalf("paging through the %d documents citing %s gave %d", res.Total, resolution.ID, len(docs))
			}
			break
		}
	}
	m, err := st.Index.Mentions(ctx, search.MentionsRequest{Kind: "resolution", ID: resolution.ID, All: true})
	if err != nil {
		t.Fatal(err)
	}
	if m.Total != want || m.Documents != len(docs) {
		t.Errorf("Mentions(resolution %s) = %d mentions in %d documents; the %d documents found citing it have %d",
			resolution.ID, m.Total, m.Documents, len(docs), want)
	}
}

func abs(n int) int { return max(n, -n) }

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
