package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

const chromiumPath = "/usr/bin/chromium"

// TestBrowser drives the real page in headless Chromium over the fake searcher:
// search, filter by a facet, open a document. It covers what the handler tests
// cannot: that the form, the checkboxes and the links work together in a browser.
func TestBrowser(t *testing.T) {
	bctx := newBrowser(t)
	f := newFake(t)
	base := serveLoopback(t, newTestServer(t, f).Handler())

	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	// navigate runs steps that load a new page (a submit, a link) and waits for
	// that page, so no check below can see the page before it.
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
		return s
	}
	eval := func(js string) int {
		t.Helper()
		n, err := chromedp.Run(bctx, chromedp.Evaluate[int](js))
		if err != nil {
			t.Fatalf("evaluating %s: %v", js, err)
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
	countHits := `document.querySelectorAll("ol.hits li.hit").length`

	// 1. Load the search page, type a query, submit.
	navigate("loading /", chromedp.Navigate(base+"/"))
	if title, err := chromedp.Run(bctx, chromedp.Title()); err != nil || !strings.Contains(title, "Dossier") {
		t.Errorf("page title = %q, %v", title, err)
	}
	if err := chromedp.Do(bctx, chromedp.WaitVisible(css("#q")), chromedp.SendKeys(css("#q"), "terrorist")); err != nil {
		t.Fatalf("typing the query: %v", err)
	}
	navigate("submitting the search", chromedp.Click(css("#search-submit")))
	if h := text("#results-heading"); !strings.Contains(h, "terrorist") {
		t.Errorf("results heading = %q, want the query", h)
	}
	if n := eval(countHits); n != 3 {
		t.Errorf("%d hits for terrorist, want 3", n)
	}
	if q := location().Query(); q.Get("q") != "terrorist" {
		t.Errorf("URL after searching carries q=%q, want terrorist", q.Get("q"))
	}

	// 2. Tick the Kyrgyzstan box: the script submits the form, and the URL
	// carries the filter, so the view can be bookmarked.
	box := `input[type=checkbox][name=country][value=KGZ]`
	navigate("ticking KGZ", chromedp.Click(css(box)))
	q := location().Query()
	if got := q["country"]; len(got) != 1 || got[0] != "KGZ" || q.Get("q") != "terrorist" {
		t.Errorf("URL query after ticking KGZ = %v, want q=terrorist and country=KGZ", q)
	}
	if n := eval(countHits); n != 1 {
		t.Errorf("%d hits with country=KGZ, want 1", n)
	}
	if n := eval(`document.querySelectorAll('` + box + `:checked').length`); n != 1 {
		t.Errorf("KGZ box not checked after the reload")
	}
	if chip := text("ul.chips a.chip"); !strings.Contains(chip, "Label KGZ") {
		t.Errorf("filter chip = %q", chip)
	}

	// 3. Open the document, then follow an entity link in its body.
	navigate("opening the document", chromedp.Click(css("ol.hits li.hit h2 a")))
	if h := text("article.document h1"); h != "CTED visits Kyrgyzstan" {
		t.Errorf("document title = %q", h)
	}
	if p := location().Path; p != "/documents/cted-kgz" {
		t.Errorf("document path = %q", p)
	}
	navigate("following the entity link", chromedp.Click(css(".doc-body a.entity-resolution")))
	if h := text("#entity-heading"); h != "Label S/RES/1373 (2001)" {
		t.Errorf("entity heading = %q", h)
	}

	// 4. Removing the filter through its chip drops it from the URL.
	navigate("back to the filtered search", chromedp.Navigate(base+"/?q=terrorist&country=KGZ"))
	navigate("removing the chip", chromedp.Click(css("ul.chips a.chip")))
	if q := location().Query(); q.Has("country") || q.Get("q") != "terrorist" {
		t.Errorf("URL query after removing the chip = %v", q)
	}
	// 5. With JavaScript off, ticking a box does nothing by itself and the
	// Apply button submits the same filter: the page never depends on the script.
	if _, err := chromedp.Call(bctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatalf("disabling JavaScript: %v", err)
	}
	navigate("loading without JavaScript", chromedp.Navigate(base+"/?q=terrorist"))
	if err := chromedp.Do(bctx, chromedp.Click(css(box))); err != nil {
		t.Fatal(err)
	}
	if q := location().Query(); q.Has("country") {
		t.Fatalf("the page submitted with JavaScript off: %v", q)
	}
	navigate("applying filters without JavaScript", chromedp.Click(css("button.apply")))
	if q := location().Query(); q.Get("country") != "KGZ" || q.Get("q") != "terrorist" {
		t.Errorf("URL query after Apply without JavaScript = %v, want q=terrorist and country=KGZ", q)
	}
}
