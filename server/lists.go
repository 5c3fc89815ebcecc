package server

// Reading lists and saved searches: the JSON API under /api/lists,
// /api/searches and the citation routes (lists_api.go), and the pages under
// /lists and /searches (lists_pages.go, with the partials other pages show in
// lists_partials.go). What both sides do with a search, saving it or making a
// list of its results, is in lists_search.go. This file holds the store
// interface, the routes and the helpers that read requests. The store is the
// ListStore interface below (the command wires in a *lists.Store); without
// one, every route here answers 404.
//
// Every state-changing route, API or form, goes through sameOrigin, which
// refuses browser requests that another site started (Origin or
// Sec-Fetch-Site say so), so that a page elsewhere cannot add to or delete a
// reader's lists. Scripts and curl send neither header and are let through.

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"dossier/internal/lists"
	"dossier/internal/search"
)

// ListStore is what the server needs from the reading-list store.
// *lists.Store implements it.
type ListStore interface {
	Lists() ([]lists.List, error)
	Get(id string) (lists.List, error)
	Create(name, description string) (lists.List, error)
	CreateFrom(name, description string, docs []*search.Document) (lists.List, error)
	Import(name, description string, items []lists.Item) (lists.List, error)
	Update(id string, p lists.Patch) (lists.List, error)
	Delete(id string) error
	Add(listID string, doc *search.Document, note string) (lists.Item, bool, error)
	Remove(listID, docID string) error
	SetNote(listID, docID, note string) (lists.Item, error)
	Move(listID, docID string, to int) (lists.List, error)
	Reorder(listID string, docIDs []string) (lists.List, error)
	Containing(docID string) ([]string, error)
	Relink(lookup func(lists.Item) (*search.Document, bool)) (int, []lists.ItemRef, error)

	SaveSearch(name string, req search.Request, seen []string) (lists.SavedSearch, error)
	GetSearch(id string) (lists.SavedSearch, error)
	SavedSearches() ([]lists.SavedSearch, error)
	DeleteSearch(id string) error
	MarkOpened(id string, current []string) (lists.SavedSearch, []string, error)
}

// pathFinder is the optional part of a Searcher that finds a document by the
// path it was indexed from (*search.Index has it). With it, an imported list's
// items are found again even when their document ids have changed.
type pathFinder interface {
	DocumentByPath(ctx context.Context, path string) (*search.Document, error)
}

// Limits on list requests.
const (
	maxListBody   = 1 << 20  // a JSON or form body
	maxImportBody = 16 << 20 // a CSL-JSON import: up to lists.MaxItems items
	// defaultSnapshot and maxSnapshot bound "make a list from these results".
	defaultSnapshot = 100
	maxSnapshot     = 1000
	// maxTracked bounds the result ids a saved search compares to find what is new.
	maxTracked = 1000
)

var errListsDisabled = echo.NewHTTPError(http.StatusNotFound, "reading lists are not enabled on this server")

