// Package html parses HTML pages into a parse.Document: it decodes the page's
// declared or sniffed character encoding, reads the title, date, language and a
// few source facts from its metadata, and keeps as body only the text of the
// article, without the site's navigation, banners, cookie notices, share buttons
// and footer.
//
// Choices worth knowing:
//   - The title prefers og:title, then the first <h1> of the article (or of the
//     main region around it), then <title> without its site suffix
//     ("... | United Nations"). An <h1> inside the article stays in the body too:
//     it is part of what a reader reads, and entity offsets must point into text
//     a reader recognises.
//   - The date comes from metadata (article:published_time and its cousins, or
//     schema.org datePublished in JSON-LD) or a <time datetime>, taken as written without converting time zones; when the
//     page has neither, Date is "" and the entity extractor finds dates in the text.
//   - The character encoding comes from a byte order mark, then <meta charset> or
//     <meta http-equiv>, then the bytes themselves (UTF-8 when they are, else
//     Windows-1252); a label the bytes plainly contradict loses. Meta["encoding"]
//     names the one used. See decode for the details and the differences from
//     x/net/html/charset.
//   - Pages nested deeper than the HTML parser allows (512 open elements) are not
//     rejected: their text is read token by token, without the page structure,
//     and Meta["warning"] says so.
package html

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"dossier/indexer/parse"
	"dossier/indexer/text"
)

// ErrBinary is returned for content that is clearly not HTML (a PDF or image
// saved as .html, or bytes full of NULs).
var ErrBinary = errors.New("binary content, not HTML")

// Parser parses HTML. The zero value is ready to use.
type Parser struct{}

var _ parse.Parser = Parser{}

// Parse reads one HTML page.
func (Parser) Parse(ctx context.Context, data []byte) (*parse.Document, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	src, enc, err := decode(data)
	if err != nil {
		if errors.Is(err, ErrBinary) {
			return nil, err
		}
		return nil, fmt.Errorf("decode %s: %w", enc, err)
	}
	src = text.Normalize(src)

	root, err := html.Parse(strings.NewReader(src))
	if err != nil {
		// x/net/html gives up on absurdly deep trees rather than recursing into
		// them; the page may still carry text worth indexing.
		doc := tokenDocument(src)
		doc.Meta["encoding"] = enc
		doc.Meta["warning"] = fmt.Sprintf("page structure ignored: %v", err)
		return doc, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	doc := extract(goquery.NewDocumentFromNode(root))
	doc.Meta["encoding"] = enc
	return doc, nil
}

// extract reads metadata first (removing boilerplate removes <meta> and <link>
// with it), then strips the page down to its article and renders that.
func extract(d *goquery.Document) *parse.Document {
	metas := metaValues(d)
	doc := &parse.Document{
		Format:   "html",
		Language: language(d, metas),
		Meta:     map[string]string{},
	}
	site := clean(metas["og:site_name"])
	if site != "" {
		doc.Meta["site"] = site
	}
	if u := canonicalURL(d, metas); u != "" {
		doc.Meta["url"] = u
	}
	if desc := clean(first(metas, "description", "og:description", "dc.description")); desc != "" {
		doc.Meta["description"] = desc
	}
	doc.Date = metaDate(metas)
	if doc.Date == "" {
		doc.Date = jsonLDDate(d)
	}

	d.Find(junk).Remove()
	pageTitle := clean(d.Find("head title").First().Text())
	if pageTitle == "" {
		pageTitle = clean(d.Find("title").First().Text())
	}

	root := contentRoot(d)
	removeBoilerplate(d, root)

	if doc.Date == "" {
		doc.Date = timeDate(root, d)
	}

	var w textWriter
	for _, n := range root.Nodes {
		render(&w, n, false)
	}
	doc.Body = w.String()

	// An og:title that is only the site's name says nothing about the page.
	if og := stripSite(clean(metas["og:title"]), site, false); !strings.EqualFold(og, site) {
		doc.Title = og
	}
	if doc.Title == "" {
		doc.Title = headingTitle(root)
	}
	if doc.Title == "" {
		doc.Title = stripSite(pageTitle, site, true)
	}
	if doc.Title == "" {
		doc.Title = text.Title(doc.Body)
	}
	doc.Title = text.Truncate(doc.Title, text.MaxTitle)
	return doc
}

// headingTitle is the first <h1> of the article; when the article has none, the
// first of the main region around it, where CMSs often put the page heading
// (<main><h1>...</h1><article>...</article></main>). That heading then is not in
// the body, which holds the article only.
func headingTitle(root *goquery.Selection) string {
	if t := flatText(root.Find("h1").First()); t != "" {
		return t
	}
	return flatText(root.Closest("main, [role=main]").Find("h1").First())
}

// flatText is the text of s on one line. Unlike Selection.Text it keeps the
// words of "<h1>Statement<br>by the Chair</h1>" apart.
func flatText(s *goquery.Selection) string {
	var w textWriter
	for _, n := range s.Nodes {
		render(&w, n, false)
	}
	return clean(w.String())
}

// junk is removed wherever it is: none of it is text a reader reads. <form> is
// not here, because ASP.NET pages wrap the whole page in one (see removeBoilerplate).
const junk = "script, style, noscript, template, svg, math, iframe, object, embed, canvas, " +
	"button, select, textarea, input, dialog, link, meta"

// metaValues maps the lower-cased name, property, itemprop or http-equiv of each
// <meta> to its content; the first occurrence wins.
func metaValues(d *goquery.Document) map[string]string {
	m := map[string]string{}
	d.Find("meta[content]").Each(func(_ int, s *goquery.Selection) {
		content, _ := s.Attr("content")
		for _, attr := range []string{"property", "name", "itemprop", "http-equiv"} {
			if k, ok := s.Attr(attr); ok {
				k = strings.ToLower(strings.TrimSpace(k))
				if _, seen := m[k]; !seen && k != "" {
					m[k] = strings.TrimSpace(content)
				}
			}
		}
	})
	return m
}

func first(m map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := m[k]; v != "" {
			return v
		}
	}
	return ""
}

