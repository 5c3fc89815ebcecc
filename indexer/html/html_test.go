package html_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"dossier/indexer/html"
	"dossier/indexer/parse"
)

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parseFile(t *testing.T, name string) *parse.Document {
	t.Helper()
	doc, err := html.Parser{}.Parse(context.Background(), readFile(t, name))
	if err != nil {
		t.Fatalf("Parse(%q) error = %v", name, err)
	}
	return doc
}

// rapporteurBody is the text of the Windows-1252 pages, whatever their label.
const rapporteurBody = "Rapporteur’s visit to Côte d’Ivoire — summary\n\n" +
	"The Special Rapporteur’s team met « civil society » representatives in Abidjan; costs of €12,000 were shared.\n\n" +
	"Officials said the new law was “a first step”.\n\n" +
	"Publié le 9 février 2022."

func TestParse(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		want     parse.Document
		wantBody string // "" to skip: some pages are checked by words below
	}{
		{
			// og:title wins; article:published_time (18 March) wins over the
			// byline's <time> (17 March); the canonical link over og:url.
			name: "UN press release with site furniture",
			file: "press_release.html",
			want: parse.Document{
				Title:    "CTED and UNODC hold joint workshop on border security in Central Asia",
				Date:     "2021-03-18",
				Language: "en",
				Format:   "html",
				Meta: map[string]string{
					"url":         "https://example.org/ctc/news/cted-unodc-border-workshop",
					"site":        "United Nations Security Council Counter-Terrorism Committee",
					"description": "Experts from five Central Asian States met in Almaty to discuss advance passenger information.",
					"encoding":    "utf-8",
				},
			},
			// The article's own <header> (its h1 and byline) stays: it is
			// inside <article>. Lists are one item a line.
			wantBody: "CTED and UNODC hold joint workshop on border security in Central Asia\n\n" +
				"Almaty, 17 March 2021\n\n" +
				"The Counter-Terrorism Committee Executive Directorate (CTED) and the United Nations Office on Drugs and Crime (UNODC) " +
				"brought together border and customs officials from Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan and Uzbekistan " +
				"for a three-day workshop on the use of advance passenger information.\n\n" +
				"Participants reviewed how their systems meet the obligations set out in Security Council resolution 2396 (2017), " +
				"and exchanged practice on passenger name record data with full respect for human rights.\n\n" +
				"Main conclusions\n\n" +
				"Interagency cooperation at airports remains uneven.\n" +
				"Data protection safeguards need to be written into law.\n\n" +
				"The workshop was funded by the Government of Japan.\n" +
				"For more information, contact the CTED press office.",
		},
		{
			// No article or main: the body minus <header>/<footer> and the
			// id="topMenu" list. id="subheader-box" is not a header: "header"
			// only counts as a whole word. The title loses " - UNODC".
			name: "page without a content container",
			file: "no_container.html",
			want: parse.Document{
				Title:    "L’ONUDC appuie la formation des procureurs au Sahel",
				Date:     "2020-06",
				Language: "fr",
				Format:   "html",
				Meta:     map[string]string{"encoding": "utf-8"},
			},
			wantBody: "Cette page présente une nouvelle de l’Office.\n\n" +
				"Formation des procureurs\n\n" +
				"Vingt-cinq procureurs et juges d’instruction du Burkina Faso, du Mali et du Niger ont suivi une formation consacrée aux enquêtes financières.\n\n" +
				"Pays Participants\nMali 9\nNiger 8\n\n" +
				"Programme :\n  jour 1   cadre juridique\n  jour 2   études de cas",
		},
		{
			// ASP.NET wraps the page in a <form>; it must not take the article
			// with it. The navBar and siteFooter ids go; the title comes
			// from the h1 (the <title> would give the same after " :: UN Press").
			name: "ASP.NET page inside one form",
			file: "aspnet_form.html",
			want: parse.Document{
				Title:    "Statement by the Chair of the 1267 Committee",
				Date:     "2018-11-02",
				Language: "en",
				Format:   "html",
				Meta:     map[string]string{"encoding": "utf-8"},
			},
			wantBody: "Statement by the Chair of the 1267 Committee\n\n" +
				"The Chair of the Security Council Committee pursuant to resolutions 1267 (1999), 1989 (2011) and 2253 (2015) " +
				"briefed Member States on the review of the sanctions list.\n\n" +
				"The Committee will continue its outreach to States in the coming months.",
		},
		{
			// <title> is raw text: the tag inside is its literal title.
			name: "script tag inside title is text",
			file: "title_script.html",
			want: parse.Document{
				Title:  "<script>alert(1)</script>",
				Format: "html",
				Meta:   map[string]string{"encoding": "utf-8"},
			},
			wantBody: "Only a paragraph of text, with <b> written as an entity.",
		},
		{
			name: "Windows-1252 declared in meta http-equiv",
			file: "windows1252_meta.html",
			want: parse.Document{
				Title: "Rapporteur’s visit to Côte d’Ivoire — summary", Date: "2022-02-09", Language: "en", Format: "html",
				Meta: map[string]string{"encoding": "windows-1252"},
			},
			wantBody: rapporteurBody,
		},
		{
			// No declaration and bytes that are not UTF-8: read as
			// Windows-1252, the HTML standard's default (x/net/html/charset
			// would choose the same from the first 1024 bytes).
			name: "Windows-1252 without any declaration",
			file: "windows1252_nometa.html",
			want: parse.Document{
				Title: "Rapporteur’s visit to Côte d’Ivoire — summary", Date: "2022-02-09", Language: "en", Format: "html",
				Meta: map[string]string{"encoding": "windows-1252"},
			},
			wantBody: rapporteurBody,
		},
		{
			// Browsers read a Latin-1 label as Windows-1252, so the curly
			// quotes (0x91-0x94 there, control codes in Latin-1) survive.
			name: "ISO-8859-1 label decodes as Windows-1252",
			file: "latin1_label.html",
			want: parse.Document{
				Title: "Rapporteur’s visit to Côte d’Ivoire — summary", Date: "2022-02-09", Language: "en", Format: "html",
				Meta: map[string]string{"encoding": "windows-1252"},
			},
			wantBody: rapporteurBody,
		},
		{
			// Undeclared UTF-8 whose first accent is past byte 1024:
			// charset.DetermineEncoding would guess Windows-1252 from the
			// all-ASCII prefix and garble every accent; the whole page is
			// valid UTF-8, so it is read as such.
			name: "undeclared UTF-8 with late first accent",
			file: "utf8_late_nometa.html",
			want: parse.Document{
				Title: "Déclaration du Président", Language: "en", Format: "html",
				Meta: map[string]string{"encoding": "utf-8"},
			},
			wantBody: "Déclaration du Président\n\nLe Conseil de sécurité s’est réuni à Genève.",
		},
		{
			// The BOM decides; the (impossible) meta charset=utf-16 is moot.
			name: "UTF-16LE with BOM",
			file: "utf16le_bom.html",
			want: parse.Document{
				Title: "Заявление Председателя", Language: "ru", Format: "html",
				Meta: map[string]string{"encoding": "utf-16le"},
			},
			wantBody: "Заявление Председателя\n\nКомитет провёл заседание в Нью-Йорке.",
		},
		{
			name: "invalid UTF-8 replaced, NUL dropped",
			file: "invalid_utf8.html",
			want: parse.Document{
				Title: "Broken \uFFFD bytes", Format: "html",
				Meta: map[string]string{"encoding": "utf-8"},
			},
			wantBody: "Valid café then invalid \uFFFD( and \uFFFD here.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := parseFile(t, tt.file)
			if doc.Title != tt.want.Title {
				t.Errorf("Parse(%q) title = %q, want %q", tt.file, doc.Title, tt.want.Title)
			}
			got := *doc
			got.Body = ""
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse(%q) metadata mismatch (-want +got):\n%s", tt.file, diff)
			}
			if diff := cmp.Diff(tt.wantBody, doc.Body); diff != "" {
				t.Errorf("Parse(%q) body mismatch (-want +got):\n%s", tt.file, diff)
			}
		})
	}
}

