package html

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// textWriter turns a run of HTML text and element boundaries into the body's
// plain text: whitespace inside a paragraph collapses to one space, block
// elements end paragraphs (a blank line), and line-level elements (li, tr, br)
// end lines. Breaks and spaces are held back until the next visible character,
// so the text never starts or ends with one and never doubles them.
type textWriter struct {
	b     strings.Builder
	brk   int  // newlines owed before the next character: 1 ends a line, 2 a paragraph
	space bool // a space is owed before the next character
	pre   int  // inside <pre>: whitespace is kept as written
	nl    int  // newlines the output currently ends with
}

func (w *textWriter) breakAtLeast(n int) { w.brk = max(w.brk, n) }

func (w *textWriter) flush() {
	if w.b.Len() > 0 {
		switch {
		case w.brk > w.nl:
			w.b.WriteString("\n\n"[:w.brk-w.nl])
		case w.brk == 0 && w.space && w.nl == 0:
			w.b.WriteByte(' ')
		}
	}
	w.brk, w.space, w.nl = 0, false, 0
}

func (w *textWriter) text(s string) {
	if w.pre > 0 {
		if s == "" {
			return
		}
		w.flush()
		w.b.WriteString(s)
		w.nl = len(s) - len(strings.TrimRight(s, "\n"))
		return
	}
	for _, r := range s {
		if unicode.IsSpace(r) {
			w.space = true
			continue
		}
		w.flush()
		w.b.WriteRune(r)
	}
}

func (w *textWriter) String() string { return strings.TrimRight(w.b.String(), " \n\t") }

// breakKind says how an element separates its text from its neighbours'.
func breakKind(a atom.Atom) int {
	switch a {
	case atom.Br, atom.Li, atom.Tr, atom.Dt, atom.Dd, atom.Option, atom.Caption, atom.Figcaption, atom.Summary:
		return 1
	case atom.P, atom.Div, atom.Section, atom.Article, atom.Main, atom.Header, atom.Footer,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Blockquote, atom.Pre,
		atom.Ul, atom.Ol, atom.Dl, atom.Table, atom.Figure, atom.Address, atom.Hr,
		atom.Details, atom.Fieldset, atom.Center, atom.Hgroup, atom.Body, atom.Form:
		return 2
	case atom.Td, atom.Th:
		// Cells: a space keeps "<td>a</td><td>b</td>" from reading "ab".
		return -1
	}
	return 0
}

// render writes the text of n and its descendants. Recursion is safe: the HTML
// parser refuses trees deeper than 512 elements.
func render(w *textWriter, n *html.Node, inList bool) {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return
	case html.ElementNode, html.DocumentNode:
	default:
		return
	}
	k := breakKind(n.DataAtom)
	if inList && k == 2 {
		// Inside a list item, paragraphs and nested lists continue the list's
		// lines: "list items as their own lines", never blank lines among them.
		k = 1
	}
	open := func() {
		switch {
		case k > 0:
			w.breakAtLeast(k)
		case k < 0:
			w.space = true
		}
	}
	open()
	if n.DataAtom == atom.Pre {
		w.pre++
		defer func() { w.pre-- }()
	}
	childInList := inList || n.DataAtom == atom.Li
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		render(w, c, childInList)
	}
	open()
}
