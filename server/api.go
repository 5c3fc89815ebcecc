package server

import (
	"cmp"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"dossier/internal/entity"
	"dossier/internal/search"
)

// health is the body of /healthz.
type health struct {
	Status    string `json:"status"`
	Documents uint64 `json:"documents"`
}

// healthz answers 200 while the index can be read, 503 when it cannot; load
// balancers and `curl -f` need nothing more.
func (s *Server) healthz(c echo.Context) error {
	n, err := s.s.Count()
	if err != nil {
		s.log.Error("health check", "err", err)
		return c.JSON(http.StatusServiceUnavailable, errorJSON{Error: "index unavailable"})
	}
	return c.JSON(http.StatusOK, health{Status: "ok", Documents: n})
}

func (s *Server) apiSearch(c echo.Context) error {
	req, err := parseSearchRequest(c.QueryParams())
	if err != nil {
		return err
	}
	res, err := s.s.Search(c.Request().Context(), req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, normalizeResult(res))
}

func (s *Server) apiDocument(c echo.Context) error {
	doc, err := s.pathDocument(c)
	if err != nil {
		return err
	}
	if doc.Entities == nil {
		doc.Entities = []entity.Mention{}
	}
	return c.JSON(http.StatusOK, doc)
}

func (s *Server) apiMentions(c echo.Context) error {
	q := c.QueryParams()
	req, err := parseMentionsRequest(q.Get("kind"), q.Get("id"), q)
	if err != nil {
		return err
	}
	switch f := q.Get("format"); f {
	case "", "json":
	case "csv":
		return s.mentionsCSV(c, req)
	default:
		return badQuery("format must be json or csv, not %q", f)
	}
	res, err := s.s.Mentions(c.Request().Context(), req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, normalizeMentions(res))
}

// mentionsCSV answers every mention of one entity (all pages) as a CSV file.
func (s *Server) mentionsCSV(c echo.Context, req search.MentionsRequest) error {
	res, err := allMentions(c.Request().Context(), s.s, req)
	if err != nil {
		return err
	}
	body, err := writeMentionsCSV(res.Mentions)
	if err != nil {
		return err
	}
	kind, id := cmp.Or(res.Entity.Kind, req.Kind), cmp.Or(res.Entity.ID, req.ID)
	c.Response().Header().Set(echo.HeaderContentDisposition, contentDisposition("attachment", csvFileName(kind, id)))
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", body)
}

// normalizeResult makes the JSON shape hold whatever the searcher returns: hits
// is always an array and facets always has all five keys, each an array, so
// clients never meet null.
func normalizeResult(res *search.Result) *search.Result {
	out := *res
	out.Hits = make([]search.Hit, len(res.Hits))
	for i, h := range res.Hits {
		if h.Entities == nil {
			h.Entities = []search.Entity{}
		}
		out.Hits[i] = h
	}
	facets := make(map[string][]search.FacetValue, len(search.FacetNames))
	for _, name := range search.FacetNames {
		facets[name] = res.Facets[name]
		if facets[name] == nil {
			facets[name] = []search.FacetValue{}
		}
	}
	out.Facets = facets
	return &out
}

// normalizeMentions is normalizeResult for mentions: arrays, never null.
func normalizeMentions(res *search.MentionsResult) *search.MentionsResult {
	out := *res
	if out.Mentions == nil {
		out.Mentions = []search.Mention{}
	}
	if out.Years == nil {
		out.Years = []search.YearCount{}
	}
	return &out
}

// pathDocument looks up the document the path's :id names.
func (s *Server) pathDocument(c echo.Context) (*search.Document, error) {
	id, err := pathParam(c, "id")
	if err != nil {
		return nil, err
	}
	return s.s.Document(c.Request().Context(), id)
}

// pathParam returns a path parameter unescaped. Echo routes on the raw path when
// the URL has escapes that change its meaning (an id with %2F for a slash) and
// then hands the parameter over still escaped; otherwise it has already been
// decoded, and decoding it again would corrupt an id that contains '%'.
func pathParam(c echo.Context, name string) (string, error) {
	v := c.Param(name)
	if c.Request().URL.RawPath == "" {
		return v, nil
	}
	u, err := url.PathUnescape(v)
	if err != nil {
		return "", badQuery("malformed %s in path: %q", name, v)
	}
	return u, nil
}
