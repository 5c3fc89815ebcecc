package server

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// Ingester runs an indexing job for the process that owns the index. Bleve lets
// one process write an index, so while the server runs, `dossier index` hands its
// paths to the server over POST /api/index instead of opening the index itself.
// The server does not know how indexing works: the command wires it in.
type Ingester interface {
	// Ingest indexes paths (files or folders on this machine) and returns the
	// run's summary, written to the client as JSON. It returns ErrBusy at once
	// when another run is under way, an error wrapping ErrBadPaths when a
	// path cannot be indexed at all (missing, not a file or folder), and one
	// matching syscall.ENOSPC when the disk fills, whose message the client
	// gets with a 507.
	Ingest(ctx context.Context, paths []string) (any, error)
}

// Errors an Ingester returns that are the client's to fix.
var (
	ErrBusy     = errors.New("an indexing run is already under way")
	ErrBadPaths = errors.New("bad paths")
)

// ingestRequest is the body of POST /api/index.
type ingestRequest struct {
	Paths []string `json:"paths"`
}

// maxIngestBody bounds the body of POST /api/index: a list of paths.
const maxIngestBody = 1 << 20

// apiIndex runs an indexing job. It is only for the local command line: it needs
// the token the server wrote into its index folder (readable by the same user
// only), so neither a web page in a browser nor another user can trigger it.
func (s *Server) apiIndex(c echo.Context) error {
	if s.ingest == nil || s.ingestToken == "" {
		return echo.NewHTTPError(http.StatusNotFound, "this server does not accept indexing jobs")
	}
	got := strings.TrimPrefix(c.Request().Header.Get("Authorization"), "Bearer ")
	if subtle.ConstantTimeCompare([]byte(got), []byte(s.ingestToken)) != 1 {
		return echo.NewHTTPError(http.StatusUnauthorized, "missing or wrong indexing token")
	}
	var req ingestRequest
	dec := json.NewDecoder(http.MaxBytesReader(c.Response(), c.Request().Body, maxIngestBody))
	if err := dec.Decode(&req); err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "body must be {\"paths\": [...]}: "+err.Error())
	}
	if len(req.Paths) == 0 {
		return echo.NewHTTPError(http.StatusBadRequest, "no paths to index")
	}
	// A large folder takes longer than the server's write timeout allows a
	// normal response; this one answers when the run ends.
	_ = http.NewResponseController(c.Response()).SetWriteDeadline(time.Time{})
	sum, err := s.ingest.Ingest(c.Request().Context(), req.Paths)
	if err != nil {
		return &jobError{err}
	}
	return c.JSON(http.StatusOK, sum)
}

// jobError marks an Ingester's error, so that classify may pass on what the
// command line wrote for its user (only the holder of the token gets it).
type jobError struct{ err error }

func (e *jobError) Error() string { return e.err.Error() }
func (e *jobError) Unwrap() error { return e.err }
