package search

import (
	"context"
	"fmt"
	"html"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"

	"dossier/internal/entity"
)

// facetSize is how many values each facet reports.
const facetSize = 50

// Search runs one search: the query, the filters, the date range, a page of hits
// with snippets, and the five facets. A facet with a selection is counted as if its
// own selection were removed (disjunctive faceting), so its other values show how
// far the result would widen.
func (ix *Index) Search(ctx context.Context, req Request) (*Result, error) {
	start := time.Now()
	req, err := normalise(req)
	if err != nil {
		return nil, err
	}
	text, err := textQuery(req.Query)
	if err != nil {
		return nil, err
	}
	dates, err := dateRange(req.From, req.To)
	if err != nil {
		return nil, err
	}

	if req.Query == "" && dates == nil && len(req.Filters) == 0 && len(req.Scope) == 0 {
		return ix.browseAll(ctx, req, start)
	}

	main := bleve.NewSearchRequestOptions(combine(text, dates, req, ""), req.Size, (req.Page-1)*req.Size, false)
	main.Fields = hitFields
	if req.Query != "" {
		main.Highlight = bleve.NewHighlightWithStyle("html")
		main.Highlight.Fields = []string{fieldBody}
	}
	switch req.Sort {
	case SortDateAsc:
		main.SortByCustom(bsearch.SortOrder{dateSort(false), &bsearch.SortScore{Desc: true}})
	case SortDateDesc:
		main.SortByCustom(bsearch.SortOrder{dateSort(true), &bsearch.SortScore{Desc: true}})
	}
	for _, f := range FacetNames {
		if len(req.Filters[f]) == 0 {
			main.AddFacet(f, bleve.NewFacetRequest(f, facetSize))
		}
	}
	res, err := ix.bleve().SearchInContext(ctx, main)
	if err != nil {
		return nil, searchError(err)
	}

	out := &Result{Total: res.Total, Hits: []Hit{}, Facets: map[string][]FacetValue{}}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, hitOf(h))
	}
	for name, fr := range res.Facets {
		out.Facets[name] = facetValues(name, fr)
	}
	// Each selected facet gets its own count, over the result without its selection.
	for _, f := range FacetNames {
		if len(req.Filters[f]) == 0 {
			continue
		}
		fr := bleve.NewSearchRequestOptions(combine(text, dates, req, f), 0, 0, false)
		fr.AddFacet(f, bleve.NewFacetRequest(f, facetSize))
		r, err := ix.bleve().SearchInContext(ctx, fr)
		if err != nil {
			return nil, searchError(err)
		}
		out.Facets[f] = facetValues(f, r.Facets[f])
		// A selected value stays visible even when it matches nothing.
		for _, id := range req.Filters[f] {
			if !slices.ContainsFunc(out.Facets[f], func(v FacetValue) bool { return v.ID == id }) {
				out.Facets[f] = append(out.Facets[f], FacetValue{ID: id, Label: label(f, id)})
			}
		}
	}
	out.TookMS = time.Since(start).Milliseconds()
	return out, nil
}

// hitFields are the stored fields a hit is made of. The body is read for the
// opening of hits that matched no body words; a document's stored fields are
// read and decompressed as one block, so asking for one costs what asking for
// all does.
var hitFields = []string{fieldTitle, fieldDateText, fieldType, fieldPath, fieldBody,
	FacetResolution, FacetOrganization, FacetCountry}

// hitOf makes a result's hit of a Bleve hit with hitFields.
func hitOf(h *bsearch.DocumentMatch) Hit {
	return Hit{
		ID:       h.ID,
		Title:    str(h.Fields[fieldTitle]),
		Date:     str(h.Fields[fieldDateText]),
		Type:     str(h.Fields[fieldType]),
		Path:     str(h.Fields[fieldPath]),
		Snippet:  snippet(h),
		Entities: hitEntities(h.Fields),
	}
}

// searchError classifies an error from Bleve: a query that expands past
// maxClauses is the user's to narrow.
func searchError(err error) error {
	if strings.Contains(err.Error(), "TooManyClauses") {
		return fmt.Errorf("%w: the query matches too many terms (over %d); make it more specific", ErrBadQuery, maxClauses)
	}
	return fmt.Errorf("search: %w", err)
}

// hitEntities reads a hit's stored entity ids: a field with one value comes back
// as a string, with several as a slice.
func hitEntities(fields map[string]interface{}) []Entity {
	out := []Entity{}
	for _, kind := range []string{FacetResolution, FacetOrganization, FacetCountry} {
		var ids []string
		switch v := fields[kind].(type) {
		case string:
			ids = []string{v}
		case []interface{}:
			for _, x := range v {
				if s, ok := x.(string); ok {
					ids = append(ids, s)
				}
			}
		}
		for _, id := range ids {
			out = append(out, Entity{Kind: kind, ID: id, Label: entity.Label(kind, id)})
		}
	}
	return out
}

