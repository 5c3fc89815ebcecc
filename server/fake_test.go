package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"

	"dossier/internal/entity"
	"dossier/internal/search"
)

// fakeSearcher is a small in-memory Searcher: enough real behaviour (word
// matching, filters, facet counts, paging) that the pages and the browser test
// exercise the same paths a real index would, and it records the requests it
// got so tests can check what the handlers asked for.
type fakeSearcher struct {
	docs []search.Document

	mu           sync.Mutex
	lastSearch   search.Request
	lastMentions search.MentionsRequest
	searches     int
	err          error // returned by every call when set
	panicMsg     string
}

func (f *fakeSearcher) fail() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.panicMsg != "" {
		panic(f.panicMsg)
	}
	return f.err
}

func (f *fakeSearcher) Search(ctx context.Context, req search.Request) (*search.Result, error) {
	f.mu.Lock()
	f.lastSearch = req
	f.searches++
	f.mu.Unlock()
	if err := f.fail(); err != nil {
		return nil, err
	}
	if strings.Count(req.Query, "(") != strings.Count(req.Query, ")") {
		return nil, fmt.Errorf("%w: unbalanced parenthesis in %q", search.ErrBadQuery, req.Query)
	}
	terms := strings.Fields(strings.ToLower(req.Query))
	var matched []search.Document
	for _, d := range f.docs {
		if matches(d, terms, req) {
			matched = append(matched, d)
		}
	}
	switch req.Sort {
	case search.SortDateAsc:
		slices.SortStableFunc(matched, func(a, b search.Document) int { return cmp.Compare(a.Date, b.Date) })
	case search.SortDateDesc:
		slices.SortStableFunc(matched, func(a, b search.Document) int { return cmp.Compare(b.Date, a.Date) })
	}
	res := &search.Result{Total: uint64(len(matched)), TookMS: 1, Facets: facets(matched)}
	page, size := max(req.Page, 1), cmp.Or(req.Size, search.DefaultSize)
	for i := (page - 1) * size; i < len(matched) && i < page*size; i++ {
		d := matched[i]
		hit := search.Hit{ID: d.ID, Title: d.Title, Date: d.Date, Type: d.Type, Path: d.Path, Snippet: snippet(d.Body, terms), Entities: []search.Entity{}}
		for _, kind := range []string{search.FacetResolution, search.FacetOrganization, search.FacetCountry} {
			for _, id := range facetIDs(d, kind) {
				hit.Entities = append(hit.Entities, search.Entity{Kind: kind, ID: id, Label: "Label " + id})
			}
		}
		res.Hits = append(res.Hits, hit)
	}
	return res, nil
}

func matches(d search.Document, terms []string, req search.Request) bool {
	text := strings.ToLower(d.Title + " " + d.Body)
	for _, t := range terms {
		if !strings.Contains(text, t) {
			return false
		}
	}
	for name, ids := range req.Filters {
		if !slices.ContainsFunc(ids, func(id string) bool { return slices.Contains(facetIDs(d, name), id) }) {
			return false
		}
	}
	if req.From != "" && d.Date[:min(len(d.Date), len(req.From))] < req.From {
		return false
	}
	if req.To != "" && d.Date[:min(len(d.Date), len(req.To))] > req.To {
		return false
	}
	return true
}

func facetIDs(d search.Document, name string) []string {
	switch name {
	case search.FacetType:
		return []string{d.Type}
	case search.FacetYear:
		return []string{d.Date[:4]}
	}
	var ids []string
	for _, m := range d.Entities {
		if m.Kind == name && !slices.Contains(ids, m.ID) {
			ids = append(ids, m.ID)
		}
	}
	return ids
}

func facets(docs []search.Document) map[string][]search.FacetValue {
	out := map[string][]search.FacetValue{}
	for _, name := range search.FacetNames {
		counts := map[string]int{}
		for _, d := range docs {
			for _, id := range facetIDs(d, name) {
				counts[id]++
			}
		}
		var vals []search.FacetValue
		for id, n := range counts {
			vals = append(vals, search.FacetValue{ID: id, Label: "Label " + id, Count: n})
		}
		slices.SortFunc(vals, func(a, b search.FacetValue) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.ID, b.ID))
		})
		out[name] = vals
	}
	return out
}

// snippet mimics the real one: escaped text around the first term, in <mark>.
func snippet(body string, terms []string) string {
	i := -1
	if len(terms) > 0 {
		i = strings.Index(strings.ToLower(body), terms[0])
	}
	if i < 0 {
		return html.EscapeString(body[:min(len(body), 120)])
	}
	j := i + len(terms[0])
	from, to := max(0, i-40), min(len(body), j+40)
	return html.EscapeString(body[from:i]) + "<mark>" + html.EscapeString(body[i:j]) + "</mark>" + html.EscapeString(body[j:to])
}

func (f *fakeSearcher) Document(ctx context.Context, id string) (*search.Document, error) {
	if err := f.fail(); err != nil {
		return nil, err
	}
	for _, d := range f.docs {
		if d.ID == id {
			return &d, nil
		}
	}
	return nil, fmt.Errorf("document %q: %w", id, search.ErrNotFound)
}

