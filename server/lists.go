package server

// Reading lists and saved searches: the JSON API under /api/lists,
// /api/searches and the citation routes, and the pages under /lists and
// /searches. The store is the ListStore interface below (the command wires in
// a *lists.Store); without one, every route here answers 404.
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
	"html/template"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
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

// listPageNames are the list pages, each templates/<name>.html over the layout
// and templates/lists_partials.html.
var listPageNames = []string{"lists", "list", "list_delete", "list_add", "saved_search"}

func parseListPages(fsys fs.FS) (map[string]*template.Template, error) {
	pages := map[string]*template.Template{}
	for _, name := range listPageNames {
		t, err := template.New(name).Funcs(templateFuncs).Funcs(listFuncs).ParseFS(fsys,
			"templates/layout.html", "templates/lists_partials.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("page %s: %w", name, err)
		}
		for _, block := range []string{"layout", "content", "addToList", "addToListLink", "citations", "searchToList"} {
			if t.Lookup(block) == nil {
				return nil, fmt.Errorf("page %s: no %q template", name, block)
			}
		}
		pages[name] = t
	}
	return pages, nil
}

var listFuncs = template.FuncMap{
	"inc": func(i int) int { return i + 1 },
}

// routeLists registers the list routes. It is called from New whether or not
// a store is configured, so the templates are checked at start-up either way.
func (s *Server) routeLists(e *echo.Echo, store ListStore) error {
	pages, err := parseListPages(templateFS)
	if err != nil {
		return err
	}
	s.lists, s.listPages = store, pages
	cop := http.NewCrossOriginProtection()
	same := func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if err := cop.Check(c.Request()); err != nil {
				return echo.NewHTTPError(http.StatusForbidden, "cross-site request refused: "+err.Error())
			}
			return next(c)
		}
	}
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
	change := func(method, path string, h echo.HandlerFunc) { e.Add(method, path, h, on, same) }

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
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, bodyError(err, maxListBody)
		}
		return nil, badRequest("malformed form: %v", err)
	}
	return req.PostForm, nil
}

// ---- JSON API: lists ----

type listsJSON struct {
	Lists []lists.List `json:"lists"`
}

func (s *Server) apiLists(c echo.Context) error {
	ls, err := s.lists.Lists()
	if err != nil {
		return err
	}
	if ls == nil {
		ls = []lists.List{}
	}
	return c.JSON(http.StatusOK, listsJSON{ls})
}

type createListRequest struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

func (s *Server) apiCreateList(c echo.Context) error {
	var req createListRequest
	if err := decodeJSON(c, maxListBody, &req); err != nil {
		return err
	}
	l, err := s.lists.Create(req.Name, req.Description)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Location", "/api/lists/"+url.PathEscape(l.ID))
	return c.JSON(http.StatusCreated, l)
}

func (s *Server) apiList(c echo.Context) error {
	l, err := s.listParam(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, l)
}

func (s *Server) apiListItems(c echo.Context) error {
	l, err := s.listParam(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, l.Items)
}

func (s *Server) listParam(c echo.Context) (lists.List, error) {
	id, err := pathParam(c, "id")
	if err != nil {
		return lists.List{}, err
	}
	return s.lists.Get(id)
}

func (s *Server) apiUpdateList(c echo.Context) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	var p lists.Patch
	if err := decodeJSON(c, maxListBody, &p); err != nil {
		return err
	}
	if p.Name == nil && p.Description == nil {
		return badRequest(`nothing to change: send "name" and/or "description"`)
	}
	l, err := s.lists.Update(id, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, l)
}

func (s *Server) apiDeleteList(c echo.Context) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.lists.Delete(id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type addItemRequest struct {
	DocID string `json:"doc_id"`
	Note  string `json:"note"`
}

// apiAddItem answers 201 with the new item, or 200 with the item already there.
func (s *Server) apiAddItem(c echo.Context) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	var req addItemRequest
	if err := decodeJSON(c, maxListBody, &req); err != nil {
		return err
	}
	it, added, err := s.addItem(c.Request().Context(), id, req.DocID, req.Note)
	if err != nil {
		return err
	}
	if added {
		return c.JSON(http.StatusCreated, it)
	}
	return c.JSON(http.StatusOK, it)
}

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

type updateItemRequest struct {
	Note     *string `json:"note"`
	Position *int    `json:"position"`
}

