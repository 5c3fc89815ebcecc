package server

import (
	"bytes"
	"cmp"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"dossier/internal/entity"
	"dossier/internal/search"
)

// pageNames lists every page; each is templates/<name>.html over
// templates/layout.html and the shared templates/chart.html, and New fails
// unless all of them parse.
var pageNames = []string{"search", "document", "entity", "error"}

type pageTemplate = template.Template

// parsePages parses each page with the layout into its own template set, so that
// the pages' "content" blocks never collide.
func parsePages(fsys fs.FS) (map[string]*pageTemplate, error) {
	pages := make(map[string]*pageTemplate, len(pageNames))
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(templateFuncs).ParseFS(fsys, "templates/layout.html", "templates/chart.html", "templates/lists_partials.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("page %s: %w", name, err)
		}
		for _, block := range []string{"layout", "content"} {
			if t.Lookup(block) == nil {
				return nil, fmt.Errorf("page %s: no %q template", name, block)
			}
		}
		pages[name] = t
	}
	return pages, nil
}

var templateFuncs = template.FuncMap{
	"lower": strings.ToLower,
}

// render answers with one of the search, document and entity pages.
func (s *Server) render(c echo.Context, status int, page string, view any) error {
	return renderPage(c, s.pages, status, page, view)
}

// renderPage executes a page into a buffer first: a template error then becomes
// a clean 500 from the error handler instead of half a page with a 200 status.
func renderPage(c echo.Context, pages map[string]*pageTemplate, status int, page string, view any) error {
	t, ok := pages[page]
	if !ok {
		return fmt.Errorf("render: no page %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", view); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// base is what the layout needs on every page.
type base struct {
	Title string
	// Indexing is true while the index is still being built.
	Indexing bool
	// HeaderSearch puts a small search box in the header (every page but the
	// search page, which has its own).
	HeaderSearch bool
	// Query fills the header search box: on the error page after a bad query,
	// the query is there to fix rather than to retype.
	Query string
}

func (s *Server) base(c echo.Context, title string) base {
	return base{Title: title, Indexing: s.index(), HeaderSearch: true, Query: c.QueryParam("q")}
}

// ---- search page ----

// searchView is the search page's view model.
type searchView struct {
	base
	// ListTools are the save-search and results-to-list forms; nil without a list store.
	ListTools             *searchToListView
	Query, Sort, From, To string
	// Size is the page size when the URL set one; the form carries it on.
	Size        int
	SortOptions []option
	Facets      []facetView
	Chips       []chip
	ClearURL    string // the same query without any filter; "" when none is set
	Total       uint64
	TookMS      int64
	Hits        []hitView
	First, Last uint64 // 1-based numbers of the first and last hit shown
	Page, Pages int
	PrevURL     string
	NextURL     string
	// YearChart is the histogram of the result set over years; nil when no
	// hit has a date.
	YearChart *yearChart
}

type option struct {
	Value, Label string
	Selected     bool
}

type facetView struct {
	Name, Label string
	Values      []facetValueView
}

type facetValueView struct {
	ID, Label string
	Count     int
	// Checked values are filters in force; they are always listed (even when
	// the searcher's top values leave them out) because the form must submit
	// them again or they would silently drop.
	Checked bool
	InputID string
}

type chip struct {
	Facet, Label, RemoveURL string
}

type hitView struct {
	ID, Href, Title, Date, Type, Path string
	Snippet                           template.HTML
	// Entities are the first few of the hit's entities, as chips; More
	// counts the rest, which the document page lists (MoreHref).
	Entities []entityChip
	More     int
	MoreHref string
}

// entityChip is one entity named on a search hit, linked to its page. Label
// is short (an organization's acronym); Title is the full name.
type entityChip struct {
	Kind, Label, Title, Href string
}

// chipLabel is the short name of an entity for a chip: an organization's id,
// which is the acronym the UN uses where there is one ("UNODC" rather than
// "United Nations Office on Drugs and Crime (UNODC)"), else its label.
func chipLabel(e search.Entity) string {
	if e.Kind == entity.Organization {
		return e.ID
	}
	return cmp.Or(e.Label, entityLabel(e.Kind, e.ID))
}

// maxHitChips is how many entity chips a hit shows before "+N more".
const maxHitChips = 6

// hitChips picks up to maxHitChips of a hit's entities: first those the
// search asked for (preferred), then the kinds in turn (a resolution, an
// organization, a country, then the next of each), so a document citing ten
// resolutions still shows where and who.
func hitChips(es []search.Entity, preferred func(search.Entity) bool) (chips []entityChip, more int) {
	es = slices.Clone(es)
	if preferred != nil {
		slices.SortStableFunc(es, func(a, b search.Entity) int {
			pa, pb := preferred(a), preferred(b)
			switch {
			case pa && !pb:
				return -1
			case pb && !pa:
				return 1
			}
			return 0
		})
	}
	byKind := map[string][]search.Entity{}
	var kinds []string
	for _, e := range es {
		if _, ok := byKind[e.Kind]; !ok {
			kinds = append(kinds, e.Kind)
		}
		byKind[e.Kind] = append(byKind[e.Kind], e)
	}
	for round := 0; len(chips) < maxHitChips; round++ {
		added := false
		for _, k := range kinds {
			if round < len(byKind[k]) && len(chips) < maxHitChips {
				e := byKind[k][round]
				chips = append(chips, entityChip{
					Kind: kindClass(e.Kind), Label: chipLabel(e), Title: cmp.Or(e.Label, entityLabel(e.Kind, e.ID)),
					Href: entityURL(e.Kind, e.ID),
				})
				added = true
			}
		}
		if !added {
			break
		}
	}
	return chips, len(es) - len(chips)
}

func (s *Server) searchPage(c echo.Context) error {
	req, err := parseSearchRequest(c.QueryParams())
	if err != nil {
		return err
	}
	res, err := s.s.Search(c.Request().Context(), req)
	if err != nil {
		return err
	}
	view := buildSearchView(req, normalizeResult(res))
	view.ListTools = s.searchToListFor(req, res.Total)
	view.base = s.base(c, "Search")
	view.HeaderSearch = false
	if req.Query != "" {
		view.Title = req.Query + " – Search"
	}
	return s.render(c, http.StatusOK, "search", view)
}

// buildSearchView turns a request and its result into the page, every link a
// URL that carries the whole state, so any view can be bookmarked or shared.
func buildSearchView(req search.Request, res *search.Result) searchView {
	v := searchView{
		Query: req.Query, Sort: req.Sort, From: req.From, To: req.To,
		Total: res.Total, TookMS: res.TookMS, Page: req.Page,
	}
	if req.Size != search.DefaultSize {
		v.Size = req.Size
	}
	for _, o := range []option{
		{Value: search.SortRelevance, Label: "Relevance"},
		{Value: search.SortDateDesc, Label: "Newest first"},
		{Value: search.SortDateAsc, Label: "Oldest first"},
	} {
		o.Selected = o.Value == req.Sort || (req.Sort == "" && o.Value == search.SortRelevance)
		v.SortOptions = append(v.SortOptions, o)
	}

	state := requestValues(req)
	labels := map[string]map[string]string{} // facet -> id -> label, for chips and hits
	for _, name := range search.FacetNames {
		fv := facetView{Name: name, Label: kindLabel(name)}
		labels[name] = map[string]string{}
		selected := req.Filters[name]
		for _, val := range res.Facets[name] {
			label := cmp.Or(val.Label, val.ID)
			labels[name][val.ID] = label
			fv.Values = append(fv.Values, facetValueView{
				ID: val.ID, Label: label, Count: val.Count,
				Checked: slices.Contains(selected, val.ID),
			})
		}
		for _, id := range selected {
			if _, ok := labels[name][id]; !ok {
				labels[name][id] = id
				fv.Values = append(fv.Values, facetValueView{ID: id, Label: id, Checked: true})
			}
		}
		for i := range fv.Values {
			fv.Values[i].InputID = "f-" + name + "-" + strconv.Itoa(i)
		}
		v.Facets = append(v.Facets, fv)
		for _, id := range selected {
			v.Chips = append(v.Chips, chip{
				Facet: kindSingular[name], Label: labels[name][id],
				RemoveURL: searchURL(without(state, name, id)),
			})
		}
	}
	if req.From != "" {
		v.Chips = append(v.Chips, chip{Facet: "From", Label: req.From, RemoveURL: searchURL(without(state, "from", req.From))})
	}
	if req.To != "" {
		v.Chips = append(v.Chips, chip{Facet: "To", Label: req.To, RemoveURL: searchURL(without(state, "to", req.To))})
	}
	if len(v.Chips) > 0 {
		clear := url.Values{}
		for _, k := range []string{"q", "sort", "size"} {
			if state.Has(k) {
				clear[k] = state[k]
			}
		}
		v.ClearURL = searchURL(clear)
	}

	asked := askedEntities(req)
	for _, h := range res.Hits {
		chips, more := hitChips(h.Entities, asked)
		v.Hits = append(v.Hits, hitView{
			Entities: chips,
			More:     more,
			MoreHref: documentURL(h.ID) + "#entities",
			ID:       h.ID,
			Href:     documentURL(h.ID),
			Title:    cmp.Or(h.Title, h.ID),
			Date:     h.Date,
			Type:     cmp.Or(labels[search.FacetType][h.Type], typeLabel(h.Type)),
			Path:     h.Path,
			// The one trusted field: the searcher escapes the text and adds only <mark>.
			Snippet: template.HTML(h.Snippet),
		})
	}

	v.YearChart = searchYearChart(req, res, state)

	size := uint64(req.Size)
	v.Pages = int(min((res.Total+size-1)/size, uint64(maxOffset/req.Size)))
	if len(res.Hits) > 0 {
		v.First = uint64(req.Page-1)*size + 1
		v.Last = v.First + uint64(len(res.Hits)) - 1
	}
	if req.Page > 1 {
		v.PrevURL = searchURL(withPage(state, req.Page-1))
	}
	if req.Page < v.Pages {
		v.NextURL = searchURL(withPage(state, req.Page+1))
	}
	return v
}

// askedEntities reports whether the search asked for an entity: a filter in
// force, or the resolution the query names the way a person types it.
func askedEntities(req search.Request) func(search.Entity) bool {
	res, isRes := "", false
	if req.Query != "" {
		res, isRes = entity.Canonical(entity.Resolution, req.Query)
	}
	return func(e search.Entity) bool {
		return slices.Contains(req.Filters[e.Kind], e.ID) || (isRes && e.Kind == entity.Resolution && e.ID == res)
	}
}

// searchYearChart is the histogram of the result over years, from the year
// facet (which, counted disjunctively, still shows every year when some are
// selected). A bar links to the search narrowed to its year alone, or, when
// that year is already the filter, back to the search without it.
func searchYearChart(req search.Request, res *search.Result, state url.Values) *yearChart {
	var counts []yearCount
	for _, v := range res.Facets[search.FacetYear] {
		counts = append(counts, yearCount{Year: v.ID, Count: v.Count})
	}
	selected := req.Filters[search.FacetYear]
	href := func(year string) (string, bool) {
		if slices.Contains(selected, year) {
			return searchURL(without(state, search.FacetYear, year)), true
		}
		v := without(state, search.FacetYear, "")
		v.Del(search.FacetYear)
		v.Set(search.FacetYear, year)
		return searchURL(v), false
	}
	return buildYearChart("years", "Documents per year", "document", "documents", counts, href)
}

// requestValues writes a parsed request back as a canonical query string:
// parameters the server does not know and defaults drop out.
func requestValues(req search.Request) url.Values {
	v := url.Values{}
	if req.Query != "" {
		v.Set("q", req.Query)
	}
	for _, name := range search.FacetNames {
		for _, id := range req.Filters[name] {
			v.Add(name, id)
		}
	}
	if req.From != "" {
		v.Set("from", req.From)
	}
	if req.To != "" {
		v.Set("to", req.To)
	}
	if req.Sort != "" {
		v.Set("sort", req.Sort)
	}
	if req.Size != 0 && req.Size != search.DefaultSize {
		v.Set("size", strconv.Itoa(req.Size))
	}
	if req.Page > 1 {
		v.Set("page", strconv.Itoa(req.Page))
	}
	return v
}

// without returns state less one value of key, back on page 1: a different
// filter set is a different result, and its page 7 may not exist.
func without(state url.Values, key, val string) url.Values {
	out := url.Values{}
	for k, vs := range state {
		if k == "page" {
			continue
		}
		for _, s := range vs {
			if k != key || s != val {
				out.Add(k, s)
			}
		}
	}
	return out
}

func withPage(state url.Values, page int) url.Values {
	out := without(state, "page", "")
	if page > 1 {
		out.Set("page", strconv.Itoa(page))
	}
	return out
}

func searchURL(v url.Values) string {
	if len(v) == 0 {
		return "/"
	}
	return "/?" + v.Encode()
}

func documentURL(id string) string { return "/documents/" + url.PathEscape(id) }

func entityURL(kind, id string) string {
	return "/entities/" + url.PathEscape(kind) + "/" + url.PathEscape(id)
}

// ---- document page ----

type documentView struct {
	base
	AddToList                                        *addToListView // nil without a list store
	Citations                                        []citationView
	ID, DocTitle, Date, Type, Path, Format, Language string
	Meta                                             []keyValue
	Body                                             template.HTML
	Groups                                           []entityGroup
	JSONURL                                          string
	// OriginalURL serves the file the document came from; "" when the server
	// has no way to read files or the document has no path.
	OriginalURL, FileName string
}

type keyValue struct{ Key, Value string }

type entityGroup struct {
	Kind, Label string
	Entities    []entityRef
}

type entityRef struct {
	ID, Label, Href string
	Count           int
	// SearchHref, on the entity page, finds the documents that mention both
	// this entity and the page's.
	SearchHref string
}

func (s *Server) documentPage(c echo.Context) error {
	doc, err := s.pathDocument(c)
	if err != nil {
		return err
	}
	view := buildDocumentView(doc)
	view.AddToList = s.addToListFor(c, doc.ID)
	view.Citations = documentCitations(doc)
	if s.originals != nil && doc.Path != "" {
		view.OriginalURL = documentURL(doc.ID) + "/original"
		view.FileName = path.Base(doc.Path)
	}
	view.base = s.base(c, view.DocTitle)
	return s.render(c, http.StatusOK, "document", view)
}

func buildDocumentView(doc *search.Document) documentView {
	v := documentView{
		ID:       doc.ID,
		DocTitle: cmp.Or(doc.Title, doc.ID),
		Date:     doc.Date,
		Type:     typeLabel(doc.Type),
		Path:     doc.Path,
		Format:   doc.Format,
		Language: doc.Language,
		Body:     highlightBody(doc.Body, doc.Entities),
		Groups:   groupEntities(doc.Entities),
		JSONURL:  "/api/documents/" + url.PathEscape(doc.ID),
	}
	for k, val := range doc.Meta {
		v.Meta = append(v.Meta, keyValue{k, val})
	}
	slices.SortFunc(v.Meta, func(a, b keyValue) int { return cmp.Compare(a.Key, b.Key) })
	return v
}

// groupEntities lists a document's entities once each, by kind in the order of
// entity.Kinds, the most mentioned first.
func groupEntities(ms []entity.Mention) []entityGroup {
	type key struct{ Kind, ID string }
	counts := map[key]int{}
	var extra []string // kinds newer than this server: still shown, after the known ones
	for _, m := range ms {
		counts[key{m.Kind, m.ID}]++
		if !slices.Contains(entity.Kinds, m.Kind) && !slices.Contains(extra, m.Kind) {
			extra = append(extra, m.Kind)
		}
	}
	slices.Sort(extra)
	var groups []entityGroup
	for _, kind := range slices.Concat(entity.Kinds, extra) {
		g := entityGroup{Kind: kind, Label: kindLabel(kind)}
		for k, n := range counts {
			if k.Kind == kind {
				g.Entities = append(g.Entities, entityRef{ID: k.ID, Label: entityLabel(kind, k.ID), Href: entityURL(kind, k.ID), Count: n})
			}
		}
		if len(g.Entities) == 0 {
			continue
		}
		slices.SortFunc(g.Entities, func(a, b entityRef) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Label, b.Label), cmp.Compare(a.ID, b.ID))
		})
		groups = append(groups, g)
	}
	return groups
}

