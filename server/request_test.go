package server

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"dossier/internal/search"
)

func TestParseSearchRequest(t *testing.T) {
	tests := []struct {
		name    string
		query   string
		want    search.Request
		wantErr string // substring of the error; "" means success
	}{
		{name: "empty browses everything", query: "",
			want: search.Request{Page: 1, Size: search.DefaultSize}},
		{name: "query trimmed", query: "q=%20foreign+fighters%20",
			want: search.Request{Query: "foreign fighters", Page: 1, Size: search.DefaultSize}},
		{name: "repeated facets keep order, drop blanks and duplicates",
			query: "country=KGZ&country=&country=KAZ&country=KGZ&resolution=S%2FRES%2F1373+(2001)&type=press-release&year=2019&organization=UN+Women",
			want: search.Request{Filters: map[string][]string{
				"country":      {"KGZ", "KAZ"},
				"resolution":   {"S/RES/1373 (2001)"},
				"type":         {"press-release"},
				"year":         {"2019"},
				"organization": {"UN Women"},
			}, Page: 1, Size: search.DefaultSize}},
		{name: "entity ids as typed become canonical, then dedupe",
			query: "country=Kyrgyzstan&country=KGZ&resolution=1373&resolution=UNSCR+1373&organization=cted&country=Atlantis",
			want: search.Request{Filters: map[string][]string{
				"country":      {"KGZ", "Atlantis"},
				"resolution":   {"S/RES/1373 (2001)"},
				"organization": {"CTED"},
			}, Page: 1, Size: search.DefaultSize}},
		{name: "unknown parameters ignored", query: "date=KGZ&utm_source=x",
			want: search.Request{Page: 1, Size: search.DefaultSize}},
		{name: "dates at every precision", query: "from=2019&to=2019-12-31",
			want: search.Request{From: "2019", To: "2019-12-31", Page: 1, Size: search.DefaultSize}},
		{name: "from inside to's year", query: "from=2019-12-03&to=2019",
			want: search.Request{From: "2019-12-03", To: "2019", Page: 1, Size: search.DefaultSize}},
		{name: "same day", query: "from=2019-12-03&to=2019-12-03",
			want: search.Request{From: "2019-12-03", To: "2019-12-03", Page: 1, Size: search.DefaultSize}},
		{name: "sorts", query: "sort=-date",
			want: search.Request{Sort: search.SortDateDesc, Page: 1, Size: search.DefaultSize}},
		{name: "sort date", query: "sort=date",
			want: search.Request{Sort: search.SortDateAsc, Page: 1, Size: search.DefaultSize}},
		{name: "sort relevance", query: "sort=relevance",
			want: search.Request{Sort: search.SortRelevance, Page: 1, Size: search.DefaultSize}},
		{name: "paging", query: "page=3&size=25",
			want: search.Request{Page: 3, Size: 25}},
		{name: "size capped at MaxSize", query: "size=100000",
			want: search.Request{Page: 1, Size: search.MaxSize}},
		{name: "last page within the offset cap", query: "page=100&size=100",
			want: search.Request{Page: 100, Size: 100}},

		{name: "unknown sort", query: "sort=title", wantErr: `sort must be relevance, date or -date, not "title"`},
		{name: "page zero", query: "page=0", wantErr: "page must be a whole number from 1"},
		{name: "negative page", query: "page=-2", wantErr: "page must be"},
		{name: "page not a number", query: "page=two", wantErr: "page must be"},
		{name: "page overflow", query: "page=99999999999999999999", wantErr: "page must be"},
		{name: "size zero", query: "size=0", wantErr: "size must be a whole number from 1"},
		{name: "size not a number", query: "size=ten", wantErr: "size must be"},
		{name: "page too deep", query: "page=101&size=100", wantErr: "too deep"},
		{name: "month 13", query: "from=2019-13", wantErr: "from must be a date"},
		{name: "31 February", query: "to=2019-02-31", wantErr: "to must be a date"},
		{name: "date not ISO", query: "from=03/12/2019", wantErr: "from must be a date"},
		{name: "two-digit year", query: "from=19", wantErr: "from must be a date"},
		{name: "from after to", query: "from=2020&to=2019-12", wantErr: "from 2020 is after to 2019-12"},
		{name: "year not a year", query: "year=last", wantErr: `year must be four digits, not "last"`},
		{name: "query too long", query: "q=" + strings.Repeat("a", maxQueryLen+1), wantErr: "q is longer"},
		{name: "too many filter values", query: manyValues("country", maxFilterValues+1), wantErr: "more than 50 country values"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := parseSearchRequest(v)
			if tt.wantErr != "" {
				if err == nil || !errors.Is(err, search.ErrBadQuery) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseSearchRequest(%q) error = %v, want ErrBadQuery containing %q", tt.query, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseSearchRequest(%q): %v", tt.query, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("parseSearchRequest(%q) mismatch (-want +got):\n%s", tt.query, diff)
			}
		})
	}
}

func manyValues(name string, n int) string {
	var parts []string
	for i := range n {
		parts = append(parts, name+"=v"+strings.Repeat("x", i))
	}
	return strings.Join(parts, "&")
}

