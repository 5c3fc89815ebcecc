package corpusgen

import (
	"fmt"
	"html"
	"strings"
)

// htmlPage wraps a document in the furniture of a press archive's page: a
// head with styles and a tracking script, navigation, breadcrumbs, a sidebar
// of related stories and a footer, so that the parser's work of finding the
// <article> is part of what a benchmark measures.
func htmlPage(w *writer, r *rng) []byte {
	var b strings.Builder
	b.Grow(w.body.Len() + 4096)
	esc := html.EscapeString
	slug := fmt.Sprintf("%s-%d", w.date.iso(), r.intn(1_000_000))
	fmt.Fprintf(&b, `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%s | Counter-Terrorism Press Archive</title>
<meta property="og:type" content="article">
<meta property="og:title" content="%s">
<meta property="article:published_time" content="%sT10:00:00Z">
<link rel="canonical" href="https://ctpressarchive.example.org/news/%s">
<style>
  body { font-family: Arial, sans-serif; margin: 0; color: #1d2733; }
  .site-header { background: #0b3d62; color: #fff; padding: .6rem 1.5rem; }
  .site-header nav ul { list-style: none; display: flex; gap: 1.2rem; margin: 0; padding: 0; }
  .layout { display: grid; grid-template-columns: 3fr 1fr; gap: 2rem; padding: 0 1.5rem; }
  footer { margin-top: 3rem; background: #eef2f5; padding: 1.5rem; font-size: .85rem; }
</style>
<script>
  window.dataLayer = window.dataLayer || [];
  function track(evt) { dataLayer.push({event: evt, path: location.pathname}); }
  track("pageview");
</script>
</head>
<body>
<header class="site-header">
<a class="logo" href="/">Counter-Terrorism Press Archive</a>
<nav aria-label="Main"><ul>
<li><a href="/news">News</a></li><li><a href="/meetings">Meetings coverage</a></li>
<li><a href="/documents">Documents</a></li><li><a href="/resolutions">Resolutions</a></li>
<li><a href="/about">About</a></li><li><a href="/search">Search</a></li>
</ul></nav>
</header>
<nav class="breadcrumbs" aria-label="Breadcrumb"><ol>
<li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/news/%d">%d</a></li>
</ol></nav>
<div class="layout">
<main>
<article>
<h1>%s</h1>
<p class="meta">%s &middot; <time datetime="%s">%s</time></p>
`, esc(w.title), esc(w.title), w.date.iso(), slug, w.date.y, w.date.y,
		esc(w.title), esc(w.kick), w.date.iso(), w.date.long())
	for _, p := range w.paras {
		b.WriteString("<p>")
		b.WriteString(esc(p))
		b.WriteString("</p>\n")
	}
	b.WriteString(`<div class="share"><a class="share" href="#">Share</a> <a class="share" href="#">Print</a></div>
</article>
</main>
<aside class="sidebar">
<h2>Latest</h2>
<ul>
`)
	for range 4 {
		fmt.Fprintf(&b, "<li><a href=\"/news/%d\">%s</a></li>\n", r.intn(1_000_000), esc(pick(r, sidebar)))
	}
	b.WriteString(`</ul>
</aside>
</div>
<footer>
<p>Counter-Terrorism Press Archive is an independent collection of public documents.</p>
<p><a href="/privacy">Privacy</a> &middot; <a href="/terms">Terms of use</a> &middot; <a href="/contact">Contact</a></p>
</footer>
<script>document.querySelectorAll("a.share").forEach(function (a) { a.addEventListener("click", function () { track("share"); }); });</script>
</body>
</html>
`)
	return []byte(b.String())
}

// sidebar holds the titles of "latest" links; they name no entity, so the
// gold data stays right whether or not a parser drops the sidebar.
var sidebar = []string{
	"Committee adopts its programme of work for the coming year",
	"New handbook on prosecuting terrorist offences now available",
	"Open briefing on the protection of soft targets",
	"Call for experts: roster of legal advisers",
	"Annual report of the Executive Directorate published",
	"Webinar on gender dimensions of counter-terrorism",
	"Statement by the Chair on the anniversary of the Committee",
	"Vacancies: associate experts in legal and policy affairs",
}
