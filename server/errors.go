package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"syscall"

	"github.com/labstack/echo/v4"

	"dossier/internal/lists"
	"dossier/internal/search"
)

// classify maps an error from a handler to the status and the message a client
// sees. It is the one table of application errors to HTTP statuses: bad input is
// the client's to fix and says why; a missing document is a 404; everything else
// is ours, and its details stay in the log (internal=true) rather than leaking
// index paths or Bleve internals to the client.
func classify(err error) (status int, msg string, internal bool) {
	var he *echo.HTTPError
	switch {
	case errors.Is(err, search.ErrBadQuery):
		return http.StatusBadRequest, err.Error(), false
	case errors.Is(err, search.ErrNotFound):
		return http.StatusNotFound, err.Error(), false
	case errors.Is(err, ErrBadPaths):
		return http.StatusBadRequest, err.Error(), false
	case errors.Is(err, ErrBusy):
		return http.StatusConflict, err.Error(), false
	case errors.Is(err, lists.ErrInvalid):
		return http.StatusBadRequest, err.Error(), false
	case errors.Is(err, lists.ErrNotFound):
		return http.StatusNotFound, err.Error(), false
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		// Not a bug: the operator can fix it, so say what it is. An indexing
		// job's message (the command line's, for the holder of its token)
		// says what was kept and what to do; anywhere else the error names
		// files of the data folder, which stay in the log.
		msg := "the disk holding the index is full; free some space and try again"
		if _, ok := errors.AsType[*jobError](err); ok {
			msg = err.Error()
		}
		return http.StatusInsufficientStorage, msg, true
	case errors.Is(err, search.ErrCorrupt):
		// Searching may still work; the log says what is wrong, with paths
		// a client need not see.
		return http.StatusServiceUnavailable, "this answer needs a part of the index that is damaged or out of date; the server's log says what to do", true
	case errors.Is(err, lists.ErrLocked):
		return http.StatusServiceUnavailable, err.Error(), true
	case errors.As(err, &he):
		msg := http.StatusText(he.Code)
		if m, ok := he.Message.(string); ok && m != "" {
			msg = m
		}
		return he.Code, msg, he.Code >= 500
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads the answer, and it is not a
		// server fault worth an error log line.
		return 499, "request cancelled", false
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "the search took too long; try a narrower query", true
	default:
		return http.StatusInternalServerError, "internal server error", true
	}
}

// handleError is Echo's HTTPErrorHandler: every error a handler or middleware
// returns ends here. API routes answer {"error": "..."}; pages answer the error
// page.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		// Too late to change the status; the body may already be half sent.
		s.log.Warn("error after response started", "path", c.Request().URL.Path, "err", err)
		return
	}
	status, msg, internal := classify(err)
	req := c.Request()
	if internal {
		s.log.LogAttrs(req.Context(), slog.LevelError, "request failed",
			slog.String("method", req.Method),
			slog.String("path", req.URL.Path),
			slog.Int("status", status),
			slog.String("err", err.Error()))
	}
	var werr error
	switch {
	case req.Method == http.MethodHead:
		werr = c.NoContent(status)
	case isAPI(req.URL.Path):
		werr = c.JSON(status, errorJSON{Error: msg})
	default:
		werr = s.renderError(c, status, msg)
	}
	if werr != nil {
		s.log.Warn("writing error response", "path", req.URL.Path, "err", werr)
	}
}

// errorJSON is the body of every API error, as the contract says.
type errorJSON struct {
	Error string `json:"error"`
}

// isAPI tells the routes whose clients are programs (JSON errors) from the pages
// (HTML errors).
func isAPI(path string) bool {
	return strings.HasPrefix(path, "/api/") || path == "/healthz"
}

// renderError renders the error page. If even that fails (it cannot, barring a
// bug: the template was checked at start-up), fall back to plain text so the
// client still gets the status.
func (s *Server) renderError(c echo.Context, status int, msg string) error {
	view := errorView{
		base:    s.base(c, http.StatusText(status)),
		Status:  status,
		Message: msg,
	}
	if status == http.StatusNotFound {
		view.Hint = "The page or document you asked for is not in the index. It may have been removed, or the link may be mistyped."
	}
	if err := s.render(c, status, "error", view); err != nil {
		return c.String(status, fmt.Sprintf("%d %s: %s\n", status, http.StatusText(status), msg))
	}
	return nil
}
