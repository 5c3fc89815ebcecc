package server

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	gocmp "github.com/google/go-cmp/cmp"

	"dossier/internal/entity"
	"dossier/internal/search"
)

// The tests in this file run the API over a real Bleve index of testdata/ and
// check it against gold data computed here, straight from the documents and
// what entity.Extract found in them, without asking the search package.

// goldIDs is what a document counts for in one facet: the ids of its
// mentions of that kind (each once), its type, or the year of its date.
func goldIDs(d search.Document, facet string) []string {
	switch facet {
	case search.FacetType:
		return []string{d.Type}
	case search.FacetYear:
		if len(d.Date) < 4 {
			return nil
		}
		return []string{d.Date[:4]}
	}
	var ids []string
	for _, m := range d.Entities {
		if m.Kind == facet && !slices.Contains(ids, m.ID) {
			ids = append(ids, m.ID)
		}
	}
	return ids
}

// goldFilter says whether d passes the filters of one facet (any value).
func goldHas(d search.Document, facet string, ids ...string) bool {
	return slices.ContainsFunc(goldIDs(d, facet), func(id string) bool { return slices.Contains(ids, id) })
}

// goldCounts counts, per value of facet, the documents among docs that keep.
func goldCounts(docs []search.Document, facet string, keep func(search.Document) bool) map[string]int {
	out := map[string]int{}
	for _, d := range docs {
		if !keep(d) {
			continue
		}
		for _, id := range goldIDs(d, facet) {
			out[id]++
		}
	}
	return out
}

// goldInRange is the date filter: a document's date, cut to the precision of
// the bound, lies within [from, to].
func goldInRange(d search.Document, from, to string) bool {
	if d.Date == "" {
		return from == "" && to == ""
	}
	if from != "" && d.Date[:min(len(d.Date), len(from))] < from {
		return false
	}
	if to != "" && d.Date[:min(len(d.Date), len(to))] > to {
		return false
	}
	return true
}

// apiResult is /api/search decoded into the contract's own types.
func searchJSON(t *testing.T, h http.Handler, query string) search.Result {
	t.Helper()
	rec := get(t, h, "/api/search?"+query)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/search?%s: %d %s", query, rec.Code, rec.Body)
	}
	var res search.Result
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	return res
}

func facetCounts(vals []search.FacetValue) map[string]int {
	out := map[string]int{}
	for _, v := range vals {
		out[v.ID] = v.Count
	}
	return out
}