// ---- entity page ----

type entityView struct {
	base
	Citations                  []citationView // a resolution's citations; nil for other kinds
	ListsOn                    bool           // a list store is there: mentions get "Add to list"
	Kind, KindLabel, ID, Label string
	// SearchURL finds the documents filtered by this entity; "" for kinds that
	// are not facets (dates).
	SearchURL string
	// CSVURL downloads every mention as CSV.
	CSVURL      string
	Total       int // mentions
	Documents   int // documents holding them
	Timeline    *yearChart
	CoOccurring []entityGroup
	Mentions    []mentionView
	First, Last int
	Page, Pages int
	PrevURL     string
	NextURL     string
}

// mentionView is one mention in its sentence: Context is Before, Mark (the
// mention) and After, which the template escapes one by one around <mark>.
type mentionView struct {
	DocID, DocHref, Title, Date string
	Before, Mark, After         string
}

// coOccurringTop is how many entities of each kind the entity page lists as
// appearing with the entity.
const coOccurringTop = 8

func (s *Server) entityPage(c echo.Context) error {
	kind, err := pathParam(c, "kind")
	if err != nil {
		return err
	}
	id, err := pathParam(c, "*")
	if err != nil {
		return err
	}
	req, err := parseMentionsRequest(kind, id, c.QueryParams())
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	res, err := s.s.Mentions(ctx, req)
	if err != nil {
		return err
	}
	view := buildEntityView(req, res)
	view.Citations = resolutionCitations(view.Kind, view.ID)
	view.ListsOn = s.lists != nil
	if sreq, ok := coOccurrenceRequest(view.Kind, view.ID); ok && res.Total > 0 {
		co, err := s.s.Search(ctx, sreq)
		if err != nil {
			return err
		}
		view.CoOccurring = coOccurring(view.Kind, view.ID, co)
	}
	view.base = s.base(c, view.Label)
	return s.render(c, http.StatusOK, "entity", view)
}

