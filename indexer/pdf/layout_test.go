package pdf

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// textAt places s as glyphs from (x, y) in a font whose glyphs are all half an
// em wide, spaces included, the way a content stream with space glyphs would.
func textAt(x, y, size float64, s string) []glyph {
	var out []glyph
	for _, r := range s {
		out = append(out, glyph{x: x, y: y, end: x + size/2, size: size, s: string(r), space: r == ' '})
		x += size / 2
	}
	return out
}

func concat(parts ...[]glyph) []glyph {
	var out []glyph
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestLayoutPage(t *testing.T) {
	const size = 10
	for _, tc := range []struct {
		name   string
		glyphs []glyph
		want   string
	}{
		{
			name: "two columns read one after the other",
			glyphs: concat(
				textAt(72, 700, size, "left column one"), textAt(320, 700, size, "right column one"),
				textAt(72, 688, size, "left column two"), textAt(320, 688, size, "right column two"),
				textAt(72, 676, size, "left column three"), textAt(320, 676, size, "right column three"),
			),
			want: "left column one\nleft column two\nleft column three\nright column one\nright column two\nright column three",
		},
		{
			name: "content order bottom up is read top down",
			glyphs: concat(
				textAt(72, 676, size, "third line"), textAt(72, 688, size, "second line"), textAt(72, 700, size, "first line"),
			),
			want: "first line\nsecond line\nthird line",
		},
		{
			name:   "fake bold drawn twice is read once",
			glyphs: concat(textAt(72, 700, size, "Bold heading"), textAt(72.3, 700, size, "Bold heading")),
			want:   "Bold heading",
		},
		{
			name: "heading, then paragraphs separated by a gap",
			glyphs: concat(
				textAt(72, 720, 16, "Heading"),
				textAt(72, 700, size, "first paragraph line one"), textAt(72, 688, size, "first paragraph line two"),
				textAt(72, 668, size, "second paragraph line one"), textAt(72, 656, size, "second paragraph line two"),
				textAt(72, 644, size, "second paragraph line three"),
			),
			want: "Heading\n\nfirst paragraph line one\nfirst paragraph line two\n\nsecond paragraph line one\nsecond paragraph line two\nsecond paragraph line three",
		},
		{
			name:   "label and value far apart on one line",
			glyphs: concat(textAt(72, 700, size, "Date"), textAt(300, 700, size, "5 December 2019")),
			want:   "Date 5 December 2019",
		},
		{
			name:   "footnote mark stays apart from its word",
			glyphs: concat(textAt(72, 700, size, "financing of terrorism"), textAt(182, 704, 6, "12"), textAt(188, 700, size, " was discussed")),
			want:   "financing of terrorism 12 was discussed",
		},
		{
			name:   "nothing visible",
			glyphs: concat(textAt(72, 700, size, "   "), textAt(72, 680, 0, "zero size")),
			want:   "",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := assemble(layoutPage(tc.glyphs), 1<<20)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("layout mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDropFurniture(t *testing.T) {
	page := func(lines ...string) []pageLine {
		var out []pageLine
		for _, l := range lines {
			out = append(out, pageLine{text: l, before: lineBreak})
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		pages [][]pageLine
		want  [][]pageLine
	}{
		{
			name:  "running head and page numbers",
			pages: [][]pageLine{page("CTED briefing note", "first page text", "1"), page("CTED briefing note", "second page text", "- 2 -"), page("CTED briefing note", "third page text", "Page 3 of 3")},
			want:  [][]pageLine{page("first page text"), page("second page text"), page("third page text")},
		},
		{
			name:  "different first lines stay",
			pages: [][]pageLine{page("Introduction", "text one"), page("Background", "text two"), page("Findings", "text three")},
			want:  [][]pageLine{page("Introduction", "text one"), page("Background", "text two"), page("Findings", "text three")},
		},
		{
			name:  "a year closing a page stays",
			pages: [][]pageLine{page("adopted in", "2019")},
			want:  [][]pageLine{page("adopted in", "2019")},
		},
		{
			name:  "a one-line page stays",
			pages: [][]pageLine{page("7")},
			want:  [][]pageLine{page("7")},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := dropFurniture(tc.pages)
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(pageLine{})); diff != "" {
				t.Errorf("dropFurniture mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestJoinPages(t *testing.T) {
	for _, tc := range []struct {
		name  string
		pages [][]pageLine
		want  string
	}{
		{
			name:  "sentence runs on to the next page",
			pages: [][]pageLine{{{text: "into account the potential", before: paraBreak}}, {{text: "effect of their measures.", before: paraBreak}}},
			want:  "into account the potential\neffect of their measures.",
		},
		{
			name:  "word hyphenated across pages",
			pages: [][]pageLine{{{text: "work on coun-", before: paraBreak}}, {{text: "tering travel.", before: paraBreak}}},
			want:  "work on countering travel.",
		},
		{
			name:  "new page, new paragraph",
			pages: [][]pageLine{{{text: "the end.", before: paraBreak}}, {{text: "Next section", before: paraBreak}}},
			want:  "the end.\n\nNext section",
		},
		{
			name:  "blank page in between",
			pages: [][]pageLine{{{text: "one", before: paraBreak}}, nil, {{text: "Two", before: paraBreak}}},
			want:  "one\n\nTwo",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := assemble(joinPages(tc.pages), 1<<20)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("joined pages mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