func hitDocIDs(res search.Result) []string {
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

func goldDocIDs(docs []search.Document, keep func(search.Document) bool) []string {
	var ids []string
	for _, d := range docs {
		if keep(d) {
			ids = append(ids, d.ID)
		}
	}
	return ids
}

func TestRealIndexFacetCounts(t *testing.T) {
	srv, docs := realServer(t)
	h := srv.Handler()
	all := func(search.Document) bool { return true }
	const r2178 = "S/RES/2178 (2014)"

	tests := []struct {
		name  string
		query string
		// match is the gold result set; facet gives, per facet, the set its
		// counts are taken over (disjunctive: without that facet's own
		// selection); nil means match.
		match func(search.Document) bool
		facet map[string]func(search.Document) bool
	}{
		{name: "everything", query: "", match: all},
		{name: "one country: its facet still counts every country",
			query: "country=KGZ",
			match: func(d search.Document) bool { return goldHas(d, "country", "KGZ") },
			facet: map[string]func(search.Document) bool{"country": all}},
		{name: "two countries are OR-ed",
			query: "country=KGZ&country=IRQ",
			match: func(d search.Document) bool { return goldHas(d, "country", "KGZ", "IRQ") },
			facet: map[string]func(search.Document) bool{"country": all}},
		{name: "a country and an organization are AND-ed, each facet counted without its own",
			query: "country=KAZ&organization=CTED",
			match: func(d search.Document) bool {
				return goldHas(d, "country", "KAZ") && goldHas(d, "organization", "CTED")
			},
			facet: map[string]func(search.Document) bool{
				"country":      func(d search.Document) bool { return goldHas(d, "organization", "CTED") },
				"organization": func(d search.Document) bool { return goldHas(d, "country", "KAZ") },
			}},
		{name: "resolution as typed, a year and a type",
			query: "resolution=2178&year=2019&year=2021&type=report",
			match: func(d search.Document) bool {
				return goldHas(d, "resolution", r2178) && goldHas(d, "year", "2019", "2021") && goldHas(d, "type", "report")
			},
			facet: map[string]func(search.Document) bool{
				"resolution": func(d search.Document) bool {
					return goldHas(d, "year", "2019", "2021") && goldHas(d, "type", "report")
				},
				"year": func(d search.Document) bool { return goldHas(d, "resolution", r2178) && goldHas(d, "type", "report") },
				"type": func(d search.Document) bool {
					return goldHas(d, "resolution", r2178) && goldHas(d, "year", "2019", "2021")
				},
			}},
		{name: "a date range narrows every facet",
			query: "from=2019&to=2021-06",
			match: func(d search.Document) bool { return goldInRange(d, "2019", "2021-06") }},
		{name: "a query naming a resolution finds the documents citing it",
			query: "q=" + url.QueryEscape("resolution 2178") + "&organization=CTED",
			match: func(d search.Document) bool {
				return goldHas(d, "resolution", r2178) && goldHas(d, "organization", "CTED")
			},
			facet: map[string]func(search.Document) bool{
				"organization": func(d search.Document) bool { return goldHas(d, "resolution", r2178) },
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := searchJSON(t, h, tt.query+"&size=100")
			params, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			want := goldDocIDs(docs, tt.match)
			if len(want) == 0 {
				t.Fatalf("the gold set is empty: the test data no longer exercises this case")
			}
			if got := hitDocIDs(res); !gocmp.Equal(slices.Sorted(slices.Values(want)), slices.Sorted(slices.Values(got))) {
				t.Errorf("hits = %v, want %v", got, want)
			}
			if res.Total != uint64(len(want)) {
				t.Errorf("total = %d, want %d", res.Total, len(want))
			}
			for _, name := range search.FacetNames {
				keep := tt.match
				if f, ok := tt.facet[name]; ok {
					keep = f
				}
				// A selected value is listed even when nothing has it (so its
				// box stays ticked), with a count of 0.
				wantCounts := goldCounts(docs, name, keep)
				for _, id := range params[name] {
					if c, ok := entity.Canonical(name, id); ok && slices.Contains(entity.Kinds, name) {
						id = c
					}
					wantCounts[id] += 0
				}
				if diff := gocmp.Diff(wantCounts, facetCounts(res.Facets[name])); diff != "" {
					t.Errorf("facet %s (-want +got):\n%s", name, diff)
				}
				for _, v := range res.Facets[name] {
					if v.Label == "" {
						t.Errorf("facet %s value %s has no label", name, v.ID)
					}
				}
			}
		})
	}
}

func TestRealIndexDateFiltersAndSort(t *testing.T) {
	srv, docs := realServer(t)
	h := srv.Handler()
	byDate := slices.Clone(docs)
	slices.SortFunc(byDate, func(a, b search.Document) int { return cmp.Compare(a.Date, b.Date) })
	for i := 1; i < len(byDate); i++ {
		if byDate[i].Date == byDate[i-1].Date {
			t.Fatalf("two testdata documents share the date %s: sort order would be ambiguous", byDate[i].Date)
		}
	}

	for _, r := range []struct{ from, to string }{
		{"2019", "2021"}, {"2019-06-21", ""}, {"", "2018"}, {"2019-12", "2019-12"},
		{"2016-09-28", "2016-09-28"}, {"2024", ""},
	} {
		name := fmt.Sprintf("from %q to %q", r.from, r.to)
		t.Run(name, func(t *testing.T) {
			q := url.Values{"sort": {"date"}, "size": {"100"}}
			if r.from != "" {
				q.Set("from", r.from)
			}
			if r.to != "" {
				q.Set("to", r.to)
			}
			res := searchJSON(t, h, q.Encode())
			want := goldDocIDs(byDate, func(d search.Document) bool { return goldInRange(d, r.from, r.to) })
			if diff := gocmp.Diff(want, hitDocIDs(res)); diff != "" {
				t.Errorf("hits (-want +got):\n%s", diff)
			}
		})
	}

	asc := goldDocIDs(byDate, func(search.Document) bool { return true })
	desc := slices.Clone(asc)
	slices.Reverse(desc)
	newestFirst := slices.Clone(byDate)
	slices.Reverse(newestFirst)
	tests := []struct {
		query string
		want  []string
	}{
		{"sort=date&size=100", asc},
		{"sort=-date&size=100", desc},
		{"sort=date&size=3&page=2", asc[3:6]},
		{"sort=-date&size=3&page=3", desc[6:]},
		// Sorting applies within a filtered, queried set too.
		{"q=Kyrgyzstan&sort=-date", goldDocIDs(newestFirst, func(d search.Document) bool { return goldHas(d, "country", "KGZ") })},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			if diff := gocmp.Diff(tt.want, hitDocIDs(searchJSON(t, h, tt.query))); diff != "" {
				t.Errorf("hits (-want +got):\n%s", diff)
			}
		})
	}
	// Relevance ranks the documents citing a resolution asked for as typed
	// above those that do not.
	res := searchJSON(t, h, "q="+url.QueryEscape("UNSCR 2396"))
	cite := goldDocIDs(docs, func(d search.Document) bool { return goldHas(d, "resolution", "S/RES/2396 (2017)") })
	if got := hitDocIDs(res); len(got) < len(cite) || !gocmp.Equal(slices.Sorted(slices.Values(got[:len(cite)])), cite) {
		t.Errorf("hits for UNSCR 2396 = %v, want the citing documents %v first", got, cite)
	}
}

