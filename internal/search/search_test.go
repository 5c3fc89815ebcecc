package search_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"dossier/internal/entity"
	"dossier/internal/search"
)

// mention builds a mention of id at the first occurrence of text in body.
func mention(body, kind, id, text string) entity.Mention {
	i := strings.Index(body, text)
	if i < 0 {
		panic("mention text not in body: " + text)
	}
	return entity.Mention{Kind: kind, ID: id, Text: text, Start: i, End: i + len(text)}
}

// docs is a small collection with known entities; facet counts below are
// computed from it by hand.
func docs() []search.Document {
	type ent struct{ kind, id, text string }
	mk := func(id, title, date, typ, body string, ents ...ent) search.Document {
		d := search.Document{ID: id, Title: title, Date: date, Type: typ, Format: "text", Path: "/docs/" + id + ".txt", Body: body}
		for _, e := range ents {
			d.Entities = append(d.Entities, mention(body, e.kind, e.id, e.text))
		}
		return d
	}
	return []search.Document{
		mk("a", "Visit to Kyrgyzstan", "2019-12-05", "press-release",
			"CTED visited Kyrgyzstan to discuss resolution 2178 (2014). Experts met in Bishkek.",
			ent{"organization", "CTED", "CTED"}, ent{"country", "KGZ", "Kyrgyzstan"}, ent{"resolution", "S/RES/2178 (2014)", "resolution 2178 (2014)"}),
		mk("b", "Report on financing", "2020-03", "report",
			"A survey of resolution 2462 (2019) and resolution 2178 (2014) across Central Asia, with UNODC and CTED.",
			ent{"resolution", "S/RES/2462 (2019)", "resolution 2462 (2019)"}, ent{"resolution", "S/RES/2178 (2014)", "resolution 2178 (2014)"},
			ent{"organization", "UNODC", "UNODC"}, ent{"organization", "CTED", "CTED"}),
		mk("c", "Briefing on Iraq", "2017-06-01", "meeting-coverage",
			"The Council heard a briefing on Iraq and the return of fighters under resolution 2396 (2017). <script>alert(1)</script>",
			ent{"country", "IRQ", "Iraq"}, ent{"resolution", "S/RES/2396 (2017)", "resolution 2396 (2017)"}),
		mk("d", "Undated note", "", "other",
			"An undated note on Kyrgyzstan. It cites resolution 2178 (2014) twice: see resolution 2178 again.",
			ent{"country", "KGZ", "Kyrgyzstan"}, ent{"resolution", "S/RES/2178 (2014)", "resolution 2178 (2014)"},
			ent{"resolution", "S/RES/2178 (2014)", "resolution 2178 again"}),
	}
}

func newIndex(t *testing.T) *search.Index {
	t.Helper()
	ix, err := search.Open(t.TempDir(), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if err := ix.Apply(docs(), nil); err != nil {
		t.Fatal(err)
	}
	return ix
}

func ids(res *search.Result) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out
}

// counts flattens one facet to id -> count.
func counts(res *search.Result, facet string) map[string]int {
	out := map[string]int{}
	for _, v := range res.Facets[facet] {
		out[v.ID] = v.Count
	}
	return out
}

