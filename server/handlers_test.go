package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"

	"dossier/internal/entity"
	"dossier/internal/search"
)

func get(t *testing.T, h http.Handler, target string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return rec
}

// getJSON fetches target, checks the status and the content type, and decodes
// the body generically, so tests see the wire shape rather than our structs.
func getJSON(t *testing.T, h http.Handler, target string, wantStatus int) map[string]any {
	t.Helper()
	rec := get(t, h, target)
	if rec.Code != wantStatus {
		t.Fatalf("GET %s: status %d, want %d; body %s", target, rec.Code, wantStatus, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("GET %s: Content-Type %q, want JSON", target, ct)
	}
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("GET %s: decoding %s: %v", target, rec.Body, err)
	}
	return m
}

func getHTML(t *testing.T, h http.Handler, target string, wantStatus int) *goquery.Document {
	t.Helper()
	rec := get(t, h, target)
	if rec.Code != wantStatus {
		t.Fatalf("GET %s: status %d, want %d; body %s", target, rec.Code, wantStatus, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("GET %s: Content-Type %q, want HTML", target, ct)
	}
	d, err := goquery.NewDocumentFromReader(rec.Body)
	if err != nil {
		t.Fatalf("GET %s: parsing HTML: %v", target, err)
	}
	return d
}

// checkKeys fails unless m has exactly the keys want: the contract's shapes are
// what scripts rely on, so an extra key is as much a change as a missing one.
func checkKeys(t *testing.T, what string, m any, want ...string) {
	t.Helper()
	obj, ok := m.(map[string]any)
	if !ok {
		t.Fatalf("%s: %T, want a JSON object", what, m)
	}
	got := slices.Sorted(maps.Keys(obj))
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s keys (-want +got):\n%s", what, diff)
	}
}

func TestHealthz(t *testing.T) {
	f := newFake(t)
	h := newTestServer(t, f).Handler()
	m := getJSON(t, h, "/healthz", http.StatusOK)
	checkKeys(t, "healthz", m, "status", "documents")
	if m["status"] != "ok" || m["documents"] != float64(len(f.docs)) {
		t.Errorf("healthz = %v, want status ok, documents %d", m, len(f.docs))
	}

	f.err = errDisk
	m = getJSON(t, h, "/healthz", http.StatusServiceUnavailable)
	checkKeys(t, "healthz when broken", m, "error")
	if strings.Contains(m["error"].(string), "secret") {
		t.Errorf("healthz leaks the internal error: %v", m)
	}
}

func TestAPISearchShape(t *testing.T) {
	h := newTestServer(t, newFake(t)).Handler()
	m := getJSON(t, h, "/api/search?q=terrorist", http.StatusOK)
	checkKeys(t, "search", m, "total", "took_ms", "hits", "facets")
	if m["total"] != float64(3) {
		t.Errorf("total = %v, want 3", m["total"])
	}
	hits := m["hits"].([]any)
	if len(hits) != 3 {
		t.Fatalf("%d hits, want 3", len(hits))
	}
	for _, hit := range hits {
		checkKeys(t, "hit", hit, "id", "title", "date", "type", "path", "snippet", "entities")
	}
	if s := hits[0].(map[string]any)["snippet"].(string); !strings.Contains(s, "<mark>") {
		t.Errorf("snippet %q has no <mark>: the API passes the searcher's HTML through", s)
	}
	facets := m["facets"].(map[string]any)
	checkKeys(t, "facets", facets, search.FacetNames...)
	for name, vals := range facets {
		for _, v := range vals.([]any) {
			checkKeys(t, "facet "+name, v, "id", "label", "count")
		}
	}
}

