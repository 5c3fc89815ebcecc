package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"

	"dossier/indexer"
	"dossier/server"
)

// One process owns an index. While `dossier serve` runs, it writes serve.json
// into the index folder (readable by its user only) with its address and a
// token; `dossier index`, finding the index locked, hands its paths to the
// server over POST /api/index with that token, and the server indexes them with
// the same pipeline while it goes on answering searches.

// handoff is serve.json.
type handoff struct {
	Addr  string `json:"addr"`
	PID   int    `json:"pid"`
	Token string `json:"token"`
}

func handoffPath(indexDir string) string { return filepath.Join(indexDir, "serve.json") }

// writeHandoff records where the server listens; the returned func removes it.
func writeHandoff(indexDir, addr string) (token string, remove func(), err error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	token = hex.EncodeToString(b)
	data, err := json.Marshal(handoff{Addr: addr, PID: os.Getpid(), Token: token})
	if err != nil {
		return "", nil, err
	}
	p := handoffPath(indexDir)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		return "", nil, fmt.Errorf("write %s: %w", p, err)
	}
	return token, func() { os.Remove(p) }, nil
}

// ingester runs indexing jobs inside the server process, one at a time.
type ingester struct {
	st *store
	mu sync.Mutex
}

var _ server.Ingester = (*ingester)(nil)

// Ingest indexes paths on disk; see server.Ingester.
func (in *ingester) Ingest(ctx context.Context, paths []string) (any, error) {
	var sources []indexer.Source
	for _, p := range paths {
		src, err := indexer.DirSource(p)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", server.ErrBadPaths, err)
		}
		sources = append(sources, src)
	}
	return in.run(ctx, sources...)
}

// run indexes sources unless another run holds the index's writer.
func (in *ingester) run(ctx context.Context, sources ...indexer.Source) (*indexer.Summary, error) {
	if !in.mu.TryLock() {
		return nil, server.ErrBusy
	}
	defer in.mu.Unlock()
	sum, err := indexer.New(in.st.Index, in.st.Manifest, indexer.Options{Limits: limits()}).Run(ctx, sources...)
	if d, ok := indexer.DiskFull(err); ok {
		// It matches syscall.ENOSPC: the server answers 507 with its message.
		return sum, d
	}
	return sum, err
}

// indexRemotely hands paths to the server that holds the index in indexDir.
// It returns errNoServer when no server says it is there.
func indexRemotely(ctx context.Context, indexDir string, paths []string) (*indexer.Summary, string, error) {
	data, err := os.ReadFile(handoffPath(indexDir))
	if err != nil {
		return nil, "", errNoServer
	}
	var h handoff
	if err := json.Unmarshal(data, &h); err != nil || h.Addr == "" {
		return nil, "", errNoServer
	}
	var abs []string
	for _, p := range paths {
		a, err := filepath.Abs(p)
		if err != nil {
			return nil, "", err
		}
		abs = append(abs, a)
	}
	body, _ := json.Marshal(map[string][]string{"paths": abs})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+h.Addr+"/api/index", bytes.NewReader(body))
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+h.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("%w (%v)", errNoServer, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error string }
		json.NewDecoder(resp.Body).Decode(&e)
		if resp.StatusCode == http.StatusInsufficientStorage && e.Error != "" {
			// The run started and the disk filled: the server's message
			// says what is kept and what to do, as a local run would.
			return nil, h.Addr, fmt.Errorf("the server at %s stopped the job: %s", h.Addr, e.Error)
		}
		return nil, h.Addr, fmt.Errorf("the server at %s refused the job: %s (%s)", h.Addr, e.Error, resp.Status)
	}
	var sum indexer.Summary
	if err := json.NewDecoder(resp.Body).Decode(&sum); err != nil {
		return nil, h.Addr, fmt.Errorf("the server at %s: %w", h.Addr, err)
	}
	return &sum, h.Addr, nil
}

var errNoServer = errors.New("no running server to hand the job to")