// apiUpdateItem changes an item's note and/or moves it to position (0-based),
// and answers the item.
func (s *Server) apiUpdateItem(c echo.Context) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	docID, err := pathParam(c, "doc_id")
	if err != nil {
		return err
	}
	var req updateItemRequest
	if err := decodeJSON(c, maxListBody, &req); err != nil {
		return err
	}
	if req.Note == nil && req.Position == nil {
		return badRequest(`nothing to change: send "note" and/or "position"`)
	}
	l, err := s.lists.Get(id)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(l.Items, func(it lists.Item) bool { return it.DocID == docID }) {
		return fmt.Errorf("list %q has no document %.40q: %w", l.Name, docID, lists.ErrNotFound)
	}
	// Check the position before changing the note, so that a bad request
	// changes nothing.
	if req.Position != nil && (*req.Position < 0 || *req.Position >= len(l.Items)) {
		return badRequest("position %d is outside the list (0 to %d)", *req.Position, len(l.Items)-1)
	}
	var it lists.Item
	if req.Note != nil {
		if it, err = s.lists.SetNote(id, docID, *req.Note); err != nil {
			return err
		}
	}
	if req.Position != nil {
		if l, err = s.lists.Move(id, docID, *req.Position); err != nil {
			return err
		}
		it = l.Items[slices.IndexFunc(l.Items, func(it lists.Item) bool { return it.DocID == docID })]
	}
	return c.JSON(http.StatusOK, it)
}

func (s *Server) apiRemoveItem(c echo.Context) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	docID, err := pathParam(c, "doc_id")
	if err != nil {
		return err
	}
	if err := s.lists.Remove(id, docID); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type reorderRequest struct {
	DocIDs []string `json:"doc_ids"`
}

func (s *Server) apiReorder(c echo.Context) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	var req reorderRequest
	if err := decodeJSON(c, maxListBody, &req); err != nil {
		return err
	}
	if req.DocIDs == nil {
		return badRequest(`send {"doc_ids": [...]} naming every item of the list in the new order`)
	}
	l, err := s.lists.Reorder(id, req.DocIDs)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, l)
}

func (s *Server) apiExport(c echo.Context) error {
	l, err := s.listParam(c)
	if err != nil {
		return err
	}
	format := c.QueryParam("format")
	if format == "" {
		return badRequest("format is required: ris, bibtex, csljson, markdown or csv")
	}
	data, f, err := lists.Export(l, format)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition",
		mime.FormatMediaType("attachment", map[string]string{"filename": lists.FileName(l, f)}))
	return c.Blob(http.StatusOK, f.ContentType, data)
}

// importJSON answers an import: the new list and how many entries of the file
// named no Dossier document (or could not be stored) and were skipped.
type importJSON struct {
	List    lists.List `json:"list"`
	Skipped int        `json:"skipped"`
}

// apiImportList reads a CSL-JSON export (the body) into a new list named by
// the name parameter, then relinks its items to the documents in the index.
func (s *Server) apiImportList(c echo.Context) error {
	if err := checkContentType(c, "application/json", "application/vnd.citationstyles.csl+json"); err != nil {
		return err
	}
	name := c.QueryParam("name")
	if strings.TrimSpace(name) == "" {
		return badRequest("name is required: POST /api/lists/import?name=...")
	}
	items, skipped, err := lists.ImportCSLJSON(http.MaxBytesReader(c.Response(), c.Request().Body, maxImportBody))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return bodyError(err, maxImportBody)
	}
	if err != nil {
		return err
	}
	l, err := s.lists.Import(name, c.QueryParam("description"), items)
	if err != nil {
		return err
	}
	if _, _, err := s.lists.Relink(s.lookup(c.Request().Context())); err != nil {
		return err
	}
	if l, err = s.lists.Get(l.ID); err != nil {
		return err
	}
	c.Response().Header().Set("Location", "/api/lists/"+url.PathEscape(l.ID))
	return c.JSON(http.StatusCreated, importJSON{l, skipped})
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

// searchSpec is a search as the JSON API takes it for saved searches and for
// lists made from results: the parameters of /api/search as fields.
type searchSpec struct {
	Name        string              `json:"name"`
	Description string              `json:"description"`
	Q           string              `json:"q"`
	Filters     map[string][]string `json:"filters"`
	From        string              `json:"from"`
	To          string              `json:"to"`
	Sort        string              `json:"sort"`
	// Limit caps the documents a list from results takes (default 100, at most 1000).
	Limit int `json:"limit"`
}

