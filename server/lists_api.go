package server

// The JSON API of reading lists (/api/lists), saved searches (/api/searches)
// and citations (/api/documents/:id/cite, /api/cite).

import (
	"cmp"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"dossier/internal/lists"
	"dossier/internal/search"
)

// created answers 201 Created with v, the new resource at location.
func created(c echo.Context, location string, v any) error {
	c.Response().Header().Set("Location", location)
	return c.JSON(http.StatusCreated, v)
}

// apiDeleteByID deletes what the path's :id names with del and answers 204.
func apiDeleteByID(c echo.Context, del func(id string) error) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	if err := del(id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// ---- lists ----

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
	return created(c, apiListURL(l.ID), l)
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

func (s *Server) apiUpdateList(c echo.Context) error {
	var p lists.Patch
	id, err := idJSON(c, &p)
	if err != nil {
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

func (s *Server) apiDeleteList(c echo.Context) error { return apiDeleteByID(c, s.lists.Delete) }

type addItemRequest struct {
	DocID string `json:"doc_id"`
	Note  string `json:"note"`
}

// apiAddItem answers 201 with the new item, or 200 with the item already there.
func (s *Server) apiAddItem(c echo.Context) error {
	var req addItemRequest
	id, err := idJSON(c, &req)
	if err != nil {
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

type updateItemRequest struct {
	Note     *string `json:"note"`
	Position *int    `json:"position"`
}

// apiUpdateItem changes an item's note and/or moves it to position (0-based),
// and answers the item.
func (s *Server) apiUpdateItem(c echo.Context) error {
	id, docID, err := itemPath(c)
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
	l, _, err := s.findItem(id, docID)
	if err != nil {
		return err
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
		it = l.Items[itemIndex(l.Items, docID)]
	}
	return c.JSON(http.StatusOK, it)
}

func (s *Server) apiRemoveItem(c echo.Context) error {
	id, docID, err := itemPath(c)
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
	var req reorderRequest
	id, err := idJSON(c, &req)
	if err != nil {
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
	if tooLarge(err) {
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
	return created(c, apiListURL(l.ID), importJSON{l, skipped})
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
	return created(c, apiListURL(l.ID), l)
}

// ---- saved searches ----

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
	return created(c, "/api/searches/"+url.PathEscape(ss.ID), savedOut(ss))
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
	return apiDeleteByID(c, s.lists.DeleteSearch)
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

// ---- citations ----

type citationJSON struct {
	Style string `json:"style"`
	Text  string `json:"text"`
}

func (s *Server) apiCiteDocument(c echo.Context) error {
	doc, err := s.pathDocument(c)
	if err != nil {
		return err
	}
	return citation(c, func(style string) (string, error) { return lists.CiteDocument(doc, style) })
}

func (s *Server) apiCiteResolution(c echo.Context) error {
	res := c.QueryParam("resolution")
	if strings.TrimSpace(res) == "" {
		return badRequest("resolution is required, e.g. /api/cite?resolution=S/RES/1373+(2001)&style=oscola")
	}
	if len(res) > maxIDLen {
		return badRequest("resolution is longer than %d bytes", maxIDLen)
	}
	return citation(c, func(style string) (string, error) { return lists.CiteResolution(res, style) })
}

// citation answers a citation in the style the query names (UN by default).
func citation(c echo.Context, cite func(style string) (string, error)) error {
	style := cmp.Or(c.QueryParam("style"), lists.StyleUN)
	text, err := cite(style)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, citationJSON{style, text})
}