// TestParseBoilerplate checks the press release by words, so that the intent
// (furniture out, article in) reads apart from the exact layout.
func TestParseBoilerplate(t *testing.T) {
	const file = "press_release.html"
	doc := parseFile(t, file)
	for _, w := range []string{
		"Skip to main content", "cookies", "Accept", "About Us", "Media Centre", "Search the site",
		"Home", "Share on Facebook", "Share this", "Related stories", "open briefing",
		"Copyright", "Privacy notice", "Terms of use", "gtag", "dataLayer", "font-family",
		"tracking pixel", "analytics",
	} {
		if strings.Contains(doc.Body, w) {
			t.Errorf("Parse(%q) body contains %q, want it removed as site furniture", file, w)
		}
	}
	for _, w := range []string{
		"CTED and UNODC hold joint workshop", "advance passenger information", "resolution 2396 (2017)",
		"human rights", "Interagency cooperation", "Government of Japan", "CTED press office",
	} {
		if !strings.Contains(doc.Body, w) {
			t.Errorf("Parse(%q) body lacks article text %q", file, w)
		}
	}
}

func TestTitle(t *testing.T) {
	page := func(head, body string) string {
		return "<!DOCTYPE html><html><head>" + head + "</head><body>" + body + "</body></html>"
	}
	tests := []struct {
		name, html, want string
	}{
		{"og:title first", page(`<title>T | Site</title><meta property="og:title" content="From OG">`, `<article><h1>From H1</h1></article>`), "From OG"},
		{"h1 of main around an article without one", page(`<title>T | Site</title>`, `<main><h1>Page heading</h1><article><p>`+strings.Repeat("Body text. ", 20)+`</p></article></main>`), "Page heading"},
		{"og:title that is only the site name ignored", page(`<meta property="og:title" content="UNODC"><meta property="og:site_name" content="UNODC">`, `<article><h1>From H1</h1></article>`), "From H1"},
		{"h1 in article before title", page(`<title>From title | Site</title>`, `<header><h1>Logo</h1></header><article><h1>From H1</h1><p>text</p></article>`), "From H1"},
		{"site h1 in header ignored", page(`<title>Committee adopts report | United Nations</title>`, `<header><h1>United Nations</h1></header><p>text</p>`), "Committee adopts report"},
		{"pipe suffix", page(`<title>Committee adopts report | United Nations</title>`, ``), "Committee adopts report"},
		{"hyphen suffix", page(`<title>Committee adopts report - UNODC</title>`, ``), "Committee adopts report"},
		{"em dash suffix", page(`<title>Committee adopts report — Site</title>`, ``), "Committee adopts report"},
		{"double colon suffix", page(`<title>Committee adopts report :: X</title>`, ``), "Committee adopts report"},
		{"last separator only", page(`<title>Counter-terrorism - the 2021 review | UN</title>`, ``), "Counter-terrorism - the 2021 review"},
		{"one-word remainder kept whole", page(`<title>Kyrgyzstan - CTED</title>`, ``), "Kyrgyzstan - CTED"},
		{"long tail is part of the title", page(`<title>Briefing - what the Committee heard from seven Member States today</title>`, ``), "Briefing - what the Committee heard from seven Member States today"},
		{"known site name as prefix", page(`<title>UNODC | Annual report</title><meta property="og:site_name" content="UNODC">`, ``), "Annual report"},
		{"og:title site suffix removed only when it is the site", page(`<meta property="og:title" content="Report - Part two | UNODC"><meta property="og:site_name" content="UNODC">`, ``), "Report - Part two"},
		{"line break in h1 is a space", page(``, `<article><h1>Statement<br>by the Chair</h1></article>`), "Statement by the Chair"},
		{"whitespace collapsed", page("<title>\n  Committee\n\tadopts   report\n</title>", ``), "Committee adopts report"},
		{"entities decoded", page(`<title>Q&amp;A on &quot;resolution 2396&quot;</title>`, ``), `Q&A on "resolution 2396"`},
		{"no title: first line of body", page(``, `<p>First paragraph here.</p><p>Second.</p>`), "First paragraph here."},
		{"svg title is not the page title", page(``, `<svg><title>icon</title></svg><p>Real text.</p>`), "Real text."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := html.Parser{}.Parse(context.Background(), []byte(tt.html))
			if err != nil {
				t.Fatalf("Parse(%q) error = %v", tt.html, err)
			}
			if doc.Title != tt.want {
				t.Errorf("Parse(%q) title = %q, want %q", tt.html, doc.Title, tt.want)
			}
		})
	}
}