// routeLists registers the list routes. It is called from New whether or not
// a store is configured, so the templates are checked at start-up either way.
func (s *Server) routeLists(e *echo.Echo, store ListStore) error {
	pages, err := parseListPages(templateFS)
	if err != nil {
		return err
	}
	s.lists, s.listPages = store, pages
	on := func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if s.lists == nil {
				return errListsDisabled
			}
			return next(c)
		}
	}
	get := func(path string, h echo.HandlerFunc) {
		e.Match([]string{http.MethodGet, http.MethodHead}, path, h, on)
	}
	// Cross-site browser requests are refused for every route (crossOrigin).
	change := func(method, path string, h echo.HandlerFunc) { e.Add(method, path, h, on) }

	get("/api/lists", s.apiLists)
	change(http.MethodPost, "/api/lists", s.apiCreateList)
	change(http.MethodPost, "/api/lists/import", s.apiImportList)
	change(http.MethodPost, "/api/lists/from-search", s.apiListFromSearch)
	get("/api/lists/:id", s.apiList)
	change(http.MethodPatch, "/api/lists/:id", s.apiUpdateList)
	change(http.MethodDelete, "/api/lists/:id", s.apiDeleteList)
	get("/api/lists/:id/items", s.apiListItems)
	change(http.MethodPost, "/api/lists/:id/items", s.apiAddItem)
	change(http.MethodPatch, "/api/lists/:id/items/:doc_id", s.apiUpdateItem)
	change(http.MethodDelete, "/api/lists/:id/items/:doc_id", s.apiRemoveItem)
	change(http.MethodPut, "/api/lists/:id/order", s.apiReorder)
	get("/api/lists/:id/export", s.apiExport)

	get("/api/searches", s.apiSearches)
	change(http.MethodPost, "/api/searches", s.apiSaveSearch)
	get("/api/searches/:id", s.apiSavedSearch)
	change(http.MethodDelete, "/api/searches/:id", s.apiDeleteSearch)
	get("/api/searches/:id/open", s.apiOpenSearch)

	// Citations need no store: they are answered with or without one.
	e.Match([]string{http.MethodGet, http.MethodHead}, "/api/documents/:id/cite", s.apiCiteDocument)
	e.Match([]string{http.MethodGet, http.MethodHead}, "/api/cite", s.apiCiteResolution)

	get("/lists", s.listsPage)
	change(http.MethodPost, "/lists", s.formCreateList)
	get("/lists/add", s.addPage)
	change(http.MethodPost, "/lists/add", s.formAdd)
	change(http.MethodPost, "/lists/from-search", s.formFromSearch)
	get("/lists/:id", s.listPage)
	change(http.MethodPost, "/lists/:id/edit", s.formEditList)
	get("/lists/:id/delete", s.deletePage)
	change(http.MethodPost, "/lists/:id/delete", s.formDeleteList)
	change(http.MethodPost, "/lists/:id/items", s.formAddItem)
	change(http.MethodPost, "/lists/:id/items/:doc_id/note", s.formNote)
	change(http.MethodPost, "/lists/:id/items/:doc_id/move", s.formMove)
	change(http.MethodPost, "/lists/:id/items/:doc_id/remove", s.formRemove)
	change(http.MethodPost, "/searches", s.formSaveSearch)
	get("/searches/:id", s.savedSearchPage)
	change(http.MethodPost, "/searches/:id/delete", s.formDeleteSearch)
	return nil
}

// ---- request bodies ----

// badRequest is a 400 with msg.
func badRequest(format string, args ...any) error {
	return echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf(format, args...))
}

// decodeJSON reads a JSON body of at most limit bytes into v. Unknown fields
// are refused, so a misspelt "nmae" is an error rather than silently ignored.
func decodeJSON(c echo.Context, limit int64, v any) error {
	if err := checkContentType(c, "application/json"); err != nil {
		return err
	}
	dec := json.NewDecoder(http.MaxBytesReader(c.Response(), c.Request().Body, limit))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return bodyError(err, limit)
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("malformed JSON body: more than one JSON value")
	}
	return nil
}

func bodyError(err error, limit int64) error {
	var mbe *http.MaxBytesError
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &mbe):
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge, fmt.Sprintf("body is larger than %d bytes", limit))
	case errors.Is(err, io.EOF):
		return badRequest("malformed JSON body: the body is empty")
	case errors.As(err, &se), errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("malformed JSON body: %v", err)
	case errors.As(err, &te):
		return badRequest("malformed JSON body: %s must be a %s, not a JSON %s", cmp.Or(te.Field, "the body"), te.Type, te.Value)
	}
	return badRequest("malformed JSON body: %v", strings.TrimPrefix(err.Error(), "json: "))
}

// tooLarge says whether err is a body's passing its http.MaxBytesReader limit.
func tooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// checkContentType refuses a body sent as something else than want (or one of
// also). A body without a Content-Type is read as want: scripts often omit it.
func checkContentType(c echo.Context, want string, also ...string) error {
	ct := c.Request().Header.Get("Content-Type")
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && (mt == want || slices.Contains(also, mt)) {
		return nil
	}
	return echo.NewHTTPError(http.StatusUnsupportedMediaType, fmt.Sprintf("Content-Type must be %s, not %q", want, ct))
}