func TestSearchFiltersSortAndFacets(t *testing.T) {
	ix := newIndex(t)
	ctx := context.Background()
	tests := []struct {
		name    string
		req     search.Request
		wantIDs []string
		facet   string
		want    map[string]int
	}{
		{
			name:    "browse everything, newest first, undated last",
			req:     search.Request{Sort: search.SortDateDesc},
			wantIDs: []string{"b", "a", "c", "d"},
			facet:   search.FacetResolution,
			want:    map[string]int{"S/RES/2178 (2014)": 3, "S/RES/2462 (2019)": 1, "S/RES/2396 (2017)": 1},
		},
		{
			name:    "oldest first",
			req:     search.Request{Sort: search.SortDateAsc},
			wantIDs: []string{"c", "a", "b", "d"},
			facet:   search.FacetYear,
			want:    map[string]int{"2017": 1, "2019": 1, "2020": 1},
		},
		{
			name:    "one country",
			req:     search.Request{Filters: map[string][]string{"country": {"KGZ"}}, Sort: search.SortDateAsc},
			wantIDs: []string{"a", "d"},
			// Disjunctive: the country facet counts as if KGZ were not selected.
			facet: search.FacetCountry,
			want:  map[string]int{"KGZ": 2, "IRQ": 1},
		},
		{
			name:    "two values of one facet are OR-ed",
			req:     search.Request{Filters: map[string][]string{"country": {"KGZ", "IRQ"}}, Sort: search.SortDateAsc},
			wantIDs: []string{"c", "a", "d"},
			facet:   search.FacetOrganization,
			want:    map[string]int{"CTED": 1},
		},
		{
			name:    "ids as a person types them",
			req:     search.Request{Filters: map[string][]string{"country": {"Kyrgyzstan"}, "resolution": {"UNSCR 2178"}}, Sort: search.SortDateAsc},
			wantIDs: []string{"a", "d"},
		},
		{
			name:    "facets are AND-ed",
			req:     search.Request{Filters: map[string][]string{"country": {"KGZ"}, "organization": {"CTED"}}},
			wantIDs: []string{"a"},
			facet:   search.FacetOrganization,
			want:    map[string]int{"CTED": 1},
		},
		{
			name:    "date range by year",
			req:     search.Request{From: "2019", To: "2020-03", Sort: search.SortDateAsc},
			wantIDs: []string{"a", "b"},
			facet:   search.FacetType,
			want:    map[string]int{"press-release": 1, "report": 1},
		},
		{
			name:    "a scope narrows every facet, its own too",
			req:     search.Request{Scope: map[string][]string{"resolution": {"2462"}}},
			wantIDs: []string{"b"},
			facet:   search.FacetResolution,
			want:    map[string]int{"S/RES/2462 (2019)": 1, "S/RES/2178 (2014)": 1},
		},
		{
			name:    "text query with a filter",
			req:     search.Request{Query: "fighters", Filters: map[string][]string{"year": {"2017"}}},
			wantIDs: []string{"c"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := ix.Search(ctx, tc.req)
			if err != nil {
				t.Fatalf("Search: %v", err)
			}
			if diff := cmp.Diff(tc.wantIDs, ids(res)); diff != "" {
				t.Errorf("hits (-want +got):\n%s", diff)
			}
			if res.Total != uint64(len(tc.wantIDs)) {
				t.Errorf("total = %d, want %d", res.Total, len(tc.wantIDs))
			}
			if tc.facet != "" {
				if diff := cmp.Diff(tc.want, counts(res, tc.facet)); diff != "" {
					t.Errorf("facet %s (-want +got):\n%s", tc.facet, diff)
				}
			}
			for _, f := range search.FacetNames {
				if _, ok := res.Facets[f]; !ok {
					t.Errorf("facet %s missing from result", f)
				}
			}
		})
	}
}

func TestHitsCarryTheirEntities(t *testing.T) {
	ix := newIndex(t)
	res, err := ix.Search(context.Background(), search.Request{Query: "survey"})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("search survey = %+v, %v; want document b", res, err)
	}
	var got []string
	for _, e := range res.Hits[0].Entities {
		got = append(got, e.Kind+":"+e.ID)
	}
	want := []string{"resolution:S/RES/2462 (2019)", "resolution:S/RES/2178 (2014)", "organization:UNODC", "organization:CTED"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("hit entities (-want +got):\n%s", diff)
	}
}