func TestDateAndLanguage(t *testing.T) {
	tests := []struct {
		name, html, wantDate, wantLang string
	}{
		{"article:published_time", `<html lang="en-GB"><meta property="article:published_time" content="2019-12-05T22:15:00-05:00"><p>x</p>`, "2019-12-05", "en"},
		{"og:published_time", `<meta property="og:published_time" content="2019-12-05"><p>x</p>`, "2019-12-05", ""},
		{"dc.date month precision", `<meta name="dc.date" content="2019-12"><p>x</p>`, "2019-12", ""},
		{"DC.date.issued case-insensitive", `<meta name="DC.date.issued" content="2019"><p>x</p>`, "2019", ""},
		{"pubdate", `<meta name="pubdate" content="20191205"><p>x</p>`, "2019-12-05", ""},
		{"date meta in prose form", `<meta name="date" content="5 December 2019"><p>x</p>`, "2019-12-05", ""},
		{"unparseable meta falls through to time", `<meta name="date" content="soon"><article><p>x <time datetime="2020-01-31">31 Jan</time></p></article>`, "2020-01-31", ""},
		{"JSON-LD datePublished", `<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebPage"},{"@type":"NewsArticle","datePublished":"2021-07-08T12:00:00+02:00"}]}</script><article><time datetime="2020-01-31">x</time></article>`, "2021-07-08", ""},
		{"broken JSON-LD ignored", `<script type="application/ld+json">{"datePublished": </script><p>x</p>`, "", ""},
		{"time in article", `<article><time datetime="2020-01-31T10:00:00Z">31 January</time><p>x</p></article>`, "2020-01-31", ""},
		{"time in removed footer does not count", `<article><p>Article text long enough to be the article.</p></article><footer><time datetime="2024-06-01">updated</time></footer>`, "", ""},
		{"no date", `<p>Held on 3 December 2019.</p>`, "", ""},
		{"xml:lang", `<html xml:lang="es"><p>x</p></html>`, "", "es"},
		{"og:locale", `<meta property="og:locale" content="fr_FR"><p>x</p>`, "", "fr"},
		{"bogus lang ignored", `<html lang="english please"><p>x</p></html>`, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := html.Parser{}.Parse(context.Background(), []byte(tt.html))
			if err != nil {
				t.Fatalf("Parse(%q) error = %v", tt.html, err)
			}
			if doc.Date != tt.wantDate {
				t.Errorf("Parse(%q) date = %q, want %q", tt.html, doc.Date, tt.wantDate)
			}
			if doc.Language != tt.wantLang {
				t.Errorf("Parse(%q) language = %q, want %q", tt.html, doc.Language, tt.wantLang)
			}
		})
	}
}

