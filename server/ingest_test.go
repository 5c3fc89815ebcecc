package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
)

// failingIngester's job fails with err.
type failingIngester struct{ err error }

func (f failingIngester) Ingest(context.Context, []string) (any, error) { return nil, f.err }

// diskFullError stands for indexer.DiskFullError, which the server may not
// import: a message for the user that matches syscall.ENOSPC.
type diskFullError struct{ op string }

func (e *diskFullError) Error() string {
	return "the disk is full: indexing stopped; everything indexed before is kept and can be searched; free some space and run the same command again to finish (" + e.op + ")"
}

func (e *diskFullError) Is(target error) bool { return target == syscall.ENOSPC }

// TestIndexJobErrors: what POST /api/index answers when the job fails. A
// full disk is a 507 with the job's own message, not a generic 500.
func TestIndexJobErrors(t *testing.T) {
	full := &diskFullError{op: "write /data/bleve/store/000000000004.zap: no space left on device"}
	tests := []struct {
		name   string
		err    error
		status int
		msg    string
	}{
		{"disk full", full, http.StatusInsufficientStorage, full.Error()},
		{"disk full, wrapped", fmt.Errorf("run: %w", full), http.StatusInsufficientStorage, "run: " + full.Error()},
		{"quota", &fs.PathError{Op: "write", Path: "/data/manifest.db", Err: syscall.EDQUOT}, http.StatusInsufficientStorage, "write /data/manifest.db: disk quota exceeded"},
		{"busy", ErrBusy, http.StatusConflict, ErrBusy.Error()},
		{"bad paths", fmt.Errorf("%w: stat /nope: no such file or directory", ErrBadPaths), http.StatusBadRequest, "bad paths: stat /nope: no such file or directory"},
		{"anything else", errors.New("read /data/bleve/store: input/output error"), http.StatusInternalServerError, "internal server error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			srv, err := New(newFake(t), Options{
				Logger:      slog.New(slog.NewTextHandler(&logs, nil)),
				Ingest:      failingIngester{tc.err},
				IngestToken: "token",
			})
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest(http.MethodPost, "/api/index", strings.NewReader(`{"paths":["/docs"]}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer token")
			rec := httptest.NewRecorder()
			srv.Handler().ServeHTTP(rec, req)
			var body errorJSON
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %q: %v", rec.Body, err)
			}
			if rec.Code != tc.status || body.Error != tc.msg {
				t.Errorf("POST /api/index, job fails with %q: %d %q, want %d %q", tc.err, rec.Code, body.Error, tc.status, tc.msg)
			}
			// A full disk is the operator's to know of, in the log too.
			if tc.status >= 500 && !strings.Contains(logs.String(), "request failed") {
				t.Errorf("POST /api/index, job fails with %q: nothing logged:\n%s", tc.err, logs.String())
			}
		})
	}
}

// TestClassifyDiskFullElsewhere: a full disk under another route (a reading
// list written) is a 507 too, but its message names no file.
func TestClassifyDiskFullElsewhere(t *testing.T) {
	err := fmt.Errorf("create list %q: %w", "Visits", &fs.PathError{Op: "write", Path: "/home/me/.local/share/dossier/lists.db", Err: syscall.ENOSPC})
	status, msg, internal := classify(err)
	if status != http.StatusInsufficientStorage || strings.Contains(msg, "/") || !strings.Contains(msg, "disk") || !internal {
		t.Errorf("classify(%v) = %d, %q, %v; want 507, a message about the disk without its paths, logged", err, status, msg, internal)
	}
}