// MaxQueryBytes bounds a query string: Bleve's query parser slows to a crawl on
// huge input, and no researcher types 4 KB into a search box.
const MaxQueryBytes = 4096

// maxClauses bounds the terms one query may expand to (OR-ed words, and the
// terms a fuzzy, prefix or regexp query matches), so no query runs unbounded.
const maxClauses = 1024

func init() {
	searcher.DisjunctionMaxClauseCount = maxClauses
}

// normalise checks a request and fills in defaults.
func normalise(req Request) (Request, error) {
	req.Query = strings.TrimSpace(req.Query)
	if len(req.Query) > MaxQueryBytes {
		return req, fmt.Errorf("%w: the query is %d bytes long; the limit is %d", ErrBadQuery, len(req.Query), MaxQueryBytes)
	}
	if req.Page <= 0 {
		req.Page = 1
	}
	if req.Size <= 0 {
		req.Size = DefaultSize
	}
	if req.Size > MaxSize {
		req.Size = MaxSize
	}
	if req.Page > 10000/req.Size {
		return req, fmt.Errorf("%w: page %d is past the last page that can be shown", ErrBadQuery, req.Page)
	}
	switch req.Sort {
	case "", SortRelevance, SortDateAsc, SortDateDesc:
	default:
		return req, fmt.Errorf("%w: sort %q is not one of relevance, date, -date", ErrBadQuery, req.Sort)
	}
	var err error
	if req.Filters, err = canonicalFilters(req.Filters); err != nil {
		return req, err
	}
	if req.Scope, err = canonicalFilters(req.Scope); err != nil {
		return req, err
	}
	return req, nil
}

// canonicalFilters checks filter names and makes their ids canonical.
func canonicalFilters(in map[string][]string) (map[string][]string, error) {
	out := map[string][]string{}
	for f, values := range in {
		if !slices.Contains(FacetNames, f) {
			return nil, fmt.Errorf("%w: unknown filter %q (facets: %s)", ErrBadQuery, f, strings.Join(FacetNames, ", "))
		}
		for _, v := range values {
			out[f] = append(out[f], FilterID(f, v))
		}
	}
	return out, nil
}

// FilterID is the id a filter value stands for: entity filters accept ids as a
// person types them (country=Kyrgyzstan, resolution=1373 mean KGZ and
// S/RES/1373 (2001)); a value nobody knows stays as given and matches nothing.
func FilterID(facet, value string) string {
	value = strings.TrimSpace(value)
	if slices.Contains(entity.Kinds, facet) {
		if id, ok := entity.Canonical(facet, value); ok {
			return id
		}
	}
	return value
}

// resolutionQuery recognises a query that is nothing but a resolution reference
// as a person types it ("resolution 1373", "UNSCR 2178", "S/RES/2396").
var resolutionQuery = regexp.MustCompile(`(?i)^\s*(unscr\s*|s/res/|a/res/|(security council |general assembly |council )?resolutions?\s+)`)

// textQuery turns the query string into a Bleve query: match-all when empty, and
// for a resolution reference, the documents citing it (by extracted id, in any
// written form) ranked above those that merely contain the words.
func textQuery(q string) (query.Query, error) {
	if q == "" {
		return bleve.NewMatchAllQuery(), nil
	}
	parsed, err := bleve.NewQueryStringQuery(q).Parse()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadQuery, err)
	}
	qs := withoutAll(parsed)
	if resolutionQuery.MatchString(q) {
		if id, ok := entity.Canonical(entity.Resolution, q); ok {
			cites := bleve.NewTermQuery(id)
			cites.SetField(FacetResolution)
			cites.SetBoost(10)
			phrase := bleve.NewMatchPhraseQuery(q)
			phrase.SetField(fieldBody)
			return bleve.NewDisjunctionQuery(cites, phrase), nil
		}
	}
	return qs, nil
}

// searchFields are the fields a query word without a field name searches, with
// their boosts: a word in the title counts for more than one in the body.
var searchFields = []struct {
	name  string
	boost float64
}{{fieldTitle, 2}, {fieldBody, 1}}