// values writes the spec as the query string /api/search would get, so that one
// parser (parseSearchRequest) checks both.
func (sp searchSpec) values() (url.Values, error) {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("q", sp.Q)
	set("from", sp.From)
	set("to", sp.To)
	set("sort", sp.Sort)
	for k, ids := range sp.Filters {
		if !slices.Contains(search.FacetNames, k) {
			return nil, badRequest("unknown filter %.40q; filters are %s", k, strings.Join(search.FacetNames, ", "))
		}
		v[k] = ids
	}
	return v, nil
}

// specFromForm reads a search spec from a page's form: the search page's own
// parameter names (q, resolution=..., from, to, sort) plus name and limit.
func specFromForm(f url.Values) (searchSpec, error) {
	sp := searchSpec{Name: f.Get("name"), Description: f.Get("description"), Q: f.Get("q"),
		From: f.Get("from"), To: f.Get("to"), Sort: f.Get("sort"), Filters: map[string][]string{}}
	for _, k := range search.FacetNames {
		if len(f[k]) > 0 {
			sp.Filters[k] = f[k]
		}
	}
	if l := strings.TrimSpace(f.Get("limit")); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil {
			return sp, badRequest("limit must be a whole number, not %q", l)
		}
		sp.Limit = n
	}
	return sp, nil
}

func (sp searchSpec) request() (search.Request, error) {
	v, err := sp.values()
	if err != nil {
		return search.Request{}, err
	}
	return parseSearchRequest(v)
}

func (s *Server) apiListFromSearch(c echo.Context) error {
	var sp searchSpec
	if err := decodeJSON(c, maxListBody, &sp); err != nil {
		return err
	}
	l, err := s.listFromSearch(c.Request().Context(), sp)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Location", "/api/lists/"+url.PathEscape(l.ID))
	return c.JSON(http.StatusCreated, l)
}

// listFromSearch snapshots up to sp.Limit results of a search into a new list,
// in the order of the results.
func (s *Server) listFromSearch(ctx context.Context, sp searchSpec) (lists.List, error) {
	req, err := sp.request()
	if err != nil {
		return lists.List{}, err
	}
	limit := sp.Limit
	switch {
	case limit == 0:
		limit = defaultSnapshot
	case limit < 0 || limit > maxSnapshot:
		return lists.List{}, badRequest("limit must be from 1 to %d, not %d", maxSnapshot, limit)
	}
	// Check the name before running the search: a bad name should cost nothing.
	if strings.TrimSpace(sp.Name) == "" {
		return lists.List{}, badRequest("list name is empty")
	}
	ids, _, err := s.resultIDs(ctx, req, limit)
	if err != nil {
		return lists.List{}, err
	}
	docs := make([]*search.Document, 0, len(ids))
	for _, id := range ids {
		d, err := s.s.Document(ctx, id)
		if errors.Is(err, search.ErrNotFound) {
			continue // removed by a re-index since the search ran
		}
		if err != nil {
			return lists.List{}, err
		}
		docs = append(docs, d)
	}
	return s.lists.CreateFrom(sp.Name, sp.Description, docs)
}

// resultIDs runs req from its first page and returns the ids of up to limit
// hits, in result order, with the total.
func (s *Server) resultIDs(ctx context.Context, req search.Request, limit int) ([]string, uint64, error) {
	var ids []string
	req.Size = search.MaxSize
	var total uint64
	for page := 1; len(ids) < limit; page++ {
		req.Page = page
		res, err := s.s.Search(ctx, req)
		if err != nil {
			return nil, 0, err
		}
		total = res.Total
		for _, h := range res.Hits {
			if len(ids) < limit {
				ids = append(ids, h.ID)
			}
		}
		if len(res.Hits) < req.Size || uint64(page*req.Size) >= res.Total {
			break
		}
	}
	return ids, total, nil
}

// ---- JSON API: saved searches ----

// savedJSON is a saved search as the API answers it: without the ids it has
// seen, which are its own business and may be a thousand.
type savedJSON struct {
	lists.SavedSearch
	Seen []string `json:"seen,omitempty"`
}

func savedOut(ss lists.SavedSearch) savedJSON { return savedJSON{SavedSearch: ss} }

