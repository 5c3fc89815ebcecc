package server

import (
	"cmp"
	"html/template"
	"slices"
	"strings"
	"unicode/utf8"

	"dossier/internal/entity"
)

// highlightBody renders a plain-text body as HTML with every entity mention a
// link to its entity page. Each text segment is escaped here, so the body (which
// comes from arbitrary crawled files) can never inject markup; the only tags in
// the result are the <a> elements built below.
//
// Mentions whose offsets do not fit the body (out of range, splitting a UTF-8
// sequence) are dropped rather than trusted, and of overlapping mentions the
// first (and, at the same start, the longest) wins: links cannot nest.
func highlightBody(body string, mentions []entity.Mention) template.HTML {
	ms := slices.Clone(mentions)
	slices.SortStableFunc(ms, func(a, b entity.Mention) int {
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(b.End, a.End))
	})
	var b strings.Builder
	b.Grow(len(body) + len(ms)*80)
	pos := 0
	for _, m := range ms {
		if m.Start < pos || m.End <= m.Start || m.End > len(body) ||
			!boundary(body, m.Start) || !boundary(body, m.End) {
			continue
		}
		b.WriteString(template.HTMLEscapeString(body[pos:m.Start]))
		class := "entity entity-" + kindClass(m.Kind)
		title := entityLabel(m.Kind, m.ID)
		if m.Warning != "" {
			class += " entity-warning"
			title += " (" + m.Warning + ")"
		}
		b.WriteString(`<a class="` + class + `" href="` + template.HTMLEscapeString(entityURL(m.Kind, m.ID)) +
			`" title="` + template.HTMLEscapeString(title) + `">`)
		b.WriteString(template.HTMLEscapeString(body[m.Start:m.End]))
		b.WriteString(`</a>`)
		pos = m.End
	}
	b.WriteString(template.HTMLEscapeString(body[pos:]))
	return template.HTML(b.String())
}

// boundary reports whether offset i of s starts a rune (or is the end), so that
// slicing there cannot split a UTF-8 sequence.
func boundary(s string, i int) bool {
	return i == len(s) || utf8.RuneStart(s[i])
}

// kindClass is the CSS class suffix for a kind: a known kind's own name, so a
// kind from the data can never smuggle characters into the class attribute.
func kindClass(kind string) string {
	if slices.Contains(entity.Kinds, kind) {
		return kind
	}
	return "other"
}
