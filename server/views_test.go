package server

import (
	"encoding/csv"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"

	"dossier/internal/entity"
	"dossier/internal/search"
)

func TestCSVCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"=SUM(A1)", "'=SUM(A1)"},
		{"+1", "'+1"},
		{"-2", "'-2"},
		{"@cmd", "'@cmd"},
		{"\t=x", "'\t=x"},
		{"\r=x", "'\r=x"},
		{"a=b", "a=b"},
		{"'quoted", "'quoted"},
	}
	for _, tt := range tests {
		if got := csvCell(tt.in); got != tt.want {
			t.Errorf("csvCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCSVFileName(t *testing.T) {
	tests := []struct{ kind, id, want string }{
		{"resolution", "S/RES/1373 (2001)", "mentions-resolution-S-RES-1373-2001.csv"},
		{"organization", "UN Women", "mentions-organization-UN-Women.csv"},
		{"country", "KGZ", "mentions-country-KGZ.csv"},
		{"date", "2019-12-03/2019-12-05", "mentions-date-2019-12-03-2019-12-05.csv"},
		{"organization", `Über "quoted"/..\evil`, "mentions-organization-ber-quoted-evil.csv"},
	}
	for _, tt := range tests {
		if got := csvFileName(tt.kind, tt.id); got != tt.want {
			t.Errorf("csvFileName(%q, %q) = %q, want %q", tt.kind, tt.id, got, tt.want)
		}
	}
}

func TestSplitMark(t *testing.T) {
	tests := []struct {
		name                string
		ctx                 string
		start, end          int
		before, mark, after string
	}{
		{"middle", "the CTED visit", 4, 8, "the ", "CTED", " visit"},
		{"whole", "CTED", 0, 4, "", "CTED", ""},
		{"out of range", "CTED", 2, 9, "CTED", "", ""},
		{"empty mark", "CTED", 2, 2, "CTED", "", ""},
		{"negative", "CTED", -1, 2, "CTED", "", ""},
		{"inside a rune", "Türkiye", 2, 4, "Türkiye", "", ""},
	}
	for _, tt := range tests {
		b, m, a := splitMark(tt.ctx, tt.start, tt.end)
		if b != tt.before || m != tt.mark || a != tt.after {
			t.Errorf("%s: splitMark(%q, %d, %d) = %q %q %q, want %q %q %q", tt.name, tt.ctx, tt.start, tt.end, b, m, a, tt.before, tt.mark, tt.after)
		}
	}
}

func TestCoOccurrenceRequest(t *testing.T) {
	tests := []struct {
		kind, id string
		want     map[string][]string
		ok       bool
	}{
		{"resolution", "S/RES/1373 (2001)", map[string][]string{"resolution": {"S/RES/1373 (2001)"}}, true},
		{"organization", "UN Women", map[string][]string{"organization": {"UN Women"}}, true},
		{"date", "2019", nil, false},
		{"country", "", nil, false},
	}
	for _, tt := range tests {
		req, ok := coOccurrenceRequest(tt.kind, tt.id)
		if ok != tt.ok || !cmp.Equal(req.Scope, tt.want) || len(req.Filters) != 0 {
			t.Errorf("coOccurrenceRequest(%q, %q) = %+v, %v; want scope %v, %v", tt.kind, tt.id, req, ok, tt.want, tt.ok)
		}
	}
}

func TestHitChips(t *testing.T) {
	var es []search.Entity
	for i := range 5 {
		es = append(es, search.Entity{Kind: "resolution", ID: "R" + strconv.Itoa(i), Label: "R" + strconv.Itoa(i)})
	}
	es = append(es,
		search.Entity{Kind: "organization", ID: "CTED", Label: "CTED"},
		search.Entity{Kind: "country", ID: "KGZ", Label: "Kyrgyzstan"},
		search.Entity{Kind: "country", ID: "KAZ", Label: "Kazakhstan"},
	)
	chips, more := hitChips(es, nil)
	var got []string
	for _, c := range chips {
		got = append(got, c.Kind+":"+c.Label)
	}
	// The kinds take turns, so one of each comes before a second resolution.
	want := []string{"resolution:R0", "organization:CTED", "country:Kyrgyzstan", "resolution:R1", "country:Kazakhstan", "resolution:R2"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("chips (-want +got):\n%s", diff)
	}
	if more != 2 {
		t.Errorf("more = %d, want 2", more)
	}
	if chips[0].Href != "/entities/resolution/R0" {
		t.Errorf("href = %q", chips[0].Href)
	}
	// What the search asked for comes first.
	asked := askedEntities(search.Request{Filters: map[string][]string{"country": {"KAZ"}, "resolution": {"R4"}}})
	chips, _ = hitChips(es, asked)
	if chips[0].Label != "R4" || chips[1].Label != "Kazakhstan" {
		t.Errorf("chips with filters R4 and KAZ start %v", chips[:2])
	}
	asked = askedEntities(search.Request{Query: "UNSCR 2178"})
	if !asked(search.Entity{Kind: "resolution", ID: "S/RES/2178 (2014)"}) || asked(search.Entity{Kind: "resolution", ID: "S/RES/1373 (2001)"}) {
		t.Errorf("a query naming resolution 2178 does not prefer it alone")
	}
	if chips, more := hitChips(es[5:7], nil); len(chips) != 2 || more != 0 {
		t.Errorf("two entities: %d chips, %d more", len(chips), more)
	}
}

func TestBuildYearChart(t *testing.T) {
	if ch := buildYearChart("x", "T", "mention", "mentions", nil, nil); ch != nil {
		t.Errorf("chart of nothing = %+v, want nil", ch)
	}
	counts := []yearCount{{"2021", 2}, {"2018", 4}, {"bad", 9}, {"2019", 0}, {"2018", 1}}
	ch := buildYearChart("x", "Mentions per year", "mention", "mentions", counts, nil)
	var years []string
	var got []int
	for _, b := range ch.Bars {
		years = append(years, b.Year)
		got = append(got, b.Count)
		if b.Href != "" {
			t.Errorf("bar %s links to %q without an href function", b.Year, b.Href)
		}
	}
	// One bar per year from the first to the last, empty years included.
	if diff := cmp.Diff([]string{"2018", "2019", "2020", "2021"}, years); diff != "" {
		t.Errorf("years (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{5, 0, 0, 2}, got); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	if ch.Total != 7 || ch.Max != 5 || ch.Links {
		t.Errorf("total %d max %d links %v", ch.Total, ch.Max, ch.Links)
	}
	if ch.Bars[0].H != strconv.Itoa(chartPlot) || ch.Bars[1].H != "0" {
		t.Errorf("heights %s, %s: want the tallest bar full height and an empty year flat", ch.Bars[0].H, ch.Bars[1].H)
	}
	if want := "Bar chart of mentions per year, 2018 to 2021: 5 in 2018, 2 in 2021."; ch.Desc != want {
		t.Errorf("desc = %q, want %q", ch.Desc, want)
	}
	if ch.Bars[0].Label != "2018: 5 mentions" || ch.Bars[1].Label != "2019: 0 mentions" {
		t.Errorf("labels %q, %q", ch.Bars[0].Label, ch.Bars[1].Label)
	}

	linked := buildYearChart("y", "T", "document", "documents", counts, func(y string) (string, bool) { return "/?year=" + y, y == "2021" })
	if !linked.Links || linked.Bars[0].Href != "/?year=2018" || linked.Bars[1].Href != "" || !linked.Bars[3].Selected {
		t.Errorf("linked bars: %+v", linked.Bars)
	}

	// Many years: every one has a bar, only some a label.
	var many []yearCount
	for y := 1990; y < 2030; y++ {
		many = append(many, yearCount{strconv.Itoa(y), 1})
	}
	ch = buildYearChart("z", "T", "document", "documents", many, nil)
	labelled := 0
	for _, b := range ch.Bars {
		if b.ShowYear {
			labelled++
		}
	}
	if len(ch.Bars) != 40 || labelled > chartMaxYears || labelled == 0 {
		t.Errorf("%d bars, %d labelled", len(ch.Bars), labelled)
	}
}

func TestSearchYearChartLinks(t *testing.T) {
	req := search.Request{Query: "x", Filters: map[string][]string{"year": {"2019"}, "country": {"KGZ"}}, Page: 3, Size: 10}
	res := &search.Result{Facets: map[string][]search.FacetValue{"year": {{ID: "2020", Count: 1}, {ID: "2019", Count: 2}}}}
	ch := searchYearChart(req, res, requestValues(req))
	got := map[string]string{}
	for _, b := range ch.Bars {
		got[b.Year] = b.Href
	}
	want := map[string]string{
		"2019": "/?country=KGZ&q=x",           // selected: the bar removes it
		"2020": "/?country=KGZ&q=x&year=2020", // another year replaces the selection, back on page 1
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("bar links (-want +got):\n%s", diff)
	}
}

func TestOriginalType(t *testing.T) {
	tests := []struct{ path, ct, disp, csp string }{
		{"/data/a.pdf", "application/pdf", "inline", ""},
		{"corpus/b.TXT", "text/plain; charset=utf-8", "inline", "default-src 'none'"},
		{"c.html", "text/html", "inline", "sandbox"},
		{"c.htm", "text/html", "inline", "sandbox"},
		{"d.exe", "application/octet-stream", "attachment", "sandbox"},
		{"noext", "application/octet-stream", "attachment", "sandbox"},
	}
	for _, tt := range tests {
		ct, disp, csp := originalType(tt.path)
		if ct != tt.ct || disp != tt.disp || !strings.Contains(csp, tt.csp) {
			t.Errorf("originalType(%q) = %q %q %q", tt.path, ct, disp, csp)
		}
		if !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("originalType(%q): CSP %q lets the file be framed", tt.path, csp)
		}
	}
}

func TestContentDisposition(t *testing.T) {
	tests := []struct{ disp, name, want string }{
		{"inline", "report.pdf", "inline; filename=report.pdf"},
		{"inline", "two words.txt", `inline; filename="two words.txt"`},
		{"attachment", "Übersicht.pdf", "attachment; filename*=utf-8''%C3%9Cbersicht.pdf"},
		{"inline", "a\"b\r\n.txt", `inline; filename="a\"b__.txt"`},
		{"inline", "", "inline"},
	}
	for _, tt := range tests {
		if got := contentDisposition(tt.disp, tt.name); got != tt.want {
			t.Errorf("contentDisposition(%q, %q) = %q, want %q", tt.disp, tt.name, got, tt.want)
		}
	}
}

// originalsFS is an Originals hook over an in-memory file system that records
// which paths it was asked for.
type originalsFS struct {
	fsys  fstest.MapFS
	asked []string
}

func (o *originalsFS) open(path string) (io.ReadCloser, error) {
	o.asked = append(o.asked, path)
	return o.fsys.Open(path)
}

func TestDocumentOriginal(t *testing.T) {
	f := newFake(t)
	f.docs = append(f.docs,
		search.Document{ID: "saved-page", Title: "Saved page", Path: "crawl/page.html", Body: "x"},
		search.Document{ID: "report-pdf", Title: "Report", Path: "reports/annual report.pdf", Body: "x"},
		search.Document{ID: "gone", Title: "Gone", Path: "crawl/gone.txt", Body: "x"},
		search.Document{ID: "no-path", Title: "No path", Body: "x"},
	)
	o := &originalsFS{fsys: fstest.MapFS{
		"crawl/page.html":           {Data: []byte(`<html><script>fetch("/api/lists")</script>hello</html>`)},
		"reports/annual report.pdf": {Data: []byte("%PDF-1.4 fake")},
		"corpus/xss.txt":            {Data: []byte("plain text")},
	}}
	srv, err := New(f, Options{Logger: slog.New(slog.DiscardHandler), Originals: o.open})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()

	tests := []struct {
		target, ct, disp, csp, body string
		status                      int
	}{
		{"/documents/saved-page/original", "text/html", "inline; filename=page.html", "sandbox", `<script>`, 200},
		{"/documents/report-pdf/original", "application/pdf", `inline; filename="annual report.pdf"`, "frame-ancestors 'none'", "%PDF", 200},
		{"/documents/xss/original", "text/plain; charset=utf-8", "inline; filename=xss.txt", "default-src 'none'", "plain text", 200},
		{"/documents/gone/original", "", "", "", "", 404},
		{"/documents/no-path/original", "", "", "", "", 404},
		{"/documents/nope/original", "", "", "", "", 404},
		// A path in the URL is a document id, never a file path.
		{"/documents/..%2F..%2Fetc%2Fpasswd/original", "", "", "", "", 404},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			rec := get(t, h, tt.target)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if tt.status != 200 {
				return
			}
			hd := rec.Header()
			if hd.Get("Content-Type") != tt.ct || hd.Get("Content-Disposition") != tt.disp ||
				!strings.Contains(hd.Get("Content-Security-Policy"), tt.csp) || !strings.Contains(rec.Body.String(), tt.body) {
				t.Errorf("headers %v, body %q", hd, rec.Body)
			}
			if hd.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("no nosniff")
			}
		})
	}
	// The sandbox keeps a saved page's scripts from running at all.
	csp := get(t, h, "/documents/saved-page/original").Header().Get("Content-Security-Policy")
	if !strings.HasPrefix(csp, "sandbox;") || strings.Contains(csp, "allow-scripts") || strings.Contains(csp, "allow-same-origin") {
		t.Errorf("HTML original CSP = %q", csp)
	}
	for _, p := range o.asked {
		if strings.Contains(p, "..") || strings.Contains(p, "etc") {
			t.Errorf("Originals asked for %q", p)
		}
	}
	// Ranges work for files that can seek, which PDF viewers need.
	req, _ := http.NewRequest(http.MethodGet, "/documents/report-pdf/original", nil)
	req.Header.Set("Range", "bytes=0-3")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusPartialContent || rec.Body.String() != "%PDF" {
		t.Errorf("range request: %d %q", rec.Code, rec.Body)
	}

	d := getHTML(t, h, "/documents/xss", http.StatusOK)
	if got := d.Find("a.original").AttrOr("href", ""); got != "/documents/xss/original" {
		t.Errorf("original link = %q", got)
	}
	d = getHTML(t, h, "/documents/reports%2F2021%20annual", http.StatusOK)
	if got := d.Find("a.original").AttrOr("href", ""); got != "/documents/reports%2F2021%20annual/original" {
		t.Errorf("original link of an id with a slash = %q", got)
	}

	// Without the hook: no link, and the route is not there.
	plain := newTestServer(t, newFake(t)).Handler()
	if d := getHTML(t, plain, "/documents/xss", http.StatusOK); d.Find("a.original").Length() != 0 {
		t.Errorf("original link shown without an Originals hook")
	}
	getHTML(t, plain, "/documents/xss/original", http.StatusNotFound)

	// A read error other than a missing file is ours: a logged 500.
	broken, err := New(newFake(t), Options{Logger: slog.New(slog.DiscardHandler), Originals: func(string) (io.ReadCloser, error) { return nil, errDisk }})
	if err != nil {
		t.Fatal(err)
	}
	getHTML(t, broken.Handler(), "/documents/xss/original", http.StatusInternalServerError)
}