// goldMention is one mention as the extractor gave it.
type goldMention struct {
	DocID      string
	Start, End int
}

// goldMentions lists the mentions of kind/id across docs in the order the
// contract says: by document date, then by place in the document.
func goldMentions(docs []search.Document, kind, id string) []goldMention {
	byDate := slices.Clone(docs)
	slices.SortStableFunc(byDate, func(a, b search.Document) int { return cmp.Or(cmp.Compare(a.Date, b.Date), cmp.Compare(a.ID, b.ID)) })
	var out []goldMention
	for _, d := range byDate {
		for _, m := range d.Entities {
			if m.Kind == kind && m.ID == id {
				out = append(out, goldMention{d.ID, m.Start, m.End})
			}
		}
	}
	return out
}

// collapseSpace is the mention text as a context shows it: runs of white
// space made one space.
func collapseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestRealIndexMentions(t *testing.T) {
	srv, docs := realServer(t)
	h := srv.Handler()
	byID := map[string]search.Document{}
	entities := map[[2]string]bool{}
	for _, d := range docs {
		byID[d.ID] = d
		for _, m := range d.Entities {
			entities[[2]string{m.Kind, m.ID}] = true
		}
	}
	keys := slices.SortedFunc(maps.Keys(entities), func(a, b [2]string) int {
		return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]))
	})
	for _, kinds := range entity.Kinds {
		if !slices.ContainsFunc(keys, func(k [2]string) bool { return k[0] == kinds }) {
			t.Errorf("no %s in the test data", kinds)
		}
	}
	for _, k := range keys {
		kind, id := k[0], k[1]
		t.Run(kind+" "+id, func(t *testing.T) {
			rec := get(t, h, "/api/mentions?"+url.Values{"kind": {kind}, "id": {id}, "size": {"100"}}.Encode())
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			var res search.MentionsResult
			if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
				t.Fatal(err)
			}
			want := goldMentions(docs, kind, id)
			var got []goldMention
			for _, m := range res.Mentions {
				got = append(got, goldMention{m.DocID, m.Start, m.End})
				d := byID[m.DocID]
				if m.Title != d.Title || m.Date != d.Date {
					t.Errorf("mention in %s: title %q date %q, want %q %q", m.DocID, m.Title, m.Date, d.Title, d.Date)
				}
				if m.MarkStart < 0 || m.MarkEnd > len(m.Context) || m.MarkStart > m.MarkEnd {
					t.Errorf("mark [%d:%d] outside the context %q", m.MarkStart, m.MarkEnd, m.Context)
					continue
				}
				if mark, text := m.Context[m.MarkStart:m.MarkEnd], collapseSpace(d.Body[m.Start:m.End]); mark != text {
					t.Errorf("context[mark] = %q, want the mention %q", mark, text)
				}
			}
			if diff := gocmp.Diff(want, got); diff != "" {
				t.Errorf("mentions (-want +got):\n%s", diff)
			}
			if res.Total != len(want) {
				t.Errorf("total = %d, want %d", res.Total, len(want))
			}
			docSet := map[string]bool{}
			years := map[string]int{}
			for _, m := range want {
				docSet[m.DocID] = true
				years[byID[m.DocID].Date[:4]]++
			}
			if res.Documents != len(docSet) {
				t.Errorf("documents = %d, want %d", res.Documents, len(docSet))
			}
			gotYears := map[string]int{}
			for i, y := range res.Years {
				gotYears[y.Year] = y.Count
				if i > 0 && res.Years[i-1].Year >= y.Year {
					t.Errorf("years out of order: %v", res.Years)
				}
			}
			if diff := gocmp.Diff(years, gotYears); diff != "" {
				t.Errorf("years (-want +got):\n%s", diff)
			}
			if res.Entity.Kind != kind || res.Entity.ID != id || res.Entity.Label == "" {
				t.Errorf("entity = %+v", res.Entity)
			}
		})
	}
	// An id as a person types it finds the same mentions.
	typed := getJSON(t, h, "/api/mentions?kind=resolution&id="+url.QueryEscape("UNSCR 2178")+"&size=100", http.StatusOK)
	if n, want := typed["total"], float64(len(goldMentions(docs, "resolution", "S/RES/2178 (2014)"))); n != want {
		t.Errorf("UNSCR 2178: total %v, want %v", n, want)
	}
}

