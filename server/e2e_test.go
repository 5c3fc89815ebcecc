package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"dossier/internal/entity"
	"dossier/internal/search"
)

// e2eDocs are written the way the UN writes, so that the real extractor finds
// real entities in them.
var e2eDocs = []struct{ id, title, date, body string }{
	{"kgz-2019", "CTED conducts follow-up visit to Kyrgyzstan", "2019-12-05",
		"On behalf of the Counter-Terrorism Committee, the Counter-Terrorism Committee Executive Directorate (CTED) conducted a follow-up visit to Kyrgyzstan from 3 to 5 December 2019. " +
			"The visit assessed the implementation of Security Council resolutions 1373 (2001), 1624 (2005) and 2178 (2014).\n\n" +
			"The delegation included the United Nations Office on Drugs and Crime (UNODC) and the OSCE."},
	{"kaz-2018", "UNODC and CTED hold workshop in Kazakhstan on foreign terrorist fighters", "2018-05-17",
		"The United Nations Office on Drugs and Crime (UNODC) and CTED held a regional workshop in Almaty, Kazakhstan, on 16 and 17 May 2018 " +
			"on the implementation of resolution 2396 (2017) concerning returning foreign terrorist fighters. " +
			"Participants from Kyrgyzstan, Tajikistan and Uzbekistan attended. A crawled page once said <script>alert(1)</script> here."},
	{"report-2021", "Report of the Secretary-General on the threat posed by ISIL", "2021-07-27",
		"This report is submitted pursuant to resolution 2253 (2015). Member States, including Iraq and the Syrian Arab Republic, " +
			"continue to face the threat of foreign terrorist fighters. CTED and the 1267 Committee Monitoring Team contributed."},
}