func TestBody(t *testing.T) {
	tests := []struct {
		name, html, want string
	}{
		{"paragraphs and collapsed whitespace", "<p>One\n  two\tthree</p><p>Four</p>", "One two three\n\nFour"},
		{"br is a line break", "<p>Line one<br>Line two<br/><br>Line three</p>", "Line one\nLine two\nLine three"},
		{"inline elements join words", "<p>A <b>bold</b><i>italic</i> word</p>", "A bolditalic word"},
		{"nested list items are lines", "<ul><li>a<ul><li>a1</li><li>a2</li></ul></li><li>b</li></ul><p>after</p>", "a\na1\na2\nb\n\nafter"},
		{"paragraphs inside list items stay lines", "<ol><li><p>first</p></li><li><p>second</p><p>more</p></li></ol>", "first\nsecond\nmore"},
		{"table cells do not run together", "<table><tr><td>Mali</td><td>9</td></tr><tr><td>Niger</td><td>8</td></tr></table>", "Mali 9\nNiger 8"},
		{"pre keeps its whitespace", "<p>before</p><pre>a  b\n  c</pre><p>after</p>", "before\n\na  b\n  c\n\nafter"},
		{"nbsp is a space", "<p>human&nbsp;&nbsp;rights</p>", "human rights"},
		{"hidden elements go", `<p>seen</p><p hidden>unseen</p><div style="display: none">gone</div><span aria-hidden="true">icon</span>`, "seen"},
		{"screen-reader-only text goes", `<p>Report <span class="sr-only">(opens in a new window)</span></p><p class="hidden-xs">Wide screens</p>`, "Report\n\nWide screens"},
		{"cookie consent platforms go", `<div id="onetrust-banner-sdk">We value your privacy</div><div id="CybotCookiebotDialog">Consent</div><p>text</p>`, "text"},
		{"role=navigation goes", `<div role="navigation">Menu words</div><p>text</p>`, "text"},
		{"camelCase class words", `<div class="shareButtons">Tweet</div><div class="cookieNotice">We use cookies</div><p>text</p>`, "text"},
		{"class words are whole words", `<div class="navy">Navy text</div><div id="subheader">Sub text</div>`, "Navy text\n\nSub text"},
		{"page wrapper with a furniture word in its class stays", `<div class="page has-sticky-header"><div class="site-header">Logo</div><h2>Heading</h2><p>Body text of the page.</p><p>Two.</p><p>Three.</p></div>`, "Heading\n\nBody text of the page.\n\nTwo.\n\nThree."},
		{"wrapper holding header and footer stays", `<div id="skip-wrapper"><header>Site</header><p>Body text.</p><footer>Foot</footer></div>`, "Body text."},
		{"wrapper holding the h1 stays", `<div id="nav-wrapper-page"><div class="topnav">Menu</div><h1>Title</h1><p>text</p><p>` + strings.Repeat("more ", 10) + `</p></div><footer>` + strings.Repeat("footer words ", 40) + `</footer>`, "Title\n\ntext\n\n" + strings.TrimSpace(strings.Repeat("more ", 10))},
		{"article header and footer stay", `<nav>Menu</nav><article><header><h1>Head</h1></header><p>Body text</p><footer>Filed under: sanctions</footer></article><footer>Site footer</footer>`, "Head\n\nBody text\n\nFiled under: sanctions"},
		{"article class header stays", `<article><div class="article-header"><h1>Head</h1></div><p>Body</p></article>`, "Head\n\nBody"},
		{"search form goes", `<form role="search"><label>Search</label></form><form><label>Email</label><input></form><p>text</p>`, "text"},
		{"comments dropped", `<p>a<!-- hidden comment -->b</p>`, "ab"},
		{"teaser article in aside is not the root", `<aside><article><h3>Teaser</h3><p>teaser</p></article></aside><main><h1>Real</h1><p>Real text</p></main>`, "Real\n\nReal text"},
		{"longest article wins", `<article><p>short</p></article><article><h1>Long</h1><p>` + strings.Repeat("word ", 50) + `</p></article>`, "Long\n\n" + strings.TrimSpace(strings.Repeat("word ", 50))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := html.Parser{}.Parse(context.Background(), []byte(tt.html))
			if err != nil {
				t.Fatalf("Parse(%q) error = %v", tt.html, err)
			}
			if diff := cmp.Diff(tt.want, doc.Body); diff != "" {
				t.Errorf("Parse(%q) body mismatch (-want +got):\n%s", tt.html, diff)
			}
		})
	}
}