// TestWordsWithoutAFieldSearchTitleAndBody: each query form finds a word that
// only a title holds ("financing", of document b) and one only a body holds.
func TestWordsWithoutAFieldSearchTitleAndBody(t *testing.T) {
	ix := newIndex(t)
	tests := []struct {
		q    string
		want []string
	}{
		{"financing", []string{"b"}},
		{"+financing", []string{"b"}},
		{"financ*", []string{"b"}},
		{"finance~1", []string{"b"}}, // fuzzy terms are not stemmed: "finance" is one edit from the stem "financ"
		{`"report on financing"`, []string{"b"}},
		{"/financ.*/", []string{"b"}},
		{"survey", []string{"b"}},
		{"financing -survey", nil},
		{"title:financing", []string{"b"}},
		{"body:financing", nil},
		{"survey briefing", []string{"b", "c"}},
	}
	for _, tc := range tests {
		res, err := ix.Search(context.Background(), search.Request{Query: tc.q, Sort: search.SortDateDesc})
		if err != nil {
			t.Errorf("Search(%q): %v", tc.q, err)
			continue
		}
		if diff := cmp.Diff(tc.want, ids(res)); diff != "" {
			t.Errorf("Search(%q) (-want +got):\n%s", tc.q, diff)
		}
	}
}