// An empty result still has an array of hits and every facet as an array:
// clients iterate without checking for null.
func TestAPISearchEmptyResultShape(t *testing.T) {
	h := newTestServer(t, newFake(t)).Handler()
	rec := get(t, h, "/api/search?q=nothingmatchesthis")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	want := `{"total":0,"took_ms":1,"hits":[],"facets":{"country":[],"organization":[],"resolution":[],"type":[],"year":[]}}`
	if got := strings.TrimSpace(rec.Body.String()); got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
}

func TestAPISearchPassesRequest(t *testing.T) {
	f := newFake(t)
	h := newTestServer(t, f).Handler()
	getJSON(t, h, "/api/search?q=fighters&country=KGZ&country=KAZ&resolution=S%2FRES%2F1373+(2001)&from=2015&to=2020-06&sort=-date&page=1&size=500", http.StatusOK)
	want := search.Request{
		Query: "fighters",
		Filters: map[string][]string{
			"country":    {"KGZ", "KAZ"},
			"resolution": {"S/RES/1373 (2001)"},
		},
		From: "2015", To: "2020-06", Sort: search.SortDateDesc, Page: 1, Size: search.MaxSize,
	}
	if diff := cmp.Diff(want, f.lastSearch); diff != "" {
		t.Errorf("request reaching the searcher (-want +got):\n%s", diff)
	}
}

func TestAPIErrors(t *testing.T) {
	tests := []struct {
		name, target string
		status       int
		errContains  string
	}{
		{"unknown sort", "/api/search?sort=title", 400, "sort must be"},
		{"bad date", "/api/search?from=2019-02-30", 400, "from must be a date"},
		{"bad page", "/api/search?page=0", 400, "page must be"},
		{"query the searcher rejects", "/api/search?q=%28unbalanced", 400, "unbalanced parenthesis"},
		{"unknown document", "/api/documents/nope", 404, "not found"},
		{"mentions without kind", "/api/mentions?id=1373", 400, "kind is required"},
		{"mentions of unknown kind", "/api/mentions?kind=person&id=x", 400, "unknown kind"},
		{"mentions without id", "/api/mentions?kind=country", 400, "id is required"},
		{"mentions of unknown entity", "/api/mentions?kind=country&id=ATL", 404, "not found"},
		{"unknown API route", "/api/nothing", 404, "Not Found"},
	}
	h := newTestServer(t, newFake(t)).Handler()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := getJSON(t, h, tt.target, tt.status)
			checkKeys(t, "error", m, "error")
			if msg, _ := m["error"].(string); !strings.Contains(msg, tt.errContains) {
				t.Errorf("error = %q, want it to contain %q", msg, tt.errContains)
			}
		})
	}
}

// A failure that is not the client's gets a 500 with a generic message; the
// details go to the log only.
func TestInternalErrorIsGenericAndLogged(t *testing.T) {
	var logBuf bytes.Buffer
	f := newFake(t)
	f.err = errDisk
	srv, err := New(f, Options{Logger: slog.New(slog.NewTextHandler(&logBuf, nil))})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	for _, target := range []string{"/api/search?q=x", "/api/documents/cted-kgz", "/api/mentions?kind=country&id=KGZ"} {
		m := getJSON(t, h, target, http.StatusInternalServerError)
		if m["error"] != "internal server error" {
			t.Errorf("GET %s: error = %q, want the generic message", target, m["error"])
		}
	}
	d := getHTML(t, h, "/documents/cted-kgz", http.StatusInternalServerError)
	if strings.Contains(d.Text(), "secret") {
		t.Errorf("error page leaks the internal error")
	}
	if !strings.Contains(logBuf.String(), "secret/index") {
		t.Errorf("log does not record the internal error:\n%s", logBuf.String())
	}
}

func TestPanicBecomes500(t *testing.T) {
	f := newFake(t)
	f.panicMsg = "index exploded"
	h := newTestServer(t, f).Handler()
	m := getJSON(t, h, "/api/search", http.StatusInternalServerError)
	checkKeys(t, "error", m, "error")
	getHTML(t, h, "/", http.StatusInternalServerError)
}