// Small encoding cases that need no realistic page around them.
func TestEncoding(t *testing.T) {
	tests := []struct {
		name      string
		data      []byte
		wantTitle string
		wantEnc   string
	}{
		{"mislabelled UTF-8 read as UTF-8", []byte(`<meta charset="windows-1252"><title>Côte d’Ivoire</title>`), "Côte d’Ivoire", "utf-8"},
		{"mislabelled Latin-1 read as Windows-1252", []byte("<meta charset=\"utf-8\"><title>C\xf4te d\x92Ivoire</title>"), "Côte d’Ivoire", "windows-1252"},
		{"ASCII labelled Windows-1252 keeps its label", []byte(`<meta charset="windows-1252"><title>Cote</title>`), "Cote", "windows-1252"},
		{"XML declaration", []byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<html><title>C\xf4te</title></html>"), "Côte", "windows-1252"},
		{"meta wins over XML declaration", []byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<html><head><meta charset=\"koi8-r\"><title>\xf0\xd2\xc5\xc4\xd3\xc5\xc4\xc1\xd4\xc5\xcc\xd8</title></head></html>"), "Председатель", "koi8-r"},
		{"meta late in a long head", []byte("<head><style>" + strings.Repeat("p{}", 2000) + "</style><meta http-equiv=\"content-type\" content=\"text/html; charset=windows-1251\"><title>\xcc\xe8\xf0</title>"), "Мир", "windows-1251"},
		{"UTF-8 BOM", []byte("\xef\xbb\xbf<title>Café</title>"), "Café", "utf-8"},
		{"UTF-16BE with BOM", append([]byte{0xfe, 0xff}, utf16be("<title>Café</title>")...), "Café", "utf-16be"},
		// Without a BOM the HTML standard would read UTF-16 as Windows-1252;
		// text.UTF16 recognises the NUL pattern of Latin-script UTF-16.
		{"UTF-16LE without BOM", utf16le("<html><title>Café</title><p>text</p></html>"), "Café", "utf-16le"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := html.Parser{}.Parse(context.Background(), tt.data)
			if err != nil {
				t.Fatalf("Parse(%q) error = %v", tt.data, err)
			}
			if doc.Title != tt.wantTitle || doc.Meta["encoding"] != tt.wantEnc {
				t.Errorf("Parse(%q) title, encoding = %q, %q; want %q, %q", tt.data, doc.Title, doc.Meta["encoding"], tt.wantTitle, tt.wantEnc)
			}
		})
	}
}

