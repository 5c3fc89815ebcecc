package server

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestListsBrowser builds a reading list in headless Chromium over a real
// index and store: create it on /lists, find and add a document from the list
// page, add another through the add-to-list control, see both listed, and
// fetch the RIS export its link points at. The browser sends the Origin and
// Sec-Fetch-Site headers of a real same-site form post, so this also shows the
// cross-origin check lets the site's own forms through.
func TestListsBrowser(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("no Chromium at %s (CI must have it: .ci/run installs it)", chromiumPath)
		}
		t.Fatalf("CI is set but Chromium is missing: %v", err)
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}

	e := newListEnv(t)
	ts := httptest.NewUnstartedServer(e.h)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts.Listener = ln
	ts.Start()
	defer ts.Close()

	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx,
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
	)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	defer cancelBrowser()

	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
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
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
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
	count := func(sel string) int {
		t.Helper()
		n, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll(`+listJSString(sel)+`).length`))
		if err != nil {
			t.Fatalf("counting %s: %v", sel, err)
		}
		return n
	}

	// 1. Create a list on /lists.
	navigate("loading /lists", chromedp.Navigate(ts.URL+"/lists"))
	do("typing the name", chromedp.WaitVisible(css("#list-name")), chromedp.SendKeys(css("#list-name"), "Before the Bishkek visit"))
	navigate("creating the list", chromedp.Click(css("#create-list")))
	if h := text("#list-heading"); h != "Before the Bishkek visit" {
		t.Fatalf("list page heading = %q", h)
	}
	loc, err := chromedp.Run(bctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	listID := loc[strings.LastIndex(loc, "/")+1:]

	// 2. Find a document from the list page and add it.
	do("typing a search", chromedp.SendKeys(css("#find"), "Kyrgyzstan"))
	navigate("finding documents", chromedp.Click(css("#find-submit")))
	if n := count("ul.found li.found-doc"); n != 1 {
		t.Fatalf("%d documents found for Kyrgyzstan, want 1", n)
	}
	navigate("adding the document", chromedp.Click(css("ul.found button.add")))
	if got := text("ol.items li.item h2 a"); got != listDocs[0].title {
		t.Errorf("first item = %q", got)
	}

	// 3. Add another through the add-to-list control (the page the search
	// results' "Add to list" links open), with a note.
	navigate("opening the add-to-list page", chromedp.Navigate(ts.URL+"/lists/add?doc_id=doc-rep"))
	do("choosing the list and a note",
		chromedp.SetValue(css("#atl-list"), listID),
		chromedp.SendKeys(css("#atl-note"), "the threat report"))
	navigate("adding through the control", chromedp.Click(css("button.atl-submit")))
	if got := text("p.added"); !strings.Contains(got, "Before the Bishkek visit") {
		t.Errorf("after adding: %q", got)
	}

	// 4. The list shows both, in order, with the note.
	navigate("opening the list", chromedp.Click(css("p.added a")))
	if n := count("ol.items li.item"); n != 2 {
		t.Fatalf("%d items on the list page, want 2", n)
	}
	if got := text("#item-doc-rep p.note"); got != "the threat report" {
		t.Errorf("note = %q", got)
	}

	// 4b. Once the search page carries the list controls (the partials in
	// lists_partials.html), build a list from it too: "Add to list" on a hit,
	// and "Make list" from the results.
	if p := e.srv.pages["search"]; p != nil && p.Lookup("searchToList") != nil {
		navigate("searching", chromedp.Navigate(ts.URL+"/?q=ISIL"))
		navigate("following a hit's Add to list", chromedp.Click(css("ol.hits li.hit a.add-to-list-link")))
		do("choosing the list", chromedp.SetValue(css("#atl-list"), listID))
		navigate("adding from the search page", chromedp.Click(css("button.atl-submit")))
		if got := text("p.added"); !strings.Contains(got, "(2 documents)") {
			t.Errorf("adding a document the list holds: %q", got)
		}
		navigate("back to the search", chromedp.Click(css("a.back")))
		do("naming a list of the results", chromedp.SendKeys(css("#sts-list-name"), "ISIL results"))
		navigate("making a list of the results", chromedp.Click(css("form.results-to-list button")))
		if h := text("#list-heading"); h != "ISIL results" || count("ol.items li.item") != 1 {
			t.Errorf("list from the search page: %q with %d items", h, count("ol.items li.item"))
		}
		navigate("back to the first list", chromedp.Navigate(ts.URL+"/lists/"+listID))
	} else {
		t.Log("the search page has no list controls yet; building the list from the search page is not tested")
	}

	// 5. Follow the RIS export link: fetch what it points at and read it.
	ris, err := chromedp.Run(bctx, chromedp.Evaluate[string](
		`fetch(document.querySelector("a.export-ris").href).then(r => r.ok ? r.text() : "HTTP " + r.status)`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetching the RIS export: %v", err)
	}
	recs := listReadRIS(t, ris)
	if len(recs) != 2 {
		t.Fatalf("RIS export has %d records, want 2:\n%s", len(recs), ris)
	}
	if recs[0]["TI"][0] != listDocs[0].title || recs[1]["TI"][0] != listDocs[2].title || recs[1]["N1"][0] != "the threat report" {
		t.Errorf("RIS records = %v", recs)
	}
}

// jsString quotes s as a JavaScript string literal.
func listJSString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