// withoutAll rewrites a parsed query so that each clause without a field name
// searches the title and the body. Bleve would send such clauses to the _all
// field, which indexes every word a second time; the index has none.
func withoutAll(q query.Query) query.Query {
	switch q := q.(type) {
	case *query.BooleanQuery:
		q.Must = withoutAll(q.Must)
		q.Should = withoutAll(q.Should)
		q.MustNot = withoutAll(q.MustNot)
		return q
	case *query.ConjunctionQuery:
		for i, c := range q.Conjuncts {
			q.Conjuncts[i] = withoutAll(c)
		}
		return q
	case *query.DisjunctionQuery:
		for i, d := range q.Disjuncts {
			q.Disjuncts[i] = withoutAll(d)
		}
		return q
	case query.FieldableQuery:
		if q.Field() != "" {
			return q
		}
		var alts []query.Query
		for _, f := range searchFields {
			alt := shallowCopy(q)
			alt.SetField(f.name)
			if b, ok := alt.(query.BoostableQuery); ok && f.boost != 1 {
				b.SetBoost(b.Boost() * f.boost)
			}
			alts = append(alts, alt)
		}
		return bleve.NewDisjunctionQuery(alts...)
	}
	return q
}

// shallowCopy copies the struct a leaf query points to; leaf queries hold only
// values and a boost pointer that SetBoost replaces rather than writes through.
func shallowCopy(q query.FieldableQuery) query.FieldableQuery {
	v := reflect.ValueOf(q)
	c := reflect.New(v.Elem().Type())
	c.Elem().Set(v.Elem())
	return c.Interface().(query.FieldableQuery)
}

// dateRange builds the document-date filter, or nil when both ends are open.
func dateRange(from, to string) (query.Query, error) {
	if from == "" && to == "" {
		return nil, nil
	}
	var start, end time.Time
	var err error
	if from != "" {
		if start, err = parseISODate(from, false); err != nil {
			return nil, fmt.Errorf("%w: from: %v", ErrBadQuery, err)
		}
	}
	if to != "" {
		if end, err = parseISODate(to, true); err != nil {
			return nil, fmt.Errorf("%w: to: %v", ErrBadQuery, err)
		}
	}
	if from != "" && to != "" && end.Before(start) {
		return nil, fmt.Errorf("%w: from %s is after to %s", ErrBadQuery, from, to)
	}
	yes := true
	q := bleve.NewDateRangeInclusiveQuery(start, end, &yes, &yes)
	q.SetField(fieldDate)
	return q, nil
}

// combine ANDs the text query, the date range, the scope and every facet's
// filter except the one named skip; values within one facet are OR-ed.
func combine(text, dates query.Query, req Request, skip string) query.Query {
	parts := []query.Query{text}
	if dates != nil {
		parts = append(parts, dates)
	}
	for _, f := range FacetNames {
		if f != skip {
			parts = appendAnyOf(parts, f, req.Filters[f])
		}
		parts = appendAnyOf(parts, f, req.Scope[f])
	}
	if len(parts) == 1 {
		return text
	}
	return bleve.NewConjunctionQuery(parts...)
}

// appendAnyOf adds to parts a query for documents whose field holds any of ids.
func appendAnyOf(parts []query.Query, field string, ids []string) []query.Query {
	if len(ids) == 0 {
		return parts
	}
	var any []query.Query
	for _, id := range ids {
		t := bleve.NewTermQuery(id)
		t.SetField(field)
		any = append(any, t)
	}
	return append(parts, bleve.NewDisjunctionQuery(any...))
}

// dateSort orders by document date; documents without a date come last.
func dateSort(desc bool) *bsearch.SortField {
	return &bsearch.SortField{Field: fieldDate, Type: bsearch.SortFieldAsDate, Desc: desc, Missing: bsearch.SortFieldMissingLast}
}

// openingBytes is how much of the body is the snippet of a hit that matched
// no body words (browsing, title-only matches).
const openingBytes = 320

// snippet is the hit's best highlighted body fragment, or the opening of the
// document. Bleve's html highlighter escapes the text before adding <mark>.
func snippet(h *bsearch.DocumentMatch) string {
	if frags := h.Fragments[fieldBody]; len(frags) > 0 {
		return strings.TrimSpace(frags[0])
	}
	body := str(h.Fields[fieldBody])
	s := truncate(body, openingBytes)
	if len(s) < len(body) {
		s += "…"
	}
	return html.EscapeString(strings.Join(strings.Fields(s), " "))
}

// facetValues turns a Bleve facet into labelled values, most frequent first
// (years newest first).
func facetValues(name string, fr *bsearch.FacetResult) []FacetValue {
	out := []FacetValue{}
	if fr == nil || fr.Terms == nil {
		return out
	}
	for _, t := range fr.Terms.Terms() {
		out = append(out, FacetValue{ID: t.Term, Label: label(name, t.Term), Count: t.Count})
	}
	if name == FacetYear {
		slices.SortFunc(out, func(a, b FacetValue) int { return strings.Compare(b.ID, a.ID) })
	}
	return out
}

// label is the readable name of a facet value.
func label(facet, id string) string {
	switch facet {
	case FacetType:
		return entity.TypeLabel(id)
	case FacetYear:
		return id
	default:
		return entity.Label(facet, id)
	}
}
