package html

import (
	"strings"
	"unicode"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// rootGroups are the selectors that mark a page's main content, most specific
// first. Within a group the match with the most text wins (a listing page has
// many <article>s; the story is the long one).
var rootGroups = []string{
	"article",
	"main",
	"[role=main]",
	"#content, #main-content, #maincontent, #main, #article, #primary",
	".article, .article-body, .article-content, .entry-content, .post-content, .story, .content, .main-content",
}

// minRootText is how much text a candidate needs to count as the content (or an
// <h1>): less is a teaser card, and the next group is tried.
const minRootText = 140

// contentRoot picks the element holding the article, or <body> when nothing
// marks one. Candidates inside navigation and asides (related-story cards) are
// ignored.
func contentRoot(d *goquery.Document) *goquery.Selection {
	for _, sel := range rootGroups {
		var best *goquery.Selection
		bestLen := 0
		measured := map[*html.Node]bool{}
		d.Find(sel).Each(func(_ int, s *goquery.Selection) {
			if s.ParentsFiltered("nav, aside, header, footer").Length() > 0 {
				return
			}
			// A candidate inside a measured one has no more text than it:
			// skipping it keeps nested containers from costing depth × size.
			n0 := s.Nodes[0]
			for p := n0.Parent; p != nil; p = p.Parent {
				if measured[p] {
					return
				}
			}
			measured[n0] = true
			n := len(strings.TrimSpace(s.Text()))
			if n > bestLen {
				best, bestLen = s, n
			}
		})
		if best != nil && (bestLen >= minRootText || best.Find("h1").Length() > 0) {
			return best
		}
	}
	if b := d.Find("body").First(); b.Length() > 0 {
		return b
	}
	return d.Selection
}

// removeBoilerplate removes the site's furniture around and inside root. Root and
// its ancestors are never removed, whatever their class says (WordPress puts
// "tag-social-media" on the article itself). <header> and <footer>, and classes
// naming them, are kept inside a root that is an article or main region: there
// they hold the article's own heading, byline and date.
func removeBoilerplate(d *goquery.Document, root *goquery.Selection) {
	keep := map[*html.Node]bool{}
	for _, n := range root.Nodes {
		for p := n; p != nil; p = p.Parent {
			keep[p] = true
		}
	}
	rootIsBody := root.Is("body") || root.Length() == 0
	inRoot := func(n *html.Node) bool {
		for p := n.Parent; p != nil; p = p.Parent {
			for _, r := range root.Nodes {
				if p == r {
					return true
				}
			}
		}
		return false
	}

	// A class word is a weaker sign than a tag or a role: a wrapper around the
	// whole page may be called "page has-sticky-header". An element is taken for
	// such a wrapper, not furniture, when it holds the page's <h1>, article or
	// main region, both a header or nav and a footer, or most of the text in
	// several paragraphs (a cookie notice or share bar has one or two at most).
	rootText := -1
	holdsPage := func(n *html.Node) bool {
		if hasDescendant(n, atom.H1, atom.Article, atom.Main) ||
			hasDescendant(n, atom.Header, atom.Nav) && hasDescendant(n, atom.Footer) {
			return true
		}
		if countDescendants(n, atom.P) < 3 {
			return false
		}
		if rootText < 0 {
			rootText = len(strings.TrimSpace(root.Text()))
		}
		return 2*len(strings.TrimSpace(goquery.NewDocumentFromNode(n).Text())) > rootText
	}

	var doomed []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if !keep[c] {
				v, byWord := boilerplate(c)
				if byWord && holdsPage(c) {
					v = content
				}
				switch v {
				case always:
					doomed = append(doomed, c)
					continue
				case outsideArticle:
					if rootIsBody || !inRoot(c) {
						doomed = append(doomed, c)
						continue
					}
				}
			}
			walk(c)
		}
	}
	for _, n := range d.Nodes {
		walk(n)
	}
	for _, n := range doomed {
		n.Parent.RemoveChild(n)
	}
}

type verdict int

const (
	content        verdict = iota
	always                 // boilerplate wherever it is
	outsideArticle         // boilerplate unless inside the article or main region
)

// boilerplateRoles are ARIA landmarks and widgets that are never the article.
var boilerplateRoles = map[string]bool{
	"navigation": true, "banner": true, "contentinfo": true, "search": true,
	"complementary": true, "menu": true, "menubar": true, "dialog": true, "alertdialog": true,
}