func TestRealIndexMentionsCSV(t *testing.T) {
	srv, docs := realServer(t)
	h := srv.Handler()
	byID := map[string]search.Document{}
	for _, d := range docs {
		byID[d.ID] = d
	}
	tests := []struct {
		kind, id, typed, file string
		// guarded is a cell the formula guard must have changed.
		guarded string
	}{
		{"resolution", "S/RES/2253 (2015)", "resolution 2253", "mentions-resolution-S-RES-2253-2015.csv", `'=HYPERLINK("http://example.invalid") Statement on resolution 2253 (2015)`},
		{"country", "IRQ", "Iraq", "mentions-country-IRQ.csv", "'- Iraq reported progress in prosecutions."},
		{"country", "KGZ", "KGZ", "mentions-country-KGZ.csv", "'+Kyrgyzstan asked for further technical assistance."},
	}
	for _, tt := range tests {
		t.Run(tt.kind+" "+tt.id, func(t *testing.T) {
			// size is ignored: the export is every mention.
			rec := get(t, h, "/api/mentions?"+url.Values{"kind": {tt.kind}, "id": {tt.typed}, "format": {"csv"}, "size": {"1"}}.Encode())
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "text/csv; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			if cd, want := rec.Header().Get("Content-Disposition"), `attachment; filename=`+tt.file; cd != want {
				t.Errorf("Content-Disposition = %q, want %q", cd, want)
			}
			rows, err := csv.NewReader(rec.Body).ReadAll()
			if err != nil {
				t.Fatalf("parsing the CSV: %v", err)
			}
			if len(rows) == 0 || !slices.Equal(rows[0], csvHeader) {
				t.Fatalf("header = %v, want %v", rows[:min(1, len(rows))], csvHeader)
			}
			want := goldMentions(docs, tt.kind, tt.id)
			if len(rows)-1 != len(want) {
				t.Fatalf("%d rows, want %d", len(rows)-1, len(want))
			}
			found := false
			for i, row := range rows[1:] {
				g := want[i]
				d := byID[g.DocID]
				got := goldMention{row[0], mustAtoi(t, row[4]), mustAtoi(t, row[5])}
				if got != g {
					t.Errorf("row %d = %v, want %v", i+1, got, g)
				}
				if csvUnguard(row[1]) != d.Title || row[2] != d.Date {
					t.Errorf("row %d: title %q date %q, want %q %q", i+1, row[1], row[2], d.Title, d.Date)
				}
				if !strings.Contains(csvUnguard(row[3]), collapseSpace(d.Body[g.Start:g.End])) {
					t.Errorf("row %d: context %q lacks the mention", i+1, row[3])
				}
				for _, cell := range row {
					if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
						t.Errorf("row %d: cell %q would be a formula", i+1, cell)
					}
				}
				found = found || slices.Contains(row, tt.guarded)
			}
			if !found {
				t.Errorf("no cell %q in the export", tt.guarded)
			}
		})
	}
	t.Run("bad format", func(t *testing.T) {
		getJSON(t, h, "/api/mentions?kind=country&id=KGZ&format=xlsx", http.StatusBadRequest)
	})
}