func TestSnippetsAreEscapedAndMarked(t *testing.T) {
	ix := newIndex(t)
	res, err := ix.Search(context.Background(), search.Request{Query: "alert"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 {
		t.Fatalf("hits = %v, want one", ids(res))
	}
	s := res.Hits[0].Snippet
	if strings.Contains(s, "<script>") || !strings.Contains(s, "&lt;script&gt;") {
		t.Errorf("snippet %q: document markup not escaped", s)
	}
	if !strings.Contains(s, "<mark>alert</mark>") {
		t.Errorf("snippet %q: match not marked", s)
	}
}

func TestBadRequests(t *testing.T) {
	ix := newIndex(t)
	for _, req := range []search.Request{
		{Query: `title:"unclosed`},
		{Query: "+"},
		{Sort: "sideways"},
		{From: "last year"},
		{From: "2020", To: "2019"},
		{Filters: map[string][]string{"colour": {"red"}}},
	} {
		_, err := ix.Search(context.Background(), req)
		if !errors.Is(err, search.ErrBadQuery) {
			t.Errorf("Search(%+v) error = %v, want ErrBadQuery", req, err)
		}
	}
	if _, err := ix.Mentions(context.Background(), search.MentionsRequest{Kind: "planet", ID: "Mars"}); !errors.Is(err, search.ErrBadQuery) {
		t.Errorf("Mentions of unknown kind: error = %v, want ErrBadQuery", err)
	}
}

func TestDocumentRoundTrip(t *testing.T) {
	ix := newIndex(t)
	want := docs()[2]
	got, err := ix.Document(context.Background(), "c")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Errorf("Document(c) (-want +got):\n%s", diff)
	}
	if _, err := ix.Document(context.Background(), "zzz"); !errors.Is(err, search.ErrNotFound) {
		t.Errorf("Document(zzz) error = %v, want ErrNotFound", err)
	}
	byPath, err := ix.DocumentByPath(context.Background(), want.Path)
	if err != nil || byPath.ID != "c" {
		t.Errorf("DocumentByPath(%q) = %v, %v; want document c", want.Path, byPath, err)
	}
	if _, err := ix.DocumentByPath(context.Background(), "/nowhere"); !errors.Is(err, search.ErrNotFound) {
		t.Errorf("DocumentByPath(/nowhere) error = %v, want ErrNotFound", err)
	}
}

func TestMentionsInDateOrderWithContext(t *testing.T) {
	ix := newIndex(t)
	res, err := ix.Mentions(context.Background(), search.MentionsRequest{Kind: "resolution", ID: "S/RES/2178 (2014)", Size: 2})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 4 {
		t.Errorf("total = %d, want 4 (a, b, and d twice)", res.Total)
	}
	var got []string
	for _, m := range res.Mentions {
		got = append(got, m.DocID)
	}
	if diff := cmp.Diff([]string{"a", "b"}, got); diff != "" {
		t.Errorf("first page (-want +got):\n%s", diff)
	}
	m := res.Mentions[0]
	if m.Context != "CTED visited Kyrgyzstan to discuss resolution 2178 (2014)." {
		t.Errorf("context = %q", m.Context)
	}
	if mark := m.Context[m.MarkStart:m.MarkEnd]; mark != "resolution 2178 (2014)" {
		t.Errorf("marked part of the context = %q, want the mention", mark)
	}
	if res.Documents != 3 {
		t.Errorf("documents = %d, want 3", res.Documents)
	}
	if diff := cmp.Diff([]search.YearCount{{Year: "2019", Count: 1}, {Year: "2020", Count: 1}}, res.Years); diff != "" {
		t.Errorf("years (-want +got):\n%s", diff)
	}
	all, err := ix.Mentions(context.Background(), search.MentionsRequest{Kind: "resolution", ID: "2178", All: true, Size: 1})
	if err != nil || len(all.Mentions) != 4 || all.Total != 4 {
		t.Errorf("All mentions = %d of %d (%v), want all 4 in one answer", len(all.Mentions), all.Total, err)
	}
	page2, err := ix.Mentions(context.Background(), search.MentionsRequest{Kind: "resolution", ID: "S/RES/2178 (2014)", Size: 2, Page: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(page2.Mentions) != 2 || page2.Mentions[0].DocID != "d" || page2.Mentions[1].Start <= page2.Mentions[0].Start {
		t.Errorf("second page = %+v, want d's two mentions in text order", page2.Mentions)
	}
}

func TestApplyReplacesAndDeletes(t *testing.T) {
	ix := newIndex(t)
	d := docs()[0]
	d.Body = "Replaced text about zucchini."
	d.Entities = nil
	if err := ix.Apply([]search.Document{d}, []string{"b"}); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(); n != 3 {
		t.Errorf("Count = %d, want 3", n)
	}
	res, err := ix.Search(context.Background(), search.Request{Query: "zucchini"})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("search zucchini = %v, %v; want the replaced document", res, err)
	}
	res, _ = ix.Search(context.Background(), search.Request{Filters: map[string][]string{"organization": {"CTED"}}})
	if res.Total != 0 {
		t.Errorf("CTED still matches %v after its documents were replaced and deleted", ids(res))
	}
}

func TestSecondOpenerGetsErrLocked(t *testing.T) {
	dir := t.TempDir()
	ix, err := search.Open(dir, search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Apply(docs(), nil); err != nil {
		t.Fatal(err)
	}
	// A segment the holder is still writing must not be taken for damage.
	if err := os.WriteFile(filepath.Join(dir, "store", "ffffffffffff.zap"), []byte("half-written"), 0o600); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = search.Open(dir, search.Options{LockTimeout: 200 * time.Millisecond})
	if !errors.Is(err, search.ErrLocked) {
		t.Fatalf("second Open error = %v, want ErrLocked", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("second Open waited %s; the lock timeout is 200ms", time.Since(start))
	}
}

func TestMentionContextIsCutAtWords(t *testing.T) {
	long := strings.Repeat("alpha beta gamma delta ", 40)
	body := long + "cites resolution\n  2178 (2014) here " + long + "end."
	d := search.Document{ID: "long", Title: "Long", Body: body,
		Entities: []entity.Mention{mention(body, "resolution", "S/RES/2178 (2014)", "resolution\n  2178 (2014)")}}
	ix, err := search.Open(t.TempDir(), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Apply([]search.Document{d}, nil); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Mentions(context.Background(), search.MentionsRequest{Kind: "resolution", ID: "2178"})
	if err != nil || len(res.Mentions) != 1 {
		t.Fatalf("Mentions = %+v, %v; want one", res, err)
	}
	c := res.Mentions[0].Context
	if !strings.HasPrefix(c, "…") || !strings.HasSuffix(c, "…") || !strings.Contains(c, "cites resolution 2178 (2014) here") {
		t.Fatalf("context = %q, want the mention with ellipses at both ends", c)
	}
	if mark := c[res.Mentions[0].MarkStart:res.Mentions[0].MarkEnd]; mark != "resolution 2178 (2014)" {
		t.Errorf("marked part = %q, want the mention with its line break collapsed", mark)
	}
	for _, w := range strings.Fields(strings.Trim(c, "…")) {
		if !strings.Contains("alpha beta gamma delta cites resolution 2178 (2014) here", w) {
			t.Errorf("context has a cut word %q: %q", w, c)
		}
	}
}

// TestHostileQueries: each answers ErrBadQuery or a result; none runs unbounded
// (the test's own timeout would catch that) or fails otherwise.
func TestHostileQueries(t *testing.T) {
	ix := newIndex(t)
	tests := []struct {
		name  string
		req   search.Request
		isBad bool
	}{
		{"a megabyte of query", search.Request{Query: strings.Repeat("a", 1<<20)}, true},
		{"800 OR-ed terms", search.Request{Query: strings.Repeat("w OR ", 800) + "x"}, false},
		{"10,000 OR-ed terms", search.Request{Query: strings.Repeat("w OR ", 10000) + "x"}, true},
		{"match everything", search.Request{Query: "*"}, false},
		{"regexp of everything", search.Request{Query: "/.*/"}, false},
		{"fuzzy two edits", search.Request{Query: "a~2"}, false},
		{"unclosed group", search.Request{Query: "title:("}, false},
		{"year one billion", search.Request{From: "1000000000"}, true},
		{"unknown facet", search.Request{Filters: map[string][]string{"colour": {"red"}}}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ix.Search(context.Background(), tc.req)
			if tc.isBad && !errors.Is(err, search.ErrBadQuery) {
				t.Errorf("error = %v, want ErrBadQuery", err)
			}
			if !tc.isBad && err != nil && !errors.Is(err, search.ErrBadQuery) {
				t.Errorf("error = %v, want a result or ErrBadQuery", err)
			}
		})
	}
	// Past the clause limit, an OR of many distinct words is refused, not run.
	var words []string
	for i := range 2000 {
		words = append(words, fmt.Sprintf("w%d", i))
	}
	if _, err := ix.Search(context.Background(), search.Request{Query: strings.Join(words, " ")[:search.MaxQueryBytes]}); err != nil && !errors.Is(err, search.ErrBadQuery) {
		t.Errorf("many words: error = %v, want a result or ErrBadQuery", err)
	}
}

// TestDamagedIndexIsReported: a flipped byte in a segment or a truncated root
// file gives ErrCorrupt at open, never an index that answers wrongly.
func TestDamagedIndexIsReported(t *testing.T) {
	damage := map[string]func(t *testing.T, dir string){
		"flipped byte in a segment": func(t *testing.T, dir string) {
			segs, _ := filepath.Glob(filepath.Join(dir, "store", "*.zap"))
			if len(segs) == 0 {
				t.Fatal("no segment files")
			}
			data, err := os.ReadFile(segs[0])
			if err != nil {
				t.Fatal(err)
			}
			data[len(data)/2] ^= 0xff
			if err := os.WriteFile(segs[0], data, 0o600); err != nil {
				t.Fatal(err)
			}
		},
		"truncated root file": func(t *testing.T, dir string) {
			if err := os.Truncate(filepath.Join(dir, "store", "root.bolt"), 100); err != nil {
				t.Fatal(err)
			}
		},
	}
	for name, harm := range damage {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			ix, err := search.Open(dir, search.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := ix.Apply(docs(), nil); err != nil {
				t.Fatal(err)
			}
			ix.Close()
			harm(t, dir)
			ix, err = search.Open(dir, search.Options{})
			if err == nil {
				ix.Close()
			}
			if !errors.Is(err, search.ErrCorrupt) {
				t.Errorf("Open of a damaged index: error = %v, want ErrCorrupt", err)
			}
		})
	}
}

// TestPartialSegmentIsNotDamage: a process killed while Bleve writes or merges
// a segment leaves a partial file under the segment's final name that the
// root does not list; the index is whole and must open.
func TestPartialSegmentIsNotDamage(t *testing.T) {
	dir := t.TempDir()
	ix, err := search.Open(dir, search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Apply(docs(), nil); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	if err := os.WriteFile(filepath.Join(dir, "store", "ffffffffffff.zap"), []byte("half a segment"), 0o600); err != nil {
		t.Fatal(err)
	}
	ix, err = search.Open(dir, search.Options{})
	if err != nil {
		t.Fatalf("Open with an unlisted partial segment: %v", err)
	}
	defer ix.Close()
	if n, _ := ix.Count(); n != uint64(len(docs())) {
		t.Errorf("Count = %d, want %d", n, len(docs()))
	}
}

// TestBrowseCountsFollowWrites: browsing's facet counts are kept between
// searches but never outlive a write.
func TestBrowseCountsFollowWrites(t *testing.T) {
	ix := newIndex(t)
	browse := func() map[string]int {
		res, err := ix.Search(context.Background(), search.Request{})
		if err != nil {
			t.Fatal(err)
		}
		return counts(res, search.FacetCountry)
	}
	want := map[string]int{"KGZ": 2, "IRQ": 1}
	for range 2 {
		if diff := cmp.Diff(want, browse()); diff != "" {
			t.Fatalf("browse country counts (-want +got):\n%s", diff)
		}
	}
	d := docs()[2]
	d.ID = "e"
	if err := ix.Apply([]search.Document{d}, []string{"a"}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{"KGZ": 1, "IRQ": 2}, browse()); diff != "" {
		t.Errorf("browse country counts after a write (-want +got):\n%s", diff)
	}
}

func TestBrowseOrdersFollowWrites(t *testing.T) {
	ix := newIndex(t)
	browse := func(sort string, page, size int) ([]string, uint64) {
		t.Helper()
		res, err := ix.Search(context.Background(), search.Request{Sort: sort, Page: page, Size: size})
		if err != nil {
			t.Fatal(err)
		}
		return ids(res), res.Total
	}
	// Dates: c 2017-06-01, a 2019-12-05, b 2020-03, d undated (last either way).
	// With no query there is nothing to rank by: relevance is newest first.
	for _, tc := range []struct {
		sort string
		want []string
	}{
		{search.SortDateAsc, []string{"c", "a", "b", "d"}},
		{search.SortDateDesc, []string{"b", "a", "c", "d"}},
		{search.SortRelevance, []string{"b", "a", "c", "d"}},
		{"", []string{"b", "a", "c", "d"}},
	} {
		for range 2 { // the second time from the cached order
			got, total := browse(tc.sort, 1, 10)
			if diff := cmp.Diff(tc.want, got); diff != "" || total != 4 {
				t.Errorf("browse sorted %q: total %d, (-want +got):\n%s", tc.sort, total, diff)
			}
		}
		var paged []string
		for page := 1; page <= 3; page++ {
			got, _ := browse(tc.sort, page, 2)
			paged = append(paged, got...)
		}
		if diff := cmp.Diff(tc.want, paged); diff != "" {
			t.Errorf("browse sorted %q two at a time (-want +got):\n%s", tc.sort, diff)
		}
	}
	d := docs()[2]
	d.ID, d.Date = "e", "2021-01-01"
	if err := ix.Apply([]search.Document{d}, []string{"a"}); err != nil {
		t.Fatal(err)
	}
	got, total := browse(search.SortDateDesc, 1, 10)
	if diff := cmp.Diff([]string{"e", "b", "c", "d"}, got); diff != "" || total != 4 {
		t.Errorf("browse after a write: total %d, (-want +got):\n%s", total, diff)
	}
}
