// Package server is Dossier's HTTP face: the JSON API of the contract in DESIGN.md
// (/api/search, /api/documents/{id}, /api/mentions and its CSV export, /healthz,
// reading lists) and the server-rendered web page built on it: search with facets
// and a year histogram, document pages, and entity pages with a timeline, the
// entities that appear alongside, and every mention.
//
// The server owns no index. It depends on the Searcher interface it declares, so the
// command wires in the real *search.Index and the tests a fake. Handlers are thin:
// a pure function turns the query string into a search.Request (request.go), the
// searcher answers, and the same result is written as JSON or rendered through a
// typed view model into an embedded html/template (pages.go). Every error a handler
// returns goes to one place, handleError, which picks the status and the shape.
//
// The server reads no files of its own either: a document's original file comes
// through the Originals hook, asked only for the path stored with the document.
package server

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/labstack/echo/v4"

	"dossier/internal/search"
)

// Searcher is what the server needs from an index. *search.Index implements it;
// declaring it here keeps the server ignorant of how the index is opened or built.
type Searcher interface {
	Search(ctx context.Context, req search.Request) (*search.Result, error)
	Document(ctx context.Context, id string) (*search.Document, error)
	Mentions(ctx context.Context, req search.MentionsRequest) (*search.MentionsResult, error)
	// Count reports how many documents the index holds; an error means the index
	// is not usable, which /healthz reports as 503.
	Count() (uint64, error)
}

// Options configure a Server. The zero value is usable.
type Options struct {
	// Logger receives request logs and the details of 5xx errors, which clients
	// only see as a generic message. Nil means slog.Default().
	Logger *slog.Logger
	// Indexing reports whether the index is still being built, so the pages can
	// say why results may be missing. It is called on every page view, so it
	// must be cheap and safe for concurrent use (an atomic.Bool's Load is ideal).
	// Nil means never.
	Indexing func() bool
	// Ingest, with IngestToken, enables POST /api/index, through which the
	// command line hands indexing jobs to the process that owns the index.
	// Requests must carry "Authorization: Bearer <IngestToken>".
	Ingest      Ingester
	IngestToken string
	// Originals opens the original file a document was indexed from, by the
	// path stored with it, for GET /documents/{id}/original. The server never
	// takes a path from a URL: it only passes the Path of a document it found
	// by id. Nil hides the link and answers that route 404.
	Originals func(path string) (io.ReadCloser, error)
	// Lists enables reading lists and saved searches (/lists, /api/lists,
	// /api/searches); nil answers those routes 404. See lists.go.
	Lists ListStore
	// Limits tune the rate limit, deadlines, body and header limits (harden.go);
	// the zero value means the defaults.
	Limits Limits
}

// Server serves the API and the web page over a Searcher.
type Server struct {
	s     Searcher
	log   *slog.Logger
	index func() bool
	pages map[string]*pageTemplate
	echo  *echo.Echo

	ingest      Ingester
	ingestToken string
	originals   func(path string) (io.ReadCloser, error)

	lists     ListStore
	listPages map[string]*pageTemplate

	limits Limits
}

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// New builds a Server over s. It parses every page template up front, so a missing
// or broken template fails here, at start-up, rather than on some user's request.
func New(s Searcher, opts Options) (*Server, error) {
	if s == nil {
		return nil, errors.New("server: nil Searcher")
	}
	srv := &Server{s: s, log: opts.Logger, index: opts.Indexing, ingest: opts.Ingest, ingestToken: opts.IngestToken, originals: opts.Originals}
	if srv.log == nil {
		srv.log = slog.Default()
	}
	srv.log = slog.New(requestIDHandler{srv.log.Handler()})
	srv.limits = opts.Limits.withDefaults()
	if srv.index == nil {
		srv.index = func() bool { return false }
	}
	pages, err := parsePages(templateFS)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	srv.pages = pages
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, fmt.Errorf("server: static assets: %w", err)
	}

	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = srv.handleError
	// logRequests is outermost so that it sees (and hands to handleError) the
	// errors of everything inside it, panics included.
	e.Use(requestID, srv.logRequests, securityHeaders, srv.recoverPanics)
	e.Use(srv.harden(srv.limits)...)

	// Every route answers HEAD as well as GET, for curl -I and uptime checks;
	// net/http drops the body.
	get := func(path string, h echo.HandlerFunc) { e.Match([]string{http.MethodGet, http.MethodHead}, path, h) }
	get("/healthz", srv.healthz)
	get("/api/search", srv.apiSearch)
	get("/api/documents/:id", srv.apiDocument)
	get("/api/mentions", srv.apiMentions)
	e.POST("/api/index", srv.apiIndex)

	get("/", srv.searchPage)
	get("/documents/:id", srv.documentPage)
	get("/documents/:id/original", srv.documentOriginal)
	// Entity ids contain slashes (S/RES/1373 (2001), date intervals), so the id
	// is the rest of the path, whether the slashes come escaped or not.
	get("/entities/:kind/*", srv.entityPage)
	e.StaticFS("/static", static)
	if err := srv.routeLists(e, opts.Lists); err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}

	srv.echo = e
	return srv, nil
}

// Handler returns the http.Handler serving every route.
func (s *Server) Handler() http.Handler { return s.echo }

// Timeouts for the http.Server that ListenAndServe runs. Searches are quick and
// pages small; the limits are there so that slow or idle clients cannot hold
// connections (and goroutines) forever.
const (
	readTimeout     = 30 * time.Second
	writeTimeout    = 60 * time.Second
	idleTimeout     = 2 * time.Minute
	shutdownTimeout = 10 * time.Second
)

// ListenAndServe listens on addr and serves until ctx is cancelled, then shuts
// down gracefully, giving requests in flight a few seconds to finish. It returns
// nil after a clean shutdown.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve is ListenAndServe on a listener the caller opened (tests use port 0). It
// closes ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: s.limits.ReadHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    1 << 20,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	s.log.Info("serving", "addr", ln.Addr().String())

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	// ctx is done, so shut down on a fresh context of our own: the grace period
	// must not be cancelled already.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// logRequests logs one line per request after it is answered.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			// Let the error handler write the response now, so the status
			// logged is the one the client gets.
			c.Error(err)
		}
		req := c.Request()
		s.log.LogAttrs(req.Context(), slog.LevelInfo, "request",
			slog.String("method", req.Method),
			slog.String("path", req.URL.Path),
			slog.Int("status", c.Response().Status),
			slog.Duration("took", time.Since(start)))
		return nil
	}
}

// recoverPanics turns a panic in a handler into an error (a logged 500) instead
// of a dropped connection. It is ours rather than Echo's middleware.Recover
// because that package pulls in a module (x/time) this one does not need.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			r := recover()
			if r == nil {
				return
			}
			if r == http.ErrAbortHandler {
				panic(r) // net/http's own way to abort a response; let it
			}
			s.log.Error("panic", "path", c.Request().URL.Path, "panic", r, "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", r)
		}()
		return next(c)
	}
}

// securityHeaders sets headers that cost nothing and close whole classes of holes:
// the pages load nothing but their own CSS and script, never run inline script,
// and cannot be framed.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		// For browsers older than frame-ancestors, and to keep other sites'
		// windows and pages from reaching into ours.
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		return next(c)
	}
}