func (f *fakeSearcher) Mentions(ctx context.Context, req search.MentionsRequest) (*search.MentionsResult, error) {
	f.mu.Lock()
	f.lastMentions = req
	f.mu.Unlock()
	if err := f.fail(); err != nil {
		return nil, err
	}
	res := &search.MentionsResult{Years: []search.YearCount{}}
	for _, d := range f.docs {
		for _, m := range d.Entities {
			// Accept ids as typed the way the real index does, roughly:
			// "1373" finds S/RES/1373 (2001).
			if m.Kind != req.Kind || (m.ID != req.ID && !strings.Contains(m.ID, "/"+req.ID+" ")) {
				continue
			}
			res.Entity = search.Entity{Kind: m.Kind, ID: m.ID, Label: "Label " + m.ID}
			from := max(0, m.Start-30)
			res.Mentions = append(res.Mentions, search.Mention{
				DocID: d.ID, Title: d.Title, Date: d.Date,
				Context:   d.Body[from:min(len(d.Body), m.End+30)],
				MarkStart: m.Start - from, MarkEnd: m.End - from,
				Start: m.Start, End: m.End,
			})
		}
	}
	res.Total = len(res.Mentions)
	if res.Total == 0 {
		return nil, fmt.Errorf("%s %q: %w", req.Kind, req.ID, search.ErrNotFound)
	}
	// In date order, as the real index answers, with the same counts.
	slices.SortStableFunc(res.Mentions, func(a, b search.Mention) int { return cmp.Compare(a.Date, b.Date) })
	for i, m := range res.Mentions {
		if i == 0 || m.DocID != res.Mentions[i-1].DocID {
			res.Documents++
		}
		if n := len(res.Years); n > 0 && res.Years[n-1].Year == m.Date[:4] {
			res.Years[n-1].Count++
		} else {
			res.Years = append(res.Years, search.YearCount{Year: m.Date[:4], Count: 1})
		}
	}
	if req.All {
		return res, nil
	}
	page, size := max(req.Page, 1), cmp.Or(req.Size, search.DefaultSize)
	res.Mentions = res.Mentions[min(len(res.Mentions), (page-1)*size):min(len(res.Mentions), page*size)]
	return res, nil
}

func (f *fakeSearcher) Count() (uint64, error) {
	if err := f.fail(); err != nil {
		return 0, err
	}
	return uint64(len(f.docs)), nil
}

// doc builds a test document, finding each mention's offsets in the body so
// the fixtures cannot drift from their text.
func doc(t testing.TB, id, title, date, typ, body string, mentions ...entity.Mention) search.Document {
	t.Helper()
	d := search.Document{ID: id, Title: title, Date: date, Type: typ, Format: "text", Language: "en",
		Path: "corpus/" + strings.ReplaceAll(id, "/", "-") + ".txt", Body: body, Meta: map[string]string{"source": "test"}}
	from := 0
	for _, m := range mentions {
		i := strings.Index(body[from:], m.Text)
		if i < 0 {
			t.Fatalf("doc %s: mention %q not in body after %d", id, m.Text, from)
		}
		m.Start = from + i
		m.End = m.Start + len(m.Text)
		from = m.End
		d.Entities = append(d.Entities, m)
	}
	return d
}

func mention(kind, id, text string) entity.Mention {
	return entity.Mention{Kind: kind, ID: id, Text: text}
}

// testDocs is the fake corpus: three documents that share some entities and
// not others, one with hostile markup, and one with a slash in its id.
func testDocs(t testing.TB) []search.Document {
	return []search.Document{
		doc(t, "cted-kgz", "CTED visits Kyrgyzstan", "2019-12-05", "press-release",
			"The Counter-Terrorism Committee Executive Directorate (CTED) visited Kyrgyzstan from 3 to 5 December 2019 to assess the implementation of resolution 1373 (2001).\n\nThe Kyrgyz authorities discussed foreign terrorist fighters.",
			mention(entity.Organization, "CTED", "CTED"),
			mention(entity.Country, "KGZ", "Kyrgyzstan"),
			mention(entity.Date, "2019-12-03/2019-12-05", "from 3 to 5 December 2019"),
			mention(entity.Resolution, "S/RES/1373 (2001)", "resolution 1373 (2001)"),
			mention(entity.Country, "KGZ", "Kyrgyz"),
		),
		doc(t, "unodc-kaz", "UNODC workshop in Kazakhstan on foreign terrorist fighters", "2015-03-01", "report",
			"UNODC held a workshop in Kazakhstan on resolution 2178 (2014) and foreign terrorist fighters, recalling resolution 1373 (2001).",
			mention(entity.Organization, "UNODC", "UNODC"),
			mention(entity.Country, "KAZ", "Kazakhstan"),
			mention(entity.Resolution, "S/RES/2178 (2014)", "resolution 2178 (2014)"),
			mention(entity.Resolution, "S/RES/1373 (2001)", "resolution 1373 (2001)"),
		),
		doc(t, "xss", "<b>Bold</b> claims & <i>markup</i>", "2021-06-30", "press-release",
			"A crawled page said <script>alert(1)</script> about Kazakhstan & \"quotes\".",
			mention(entity.Country, "KAZ", "Kazakhstan"),
		),
		doc(t, "reports/2021 annual", "UNCCT annual report 2021", "2022-01-15", "report",
			"The UNCCT annual report on terrorist threats in Central Asia.",
		),
	}
}

func newFake(t testing.TB) *fakeSearcher { return &fakeSearcher{docs: testDocs(t)} }

// newTestServer builds a Server over f that logs into the test log only when
// something fails loudly.
func newTestServer(t testing.TB, f Searcher) *Server {
	t.Helper()
	srv, err := New(f, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return srv
}

var errDisk = errors.New("read /var/lib/dossier/secret/index: input/output error")