// TestEndToEnd runs the server over a real Bleve index built from documents the
// real extractor annotated: the check that the server and internal/search agree
// on the contract, beyond what the fake can show.
func TestEndToEnd(t *testing.T) {
	ix, err := search.Open(t.TempDir()+"/index", search.Options{})
	if err != nil {
		t.Fatalf("search.Open: %v", err)
	}
	t.Cleanup(func() { ix.Close() })
	var docs []search.Document
	for _, d := range e2eDocs {
		docs = append(docs, search.Document{
			ID: d.id, Title: d.title, Date: d.date, Type: entity.DocType(d.title, d.body),
			Format: "text", Language: "en", Path: "testdata/" + d.id + ".txt", Body: d.body,
			Meta: map[string]string{"source": "e2e"}, Entities: entity.Extract(d.body),
		})
	}
	if err := ix.Apply(docs, nil); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	ts := httptest.NewServer(newTestServer(t, ix).Handler())
	defer ts.Close()
	h := ts.Config.Handler

	t.Run("healthz", func(t *testing.T) {
		m := getJSON(t, h, "/healthz", http.StatusOK)
		if m["documents"] != float64(len(docs)) {
			t.Errorf("healthz = %v, want %d documents", m, len(docs))
		}
	})

	t.Run("search JSON", func(t *testing.T) {
		m := getJSON(t, h, "/api/search?q=terrorist+fighters", http.StatusOK)
		checkKeys(t, "search", m, "total", "took_ms", "hits", "facets")
		checkKeys(t, "facets", m["facets"], search.FacetNames...)
		if m["total"] != float64(2) {
			t.Errorf("total = %v, want 2", m["total"])
		}
		for _, hit := range m["hits"].([]any) {
			checkKeys(t, "hit", hit, "id", "title", "date", "type", "path", "snippet", "entities")
		}
	})

	t.Run("filters as typed, repeated, and sorted", func(t *testing.T) {
		m := getJSON(t, h, "/api/search?country=Kyrgyzstan&country=IRQ&sort=-date", http.StatusOK)
		var ids []string
		for _, hit := range m["hits"].([]any) {
			ids = append(ids, hit.(map[string]any)["id"].(string))
		}
		// Kyrgyzstan is in both Central Asian documents, Iraq in the report.
		if got, want := strings.Join(ids, " "), "report-2021 kgz-2019 kaz-2018"; got != want {
			t.Errorf("hits by -date = %s, want %s", got, want)
		}
		m = getJSON(t, h, "/api/search?resolution=1373", http.StatusOK)
		if m["total"] != float64(1) {
			t.Errorf("resolution=1373 total = %v, want 1", m["total"])
		}
	})

	t.Run("bad query", func(t *testing.T) {
		m := getJSON(t, h, "/api/search?q="+url.QueryEscape(`title:"unclosed`), http.StatusBadRequest)
		checkKeys(t, "error", m, "error")
		d := getHTML(t, h, "/?q="+url.QueryEscape(`title:"unclosed`), http.StatusBadRequest)
		if !strings.Contains(d.Find(".error-message").Text(), "bad query") {
			t.Errorf("error page message = %q", d.Find(".error-message").Text())
		}
		if got := d.Find("#header-q").AttrOr("value", ""); got != `title:"unclosed` {
			t.Errorf("header search box = %q, want the query to fix", got)
		}
	})

	t.Run("document JSON and 404", func(t *testing.T) {
		m := getJSON(t, h, "/api/documents/kgz-2019", http.StatusOK)
		checkKeys(t, "document", m, "id", "title", "date", "type", "format", "language", "path", "body", "meta", "entities")
		for _, e := range m["entities"].([]any) {
			checkKeys(t, "entity", e, "kind", "id", "text", "start", "end")
		}
		getJSON(t, h, "/api/documents/nope", http.StatusNotFound)
	})

	t.Run("mentions JSON", func(t *testing.T) {
		m := getJSON(t, h, "/api/mentions?kind=resolution&id="+url.QueryEscape("UNSCR 1373"), http.StatusOK)
		checkKeys(t, "mentions", m, "entity", "total", "documents", "years", "mentions")
		if e := m["entity"].(map[string]any); e["id"] != "S/RES/1373 (2001)" {
			t.Errorf("entity = %v, want the canonical id", e)
		}
		if m["total"] != float64(1) {
			t.Errorf("total = %v, want 1", m["total"])
		}
		for _, mm := range m["mentions"].([]any) {
			checkKeys(t, "mention", mm, "doc_id", "title", "date", "context", "mark_start", "mark_end", "start", "end")
		}
	})

	t.Run("search page", func(t *testing.T) {
		d := getHTML(t, h, "/?q=foreign+terrorist+fighters&country=KGZ", http.StatusOK)
		if n := d.Find("ol.hits li.hit").Length(); n != 1 {
			t.Errorf("%d hits, want 1", n)
		}
		if d.Find("ol.hits .snippet mark").Length() == 0 {
			t.Errorf("no highlighted words in the snippets")
		}
		box := d.Find(`input[type=checkbox][name=country][value=KGZ]`)
		if _, checked := box.Attr("checked"); !checked {
			t.Errorf("KGZ box not checked")
		}
		if got := d.Find(`label[for="` + box.AttrOr("id", "") + `"]`).Text(); !strings.Contains(got, "Kyrgyzstan") {
			t.Errorf("KGZ label = %q, want the country's name", got)
		}
		if got := d.Find("ul.chips a.chip").Text(); !strings.Contains(got, "Kyrgyzstan") {
			t.Errorf("chip = %q", got)
		}
	})

	t.Run("document page", func(t *testing.T) {
		d := getHTML(t, h, "/documents/kaz-2018", http.StatusOK)
		if d.Find("script:not([src])").Length() != 0 {
			t.Errorf("inline script on the page")
		}
		body := d.Find(".doc-body")
		if !strings.Contains(body.Text(), "<script>alert(1)</script>") {
			t.Errorf("the markup in the body is not shown as text")
		}
		var kinds []string
		body.Find("a.entity").Each(func(_ int, s *goquery.Selection) {
			if href := s.AttrOr("href", ""); !strings.HasPrefix(href, "/entities/") {
				t.Errorf("entity link %q", href)
			}
			kinds = append(kinds, s.AttrOr("class", ""))
		})
		for _, k := range []string{"entity-resolution", "entity-organization", "entity-country", "entity-date"} {
			if !strings.Contains(strings.Join(kinds, " "), k) {
				t.Errorf("no %s link in the body (links: %v)", k, kinds)
			}
		}
		link := body.Find("a.entity-resolution").First()
		ed := getHTML(t, h, link.AttrOr("href", ""), http.StatusOK)
		if got := ed.Find("#entity-heading").Text(); got != "S/RES/2396 (2017)" {
			t.Errorf("entity page of the first resolution link: %q", got)
		}
	})

	t.Run("entity page as typed", func(t *testing.T) {
		d := getHTML(t, h, "/entities/organization/cted", http.StatusOK)
		if got := d.Find("#entity-heading").Text(); !strings.Contains(got, "CTED") {
			t.Errorf("heading = %q", got)
		}
		if n := d.Find("ol.mentions li.mention").Length(); n < 3 {
			t.Errorf("%d CTED mentions, want at least one per document", n)
		}
		d = getHTML(t, h, "/entities/country/ATA", http.StatusOK)
		if !strings.Contains(d.Find(".summary").Text(), "No mentions") {
			t.Errorf("unknown entity summary = %q", d.Find(".summary").Text())
		}
	})

	// The JSON decodes into the contract's own types without loss.
	t.Run("typed decode", func(t *testing.T) {
		resp, err := http.Get(ts.URL + "/api/search?q=CTED&size=1&page=2")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var res search.Result
		if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
			t.Fatal(err)
		}
		if res.Total != 3 || len(res.Hits) != 1 {
			t.Errorf("total %d with %d hits, want 3 and 1", res.Total, len(res.Hits))
		}
	})
}