func (s *Server) apiSearches(c echo.Context) error {
	all, err := s.lists.SavedSearches()
	if err != nil {
		return err
	}
	out := make([]savedJSON, len(all))
	for i, ss := range all {
		out[i] = savedOut(ss)
	}
	return c.JSON(http.StatusOK, map[string][]savedJSON{"searches": out})
}

func (s *Server) apiSaveSearch(c echo.Context) error {
	var sp searchSpec
	if err := decodeJSON(c, maxListBody, &sp); err != nil {
		return err
	}
	ss, err := s.saveSearch(c.Request().Context(), sp)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Location", "/api/searches/"+url.PathEscape(ss.ID))
	return c.JSON(http.StatusCreated, savedOut(ss))
}

// saveSearch runs the search once (so a bad query is refused now, not when it
// is opened) and keeps it with the results seen so far.
func (s *Server) saveSearch(ctx context.Context, sp searchSpec) (lists.SavedSearch, error) {
	req, err := sp.request()
	if err != nil {
		return lists.SavedSearch{}, err
	}
	if strings.TrimSpace(sp.Name) == "" {
		return lists.SavedSearch{}, badRequest("saved search name is empty")
	}
	ids, _, err := s.resultIDs(ctx, req, maxTracked)
	if err != nil {
		return lists.SavedSearch{}, err
	}
	return s.lists.SaveSearch(sp.Name, req, ids)
}

func (s *Server) apiSavedSearch(c echo.Context) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	ss, err := s.lists.GetSearch(id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, savedOut(ss))
}

func (s *Server) apiDeleteSearch(c echo.Context) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.lists.DeleteSearch(id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// openedJSON answers GET /api/searches/:id/open: the saved search, a page of
// its results now, and the ids of the documents new since it was last opened.
type openedJSON struct {
	Search savedJSON      `json:"search"`
	Result *search.Result `json:"result"`
	New    []string       `json:"new"`
}

func (s *Server) apiOpenSearch(c echo.Context) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	ss, res, fresh, err := s.openSearch(c.Request().Context(), id, c.QueryParams())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, openedJSON{savedOut(ss), normalizeResult(res), fresh})
}

// openSearch runs a saved search (page and size from v), records what it
// matches now and returns what is new since it was last opened.
func (s *Server) openSearch(ctx context.Context, id string, v url.Values) (lists.SavedSearch, *search.Result, []string, error) {
	ss, err := s.lists.GetSearch(id)
	if err != nil {
		return ss, nil, nil, err
	}
	req := ss.Request()
	if req.Page, req.Size, err = parsePaging(v); err != nil {
		return ss, nil, nil, err
	}
	res, err := s.s.Search(ctx, req)
	if err != nil {
		return ss, nil, nil, err
	}
	ids, _, err := s.resultIDs(ctx, ss.Request(), maxTracked)
	if err != nil {
		return ss, nil, nil, err
	}
	ss, fresh, err := s.lists.MarkOpened(id, ids)
	return ss, res, fresh, err
}

// ---- citations ----

type citationJSON struct {
	Style string `json:"style"`
	Text  string `json:"text"`
}

func (s *Server) apiCiteDocument(c echo.Context) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	doc, err := s.s.Document(c.Request().Context(), id)
	if err != nil {
		return err
	}
	style := cmp.Or(c.QueryParam("style"), lists.StyleUN)
	text, err := lists.CiteDocument(doc, style)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, citationJSON{style, text})
}

func (s *Server) apiCiteResolution(c echo.Context) error {
	res := c.QueryParam("resolution")
	if strings.TrimSpace(res) == "" {
		return badRequest("resolution is required, e.g. /api/cite?resolution=S/RES/1373+(2001)&style=oscola")
	}
	if len(res) > maxIDLen {
		return badRequest("resolution is longer than %d bytes", maxIDLen)
	}
	style := cmp.Or(c.QueryParam("style"), lists.StyleUN)
	text, err := lists.CiteResolution(res, style)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, citationJSON{style, text})
}

// ---- view models shared with the other pages ----

// citationView is one citation as a page shows it.
type citationView struct {
	Style, Label, Text string
}

var styleLabels = map[string]string{lists.StyleUN: "UN", lists.StyleOSCOLA: "OSCOLA", lists.StyleBluebook: "Bluebook"}

func citeAll(cite func(style string) (string, error)) []citationView {
	var out []citationView
	for _, st := range lists.Styles {
		if t, err := cite(st); err == nil {
			out = append(out, citationView{Style: st, Label: styleLabels[st], Text: t})
		}
	}
	return out
}

