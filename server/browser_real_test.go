package server

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"dossier/internal/entity"
	"dossier/internal/search"
)

// newBrowser starts headless Chromium for a browser test and returns its
// context. It skips only when Chromium is missing outside CI; in CI (CI set)
// a missing Chromium fails the test, so the browser tests cannot quietly stop
// running.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("no Chromium at %s (CI must have it: .ci/run installs it)", chromiumPath)
		}
		t.Fatalf("CI is set but Chromium is missing: %v", err)
	}
	if testing.Short() && os.Getenv("CI") == "" {
		t.Skip("browser test skipped in -short mode")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	t.Cleanup(cancel)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	t.Cleanup(cancelBrowser)
	return bctx
}

// serveLoopback serves h on 127.0.0.1 (never on all interfaces) for the browser.
func serveLoopback(t *testing.T, h http.Handler) string {
	t.Helper()
	ts := httptest.NewUnstartedServer(h)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts.Listener = ln
	ts.Start()
	t.Cleanup(ts.Close)
	return ts.URL
}

// TestBrowserRealIndex is the researcher's path through the web page, over a
// real index of testdata/: search for resolution 2178 (2014), narrow by an
// organization and to 2019-2021, open a hit, follow the resolution to its page
// and read its timeline. Each step is checked with selectors against gold
// data from the extractor, and screenshotted (at 1280 and 390 pixels wide)
// into the test's temporary folder, or into $DOSSIER_SCREENSHOTS when set, for
// people to look at.
func TestBrowserRealIndex(t *testing.T) {
	bctx := newBrowser(t)
	srv, docs := realServer(t)
	base := serveLoopback(t, srv.Handler())

	shots := os.Getenv("DOSSIER_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	navigate := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		resp, err := chromedp.RunResponse(bctx, steps...)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if resp.Status != http.StatusOK {
			t.Fatalf("%s: HTTP %d", what, resp.Status)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Text(css(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	count := func(sel string) int {
		t.Helper()
		n, err := chromedp.Run(bctx, chromedp.Evaluate[int](fmt.Sprintf("document.querySelectorAll(%q).length", sel)))
		if err != nil {
			t.Fatalf("counting %s: %v", sel, err)
		}
		return n
	}
	location := func() *url.URL {
		t.Helper()
		loc, err := chromedp.Run(bctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		u, err := url.Parse(loc)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	step := 0
	screenshot := func(name string) {
		t.Helper()
		step++
		buf, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		p := filepath.Join(shots, fmt.Sprintf("%02d-%s.png", step, name))
		if err := os.WriteFile(p, buf, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", p)
	}
	// summaryTotal reads "1–4 of 4 documents" as 4.
	summaryTotal := func() int {
		t.Helper()
		s := text(".results-head .summary")
		f := strings.Fields(s)
		i := slices.Index(f, "of")
		if i < 0 || i+1 >= len(f) {
			if strings.HasPrefix(s, "No documents") {
				return 0
			}
			t.Fatalf("summary %q has no total", s)
		}
		n, err := strconv.Atoi(f[i+1])
		if err != nil {
			t.Fatalf("summary %q: %v", s, err)
		}
		return n
	}

	const r2178 = "S/RES/2178 (2014)"
	cites := func(d search.Document) bool { return goldHas(d, "resolution", r2178) }
	withCTED := func(d search.Document) bool { return cites(d) && goldHas(d, "organization", "CTED") }
	inRange := func(d search.Document) bool { return withCTED(d) && goldInRange(d, "2019", "2021") }

	if err := chromedp.Do(bctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatal(err)
	}
	navigate("loading /", chromedp.Navigate(base+"/"))
	if n, want := summaryTotal(), len(docs); n != want {
		t.Errorf("browsing everything: %d documents, want %d", n, want)
	}
	screenshot("search-all")

	// 1. Type a query.
	do("typing the query", chromedp.WaitVisible(css("#q")), chromedp.SendKeys(css("#q"), "resolution 2178"))
	navigate("submitting the search", chromedp.Click(css("#search-submit")))
	want := goldDocIDs(docs, cites)
	if n := summaryTotal(); n != len(want) {
		t.Errorf("resolution 2178: %d documents, want %d", n, len(want))
	}
	if n := count("ol.hits li.hit"); n != len(want) {
		t.Errorf("resolution 2178: %d hits shown, want %d", n, len(want))
	}
	if n := count("ol.hits li.hit ul.entity-chips"); n != len(want) {
		t.Errorf("%d hits with entity chips, want every one (%d)", n, len(want))
	}
	if n := count("ol.hits li.hit a.entity-chip-resolution"); n < len(want) {
		t.Errorf("%d resolution chips, want one per hit at least", n)
	}
	screenshot("query")

	// 2. Tick a facet: the script submits, the count and the hits change.
	box := `input[type=checkbox][name=organization][value=CTED]`
	navigate("ticking CTED", chromedp.Click(css(box)))
	want = goldDocIDs(docs, withCTED)
	if n := summaryTotal(); n != len(want) {
		t.Errorf("with CTED: %d documents, want %d", n, len(want))
	}
	if n := count("ol.hits li.hit"); n != len(want) {
		t.Errorf("with CTED: %d hits shown, want %d", n, len(want))
	}
	if q := location().Query(); q.Get("organization") != "CTED" || q.Get("q") != "resolution 2178" {
		t.Errorf("URL after ticking CTED = %v", q)
	}
	screenshot("facet")

	// 3. Narrow to 2019-2021 with the date fields and Apply.
	do("typing the dates", chromedp.SendKeys(css("#from"), "2019"), chromedp.SendKeys(css("#to"), "2021"))
	navigate("applying the dates", chromedp.Click(css("button.apply")))
	want = goldDocIDs(docs, inRange)
	if n := summaryTotal(); n != len(want) {
		t.Errorf("with CTED in 2019-2021: %d documents, want %d", n, len(want))
	}
	var titles []string
	for i := range count("ol.hits li.hit") {
		titles = append(titles, text(fmt.Sprintf("ol.hits li.hit:nth-child(%d) h2 a", i+1)))
	}
	var wantTitles []string
	for _, d := range docs {
		if inRange(d) {
			wantTitles = append(wantTitles, d.Title)
		}
	}
	if !slices.Equal(slices.Sorted(slices.Values(titles)), slices.Sorted(slices.Values(wantTitles))) {
		t.Errorf("hits %q, want %q", titles, wantTitles)
	}
	screenshot("dates")

	// 4. Open the first hit.
	first := titles[0]
	navigate("opening the first hit", chromedp.Click(css("ol.hits li.hit h2 a")))
	if h := text("article.document h1"); h != first {
		t.Errorf("document heading = %q, want %q", h, first)
	}
	if n := count("a.original"); n != 1 {
		t.Errorf("%d links to the original file, want 1", n)
	}
	screenshot("document")

	// 5. Follow the resolution to its page: counts and one bar per year.
	link := `.doc-body a.entity-resolution[href="` + entityURL("resolution", r2178) + `"]`
	navigate("following resolution 2178", chromedp.Click(css(link)))
	if h := text("#entity-heading"); h != entity.Label("resolution", r2178) {
		t.Errorf("entity heading = %q", h)
	}
	gm := goldMentions(docs, "resolution", r2178)
	if got := text(".total-mentions"); got != strconv.Itoa(len(gm)) {
		t.Errorf("mentions shown %s, want %d", got, len(gm))
	}
	years := map[int]int{}
	lo, hi := 9999, 0
	for _, m := range gm {
		for _, d := range docs {
			if d.ID == m.DocID {
				y, _ := strconv.Atoi(d.Date[:4])
				years[y]++
				lo, hi = min(lo, y), max(hi, y)
			}
		}
	}
	if n := count("#timeline svg g.bar"); n != hi-lo+1 {
		t.Errorf("timeline has %d bars, want one per year from %d to %d", n, lo, hi)
	}
	for y := lo; y <= hi; y++ {
		sel := fmt.Sprintf(`#timeline svg g.bar[data-year="%d"][data-count="%d"]`, y, years[y])
		if count(sel) != 1 {
			t.Errorf("no bar for %d with %d mentions", y, years[y])
		}
	}
	if n := count("ol.mentions li.mention blockquote mark"); n != min(len(gm), search.DefaultSize) {
		t.Errorf("%d marked mentions, want %d", n, min(len(gm), search.DefaultSize))
	}
	if n := count("#co-organization li"); n == 0 {
		t.Errorf("no co-occurring organizations")
	}
	screenshot("entity")

	// 6. The search page's year histogram narrows to a year.
	navigate("back to the query", chromedp.Navigate(base+"/?q="+url.QueryEscape("resolution 2178")))
	navigate("choosing 2019 in the histogram", chromedp.Click(css(`#years g.bar[data-year="2019"] a`)))
	want = goldDocIDs(docs, func(d search.Document) bool { return cites(d) && goldHas(d, "year", "2019") })
	if q := location().Query(); q.Get("year") != "2019" {
		t.Errorf("URL after choosing 2019 = %v", q)
	}
	if n := summaryTotal(); n != len(want) {
		t.Errorf("2019: %d documents, want %d", n, len(want))
	}
	screenshot("histogram-2019")

	// 7. Keyboard: on a page without autofocus the first Tab reaches the skip
	// link, which then shows; the histogram's bars are links a keyboard
	// reaches, and focus on them is visible.
	navigate("loading the entity page", chromedp.Navigate(base+entityURL("resolution", r2178)))
	do("pressing Tab", chromedp.KeyEvent(kb.Tab))
	if got := evalString(t, bctx, "document.activeElement.className"); got != "skip-link" {
		t.Errorf("first Tab focuses %q, want the skip link", got)
	}
	if left := evalInt(t, bctx, "Math.round(document.activeElement.getBoundingClientRect().left)"); left < 0 {
		t.Errorf("the focused skip link is off screen (left %d)", left)
	}
	screenshot("keyboard-skip-link")
	navigate("back to the query", chromedp.Navigate(base+"/?q="+url.QueryEscape("resolution 2178")))
	do("tabbing to a bar", chromedp.KeyEvent(kb.Tab), chromedp.Focus(css(`#years g.bar[data-year="2018"] a`)))
	if evalInt(t, bctx, `document.activeElement.matches("#years g.bar a:focus-visible") ? 1 : 0`) != 1 {
		t.Errorf("a histogram bar cannot take visible keyboard focus")
	}
	screenshot("keyboard-bar-focus")

	// 8. The same pages on a narrow screen, for people to look at; nothing
	// may be wider than the screen.
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct{ name, path string }{
		{"narrow-search", "/?q=" + url.QueryEscape("resolution 2178") + "&organization=CTED"},
		{"narrow-all", "/?sort=date"},
		{"narrow-hostile-title", documentURL("04-statement-2019")},
		{"narrow-document", documentURL(docs[4].ID)},
		{"narrow-entity", entityURL("resolution", r2178)},
	} {
		navigate("loading "+p.path, chromedp.Navigate(base+p.path))
		w, err := chromedp.Run(bctx, chromedp.Evaluate[int]("document.documentElement.scrollWidth"))
		if err != nil {
			t.Fatal(err)
		}
		if w > 390 {
			t.Errorf("%s is %d px wide on a 390 px screen", p.path, w)
		}
		screenshot(p.name)
	}
	// The search tips open from their summary, by keyboard as by mouse.
	navigate("loading /", chromedp.Navigate(base+"/"))
	do("opening the search tips", chromedp.Focus(css("details.search-tips summary")), chromedp.KeyEvent("\r"))
	if evalInt(t, bctx, `document.querySelector("details.search-tips").open ? 1 : 0`) != 1 {
		t.Errorf("Enter on the summary does not open the search tips")
	}
	screenshot("narrow-search-tips")
	if w := evalInt(t, bctx, "document.documentElement.scrollWidth"); w > 390 {
		t.Errorf("/ with the search tips open is %d px wide on a 390 px screen", w)
	}
}

func evalString(t *testing.T, bctx context.Context, js string) string {
	t.Helper()
	v, err := chromedp.Run(bctx, chromedp.Evaluate[string](js))
	if err != nil {
		t.Fatalf("evaluating %s: %v", js, err)
	}
	return v
}

func evalInt(t *testing.T, bctx context.Context, js string) int {
	t.Helper()
	v, err := chromedp.Run(bctx, chromedp.Evaluate[int](js))
	if err != nil {
		t.Fatalf("evaluating %s: %v", js, err)
	}
	return v
}

// TestBrowserOriginalSandbox opens a saved HTML page through
// /documents/{id}/original in Chromium: it is shown, but its script does not
// run, and it has no origin of ours to act from.
func TestBrowserOriginalSandbox(t *testing.T) {
	bctx := newBrowser(t)
	f := newFake(t)
	f.docs = append(f.docs, search.Document{ID: "saved", Title: "Saved page", Path: "crawl/saved.html", Body: "x"})
	o := &originalsFS{fsys: fstest.MapFS{"crawl/saved.html": {Data: []byte(
		`<!DOCTYPE html><title>saved</title><p id="p">as crawled</p><script>document.title = "script ran"; fetch("/api/search")</script>`)}}}
	srv, err := New(f, Options{Logger: slog.New(slog.DiscardHandler), Originals: o.open})
	if err != nil {
		t.Fatal(err)
	}
	base := serveLoopback(t, srv.Handler())
	resp, err := chromedp.RunResponse(bctx, chromedp.Navigate(base+"/documents/saved/original"))
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("opening the original: %v", err)
	}
	if got := evalString(t, bctx, `document.getElementById("p").textContent`); got != "as crawled" {
		t.Errorf("page text = %q", got)
	}
	if got := evalString(t, bctx, "document.title"); got != "saved" {
		t.Errorf("title = %q: the saved page's script ran", got)
	}
	if got := evalString(t, bctx, "window.origin"); got != "null" {
		t.Errorf("the saved page runs with origin %q, want an opaque one", got)
	}
}