func csvUnguard(s string) string {
	if strings.HasPrefix(s, "'") && len(s) > 1 && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return n
}

func TestRealIndexOriginal(t *testing.T) {
	srv, docs := realServer(t)
	h := srv.Handler()
	for _, d := range docs[:2] {
		want, err := os.ReadFile(d.Path)
		if err != nil {
			t.Fatal(err)
		}
		rec := get(t, h, documentURL(d.ID)+"/original")
		if rec.Code != http.StatusOK || rec.Body.String() != string(want) {
			t.Errorf("original of %s: %d, %d bytes, want 200 and the file's %d bytes", d.ID, rec.Code, rec.Body.Len(), len(want))
		}
		if ct := rec.Header().Get("Content-Type"); ct != "text/plain; charset=utf-8" {
			t.Errorf("Content-Type = %q", ct)
		}
		if cd, want := rec.Header().Get("Content-Disposition"), "inline; filename="+d.ID+".txt"; cd != want {
			t.Errorf("Content-Disposition = %q, want %q", cd, want)
		}
		page := getHTML(t, h, documentURL(d.ID), http.StatusOK)
		if href := page.Find("a.original").AttrOr("href", ""); href != documentURL(d.ID)+"/original" {
			t.Errorf("document page links the original as %q", href)
		}
	}
}