// documentCitations are a document's citations in every style, for the
// document page's "citations" partial.
func documentCitations(doc *search.Document) []citationView {
	return citeAll(func(st string) (string, error) { return lists.CiteDocument(doc, st) })
}

// resolutionCitations are a resolution's citations in every style, for the
// entity page; nil for other kinds.
func resolutionCitations(kind, id string) []citationView {
	if kind != "resolution" {
		return nil
	}
	return citeAll(func(st string) (string, error) { return lists.CiteResolution(id, st) })
}

// addToListView is the "addToList" partial's model: a form that adds one
// document to a list of the reader's choice, or to a new list.
type addToListView struct {
	DocID string
	Lists []listChoice
	// Back is where to return after adding (the page the form is on).
	Back string
}

type listChoice struct {
	ID, Name string
	Has      bool // the list holds the document already
}

// addToListFor builds the add-to-list control for a document on the page c
// shows; nil when the server has no list store (the partial then shows
// nothing).
func (s *Server) addToListFor(c echo.Context, docID string) *addToListView {
	if s.lists == nil {
		return nil
	}
	v := &addToListView{DocID: docID, Back: localURL(c.Request().URL.RequestURI())}
	ls, err := s.lists.Lists()
	if err != nil {
		s.log.Warn("reading lists for the add-to-list control", "err", err)
		return v
	}
	for _, l := range ls {
		has := slices.ContainsFunc(l.Items, func(it lists.Item) bool { return it.DocID == docID })
		v.Lists = append(v.Lists, listChoice{ID: l.ID, Name: l.Name, Has: has})
	}
	return v
}

// searchToListView is the "searchToList" partial's model: the forms that save
// the search shown and make a list of its results.
type searchToListView struct {
	Fields []hiddenField // the search, as hidden form fields
	Total  uint64
	Limit  int
}

type hiddenField struct{ Name, Value string }

// searchToListFor builds the save-search and results-to-list forms for the
// search req, which matched total documents; nil without a list store.
func (s *Server) searchToListFor(req search.Request, total uint64) *searchToListView {
	if s.lists == nil {
		return nil
	}
	v := &searchToListView{Total: total, Limit: int(min(total, defaultSnapshot))}
	add := func(k, val string) {
		if val != "" {
			v.Fields = append(v.Fields, hiddenField{k, val})
		}
	}
	add("q", req.Query)
	for _, name := range search.FacetNames {
		for _, id := range req.Filters[name] {
			add(name, id)
		}
	}
	add("from", req.From)
	add("to", req.To)
	add("sort", req.Sort)
	return v
}

// localURL returns u when it is a path on this site, else "": a "back" value
// from a form must not send the reader to another site.
func localURL(u string) string {
	if !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") || strings.HasPrefix(u, `/\`) || len(u) > 4000 {
		return ""
	}
	return u
}

// ---- pages ----

func (s *Server) renderList(c echo.Context, status int, page string, view any) error {
	t, ok := s.listPages[page]
	if !ok {
		return fmt.Errorf("render: no page %q", page)
	}
	var buf strings.Builder
	if err := t.ExecuteTemplate(&buf, "layout", view); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	return c.HTMLBlob(status, []byte(buf.String()))
}

// redirect answers a form post with 303 See Other, so that reloading the page
// that follows does not post again.
func redirect(c echo.Context, to string) error { return c.Redirect(http.StatusSeeOther, to) }

func listURL(id string) string { return "/lists/" + url.PathEscape(id) }

func itemAnchor(docID string) string { return "item-" + docID }

type listSummary struct {
	ID, Name, Description, Href string
	Count                       int
}

type savedView struct {
	ID, Name, Href, SearchURL, Summary, LastOpened string
}

type listsView struct {
	base
	Lists    []listSummary
	Searches []savedView
}

func (s *Server) listsPage(c echo.Context) error {
	ls, err := s.lists.Lists()
	if err != nil {
		return err
	}
	ss, err := s.lists.SavedSearches()
	if err != nil {
		return err
	}
	v := listsView{base: s.base(c, "Reading lists")}
	for _, l := range ls {
		v.Lists = append(v.Lists, listSummary{ID: l.ID, Name: l.Name, Description: l.Description, Href: listURL(l.ID), Count: len(l.Items)})
	}
	for _, x := range ss {
		v.Searches = append(v.Searches, savedSummary(x))
	}
	return s.renderList(c, http.StatusOK, "lists", v)
}