// Context cancellation from the searcher (the client hung up) must not be
// reported as a server fault.
func TestCancelledIsNotA500(t *testing.T) {
	f := newFake(t)
	f.err = context.Canceled
	h := newTestServer(t, f).Handler()
	rec := get(t, h, "/api/search")
	if rec.Code == http.StatusInternalServerError {
		t.Errorf("cancelled search answered 500")
	}
}

func TestAPIDocumentShape(t *testing.T) {
	h := newTestServer(t, newFake(t)).Handler()
	m := getJSON(t, h, "/api/documents/cted-kgz", http.StatusOK)
	checkKeys(t, "document", m, "id", "title", "date", "type", "format", "language", "path", "body", "meta", "entities")
	ents := m["entities"].([]any)
	if len(ents) != 5 {
		t.Fatalf("%d entities, want 5", len(ents))
	}
	for _, e := range ents {
		checkKeys(t, "entity", e, "kind", "id", "text", "start", "end")
	}
	// Offsets point into the body as bytes.
	body := m["body"].(string)
	e := ents[0].(map[string]any)
	if got := body[int(e["start"].(float64)):int(e["end"].(float64))]; got != e["text"] {
		t.Errorf("body[start:end] = %q, want %q", got, e["text"])
	}

	// An id with a slash and a space, escaped in the path.
	m = getJSON(t, h, "/api/documents/reports%2F2021%20annual", http.StatusOK)
	if m["id"] != "reports/2021 annual" {
		t.Errorf("id = %v, want reports/2021 annual", m["id"])
	}
	if ents, ok := m["entities"].([]any); !ok || len(ents) != 0 {
		t.Errorf("entities of a document without any = %#v, want []", m["entities"])
	}
}

func TestAPIMentionsShape(t *testing.T) {
	f := newFake(t)
	h := newTestServer(t, f).Handler()
	m := getJSON(t, h, "/api/mentions?kind=resolution&id=1373&size=1&page=2", http.StatusOK)
	checkKeys(t, "mentions", m, "entity", "total", "documents", "years", "mentions")
	checkKeys(t, "mentions.entity", m["entity"], "kind", "id", "label")
	if m["total"] != float64(2) {
		t.Errorf("total = %v, want 2 (all pages)", m["total"])
	}
	ms := m["mentions"].([]any)
	if len(ms) != 1 {
		t.Fatalf("%d mentions on the page, want 1", len(ms))
	}
	checkKeys(t, "mention", ms[0], "doc_id", "title", "date", "context", "mark_start", "mark_end", "start", "end")
	want := search.MentionsRequest{Kind: "resolution", ID: "1373", Page: 2, Size: 1}
	if diff := cmp.Diff(want, f.lastMentions); diff != "" {
		t.Errorf("mentions request (-want +got):\n%s", diff)
	}
}

