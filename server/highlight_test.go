package server

import (
	"html/template"
	"testing"

	"dossier/internal/entity"
)

func TestHighlightBody(t *testing.T) {
	// Labels come from the entity package's gazetteers; the test checks that
	// they are used and escaped, not what they say.
	title := func(kind, id string) string { return template.HTMLEscapeString(entity.Label(kind, id)) }
	m := func(kind, id string, start, end int) entity.Mention {
		return entity.Mention{Kind: kind, ID: id, Start: start, End: end}
	}
	tests := []struct {
		name     string
		body     string
		mentions []entity.Mention
		want     string
	}{
		{name: "no mentions, text escaped", body: `a <b> & "c"`,
			want: `a &lt;b&gt; &amp; &#34;c&#34;`},
		{name: "one mention", body: "CTED visited Kyrgyzstan.",
			mentions: []entity.Mention{m("country", "KGZ", 13, 23)},
			want:     `CTED visited <a class="entity entity-country" href="/entities/country/KGZ" title="` + title("country", "KGZ") + `">Kyrgyzstan</a>.`},
		{name: "unsorted mentions, id escaped into the path",
			body:     "resolution 1373 (2001) and CTED",
			mentions: []entity.Mention{m("organization", "CTED", 27, 31), m("resolution", "S/RES/1373 (2001)", 0, 22)},
			want: `<a class="entity entity-resolution" href="/entities/resolution/S%2FRES%2F1373%20%282001%29" title="S/RES/1373 (2001)">resolution 1373 (2001)</a>` +
				` and <a class="entity entity-organization" href="/entities/organization/CTED" title="` + title("organization", "CTED") + `">CTED</a>`},
		{name: "overlap: the earlier, then the longer, wins",
			body:     "Kyrgyz Republic",
			mentions: []entity.Mention{m("country", "KGZ", 0, 6), m("country", "KGZ", 0, 15), m("organization", "X", 7, 15)},
			want:     `<a class="entity entity-country" href="/entities/country/KGZ" title="` + title("country", "KGZ") + `">Kyrgyz Republic</a>`},
		{name: "out of range and empty mentions dropped",
			body:     "short",
			mentions: []entity.Mention{m("country", "A", 2, 99), m("country", "B", -1, 2), m("country", "C", 3, 3)},
			want:     `short`},
		{name: "offset inside a UTF-8 sequence dropped",
			body:     "Côte d’Ivoire",
			mentions: []entity.Mention{m("country", "CIV", 0, 2)},
			want:     `Côte d’Ivoire`},
		{name: "multi-byte mention kept",
			body:     "in Côte d’Ivoire.",
			mentions: []entity.Mention{m("country", "CIV", 3, 19)},
			want:     `in <a class="entity entity-country" href="/entities/country/CIV" title="` + title("country", "CIV") + `">Côte d’Ivoire</a>.`},
		{name: "markup inside a mention escaped",
			body:     "x <script>y</script>",
			mentions: []entity.Mention{m("organization", `"><script>`, 2, 10)},
			want:     `x <a class="entity entity-organization" href="/entities/organization/%22%3E%3Cscript%3E" title="&#34;&gt;&lt;script&gt;">&lt;script&gt;</a>y&lt;/script&gt;`},
		{name: "unknown kind gets a safe class",
			body:     "abc",
			mentions: []entity.Mention{m(`x" onclick="`, "1", 0, 3)},
			want:     `<a class="entity entity-other" href="/entities/x%22%20onclick=%22/1" title="1">abc</a>`},
		{name: "warning shown",
			body:     "resolution 1373 (2005)",
			mentions: []entity.Mention{{Kind: "resolution", ID: "S/RES/1373 (2001)", Start: 0, End: 22, Warning: "year does not match"}},
			want:     `<a class="entity entity-resolution entity-warning" href="/entities/resolution/S%2FRES%2F1373%20%282001%29" title="S/RES/1373 (2001) (year does not match)">resolution 1373 (2005)</a>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(highlightBody(tt.body, tt.mentions))
			if got != tt.want {
				t.Errorf("highlightBody(%q, %v) =\n%s\nwant\n%s", tt.body, tt.mentions, got, tt.want)
			}
		})
	}
}