func utf16le(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8)) // BMP only, enough for these tests
	}
	return b
}

func utf16be(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r>>8), byte(r))
	}
	return b
}

func TestParseBinary(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{"PNG", readFile(t, "binary_png.html")},
		{"ELF", []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00")},
		{"PDF", []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")},
		{"NULs", append([]byte("<html>"), make([]byte, 500)...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := html.Parser{}.Parse(context.Background(), tt.data)
			if !errors.Is(err, html.ErrBinary) {
				t.Errorf("Parse(%q) = %+v, %v; want error %v", tt.data[:min(len(tt.data), 16)], doc, err, html.ErrBinary)
			}
		})
	}
}

// x/net/html refuses trees deeper than 512 open elements. Such a page must come
// back as text, quickly, not as a panic or a stack overflow.
func TestDeepNesting(t *testing.T) {
	const depth = 100_000
	tests := []struct {
		name string
		html string
	}{
		{"closed", "<html><head><title>Deep</title></head><body>" + strings.Repeat("<div>", depth) + "<p>deep text</p><script>var x</script>" + strings.Repeat("</div>", depth)},
		{"unclosed", "<title>Deep</title>" + strings.Repeat("<div><span>", depth) + "deep text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			doc, err := parse.Safe(context.Background(), html.Parser{}, []byte(tt.html), 20*time.Second)
			if err != nil {
				t.Fatalf("Parse(%d nested divs) error = %v", depth, err)
			}
			if doc.Title != "Deep" || doc.Body != "deep text" {
				t.Errorf("Parse(%d nested divs) = title %q body %q, want %q, %q", depth, doc.Title, doc.Body, "Deep", "deep text")
			}
			if doc.Meta["warning"] == "" {
				t.Errorf("Parse(%d nested divs) meta = %v, want a warning", depth, doc.Meta)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("Parse(%d nested divs) took %v", depth, d)
			}
		})
	}
	// Just under the limit, the tree parse succeeds.
	doc, err := html.Parser{}.Parse(context.Background(), []byte(strings.Repeat("<div>", 400)+"<p>text</p>"))
	if err != nil || doc.Body != "text" || doc.Meta["warning"] != "" {
		t.Errorf("Parse(400 nested divs) = %+v, %v; want body %q and no warning", doc, err, "text")
	}
}

func TestParseCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := (html.Parser{}).Parse(ctx, []byte("<p>x</p>")); !errors.Is(err, context.Canceled) {
		t.Errorf("Parse(canceled ctx) error = %v, want %v", err, context.Canceled)
	}
}

func FuzzParse(f *testing.F) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if filepath.Ext(e.Name()) == ".html" {
			f.Add(readFile(f, e.Name()))
		}
	}
	f.Add([]byte("<title><script>alert(1)</script></title>"))
	f.Add([]byte(strings.Repeat("<div>", 600) + "x"))
	f.Add([]byte("<table><tr><td><pre>a\r\nb</pre><li>c"))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := html.Parser{}.Parse(context.Background(), data)
		if err != nil {
			if !errors.Is(err, html.ErrBinary) {
				t.Fatalf("Parse(%q) error = %v, want nil or %v", data, err, html.ErrBinary)
			}
			return
		}
		if !utf8.ValidString(doc.Body) || !utf8.ValidString(doc.Title) {
			t.Errorf("Parse(%q) gave invalid UTF-8: title %q body %q", data, doc.Title, doc.Body)
		}
		if strings.ContainsAny(doc.Body, "\x00\r") {
			t.Errorf("Parse(%q) body = %q, still has NUL or CR", data, doc.Body)
		}
		if strings.TrimSpace(doc.Body) != "" && doc.Title == "" {
			t.Errorf("Parse(%q) title empty for a body with text %q", data, doc.Body)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	data := readFile(b, "press_release.html")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (html.Parser{}).Parse(context.Background(), data); err != nil {
			b.Fatal(err)
		}
	}
}