func TestSearchPage(t *testing.T) {
	f := newFake(t)
	h := newTestServer(t, f).Handler()
	d := getHTML(t, h, "/?q=kazakhstan&country=KAZ", http.StatusOK)

	if got := d.Find("form[role=search] input#q").AttrOr("value", ""); got != "kazakhstan" {
		t.Errorf("search box value = %q, want the query", got)
	}
	// The five facets, in order, each a fieldset of checkboxes named after it.
	var legends []string
	d.Find("aside.facets fieldset[id^=facet-]").Each(func(_ int, s *goquery.Selection) {
		legends = append(legends, strings.TrimPrefix(s.AttrOr("id", ""), "facet-"))
	})
	if diff := cmp.Diff(search.FacetNames, legends); diff != "" {
		t.Errorf("facet fieldsets (-want +got):\n%s", diff)
	}
	checked := d.Find(`input[type=checkbox][name=country]:checked`)
	if checked.Length() != 1 || checked.AttrOr("value", "") != "KAZ" {
		t.Errorf("checked country boxes: %d, first %q; want KAZ only", checked.Length(), checked.AttrOr("value", ""))
	}
	// Every checkbox has a label pointing at it.
	d.Find(`input[type=checkbox]`).Each(func(_ int, s *goquery.Selection) {
		id := s.AttrOr("id", "")
		if d.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("checkbox %s has no label", id)
		}
	})
	// Counts come from the searcher.
	kazLabel := d.Find(`label[for="` + checked.AttrOr("id", "") + `"]`)
	if got := kazLabel.Find(".count").Text(); got != "2" {
		t.Errorf("KAZ count = %q, want 2", got)
	}

	hits := d.Find("ol.hits li.hit")
	if hits.Length() != 2 {
		t.Fatalf("%d hits, want 2", hits.Length())
	}
	link := hits.First().Find("h2 a")
	if href := link.AttrOr("href", ""); !strings.HasPrefix(href, "/documents/") {
		t.Errorf("hit link = %q", href)
	}
	if hits.First().Find(".snippet mark").Length() != 1 {
		t.Errorf("snippet mark not rendered as HTML")
	}
	if got := hits.First().Find(".type").Text(); got != "Label report" {
		t.Errorf("type label = %q, want the facet's label", got)
	}
	// The hostile title of the xss document is text, not markup.
	hits.Each(func(_ int, s *goquery.Selection) {
		if s.Find("h2 b, h2 i").Length() > 0 {
			t.Errorf("title markup rendered as HTML: %s", s.Find("h2").Text())
		}
	})

	chip := d.Find("ul.chips a.chip")
	if chip.Length() != 1 || chip.AttrOr("href", "") != "/?q=kazakhstan" {
		t.Errorf("chips: %d, first href %q; want one removing country=KAZ", chip.Length(), chip.AttrOr("href", ""))
	}
	if d.Find("select#sort option[selected]").AttrOr("value", "") != search.SortRelevance {
		t.Errorf("sort select does not show relevance")
	}
	if d.Find(`link[rel=stylesheet][href="/static/style.css"]`).Length() != 1 {
		t.Errorf("no stylesheet link")
	}
}

func TestSearchPageIndexingNotice(t *testing.T) {
	srv, err := New(newFake(t), Options{Logger: slog.New(slog.DiscardHandler), Indexing: func() bool { return true }})
	if err != nil {
		t.Fatal(err)
	}
	d := getHTML(t, srv.Handler(), "/", http.StatusOK)
	if !strings.Contains(d.Find(".notice[role=status]").Text(), "Indexing the sample corpus") {
		t.Errorf("no indexing notice")
	}
	d = getHTML(t, newTestServer(t, newFake(t)).Handler(), "/", http.StatusOK)
	if d.Find(".notice").Length() != 0 {
		t.Errorf("indexing notice shown when not indexing")
	}
}

func TestSearchPagePaging(t *testing.T) {
	h := newTestServer(t, newFake(t)).Handler()
	d := getHTML(t, h, "/?size=1&page=2&sort=date", http.StatusOK)
	if got := d.Find("ol.hits").AttrOr("start", ""); got != "2" {
		t.Errorf("hit numbering starts at %q, want 2", got)
	}
	if got := d.Find(`.pager a[rel=prev]`).AttrOr("href", ""); got != "/?size=1&sort=date" {
		t.Errorf("prev = %q", got)
	}
	if got := d.Find(`.pager a[rel=next]`).AttrOr("href", ""); got != "/?page=3&size=1&sort=date" {
		t.Errorf("next = %q", got)
	}
	// The form carries the page size on, so a new query keeps it.
	if got := d.Find(`form input[type=hidden][name=size]`).AttrOr("value", ""); got != "1" {
		t.Errorf("hidden size = %q, want 1", got)
	}
}

