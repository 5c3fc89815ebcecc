package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"dossier/corpus"
	"dossier/indexer"
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

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	ctx, cancel := context.WithCancel(context.Background())
	cmd := newRootCmd()
	cmd.SetArgs([]string{"--index", filepath.Join(t.TempDir(), "index"), "serve", "--addr", addr})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	served := make(chan error, 1)
	go func() { served <- cmd.ExecuteContext(ctx) }()
	defer func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("serve returned %v after shutdown", err)
		}
	}()

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
