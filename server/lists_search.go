package server

// Searches kept for the reading lists, as the API and the pages both use them:
// a saved search (kept with the results it has seen, to say what is new) and
// a list made from a search's results.

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"dossier/internal/lists"
	"dossier/internal/search"
)

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