func TestDocumentPageEscapesBody(t *testing.T) {
	h := newTestServer(t, newFake(t)).Handler()
	d := getHTML(t, h, "/documents/xss", http.StatusOK)
	if n := d.Find("script:not([src])").Length(); n != 0 {
		t.Errorf("%d inline script elements on the page, want 0", n)
	}
	body := d.Find(".doc-body")
	if !strings.Contains(body.Text(), "<script>alert(1)</script>") {
		t.Errorf("body text %q does not show the markup as text", body.Text())
	}
	if d.Find("h1 b, h1 i").Length() != 0 {
		t.Errorf("title markup rendered as HTML")
	}
	if got := d.Find("h1").Text(); got != "<b>Bold</b> claims & <i>markup</i>" {
		t.Errorf("title = %q", got)
	}
	a := body.Find("a.entity.entity-country")
	if a.Length() != 1 || a.AttrOr("href", "") != "/entities/country/KAZ" || a.Text() != "Kazakhstan" {
		t.Errorf("country link: %d, href %q, text %q", a.Length(), a.AttrOr("href", ""), a.Text())
	}
}

func TestDocumentPage(t *testing.T) {
	h := newTestServer(t, newFake(t)).Handler()
	d := getHTML(t, h, "/documents/cted-kgz", http.StatusOK)
	if got := d.Find("h1").Text(); got != "CTED visits Kyrgyzstan" {
		t.Errorf("h1 = %q", got)
	}
	var links []string
	d.Find(".doc-body a.entity").Each(func(_ int, s *goquery.Selection) {
		links = append(links, s.AttrOr("class", "")+" "+s.AttrOr("href", "")+" "+s.Text())
	})
	want := []string{
		"entity entity-organization /entities/organization/CTED CTED",
		"entity entity-country /entities/country/KGZ Kyrgyzstan",
		"entity entity-date /entities/date/2019-12-03%2F2019-12-05 from 3 to 5 December 2019",
		"entity entity-resolution /entities/resolution/S%2FRES%2F1373%20%282001%29 resolution 1373 (2001)",
		"entity entity-country /entities/country/KGZ Kyrgyz",
	}
	if diff := cmp.Diff(want, links); diff != "" {
		t.Errorf("body links (-want +got):\n%s", diff)
	}
	// Paragraph breaks survive as text (the CSS keeps them with pre-wrap).
	if !strings.Contains(d.Find(".doc-body").Text(), "(2001).\n\nThe Kyrgyz") {
		t.Errorf("paragraph break lost")
	}
	// Entities grouped by kind in kind order, each once, most mentioned first.
	var groups []string
	d.Find(".doc-entities section.entity-group").Each(func(_ int, s *goquery.Selection) {
		var items []string
		s.Find("li a").Each(func(_ int, a *goquery.Selection) { items = append(items, a.Text()) })
		groups = append(groups, s.Find("h3").Text()+": "+strings.Join(items, ", "))
	})
	wantGroups := []string{
		"Resolutions: " + entity.Label(entity.Resolution, "S/RES/1373 (2001)"),
		"Organizations: " + entity.Label(entity.Organization, "CTED"),
		"Countries: " + entity.Label(entity.Country, "KGZ"),
		"Dates: " + entity.Label(entity.Date, "2019-12-03/2019-12-05"),
	}
	if diff := cmp.Diff(wantGroups, groups); diff != "" {
		t.Errorf("entity groups (-want +got):\n%s", diff)
	}
	if got := d.Find("#entities-country .count").Text(); got != "2" {
		t.Errorf("KGZ count = %q, want 2", got)
	}

	// Ids with slashes and spaces work escaped.
	d = getHTML(t, h, "/documents/reports%2F2021%20annual", http.StatusOK)
	if got := d.Find("h1").Text(); got != "UNCCT annual report 2021" {
		t.Errorf("h1 = %q", got)
	}
}