// dateMetas are the <meta> names publishers use for the publication date, most
// specific first: Open Graph article metadata, schema.org, Dublin Core, then the
// ad-hoc names of news CMSs.
var dateMetas = []string{
	"article:published_time", "og:published_time", "datepublished",
	"date", "dc.date", "dc.date.issued", "dcterms.date", "dcterms.issued", "dcterms.created",
	"citation_publication_date", "pubdate", "publishdate", "publish-date", "publication_date",
}

func metaDate(metas map[string]string) string {
	for _, k := range dateMetas {
		if d := text.ParseDate(metas[k]); d != "" {
			return d
		}
	}
	return ""
}

// jsonLDDate reads datePublished from schema.org JSON-LD, where many news CMSs
// put the date instead of (or as well as) <meta> tags.
func jsonLDDate(d *goquery.Document) string {
	var date string
	d.Find(`script[type="application/ld+json"]`).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		var v any
		if json.Unmarshal([]byte(s.Text()), &v) != nil {
			return true // broken JSON-LD is common; the next block may do
		}
		date = findDate(v, 0)
		return date == ""
	})
	return date
}

// findDate looks for "datePublished" in decoded JSON, depth first, visiting keys
// in sorted order so that the answer does not depend on map iteration. The depth
// bound stops at structures no real page has.
func findDate(v any, depth int) string {
	if depth > 10 {
		return ""
	}
	switch v := v.(type) {
	case map[string]any:
		if s, ok := v["datePublished"].(string); ok {
			if d := text.ParseDate(s); d != "" {
				return d
			}
		}
		for _, k := range slices.Sorted(maps.Keys(v)) {
			if d := findDate(v[k], depth+1); d != "" {
				return d
			}
		}
	case []any:
		for _, e := range v {
			if d := findDate(e, depth+1); d != "" {
				return d
			}
		}
	}
	return ""
}