// boilerplateWords are class and id words that mark furniture. They are matched
// against whole words of the class and id ("site-nav", "shareButtons",
// "cookie_notice"), never substrings, so "subheader" or "navy" do not count.
var boilerplateWords = map[string]verdict{
	"nav": always, "navbar": always, "navigation": always, "topnav": always, "subnav": always,
	"mainnav": always, "sidenav": always, "menu": always, "menubar": always, "mainmenu": always,
	"submenu": always, "megamenu": always, "breadcrumb": always, "breadcrumbs": always, "crumbs": always,
	"sidebar": always, "cookie": always, "cookies": always, "consent": always, "gdpr": always,
	"share": always, "sharing": always, "sharethis": always, "addthis": always, "social": always,
	"skip": always, "skiplink": always, "skiplinks": always, "newsletter": always, "subscribe": always,
	"advert": always, "advertisement": always, "ads": always, "pagination": always, "pager": always,
	"toolbar": always, "search": always, "cookiebot": always, "onetrust": always, "modal": always, "popup": always,
	"header": outsideArticle, "footer": outsideArticle, "masthead": outsideArticle, "banner": outsideArticle,
}

// boilerplate judges one element by its tag, its hiding attributes, its ARIA
// role and the words of its class and id; byWord says the verdict rests on the
// words alone.
func boilerplate(n *html.Node) (v verdict, byWord bool) {
	switch n.DataAtom {
	case atom.Nav, atom.Aside:
		return always, false
	case atom.Header, atom.Footer:
		return outsideArticle, false
	case atom.Form:
		// A search or sign-up form is furniture. ASP.NET wraps a whole page in
		// one form: kept as the root's ancestor when the page marks its
		// article, and here by its content when it does not.
		if hasDescendant(n, atom.H1, atom.Article, atom.Main) {
			return content, false
		}
		return always, false
	}
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return always, false
		case "aria-hidden":
			if strings.EqualFold(strings.TrimSpace(a.Val), "true") {
				return always, false
			}
		case "style":
			if s := strings.ToLower(strings.ReplaceAll(a.Val, " ", "")); strings.Contains(s, "display:none") || strings.Contains(s, "visibility:hidden") {
				return always, false
			}
		case "role":
			if boilerplateRoles[strings.ToLower(strings.TrimSpace(a.Val))] {
				return always, false
			}
		case "class", "id":
			if a.Key == "class" && hiddenClass(a.Val) {
				return always, false
			}
			for _, w := range words(a.Val) {
				if bv := boilerplateWords[w]; bv > v {
					v = bv
				}
			}
		}
	}
	return v, v != content
}

// words splits a class or id value into lower-case words at spaces, punctuation
// and camelCase humps: "siteHeader main-nav" gives site, header, main, nav.
func words(s string) []string {
	var out []string
	start := -1
	var prev rune
	for i, r := range s {
		alnum := unicode.IsLetter(r) || unicode.IsDigit(r)
		hump := unicode.IsUpper(r) && unicode.IsLower(prev)
		if start >= 0 && (!alnum || hump) {
			out = append(out, strings.ToLower(s[start:i]))
			start = -1
		}
		if alnum && start < 0 {
			start = i
		}
		prev = r
	}
	if start >= 0 {
		out = append(out, strings.ToLower(s[start:]))
	}
	return out
}

func hasDescendant(n *html.Node, atoms ...atom.Atom) bool {
	for d := range n.Descendants() {
		for _, a := range atoms {
			if d.DataAtom == a {
				return true
			}
		}
	}
	return false
}

// hiddenClasses are the class names sites use to hide an element, or to show it
// to screen readers only ("Opens in a new window", "Main navigation"): neither is
// text a reader of the page sees. They match as whole class names, since
// "hidden-xs" means hidden on small screens only.
var hiddenClasses = map[string]bool{
	"hidden": true, "sr-only": true, "visually-hidden": true, "visuallyhidden": true,
	"screen-reader-text": true, "element-invisible": true, "d-none": true,
}

func hiddenClass(v string) bool {
	for _, c := range strings.Fields(v) {
		if hiddenClasses[strings.ToLower(c)] {
			return true
		}
	}
	return false
}

func countDescendants(n *html.Node, a atom.Atom) int {
	c := 0
	for d := range n.Descendants() {
		if d.DataAtom == a {
			c++
		}
	}
	return c
}