func TestEntityPage(t *testing.T) {
	f := newFake(t)
	h := newTestServer(t, f).Handler()
	for _, target := range []string{
		"/entities/resolution/S%2FRES%2F1373%20%282001%29", // as the document page links it
		"/entities/resolution/S/RES/1373%20(2001)",         // as a person might type it
		"/entities/resolution/1373",                        // as typed; the searcher resolves it
	} {
		t.Run(target, func(t *testing.T) {
			d := getHTML(t, h, target, http.StatusOK)
			if got := d.Find("h1").Text(); got != "Label S/RES/1373 (2001)" {
				t.Errorf("h1 = %q", got)
			}
			ms := d.Find("ol.mentions li.mention")
			if ms.Length() != 2 {
				t.Fatalf("%d mentions, want 2", ms.Length())
			}
			if href := ms.First().Find(".mention-doc a").AttrOr("href", ""); href != "/documents/unodc-kaz" { // the oldest document first
				t.Errorf("first mention links %q", href)
			}
			if !strings.Contains(ms.First().Find(".context").Text(), "resolution 1373 (2001)") {
				t.Errorf("context = %q", ms.First().Find(".context").Text())
			}
			if got := d.Find(`a[href^="/?"]`).AttrOr("href", ""); got != "/?resolution=S%2FRES%2F1373+%282001%29" {
				t.Errorf("search link = %q", got)
			}
		})
	}
	if f.lastMentions.ID != "1373" {
		t.Errorf("last mentions id = %q, want the id as typed", f.lastMentions.ID)
	}
	d := getHTML(t, h, "/entities/country/KAZ?size=1", http.StatusOK)
	if got := d.Find(`.pager a[rel=next]`).AttrOr("href", ""); got != "/entities/country/KAZ?page=2&size=1" {
		t.Errorf("next = %q", got)
	}
	if got := d.Find(`.pager span`).Text(); got != "Page 1 of 2" {
		t.Errorf("pager = %q", got)
	}
	// Dates are not a facet: no search link.
	d = getHTML(t, h, "/entities/date/2019-12-03%2F2019-12-05", http.StatusOK)
	if d.Find(`a[href^="/?"]`).Length() != 0 {
		t.Errorf("date entity page links to a search it cannot filter by")
	}
}

func TestPageErrors(t *testing.T) {
	tests := []struct {
		name, target string
		status       int
		message      string
	}{
		{"unknown document", "/documents/nope", 404, `document "nope"`},
		{"unknown page", "/no/such/page", 404, "Not Found"},
		{"bad sort", "/?sort=title", 400, "sort must be"},
		{"bad query", "/?q=(", 400, "unbalanced"},
		{"unknown entity kind", "/entities/person/x", 400, "unknown kind"},
		{"unknown entity", "/entities/country/ATL", 404, "not found"},
	}
	h := newTestServer(t, newFake(t)).Handler()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := getHTML(t, h, tt.target, tt.status)
			if got := d.Find(".error-page h1").Text(); got != http.StatusText(tt.status) {
				t.Errorf("h1 = %q, want %q", got, http.StatusText(tt.status))
			}
			if got := d.Find(".error-message").Text(); !strings.Contains(got, tt.message) {
				t.Errorf("message = %q, want it to contain %q", got, tt.message)
			}
			if d.Find(`a[href="/"]`).Length() == 0 {
				t.Errorf("error page has no way back")
			}
		})
	}
}

func TestHeadersAndStatic(t *testing.T) {
	h := newTestServer(t, newFake(t)).Handler()
	rec := get(t, h, "/")
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP = %q", csp)
	}
	if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q", got)
	}
	for path, ct := range map[string]string{"/static/style.css": "text/css", "/static/app.js": "javascript"} {
		rec := get(t, h, path)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Header().Get("Content-Type"), ct) || rec.Body.Len() == 0 {
			t.Errorf("GET %s: %d %q, %d bytes", path, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Len())
		}
	}
	if rec := get(t, h, "/static/missing.css"); rec.Code != http.StatusNotFound {
		t.Errorf("missing static file: %d, want 404", rec.Code)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, "/documents/nope", nil))
	if rec.Code != http.StatusNotFound || rec.Body.Len() != 0 {
		t.Errorf("HEAD of a missing document: %d with %d bytes, want 404 and no body", rec.Code, rec.Body.Len())
	}
}