// form reads a form body (a page's POST) of at most maxListBody bytes.
func form(c echo.Context) (url.Values, error) {
	req := c.Request()
	req.Body = http.MaxBytesReader(c.Response(), req.Body, maxListBody)
	if err := checkContentType(c, "application/x-www-form-urlencoded", "multipart/form-data"); err != nil {
		return nil, err
	}
	if err := req.ParseForm(); err != nil {
		if tooLarge(err) {
			return nil, bodyError(err, maxListBody)
		}
		return nil, badRequest("malformed form: %v", err)
	}
	return req.PostForm, nil
}

// ---- the path: a list, a saved search, an item ----
//
// Each reads the path before the body, so that a malformed path is reported
// first, as it always has been.

// idJSON reads the path's :id, then the JSON body (at most maxListBody bytes)
// into v.
func idJSON(c echo.Context, v any) (string, error) {
	id, err := pathParam(c, "id")
	if err != nil {
		return "", err
	}
	return id, decodeJSON(c, maxListBody, v)
}

// idForm reads the path's :id, then the page's form.
func idForm(c echo.Context) (string, url.Values, error) {
	id, err := pathParam(c, "id")
	if err != nil {
		return "", nil, err
	}
	f, err := form(c)
	return id, f, err
}

// itemPath reads the list and document ids of an item route
// (/…/lists/:id/items/:doc_id).
func itemPath(c echo.Context) (id, docID string, err error) {
	if id, err = pathParam(c, "id"); err != nil {
		return "", "", err
	}
	if docID, err = pathParam(c, "doc_id"); err != nil {
		return "", "", err
	}
	return id, docID, nil
}

// itemParams reads the list and document ids of an item route and its form.
func itemParams(c echo.Context) (id, docID string, f url.Values, err error) {
	if id, docID, err = itemPath(c); err != nil {
		return
	}
	f, err = form(c)
	return
}

// listParam is the list the path's :id names.
func (s *Server) listParam(c echo.Context) (lists.List, error) {
	id, err := pathParam(c, "id")
	if err != nil {
		return lists.List{}, err
	}
	return s.lists.Get(id)
}

// findItem is list id and the position in it of the item for docID; a
// document the list does not hold is lists.ErrNotFound.
func (s *Server) findItem(id, docID string) (lists.List, int, error) {
	l, err := s.lists.Get(id)
	if err != nil {
		return l, -1, err
	}
	i := itemIndex(l.Items, docID)
	if i < 0 {
		return l, -1, fmt.Errorf("list %q has no document %.40q: %w", l.Name, docID, lists.ErrNotFound)
	}
	return l, i, nil
}

// itemIndex is the position of docID's item in items, or -1.
func itemIndex(items []lists.Item, docID string) int {
	return slices.IndexFunc(items, func(it lists.Item) bool { return it.DocID == docID })
}

// ---- what the API and the pages do alike ----

// addItem checks the list, then finds the document in the index and adds it.
func (s *Server) addItem(ctx context.Context, listID, docID, note string) (lists.Item, bool, error) {
	docID = strings.TrimSpace(docID)
	if docID == "" {
		return lists.Item{}, false, badRequest("doc_id is required")
	}
	if len(docID) > maxIDLen {
		return lists.Item{}, false, badRequest("doc_id is longer than %d bytes", maxIDLen)
	}
	// An unknown list is the first thing to report, before the index is asked.
	if _, err := s.lists.Get(listID); err != nil {
		return lists.Item{}, false, err
	}
	doc, err := s.s.Document(ctx, docID)
	if err != nil {
		return lists.Item{}, false, err
	}
	return s.lists.Add(listID, doc, note)
}

// lookup finds the document a list item stands for now: by id, else by path.
func (s *Server) lookup(ctx context.Context) func(lists.Item) (*search.Document, bool) {
	pf, _ := s.s.(pathFinder)
	return func(it lists.Item) (*search.Document, bool) {
		if d, err := s.s.Document(ctx, it.DocID); err == nil {
			return d, true
		}
		if pf != nil && it.Path != "" {
			if d, err := pf.DocumentByPath(ctx, it.Path); err == nil {
				return d, true
			}
		}
		return nil, false
	}
}

func listURL(id string) string { return "/lists/" + url.PathEscape(id) }

func apiListURL(id string) string { return "/api/lists/" + url.PathEscape(id) }

func savedSearchURL(id string) string { return "/searches/" + url.PathEscape(id) }

func itemAnchor(docID string) string { return "item-" + docID }