func savedSummary(x lists.SavedSearch) savedView {
	req := x.Request()
	var parts []string
	if req.Query != "" {
		parts = append(parts, "“"+req.Query+"”")
	}
	for _, name := range search.FacetNames {
		if ids := req.Filters[name]; len(ids) > 0 {
			parts = append(parts, kindLabel(name)+": "+strings.Join(ids, ", "))
		}
	}
	if req.From != "" {
		parts = append(parts, "from "+req.From)
	}
	if req.To != "" {
		parts = append(parts, "to "+req.To)
	}
	if len(parts) == 0 {
		parts = append(parts, "all documents")
	}
	return savedView{
		ID: x.ID, Name: x.Name, Href: "/searches/" + url.PathEscape(x.ID),
		SearchURL: searchURL(requestValues(req)), Summary: strings.Join(parts, "; "),
		LastOpened: x.LastOpened.Format("2006-01-02 15:04 UTC"),
	}
}

type itemView struct {
	DocID, Anchor, Title, Href, Date, Type, Note, Added, Path string
	Position                                                  int // 0-based
	First, Last                                               bool
	Citations                                                 []citationView
	NoteAction, MoveAction, RemoveAction                      string
}

type exportLink struct{ Name, Label, Href string }

type listView struct {
	base
	ID, Name, Description, Action, EditAction, DeleteHref, AddAction, JSONURL string
	Items                                                                     []itemView
	Exports                                                                   []exportLink
	// The "find documents to add" search on the list page.
	FindQuery string
	Found     []foundView
	Searched  bool
}

type foundView struct {
	DocID, Title, Href, Date string
	Has                      bool
}

var formatLabels = map[string]string{"ris": "RIS", "bibtex": "BibTeX", "csljson": "CSL-JSON", "markdown": "Markdown", "csv": "CSV"}

func (s *Server) listPage(c echo.Context) error {
	l, err := s.listParam(c)
	if err != nil {
		return err
	}
	v := buildListView(l)
	v.base = s.base(c, l.Name)
	// "Find documents to add": a plain search whose hits carry Add buttons.
	if q := strings.TrimSpace(c.QueryParam("find")); q != "" {
		req, err := parseSearchRequest(url.Values{"q": {q}})
		if err != nil {
			return err
		}
		res, err := s.s.Search(c.Request().Context(), req)
		if err != nil {
			return err
		}
		v.FindQuery, v.Searched = q, true
		for _, h := range res.Hits {
			has := slices.ContainsFunc(l.Items, func(it lists.Item) bool { return it.DocID == h.ID })
			v.Found = append(v.Found, foundView{DocID: h.ID, Title: cmp.Or(h.Title, h.ID), Href: documentURL(h.ID), Date: h.Date, Has: has})
		}
	}
	return s.renderList(c, http.StatusOK, "list", v)
}

func buildListView(l lists.List) listView {
	base := listURL(l.ID)
	v := listView{
		ID: l.ID, Name: l.Name, Description: l.Description, Action: base,
		EditAction: base + "/edit", DeleteHref: base + "/delete", AddAction: base + "/items",
		JSONURL: "/api/lists/" + url.PathEscape(l.ID),
	}
	for _, f := range lists.Formats {
		v.Exports = append(v.Exports, exportLink{Name: f.Name, Label: formatLabels[f.Name],
			Href: "/api/lists/" + url.PathEscape(l.ID) + "/export?format=" + f.Name})
	}
	for i, it := range l.Items {
		item := base + "/items/" + url.PathEscape(it.DocID)
		v.Items = append(v.Items, itemView{
			DocID: it.DocID, Anchor: itemAnchor(it.DocID), Title: cmp.Or(it.Title, it.DocID),
			Href: documentURL(it.DocID), Date: it.Date, Type: typeLabel(it.Type), Note: it.Note,
			Added: it.Added.Format("2006-01-02"), Path: it.Path,
			Position: i, First: i == 0, Last: i == len(l.Items)-1,
			Citations:  citeAll(func(st string) (string, error) { return lists.Cite(it, st) }),
			NoteAction: item + "/note", MoveAction: item + "/move", RemoveAction: item + "/remove",
		})
	}
	return v
}