func TestRealIndexEntityPage(t *testing.T) {
	srv, docs := realServer(t)
	h := srv.Handler()
	byID := map[string]search.Document{}
	for _, d := range docs {
		byID[d.ID] = d
	}
	for _, e := range [][2]string{{"resolution", "S/RES/2178 (2014)"}, {"organization", "CTED"}, {"country", "KGZ"}} {
		kind, id := e[0], e[1]
		t.Run(kind+" "+id, func(t *testing.T) {
			d := getHTML(t, h, entityURL(kind, id)+"?size=100", http.StatusOK)
			gm := goldMentions(docs, kind, id)
			inDocs := map[string]bool{}
			years := map[string]int{}
			for _, m := range gm {
				inDocs[m.DocID] = true
				years[byID[m.DocID].Date[:4]]++
			}
			if got := d.Find(".total-mentions").Text(); got != strconv.Itoa(len(gm)) {
				t.Errorf("mentions = %s, want %d", got, len(gm))
			}
			if got := d.Find(".total-documents").Text(); got != strconv.Itoa(len(inDocs)) {
				t.Errorf("documents = %s, want %d", got, len(inDocs))
			}

			// The timeline: a bar per year, empty years included, with the
			// gold counts; the table alternative lists the years with any.
			gotYears := map[string]int{}
			bars := d.Find("#timeline svg g.bar")
			bars.Each(func(_ int, s *goquery.Selection) {
				gotYears[s.AttrOr("data-year", "")] = mustAtoi(t, s.AttrOr("data-count", ""))
			})
			first, last := slices.Min(slices.Collect(maps.Keys(years))), slices.Max(slices.Collect(maps.Keys(years)))
			if n := bars.Length(); n != mustAtoi(t, last)-mustAtoi(t, first)+1 {
				t.Errorf("%d bars, want one per year from %s to %s", n, first, last)
			}
			for y, n := range gotYears {
				if n != years[y] {
					t.Errorf("bar %s = %d, want %d", y, n, years[y])
				}
			}
			svg := d.Find("#timeline svg")
			if svg.AttrOr("role", "") != "img" || svg.Find("title").First().Text() == "" || !strings.Contains(svg.Find("desc").Text(), first) {
				t.Errorf("timeline SVG lacks role, title or desc")
			}
			if n := d.Find("#timeline table tbody tr").Length(); n != len(years) {
				t.Errorf("timeline table has %d rows, want %d", n, len(years))
			}

			// Every mention, marked in its context, in the gold order.
			var got []goldMention
			d.Find("ol.mentions li.mention").Each(func(i int, s *goquery.Selection) {
				if i >= len(gm) {
					return
				}
				g := gm[i]
				href := s.Find(".mention-doc a").AttrOr("href", "")
				got = append(got, goldMention{strings.TrimPrefix(href, "/documents/"), g.Start, g.End})
				if mark, want := s.Find("blockquote mark").Text(), collapseSpace(byID[g.DocID].Body[g.Start:g.End]); mark != want {
					t.Errorf("mention %d: marked %q, want %q", i+1, mark, want)
				}
			})
			if diff := gocmp.Diff(gm, got); diff != "" {
				t.Errorf("mentions (-want +got):\n%s", diff)
			}

			// Co-occurring entities: the gold counts over the documents that
			// mention this one, the entity itself left out, the most shared first.
			for _, k := range []string{"resolution", "organization", "country"} {
				gold := goldCounts(docs, k, func(doc search.Document) bool { return inDocs[doc.ID] })
				if k == kind {
					delete(gold, id)
				}
				items := d.Find("#co-" + k + " li")
				if items.Length() != min(coOccurringTop, len(gold)) {
					t.Errorf("%s: %d listed, want %d", k, items.Length(), min(coOccurringTop, len(gold)))
				}
				prev := 1 << 30
				items.Each(func(_ int, s *goquery.Selection) {
					a := s.Find("a").First()
					oid, err := url.PathUnescape(strings.TrimPrefix(a.AttrOr("href", ""), "/entities/"+k+"/"))
					if err != nil {
						t.Fatal(err)
					}
					n := mustAtoi(t, strings.Fields(s.Find(".count").Text())[0])
					if n != gold[oid] || n > prev {
						t.Errorf("%s %s: %d shared documents, want %d, in descending order", k, oid, n, gold[oid])
					}
					prev = n
				})
			}

			want := "/api/mentions?" + url.Values{"kind": {kind}, "id": {id}, "format": {"csv"}}.Encode()
			if got := d.Find("a.download").AttrOr("href", ""); got != want {
				t.Errorf("CSV link = %q, want %q", got, want)
			}
		})
	}
}