// timeDate takes the first <time datetime> of the article, else of what is left
// of the page once boilerplate is gone (a footer's "last updated" is gone by then).
func timeDate(root *goquery.Selection, d *goquery.Document) string {
	for _, s := range []*goquery.Selection{root, d.Selection} {
		var date string
		s.Find("time[datetime]").EachWithBreak(func(_ int, t *goquery.Selection) bool {
			v, _ := t.Attr("datetime")
			date = text.ParseDate(v)
			return date == ""
		})
		if date != "" {
			return date
		}
	}
	return ""
}

// language returns the primary subtag of the page's declared language: "en"
// from "en-US", "fr" from og:locale "fr_FR".
func language(d *goquery.Document, metas map[string]string) string {
	h := d.Find("html").First()
	candidates := []string{h.AttrOr("lang", ""), h.AttrOr("xml:lang", ""), metas["content-language"], metas["og:locale"]}
	for _, c := range candidates {
		c = strings.TrimSpace(c)
		if i := strings.IndexAny(c, "-_,; "); i >= 0 {
			c = c[:i]
		}
		c = strings.ToLower(c)
		if isLangSubtag(c) {
			return c
		}
	}
	return ""
}

func isLangSubtag(s string) bool {
	if len(s) < 2 || len(s) > 3 {
		return false
	}
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

func canonicalURL(d *goquery.Document, metas map[string]string) string {
	if href := strings.TrimSpace(d.Find("link[rel~=canonical][href]").First().AttrOr("href", "")); href != "" {
		return href
	}
	return metas["og:url"]
}

// clean collapses whitespace, as a browser shows a title.
func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

// titleSeps separate a page's own title from the site's name in <title>.
var titleSeps = []string{" | ", " - ", " – ", " — ", " :: ", " » ", " · "}

// stripSite removes the site's name from a title. A suffix or prefix equal to the
// known site name always goes. With guess set (for <title>, where sites almost
// always append their name), the part after the last separator goes when it is
// short and what remains still reads as a title: two words or more.
func stripSite(title, site string, guess bool) string {
	if site != "" {
		for _, sep := range titleSeps {
			if rest, ok := strings.CutSuffix(title, sep+site); ok && rest != "" {
				return strings.TrimSpace(rest)
			}
			if rest, ok := strings.CutPrefix(title, site+sep); ok && rest != "" {
				return strings.TrimSpace(rest)
			}
		}
	}
	if !guess {
		return title
	}
	at, sepLen := -1, 0
	for _, sep := range titleSeps {
		if i := strings.LastIndex(title, sep); i > at {
			at, sepLen = i, len(sep)
		}
	}
	if at < 0 {
		return title
	}
	head, tail := strings.TrimSpace(title[:at]), title[at+sepLen:]
	if len(strings.Fields(head)) >= 2 && len(strings.Fields(tail)) <= 6 && len(tail) < len(head) {
		return head
	}
	return title
}

// tokenDocument reads a page the parser refused, token by token: the <title>
// and the text outside raw-text elements, with block tags as paragraph breaks.
func tokenDocument(src string) *parse.Document {
	z := html.NewTokenizer(strings.NewReader(src))
	var w textWriter
	var title strings.Builder
	var raw atom.Atom // the raw-text element the tokenizer is inside, if any
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			body := w.String()
			t := clean(title.String())
			if t == "" {
				t = text.Title(body)
			}
			return &parse.Document{Title: text.Truncate(t, text.MaxTitle), Body: body, Format: "html", Meta: map[string]string{}}
		case html.TextToken:
			switch raw {
			case 0:
				w.text(string(z.Text()))
			case atom.Title:
				title.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch a {
			case atom.Script, atom.Style, atom.Noscript, atom.Textarea, atom.Title, atom.Iframe, atom.Noembed, atom.Noframes, atom.Xmp:
				if tt == html.StartTagToken {
					raw = a
				} else {
					raw = 0
				}
				w.breakAtLeast(1)
				continue
			}
			if k := breakKind(a); k > 0 {
				w.breakAtLeast(k)
			} else if k < 0 {
				w.space = true
			}
		}
	}
}