// New must fail at start-up, not on a user's request, when a page template is
// missing or broken.
func TestParsePagesFailsEarly(t *testing.T) {
	good := fstest.MapFS{
		"templates/layout.html":         {Data: []byte(`{{define "layout"}}{{template "content" .}}{{end}}`)},
		"templates/chart.html":          {Data: []byte(`{{define "yearchart"}}{{end}}`)},
		"templates/lists_partials.html": {Data: []byte(`{{define "addToListLink"}}{{end}}`)},
	}
	for _, name := range pageNames {
		good["templates/"+name+".html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}x{{end}}`)}
	}
	if _, err := parsePages(good); err != nil {
		t.Fatalf("parsePages(good): %v", err)
	}
	missing := maps.Clone(good)
	delete(missing, "templates/entity.html")
	if _, err := parsePages(missing); err == nil || !strings.Contains(err.Error(), "entity") {
		t.Errorf("parsePages without entity.html: %v, want an error naming it", err)
	}
	broken := maps.Clone(good)
	broken["templates/search.html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}{{.X}{{end}}`)}
	if _, err := parsePages(broken); err == nil {
		t.Errorf("parsePages with a broken template: nil error")
	}
	noContent := maps.Clone(good)
	noContent["templates/document.html"] = &fstest.MapFile{Data: []byte(`just text`)}
	if _, err := parsePages(noContent); err == nil || !strings.Contains(err.Error(), "content") {
		t.Errorf("parsePages with a page lacking content: %v", err)
	}
}

// A template that fails while executing must give a clean error page, not a
// 200 with half a page.
func TestRenderFailureLeavesNoHalfPage(t *testing.T) {
	srv := newTestServer(t, newFake(t))
	fsys := fstest.MapFS{
		"templates/layout.html":         {Data: []byte(`{{define "layout"}}<p>start</p>{{template "content" .}}{{end}}`)},
		"templates/search.html":         {Data: []byte(`{{define "content"}}{{index .Hits 99}}{{end}}`)},
		"templates/chart.html":          {Data: []byte(`{{define "yearchart"}}{{end}}`)},
		"templates/lists_partials.html": {Data: []byte(`{{define "addToListLink"}}{{end}}`)},
	}
	for _, name := range pageNames[1:] {
		fsys["templates/"+name+".html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}{{.Message}}{{end}}`)}
	}
	pages, err := parsePages(fsys)
	if err != nil {
		t.Fatal(err)
	}
	srv.pages = pages
	rec := get(t, srv.Handler(), "/")
	if rec.Code != http.StatusInternalServerError {
		t.Errorf("status %d, want 500", rec.Code)
	}
	if strings.Count(rec.Body.String(), "<p>start</p>") != 1 || !strings.Contains(rec.Body.String(), "internal server error") {
		t.Errorf("body = %q, want only the error page", rec.Body)
	}
}

func TestServeShutsDownOnCancel(t *testing.T) {
	srv := newTestServer(t, newFake(t))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()

	resp, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("healthz: %d", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve after cancel = %v, want nil", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
}

func TestListenAndServeBadAddr(t *testing.T) {
	srv := newTestServer(t, newFake(t))
	err := srv.ListenAndServe(t.Context(), "127.0.0.1:notaport")
	if err == nil || errors.Is(err, http.ErrServerClosed) {
		t.Errorf("ListenAndServe on a bad address = %v, want a listen error", err)
	}
}

func TestNewNilSearcher(t *testing.T) {
	if _, err := New(nil, Options{}); err == nil {
		t.Error("New(nil) succeeded")
	}
}