// TestMentionsCSVAllPages exports more mentions than one page of the
// searcher holds: the export loops over pages until it has them all.
func TestMentionsCSVHasEveryMention(t *testing.T) {
	const n = 2*search.MaxSize + 17
	body := strings.Repeat("Kyrgyzstan. ", n)
	d := search.Document{ID: "many", Title: "@many", Date: "2020-01-01", Type: "report", Path: "many.txt", Body: body}
	for i := range n {
		d.Entities = append(d.Entities, entity.Mention{Kind: "country", ID: "KGZ", Text: "Kyrgyzstan", Start: i * 12, End: i*12 + 10})
	}
	f := &fakeSearcher{docs: []search.Document{d}}
	h := newTestServer(t, f).Handler()
	rec := get(t, h, "/api/mentions?kind=country&id=KGZ&format=csv")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	rows, err := csv.NewReader(rec.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != n+1 {
		t.Fatalf("%d rows, want %d and a header", len(rows)-1, n)
	}
	for i, row := range rows[1:] {
		if row[4] != strconv.Itoa(i*12) || row[1] != "'@many" {
			t.Fatalf("row %d = %v", i+1, row)
		}
	}
	if !f.lastMentions.All {
		t.Errorf("mentions asked for: %+v, want all in one answer", f.lastMentions)
	}
}

// Mention contexts come from crawled text: the entity page shows their markup
// as text, and marks only the mention.
func TestEntityPageEscapesContext(t *testing.T) {
	h := newTestServer(t, newFake(t)).Handler()
	d := getHTML(t, h, "/entities/country/KAZ", http.StatusOK)
	if n := d.Find("script:not([src])").Length(); n != 0 {
		t.Errorf("%d inline scripts on the page", n)
	}
	var found bool
	d.Find("ol.mentions blockquote.context").Each(func(_ int, s *goquery.Selection) {
		if strings.Contains(s.Text(), "</script> about") {
			found = true
			if got := s.Find("mark").Text(); got != "Kazakhstan" {
				t.Errorf("marked %q, want Kazakhstan", got)
			}
		}
	})
	if !found {
		t.Errorf("the context with markup is not shown as text")
	}
}