func (s *Server) formCreateList(c echo.Context) error {
	f, err := form(c)
	if err != nil {
		return err
	}
	l, err := s.lists.Create(f.Get("name"), f.Get("description"))
	if err != nil {
		return err
	}
	return redirect(c, listURL(l.ID))
}

func (s *Server) formEditList(c echo.Context) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	f, err := form(c)
	if err != nil {
		return err
	}
	name, desc := f.Get("name"), f.Get("description")
	if _, err := s.lists.Update(id, lists.Patch{Name: &name, Description: &desc}); err != nil {
		return err
	}
	return redirect(c, listURL(id))
}

type deleteView struct {
	base
	Name, Action, Cancel string
	Count                int
}

func (s *Server) deletePage(c echo.Context) error {
	l, err := s.listParam(c)
	if err != nil {
		return err
	}
	return s.renderList(c, http.StatusOK, "list_delete", deleteView{
		base: s.base(c, "Delete "+l.Name), Name: l.Name, Count: len(l.Items),
		Action: listURL(l.ID) + "/delete", Cancel: listURL(l.ID),
	})
}

func (s *Server) formDeleteList(c echo.Context) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	if _, err := form(c); err != nil {
		return err
	}
	if err := s.lists.Delete(id); err != nil {
		return err
	}
	return redirect(c, "/lists")
}

func (s *Server) formAddItem(c echo.Context) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	f, err := form(c)
	if err != nil {
		return err
	}
	it, _, err := s.addItem(c.Request().Context(), id, f.Get("doc_id"), f.Get("note"))
	if err != nil {
		return err
	}
	if back := localURL(f.Get("back")); back != "" {
		return redirect(c, back)
	}
	return redirect(c, listURL(id)+"#"+itemAnchor(it.DocID))
}

// itemParams reads the list and document ids of an item route and its form.
func itemParams(c echo.Context) (id, docID string, f url.Values, err error) {
	if id, err = pathParam(c, "id"); err != nil {
		return
	}
	if docID, err = pathParam(c, "doc_id"); err != nil {
		return
	}
	f, err = form(c)
	return
}

func (s *Server) formNote(c echo.Context) error {
	id, docID, f, err := itemParams(c)
	if err != nil {
		return err
	}
	if _, err := s.lists.SetNote(id, docID, f.Get("note")); err != nil {
		return err
	}
	return redirect(c, listURL(id)+"#"+itemAnchor(docID))
}

// formMove moves an item one place up or down, or to position (1-based, as
// the page numbers items).
func (s *Server) formMove(c echo.Context) error {
	id, docID, f, err := itemParams(c)
	if err != nil {
		return err
	}
	l, err := s.lists.Get(id)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(l.Items, func(it lists.Item) bool { return it.DocID == docID })
	if i < 0 {
		return fmt.Errorf("list %q has no document %.40q: %w", l.Name, docID, lists.ErrNotFound)
	}
	to := i
	switch d := f.Get("to"); d {
	case "up":
		to = max(i-1, 0)
	case "down":
		to = min(i+1, len(l.Items)-1)
	default:
		n, err := strconv.Atoi(d)
		if err != nil {
			return badRequest("to must be up, down or a position from 1, not %q", d)
		}
		to = n - 1
	}
	if to != i {
		if _, err := s.lists.Move(id, docID, to); err != nil {
			return err
		}
	}
	return redirect(c, listURL(id)+"#"+itemAnchor(docID))
}

func (s *Server) formRemove(c echo.Context) error {
	id, docID, _, err := itemParams(c)
	if err != nil {
		return err
	}
	if err := s.lists.Remove(id, docID); err != nil {
		return err
	}
	return redirect(c, listURL(id))
}

// addView is the page behind the add-to-list links of search results: one
// document, the lists to put it in, and after adding, which list took it.
type addView struct {
	base
	DocTitle, DocHref string
	Control           *addToListView
	Added             *listSummary
	Back              string
}

