package server

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"dossier/internal/entity"
	"dossier/internal/search"
)

// Limits on what a request may ask for. They keep one request from costing the
// index much more than a page a person reads: queries and id lists are short,
// and deep paging (which makes Bleve score and sort everything before the page)
// stops at maxOffset hits.
const (
	maxQueryLen     = search.MaxQueryBytes // the searcher's own limit, checked early
	maxFilterValues = 50
	maxIDLen        = 200
	maxOffset       = 10000
)

// badQuery builds an error that the error handler answers with 400 and msg.
func badQuery(format string, args ...any) error {
	return fmt.Errorf("%w: %s", search.ErrBadQuery, fmt.Sprintf(format, args...))
}

// parseSearchRequest turns the query string of /api/search and of the search page
// into a search.Request. It checks everything a person can get wrong in a URL (a
// page that is not a number, an unknown sort, an impossible date) so that the
// answer is a 400 saying what, before the index is asked anything. The query
// language itself is the searcher's to check.
func parseSearchRequest(v url.Values) (search.Request, error) {
	var req search.Request
	req.Query = strings.TrimSpace(v.Get("q"))
	if len(req.Query) > maxQueryLen {
		return req, badQuery("q is longer than %d bytes", maxQueryLen)
	}
	for _, name := range search.FacetNames {
		ids, err := filterValues(name, v[name])
		if err != nil {
			return req, err
		}
		if len(ids) == 0 {
			continue
		}
		if req.Filters == nil {
			req.Filters = make(map[string][]string)
		}
		req.Filters[name] = ids
	}
	var err error
	if req.From, err = parseDate("from", v.Get("from")); err != nil {
		return req, err
	}
	if req.To, err = parseDate("to", v.Get("to")); err != nil {
		return req, err
	}
	if req.From != "" && req.To != "" {
		// Dates at different precisions compare on the precision they share:
		// from=2019-12-03&to=2019 is fine, from=2020&to=2019-12 is not.
		n := min(len(req.From), len(req.To))
		if req.From[:n] > req.To[:n] {
			return req, badQuery("from %s is after to %s", req.From, req.To)
		}
	}
	switch s := v.Get("sort"); s {
	case "", search.SortRelevance, search.SortDateAsc, search.SortDateDesc:
		req.Sort = s
	default:
		return req, badQuery("sort must be %s, %s or %s, not %q", search.SortRelevance, search.SortDateAsc, search.SortDateDesc, s)
	}
	if req.Page, req.Size, err = parsePaging(v); err != nil {
		return req, err
	}
	return req, nil
}

// parseMentionsRequest builds the request for every mention of one entity: kind
// and id come from the query string (/api/mentions) or the path (the entity page),
// the page and size from v.
func parseMentionsRequest(kind, id string, v url.Values) (search.MentionsRequest, error) {
	var req search.MentionsRequest
	req.Kind = strings.TrimSpace(kind)
	if req.Kind == "" {
		return req, badQuery("kind is required: one of %s", strings.Join(entity.Kinds, ", "))
	}
	if !slices.Contains(entity.Kinds, req.Kind) {
		return req, badQuery("unknown kind %q: want one of %s", req.Kind, strings.Join(entity.Kinds, ", "))
	}
	req.ID = strings.TrimSpace(id)
	if req.ID == "" {
		return req, badQuery("id is required")
	}
	if len(req.ID) > maxIDLen {
		return req, badQuery("id is longer than %d bytes", maxIDLen)
	}
	var err error
	req.Page, req.Size, err = parsePaging(v)
	return req, err
}

// filterValues cleans the values of one repeated facet parameter: blanks go
// (an empty checkbox value or a trailing "&country=" means nothing), entity ids
// become canonical, duplicates go, order stays.
func filterValues(name string, raw []string) ([]string, error) {
	var ids []string
	for _, s := range raw {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if len(s) > maxIDLen {
			return nil, badQuery("%s value is longer than %d bytes", name, maxIDLen)
		}
		if name == search.FacetYear && !yearRE.MatchString(s) {
			return nil, badQuery("year must be four digits, not %q", s)
		}
		// Canonical here too, so the page ticks the box of the id the search used.
		s = search.FilterID(name, s)
		if slices.Contains(ids, s) {
			continue
		}
		ids = append(ids, s)
	}
	if len(ids) > maxFilterValues {
		return nil, badQuery("more than %d %s values", maxFilterValues, name)
	}
	return ids, nil
}

var (
	yearRE = regexp.MustCompile(`^[0-9]{4}$`)
	dateRE = regexp.MustCompile(`^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$`)
)

// parseDate checks an ISO date at the precision the contract allows (2019,
// 2019-12, 2019-12-03) and that it exists on the calendar.
func parseDate(name, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	bad := badQuery("%s must be a date as YYYY, YYYY-MM or YYYY-MM-DD, not %q", name, s)
	if !dateRE.MatchString(s) {
		return "", bad
	}
	layout := "2006-01-02"[:len(s)]
	if _, err := time.Parse(layout, s); err != nil {
		return "", bad
	}
	return s, nil
}

// parsePaging reads page (1-based, default 1) and size (default
// search.DefaultSize, capped at search.MaxSize: asking for too many is not an
// error, the answer just stops at the cap).
func parsePaging(v url.Values) (page, size int, err error) {
	page, size = 1, search.DefaultSize
	if s := strings.TrimSpace(v.Get("page")); s != "" {
		page, err = strconv.Atoi(s)
		if err != nil || page < 1 {
			return 0, 0, badQuery("page must be a whole number from 1, not %q", s)
		}
	}
	if s := strings.TrimSpace(v.Get("size")); s != "" {
		size, err = strconv.Atoi(s)
		if err != nil || size < 1 {
			return 0, 0, badQuery("size must be a whole number from 1, not %q", s)
		}
		size = min(size, search.MaxSize)
	}
	if page > maxOffset/size {
		return 0, 0, badQuery("page %d is too deep: at most %d hits can be paged through", page, maxOffset)
	}
	return page, size, nil
}