func TestParseMentionsRequest(t *testing.T) {
	tests := []struct {
		name     string
		kind, id string
		query    string
		want     search.MentionsRequest
		wantErr  string
	}{
		{name: "canonical", kind: "resolution", id: "S/RES/1373 (2001)",
			want: search.MentionsRequest{Kind: "resolution", ID: "S/RES/1373 (2001)", Page: 1, Size: search.DefaultSize}},
		{name: "as typed, trimmed", kind: " resolution ", id: " UNSCR 1373 ", query: "page=2&size=500",
			want: search.MentionsRequest{Kind: "resolution", ID: "UNSCR 1373", Page: 2, Size: search.MaxSize}},
		{name: "date kind", kind: "date", id: "2019-12",
			want: search.MentionsRequest{Kind: "date", ID: "2019-12", Page: 1, Size: search.DefaultSize}},
		{name: "missing kind", kind: "", id: "KGZ", wantErr: "kind is required"},
		{name: "unknown kind", kind: "person", id: "x", wantErr: `unknown kind "person"`},
		{name: "facet that is no entity kind", kind: "type", id: "report", wantErr: `unknown kind "type"`},
		{name: "missing id", kind: "country", id: "  ", wantErr: "id is required"},
		{name: "id too long", kind: "country", id: strings.Repeat("K", maxIDLen+1), wantErr: "id is longer"},
		{name: "bad page", kind: "country", id: "KGZ", query: "page=x", wantErr: "page must be"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, _ := url.ParseQuery(tt.query)
			got, err := parseMentionsRequest(tt.kind, tt.id, v)
			if tt.wantErr != "" {
				if err == nil || !errors.Is(err, search.ErrBadQuery) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseMentionsRequest(%q, %q) error = %v, want ErrBadQuery containing %q", tt.kind, tt.id, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseMentionsRequest(%q, %q): %v", tt.kind, tt.id, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("parseMentionsRequest(%q, %q) mismatch (-want +got):\n%s", tt.kind, tt.id, diff)
			}
		})
	}
}

// The URLs the page builds must parse back to the request they came from, or a
// bookmarked search would change under the user.
func TestRequestValuesRoundTrip(t *testing.T) {
	for _, q := range []string{
		"",
		"q=fighters",
		"q=a+b&country=KGZ&country=KAZ&resolution=S%2FRES%2F1373+(2001)&from=2019&to=2020-01&sort=-date&size=20&page=3",
	} {
		v, _ := url.ParseQuery(q)
		req, err := parseSearchRequest(v)
		if err != nil {
			t.Fatal(err)
		}
		back, err := parseSearchRequest(requestValues(req))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(req, back); diff != "" {
			t.Errorf("round trip of %q (-want +got):\n%s", q, diff)
		}
	}
}

func TestBuildSearchViewLinks(t *testing.T) {
	v, _ := url.ParseQuery("q=fighters&country=KGZ&country=KAZ&from=2019&page=2")
	req, err := parseSearchRequest(v)
	if err != nil {
		t.Fatal(err)
	}
	res := &search.Result{Total: 35, Hits: make([]search.Hit, 10), Facets: map[string][]search.FacetValue{
		"country": {{ID: "KAZ", Label: "Kazakhstan", Count: 3}},
	}}
	view := buildSearchView(req, normalizeResult(res))

	var chips []chip
	chips = append(chips, view.Chips...)
	want := []chip{
		// Removing a filter keeps the rest and goes back to page 1.
		{Facet: "Country", Label: "KGZ", RemoveURL: "/?country=KAZ&from=2019&q=fighters"},
		{Facet: "Country", Label: "Kazakhstan", RemoveURL: "/?country=KGZ&from=2019&q=fighters"},
		{Facet: "From", Label: "2019", RemoveURL: "/?country=KGZ&country=KAZ&q=fighters"},
	}
	if diff := cmp.Diff(want, chips); diff != "" {
		t.Errorf("chips (-want +got):\n%s", diff)
	}
	if got, want := view.ClearURL, "/?q=fighters"; got != want {
		t.Errorf("ClearURL = %q, want %q", got, want)
	}
	if got, want := view.PrevURL, "/?country=KGZ&country=KAZ&from=2019&q=fighters"; got != want {
		t.Errorf("PrevURL = %q, want %q", got, want)
	}
	if got, want := view.NextURL, "/?country=KGZ&country=KAZ&from=2019&page=3&q=fighters"; got != want {
		t.Errorf("NextURL = %q, want %q", got, want)
	}
	if view.First != 11 || view.Last != 20 || view.Pages != 4 {
		t.Errorf("First, Last, Pages = %d, %d, %d, want 11, 20, 4", view.First, view.Last, view.Pages)
	}
	// KGZ is filtered on but absent from the searcher's values: it must still
	// be a checked box, or submitting the form would drop it.
	var countries []facetValueView
	for _, f := range view.Facets {
		if f.Name == "country" {
			countries = f.Values
		}
	}
	wantValues := []facetValueView{
		{ID: "KAZ", Label: "Kazakhstan", Count: 3, Checked: true, InputID: "f-country-0"},
		{ID: "KGZ", Label: "KGZ", Checked: true, InputID: "f-country-1"},
	}
	if diff := cmp.Diff(wantValues, countries); diff != "" {
		t.Errorf("country facet (-want +got):\n%s", diff)
	}
}