func buildEntityView(req search.MentionsRequest, res *search.MentionsResult) entityView {
	// The searcher resolves ids as typed ("1373") to canonical ones; links use
	// what it answered.
	kind := cmp.Or(res.Entity.Kind, req.Kind)
	id := cmp.Or(res.Entity.ID, req.ID)
	v := entityView{
		Kind: kind, KindLabel: cmp.Or(kindSingular[kind], kind), ID: id,
		Label:     cmp.Or(res.Entity.Label, entityLabel(kind, id)),
		Total:     res.Total,
		Documents: res.Documents,
		CSVURL:    "/api/mentions?" + url.Values{"kind": {kind}, "id": {id}, "format": {"csv"}}.Encode(),
	}
	if slices.Contains(search.FacetNames, kind) {
		v.SearchURL = searchURL(url.Values{kind: {id}})
	}
	var counts []yearCount
	for _, y := range res.Years {
		counts = append(counts, yearCount{Year: y.Year, Count: y.Count})
	}
	v.Timeline = buildYearChart("timeline", "Mentions per year", "mention", "mentions", counts, nil)
	for _, m := range res.Mentions {
		mv := mentionView{DocID: m.DocID, DocHref: documentURL(m.DocID), Title: cmp.Or(m.Title, m.DocID), Date: m.Date}
		mv.Before, mv.Mark, mv.After = splitMark(m.Context, m.MarkStart, m.MarkEnd)
		v.Mentions = append(v.Mentions, mv)
	}
	if len(v.Mentions) > 0 {
		v.First = (req.Page-1)*req.Size + 1
		v.Last = v.First + len(v.Mentions) - 1
	}
	page := func(p int) string {
		q := url.Values{}
		if p > 1 {
			q.Set("page", strconv.Itoa(p))
		}
		if req.Size != search.DefaultSize {
			q.Set("size", strconv.Itoa(req.Size))
		}
		u := entityURL(kind, id)
		if len(q) > 0 {
			u += "?" + q.Encode()
		}
		return u
	}
	v.Page = req.Page
	v.Pages = min((res.Total+req.Size-1)/req.Size, maxOffset/req.Size)
	if req.Page > 1 {
		v.PrevURL = page(req.Page - 1)
	}
	if req.Page < v.Pages {
		v.NextURL = page(req.Page + 1)
	}
	return v
}

