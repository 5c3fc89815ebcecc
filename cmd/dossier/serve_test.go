package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"dossier/corpus"
	"dossier/indexer"
	"dossier/server"
)

// TestServeIndexesTheSampleCorpusOnFirstStart is the newcomer's path: `dossier
// serve` on an empty index folder indexes the embedded corpus and serves it.
func TestServeIndexesTheSampleCorpusOnFirstStart(t *testing.T) {
	want := 0
	fs.WalkDir(corpus.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && indexer.Supported(p) {
			want++
		}
		return nil
	})
	if want < 40 {
		t.Errorf("the embedded corpus has %d documents, want at least 40", want)
	}

	addr := startServer(t, filepath.Join(t.TempDir(), "index"))

	var res struct {
		Total  int
		Facets map[string][]struct {
			ID    string
			Count int
		}
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		err := getJSON("http://"+addr+"/api/search?q=", &res)
		if err == nil && res.Total == want {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 2 minutes the server shows %d documents (last error %v), want %d", res.Total, err, want)
		}
		time.Sleep(200 * time.Millisecond)
	}

	if err := getJSON("http://"+addr+"/api/search?q=resolution+2178&size=100", &res); err != nil {
		t.Fatal(err)
	}
	cites := 0
	for _, v := range res.Facets["resolution"] {
		if v.ID == "S/RES/2178 (2014)" {
			cites = v.Count
		}
	}
	if cites < 6 || res.Total < cites {
		t.Errorf("search resolution 2178: %d hits, %d citing S/RES/2178 (2014); want at least 6 citing it, all found", res.Total, cites)
	}
}

func getJSON(url string, v any) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// TestIndexWhileServing: with a server holding the index, `dossier index` hands
// the job to it, and the new documents become searchable without a restart.
func TestIndexWhileServing(t *testing.T) {
	dir := t.TempDir()
	index := filepath.Join(dir, "index")
	docs := filepath.Join(dir, "docs")
	if err := os.CopyFS(docs, os.DirFS("../../indexer/testdata/docs")); err != nil {
		t.Fatal(err)
	}
	// An index that exists but is empty, so serve does not index the sample corpus.
	if _, err := run(t, "--index", index, "index", t.TempDir()); err != nil {
		t.Fatal(err)
	}

	addr := startServer(t, index)

	out, err := run(t, "--index", index, "index", docs, "--json")
	if err != nil {
		t.Fatalf("index while serving: %v", err)
	}
	var sum struct {
		Indexed int
		Failed  []any
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("index --json: %v\n%s", err, out)
	}
	if sum.Indexed != 3 || len(sum.Failed) != 0 {
		t.Errorf("summary = %+v, want 3 indexed, none failed", sum)
	}
	var res struct{ Total int }
	if err := getJSON("http://"+addr+"/api/search?q=quillwort", &res); err != nil || res.Total != 1 {
		t.Errorf("search quillwort on the server: total %d, error %v; want 1", res.Total, err)
	}
	// The hand-off is refused without the token.
	resp, err := http.Post("http://"+addr+"/api/index", "application/json", strings.NewReader(`{"paths":["/"]}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("POST /api/index without the token: %s, want 401", resp.Status)
	}
}

// TestIndexWhileServingDiskFull: when the disk fills while the server runs a
// handed-off job, `dossier index` says so as a local run would (the server
// answers 507 with the job's message), not "internal server error".
func TestIndexWhileServingDiskFull(t *testing.T) {
	index := filepath.Join(t.TempDir(), "index")
	st, err := openStore(index, true) // the server's hold on the index
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ts := httptest.NewUnstartedServer(nil)
	token, remove, err := writeHandoff(index, ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer remove()
	full := fmt.Errorf("write batch to %s: %w", index, &fs.PathError{Op: "write", Path: filepath.Join(index, "bleve", "store", "000000000004.zap"), Err: syscall.ENOSPC})
	srv, err := server.New(st.Index, server.Options{
		Logger:      slog.New(slog.DiscardHandler),
		Ingest:      diskFullIngester{full},
		IngestToken: token,
	})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = srv.Handler()
	ts.Start()
	defer ts.Close()

	_, err = run(t, "--index", index, "index", t.TempDir())
	d, _ := indexer.DiskFull(full)
	want := "the server at " + ts.Listener.Addr().String() + " stopped the job: " + d.Error()
	if err == nil || err.Error() != want {
		t.Errorf("index while the server's disk is full: error %v, want %q", err, want)
	}
}

// diskFullIngester's jobs fail as the server's would on a full disk.
type diskFullIngester struct{ err error }

func (f diskFullIngester) Ingest(ctx context.Context, paths []string) (any, error) {
	if d, ok := indexer.DiskFull(f.err); ok {
		return nil, d
	}
	return nil, f.err
}

// startServer runs `dossier serve` on index until the test ends and returns its
// address once the server has written its hand-off file.
func startServer(t *testing.T, index string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := newRootCmd()
	cmd.SetArgs([]string{"--index", index, "serve", "--addr", "127.0.0.1:0"})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	served := make(chan error, 1)
	go func() { served <- cmd.ExecuteContext(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve returned %v after shutdown", err)
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		data, err := os.ReadFile(filepath.Join(index, "serve.json"))
		if err == nil {
			var h struct{ Addr string }
			if json.Unmarshal(data, &h) == nil && h.Addr != "" {
				return h.Addr
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the server wrote no serve.json within 30s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestOpenOriginal(t *testing.T) {
	for _, p := range []string{"corpus/text/2014-09-summit-resolution-2178-foreign-terrorist-fighters.txt", mustAbs(t, "../../indexer/testdata/docs/note.txt")} {
		f, err := openOriginal(p)
		if err != nil {
			t.Errorf("openOriginal(%q): %v", p, err)
			continue
		}
		data, _ := io.ReadAll(f)
		f.Close()
		if len(data) == 0 {
			t.Errorf("openOriginal(%q): empty", p)
		}
	}
	for _, p := range []string{"relative/path.txt", "corpus/../../etc/passwd", "corpus/nope.txt"} {
		if f, err := openOriginal(p); err == nil {
			f.Close()
			t.Errorf("openOriginal(%q) opened a file, want an error", p)
		}
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