func TestRealIndexSearchPage(t *testing.T) {
	srv, docs := realServer(t)
	h := srv.Handler()
	d := getHTML(t, h, "/?sort=date&size=100", http.StatusOK)
	hits := d.Find("ol.hits li.hit")
	if hits.Length() != len(docs) {
		t.Fatalf("%d hits, want %d", hits.Length(), len(docs))
	}
	byDate := slices.Clone(docs)
	slices.SortFunc(byDate, func(a, b search.Document) int { return cmp.Compare(a.Date, b.Date) })
	hits.Each(func(i int, s *goquery.Selection) {
		doc := byDate[i]
		n := 0
		for _, k := range []string{"resolution", "organization", "country"} {
			n += len(goldIDs(doc, k))
		}
		chips := s.Find("a.entity-chip")
		if chips.Length() != min(n, maxHitChips) {
			t.Errorf("%s: %d chips, want %d", doc.ID, chips.Length(), min(n, maxHitChips))
		}
		more := s.Find(".entity-chips a.more")
		if n > maxHitChips {
			if !strings.HasPrefix(more.Text(), "+"+strconv.Itoa(n-maxHitChips)+" more") || more.AttrOr("href", "") != documentURL(doc.ID)+"#entities" {
				t.Errorf("%s: more = %q -> %q, want +%d", doc.ID, more.Text(), more.AttrOr("href", ""), n-maxHitChips)
			}
		} else if more.Length() != 0 {
			t.Errorf("%s: a +more chip with only %d entities", doc.ID, n)
		}
		chips.Each(func(_ int, c *goquery.Selection) {
			if !strings.HasPrefix(c.AttrOr("href", ""), "/entities/") {
				t.Errorf("chip links %q", c.AttrOr("href", ""))
			}
		})
	})

	// The year histogram: a bar per year of the collection's span, with the
	// gold counts, each bar with a count a link narrowing to its year.
	years := goldCounts(docs, "year", func(search.Document) bool { return true })
	d.Find("#years svg g.bar").Each(func(_ int, s *goquery.Selection) {
		y := s.AttrOr("data-year", "")
		if n := mustAtoi(t, s.AttrOr("data-count", "")); n != years[y] {
			t.Errorf("year %s: %d, want %d", y, n, years[y])
		}
		href := s.Find("a").AttrOr("href", "")
		if years[y] > 0 && href != "/?size=100&sort=date&year="+y {
			t.Errorf("year %s links %q", y, href)
		}
		if years[y] == 0 && href != "" {
			t.Errorf("empty year %s links %q", y, href)
		}
	})

	// The search tips, the date fields and both sort directions are on the page.
	if d.Find("details.search-tips summary").Text() != "Search tips" {
		t.Errorf("no search tips")
	}
	for _, tip := range []string{`"foreign terrorist fighters"`, "+Kyrgyzstan -workshop", "title:report", "terorism~", "biometr*", "resolution 1373"} {
		found := false
		d.Find("details.search-tips code").Each(func(_ int, s *goquery.Selection) { found = found || s.Text() == tip })
		if !found {
			t.Errorf("search tips lack %q", tip)
		}
	}
	for _, sel := range []string{`input#from[name=from]`, `input#to[name=to]`, `label[for=from]`, `label[for=to]`,
		`select#sort option[value=relevance]`, `select#sort option[value="-date"]`, `select#sort option[value=date][selected]`} {
		if d.Find(sel).Length() != 1 {
			t.Errorf("no %s", sel)
		}
	}
	// A malformed query is a clear 400 page, not a 500.
	bad := getHTML(t, h, "/?q="+url.QueryEscape(`title:"unclosed`), http.StatusBadRequest)
	if !strings.Contains(bad.Find(".error-message").Text(), "bad query") {
		t.Errorf("bad query message = %q", bad.Find(".error-message").Text())
	}
}