// splitMark cuts a mention's context around the mention. Offsets that do not
// fit the context (out of range, inside a UTF-8 sequence) mark nothing rather
// than a wrong or broken piece of text.
func splitMark(context string, start, end int) (before, mark, after string) {
	if start < 0 || end <= start || end > len(context) || !boundary(context, start) || !boundary(context, end) {
		return context, "", ""
	}
	return context[:start], context[start:end], context[end:]
}

// coOccurringKinds are the kinds the entity page counts alongside an entity:
// the entity facets.
var coOccurringKinds = []string{search.FacetResolution, search.FacetOrganization, search.FacetCountry}

// coOccurrenceRequest is the search for the documents that mention one
// entity, whose facets then count the entities appearing with it. It scopes
// rather than filters: facets widen from a filter's selection, so filtered by
// resolution=X the resolution facet would count the whole collection instead
// of the resolutions cited alongside X.
func coOccurrenceRequest(kind, id string) (search.Request, bool) {
	if !slices.Contains(coOccurringKinds, kind) || id == "" {
		return search.Request{}, false
	}
	return search.Request{Scope: map[string][]string{kind: {id}}, Size: 1}, true
}

// coOccurring lists, for each entity facet, the entities most often found in
// the same documents as kind/id, with how many documents they share; the
// entity itself is left out of its own kind. Each links to its own page, and
// its count (for another kind) to the documents that mention both.
func coOccurring(kind, id string, res *search.Result) []entityGroup {
	var groups []entityGroup
	for _, k := range coOccurringKinds {
		g := entityGroup{Kind: k, Label: kindLabel(k)}
		for _, fv := range res.Facets[k] {
			if (k == kind && fv.ID == id) || fv.Count == 0 {
				continue
			}
			ref := entityRef{ID: fv.ID, Label: cmp.Or(fv.Label, entityLabel(k, fv.ID)), Href: entityURL(k, fv.ID), Count: fv.Count}
			if k != kind {
				// Two values of one facet would be OR-ed, so only
				// entities of another kind get a "documents with both" link.
				ref.SearchHref = searchURL(url.Values{kind: {id}, k: {fv.ID}})
			}
			g.Entities = append(g.Entities, ref)
			if len(g.Entities) == coOccurringTop {
				break
			}
		}
		if len(g.Entities) > 0 {
			groups = append(groups, g)
		}
	}
	return groups
}

// ---- error page ----

type errorView struct {
	base
	Status  int
	Message string
	Hint    string
}