func (s *Server) addPage(c echo.Context) error {
	docID := strings.TrimSpace(c.QueryParam("doc_id"))
	if docID == "" {
		return badQuery("doc_id is required")
	}
	doc, err := s.s.Document(c.Request().Context(), docID)
	if err != nil {
		return err
	}
	back := localURL(c.QueryParam("back"))
	if back == "" {
		// The search page links here without its own URL; the Referer (sent
		// for same-origin links under the Referrer-Policy) brings it back.
		if r, err := url.Parse(c.Request().Referer()); err == nil && r.Host == c.Request().Host {
			back = localURL(r.RequestURI())
		}
	}
	v := addView{base: s.base(c, "Add to a list"), DocTitle: cmp.Or(doc.Title, doc.ID), DocHref: documentURL(doc.ID), Back: back}
	v.Control = s.addToListFor(c, doc.ID)
	v.Control.Back = back // after adding, the page that follows links back there
	if added := c.QueryParam("added"); added != "" {
		if l, err := s.lists.Get(added); err == nil {
			v.Added = &listSummary{ID: l.ID, Name: l.Name, Href: listURL(l.ID), Count: len(l.Items)}
		}
	}
	return s.renderList(c, http.StatusOK, "list_add", v)
}

// formAdd handles the addToList partial: add doc_id to list_id, or to a new
// list called new_name, then go back (or to the add page, which says where it
// went).
func (s *Server) formAdd(c echo.Context) error {
	f, err := form(c)
	if err != nil {
		return err
	}
	docID := strings.TrimSpace(f.Get("doc_id"))
	listID := f.Get("list_id")
	if name := strings.TrimSpace(f.Get("new_name")); name != "" || listID == "" {
		if name == "" {
			return badRequest("choose a list, or give a name for a new one")
		}
		// Check the document before making a list for it.
		if _, err := s.s.Document(c.Request().Context(), docID); err != nil {
			return err
		}
		l, err := s.lists.Create(name, "")
		if err != nil {
			return err
		}
		listID = l.ID
	}
	if _, _, err := s.addItem(c.Request().Context(), listID, docID, f.Get("note")); err != nil {
		return err
	}
	q := url.Values{"doc_id": {docID}, "added": {listID}}
	if back := localURL(f.Get("back")); back != "" {
		q.Set("back", back)
	}
	return redirect(c, "/lists/add?"+q.Encode())
}

func (s *Server) formFromSearch(c echo.Context) error {
	f, err := form(c)
	if err != nil {
		return err
	}
	sp, err := specFromForm(f)
	if err != nil {
		return err
	}
	l, err := s.listFromSearch(c.Request().Context(), sp)
	if err != nil {
		return err
	}
	return redirect(c, listURL(l.ID))
}

func (s *Server) formSaveSearch(c echo.Context) error {
	f, err := form(c)
	if err != nil {
		return err
	}
	sp, err := specFromForm(f)
	if err != nil {
		return err
	}
	ss, err := s.saveSearch(c.Request().Context(), sp)
	if err != nil {
		return err
	}
	return redirect(c, "/searches/"+url.PathEscape(ss.ID))
}

func (s *Server) formDeleteSearch(c echo.Context) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	if _, err := form(c); err != nil {
		return err
	}
	if err := s.lists.DeleteSearch(id); err != nil {
		return err
	}
	return redirect(c, "/lists")
}

type savedSearchView struct {
	base
	Saved        savedView
	Previous     string // when it was opened before this
	Total        uint64
	Hits         []savedHit
	New          int
	DeleteAction string
	Tools        *searchToListView
}

type savedHit struct {
	ID, Title, Href, Date, Type string
	New                         bool
}

// savedSearchPage opens a saved search: its results now, the new ones marked.
func (s *Server) savedSearchPage(c echo.Context) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	before, err := s.lists.GetSearch(id)
	if err != nil {
		return err
	}
	ss, res, fresh, err := s.openSearch(c.Request().Context(), id, c.QueryParams())
	if err != nil {
		return err
	}
	v := savedSearchView{
		base: s.base(c, ss.Name), Saved: savedSummary(ss), Total: res.Total, New: len(fresh),
		Previous:     before.LastOpened.Format("2006-01-02 15:04 UTC"),
		DeleteAction: "/searches/" + url.PathEscape(ss.ID) + "/delete",
		Tools:        s.searchToListFor(ss.Request(), res.Total),
	}
	isNew := map[string]bool{}
	for _, d := range fresh {
		isNew[d] = true
	}
	for _, h := range res.Hits {
		v.Hits = append(v.Hits, savedHit{ID: h.ID, Title: cmp.Or(h.Title, h.ID), Href: documentURL(h.ID), Date: h.Date, Type: typeLabel(h.Type), New: isNew[h.ID]})
	}
	return s.renderList(c, http.StatusOK, "saved_search", v)
}
