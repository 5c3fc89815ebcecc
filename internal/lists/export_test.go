package lists

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"dossier/internal/entity"
)

const (
	prURL  = "https://www.un.org/securitycouncil/ctc/news/cted_kyrgyzstan-2019"
	trick  = `Report {draft on 100% of $ & #1 _x_ \ ~ ^ "quoted"`
	inject = `=HYPERLINK("http://evil.example","click")`
)

// fixture is a list with the three cases every export must get right: a full
// press release, a report whose title holds every special character, and a
// bare document with a formula for a title and no date or organization.
func fixture() List {
	added := time.Date(2026, 11, 20, 8, 30, 0, 0, time.UTC)
	return List{
		ID: "abcdefgh23", Name: "Kyrgyzstan: before the visit", Description: "Read *these* first.",
		Items: []Item{
			{
				DocID: "1111aaaa2222bbbb", Title: "CTED concludes second follow-up visit to Kyrgyzstan",
				Note: "Compare with the 2016 visit.\nSee para. 4 & annex", Added: added,
				Path: "corpus/html/2019-12-kyrgyzstan-second-follow-up-visit.html", URL: prURL,
				Date: "2019-12-05", Type: "press-release",
				Organizations: []string{"CTED", "OSCE"},
				Resolutions:   []string{"S/RES/2178 (2014)", "S/RES/2396 (2017)"},
				Countries:     []string{"KGZ"},
			},
			{
				DocID: "3333cccc4444dddd", Title: trick, Added: added.Add(time.Minute),
				Path: "corpus/pdf/cted-ftf-2396-thematic-2018.pdf", Date: "2018-06", Type: "report",
				Organizations: []string{"UNODC"},
			},
			{
				DocID: "5555eeee6666ffff", Title: inject, Note: "-2+3", Added: added.Add(2 * time.Minute),
				Path: "corpus/text/x.txt", Type: "other",
			},
		},
	}
}

func org(id string) string { return entity.Label(entity.Organization, id) }

// ---- RIS, read by a reader written for the test

var risLine = regexp.MustCompile(`^([A-Z][A-Z0-9])  - (.*)$`)

// readRIS reads records as tag -> values, checking the rules a citation
// manager relies on: every line is a tag line or blank, TY opens a record and
// ER closes it.
func readRIS(t *testing.T, data []byte) []map[string][]string {
	t.Helper()
	var recs []map[string][]string
	var cur map[string][]string
	text := string(data)
	if text != "" && !strings.HasSuffix(text, "\n") {
		t.Fatal("RIS does not end with a line end")
	}
	for n, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		n++
		if !strings.HasSuffix(line, "\r") {
			t.Fatalf("RIS line %d does not end in CRLF: %q", n, line)
		}
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			continue
		}
		m := risLine.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("RIS line %d is not a tag line: %q", n, line)
		}
		tag, val := m[1], m[2]
		switch {
		case tag == "TY":
			if cur != nil {
				t.Fatalf("RIS line %d: TY inside a record", n)
			}
			cur = map[string][]string{}
		case cur == nil:
			t.Fatalf("RIS line %d: %s outside a record", n, tag)
		case tag == "ER":
			recs = append(recs, cur)
			cur = nil
			continue
		}
		cur[tag] = append(cur[tag], val)
	}
	if cur != nil {
		t.Fatal("RIS ends inside a record (no ER)")
	}
	return recs
}

func TestRIS(t *testing.T) {
	recs := readRIS(t, RIS(fixture()))
	want := []map[string][]string{
		{
			"TY": {"RPRT"}, "ID": {"dossier:1111aaaa2222bbbb"},
			"TI": {"CTED concludes second follow-up visit to Kyrgyzstan"},
			"AU": {strings.ReplaceAll(org("CTED"), ",", "")}, "PB": {strings.ReplaceAll(org("CTED"), ",", "")},
			"M3": {"Press release"}, "PY": {"2019"}, "DA": {"2019/12/05/"},
			"UR": {prURL}, "L1": {"corpus/html/2019-12-kyrgyzstan-second-follow-up-visit.html"},
			"KW": {
				entity.Label(entity.Resolution, "S/RES/2178 (2014)"), entity.Label(entity.Resolution, "S/RES/2396 (2017)"),
				org("CTED"), org("OSCE"), entity.Label(entity.Country, "KGZ"),
			},
			"N1": {"Compare with the 2016 visit. See para. 4 & annex"},
		},
		{
			"TY": {"RPRT"}, "ID": {"dossier:3333cccc4444dddd"}, "TI": {trick},
			"AU": {org("UNODC")}, "PB": {org("UNODC")}, "M3": {"Report"}, "PY": {"2018"}, "DA": {"2018/06//"},
			"L1": {"corpus/pdf/cted-ftf-2396-thematic-2018.pdf"}, "KW": {org("UNODC")},
		},
		{
			"TY": {"GEN"}, "ID": {"dossier:5555eeee6666ffff"}, "TI": {inject},
			"AU": {"United Nations"}, "PB": {"United Nations"}, "L1": {"corpus/text/x.txt"}, "N1": {"-2+3"},
		},
	}
	if diff := cmp.Diff(want, recs); diff != "" {
		t.Errorf("RIS records (-want +got):\n%s", diff)
	}
	// A statement on the web is a web page with its kind; without an address
	// it is generic, and then has no M3 (Zotero would read it as a DOI).
	st := Item{DocID: "s", Title: "Statement by the Chair", Type: "statement", URL: prURL}
	recs = readRIS(t, RIS(List{Items: []Item{st, {DocID: "t", Title: "T", Type: "statement"}}}))
	if recs[0]["TY"][0] != "ELEC" || recs[0]["M3"][0] != "Statement" || recs[1]["TY"][0] != "GEN" || recs[1]["M3"] != nil {
		t.Errorf("statements as RIS = %v", recs)
	}
	if got := RIS(List{Name: "empty"}); len(got) != 0 {
		t.Errorf("RIS(empty list) = %q, want nothing", got)
	}
}

// ---- BibTeX, read by a reader written for the test

type bibEntry struct {
	Type, Key string
	Fields    map[string]string // raw values, outer delimiters removed
}

// readBibTeX reads @type{key, name = {value} | "value" | bare, ...} entries,
// counting braces the way BibTeX does (a backslash does not escape a brace),
// so an unbalanced field fails here as it would in BibTeX.
func readBibTeX(t *testing.T, src string) []bibEntry {
	t.Helper()
	var out []bibEntry
	i := 0
	skipSpace := func() {
		for i < len(src) && strings.ContainsRune(" \t\r\n", rune(src[i])) {
			i++
		}
	}
	word := func() string {
		j := i
		for i < len(src) && (isAlnum(src[i]) || strings.ContainsRune("_-:.", rune(src[i]))) {
			i++
		}
		return src[j:i]
	}
	expect := func(c byte) {
		skipSpace()
		if i >= len(src) || src[i] != c {
			t.Fatalf("BibTeX offset %d: want %q, have %.20q", i, c, src[i:])
		}
		i++
	}
	for {
		skipSpace()
		if i >= len(src) {
			return out
		}
		expect('@')
		e := bibEntry{Type: word(), Fields: map[string]string{}}
		expect('{')
		skipSpace()
		e.Key = word()
		for {
			skipSpace()
			if src[i] == '}' {
				i++
				break
			}
			expect(',')
			skipSpace()
			if src[i] == '}' {
				i++
				break
			}
			name := word()
			expect('=')
			skipSpace()
			var val string
			switch src[i] {
			case '{':
				depth, j := 0, i
				for ; j < len(src); j++ {
					if src[j] == '{' {
						depth++
					} else if src[j] == '}' {
						depth--
						if depth == 0 {
							break
						}
					}
				}
				if j == len(src) {
					t.Fatalf("BibTeX field %s: unbalanced braces", name)
				}
				val, i = src[i+1:j], j+1
			case '"':
				j := strings.IndexByte(src[i+1:], '"')
				val, i = src[i+1:i+1+j], i+2+j
			default:
				val = word()
			}
			if _, dup := e.Fields[name]; dup {
				t.Fatalf("BibTeX entry %s: field %s twice", e.Key, name)
			}
			e.Fields[name] = val
		}
		out = append(out, e)
	}
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// unBib turns escaped BibTeX text back into what LaTeX would print.
var unBib = strings.NewReplacer(`\textbraceleft{}`, "{", `\textbraceright{}`, "}", `\textbackslash{}`, `\`,
	`\textasciitilde{}`, "~", `\textasciicircum{}`, "^", `\&`, "&", `\%`, "%", `\$`, "$", `\#`, "#", `\_`, "_")

func TestBibTeX(t *testing.T) {
	src := string(BibTeX(fixture()))
	entries := readBibTeX(t, src)
	if len(entries) != 3 {
		t.Fatalf("BibTeX has %d entries, want 3:\n%s", len(entries), src)
	}
	got := []bibEntry{}
	for _, e := range entries {
		f := map[string]string{}
		for k, v := range e.Fields {
			f[k] = unBib.Replace(v)
		}
		got = append(got, bibEntry{e.Type, e.Key, f})
	}
	want := []bibEntry{
		{"techreport", "cted2019concludes", map[string]string{
			"title": "{CTED concludes second follow-up visit to Kyrgyzstan}", "author": "{" + org("CTED") + "}",
			"institution": org("CTED"), "type": "Press release", "year": "2019", "month": "dec", "date": "2019-12-05",
			"url": prURL, "file": "corpus/html/2019-12-kyrgyzstan-second-follow-up-visit.html",
			"note": "Compare with the 2016 visit. See para. 4 & annex",
			"keywords": strings.Join([]string{entity.Label(entity.Resolution, "S/RES/2178 (2014)"),
				entity.Label(entity.Resolution, "S/RES/2396 (2017)"), org("CTED"), org("OSCE"),
				entity.Label(entity.Country, "KGZ")}, ", "),
		}},
		{"techreport", "unodc2018report", map[string]string{
			"title": "{" + trick + "}", "author": "{" + org("UNODC") + "}", "institution": org("UNODC"),
			"type": "Report", "year": "2018", "month": "jun", "date": "2018-06",
			"file": "corpus/pdf/cted-ftf-2396-thematic-2018.pdf", "keywords": org("UNODC"),
		}},
		{"misc", "unhyperlinkhttpevilexa", map[string]string{
			"title": "{" + inject + "}", "author": "{United Nations}", "file": "corpus/text/x.txt", "note": "-2+3",
		}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("BibTeX entries (-want +got):\n%s\n%s", diff, src)
	}
	// No unescaped special is left in a text field: each would break LaTeX.
	for _, e := range entries {
		for k, v := range e.Fields {
			if k == "url" {
				continue
			}
			if m := regexp.MustCompile(`(^|[^\\])[&%$#_]`).FindString(v); m != "" {
				t.Errorf("entry %s field %s has an unescaped special %q: %q", e.Key, k, m, v)
			}
		}
	}
}

func TestBibKeysUnique(t *testing.T) {
	l := List{}
	for i := range 30 {
		l.Items = append(l.Items, Item{DocID: fmt.Sprintf("%016x", i), Title: "Same title", Date: "2020"})
	}
	seen := map[string]bool{}
	for _, e := range readBibTeX(t, string(BibTeX(l))) {
		if seen[e.Key] {
			t.Errorf("key %q repeats", e.Key)
		}
		seen[e.Key] = true
	}
}

// ---- CSL-JSON, read with encoding/json

func TestCSLJSON(t *testing.T) {
	var got []map[string]any
	if err := json.Unmarshal(CSLJSON(fixture()), &got); err != nil {
		t.Fatalf("CSL-JSON does not parse: %v", err)
	}
	if len(got) != 3 {
		t.Fatalf("CSL-JSON has %d items, want 3", len(got))
	}
	// Compare the standard fields; custom is checked by the round trip.
	for _, it := range got {
		delete(it, "custom")
	}
	want := []map[string]any{
		{
			"id": "dossier:1111aaaa2222bbbb", "type": "report", "genre": "Press release",
			"title":  "CTED concludes second follow-up visit to Kyrgyzstan",
			"author": []any{map[string]any{"literal": org("CTED")}}, "publisher": org("CTED"),
			"issued": map[string]any{"date-parts": []any{[]any{2019.0, 12.0, 5.0}}},
			"URL":    prURL, "archive_location": "corpus/html/2019-12-kyrgyzstan-second-follow-up-visit.html",
			"note": "Compare with the 2016 visit.\nSee para. 4 & annex",
			"keyword": strings.Join([]string{entity.Label(entity.Resolution, "S/RES/2178 (2014)"),
				entity.Label(entity.Resolution, "S/RES/2396 (2017)"), org("CTED"), org("OSCE"),
				entity.Label(entity.Country, "KGZ")}, ", "),
		},
		{
			"id": "dossier:3333cccc4444dddd", "type": "report", "genre": "Report", "title": trick,
			"author": []any{map[string]any{"literal": org("UNODC")}}, "publisher": org("UNODC"),
			"issued":           map[string]any{"date-parts": []any{[]any{2018.0, 6.0}}},
			"archive_location": "corpus/pdf/cted-ftf-2396-thematic-2018.pdf", "keyword": org("UNODC"),
		},
		{
			"id": "dossier:5555eeee6666ffff", "type": "document", "title": inject,
			"author": []any{map[string]any{"literal": "United Nations"}}, "publisher": "United Nations",
			"archive_location": "corpus/text/x.txt", "note": "-2+3",
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CSL-JSON (-want +got):\n%s", diff)
	}
	if got := strings.TrimSpace(string(CSLJSON(List{}))); got != "[]" {
		t.Errorf("CSLJSON(empty) = %q, want []", got)
	}
}

// ---- CSV, read with encoding/csv

func TestCSV(t *testing.T) {
	rows, err := csv.NewReader(bytes.NewReader(CSV(fixture()))).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	want := [][]string{
		{"title", "date", "type", "issuing_body", "path", "resolutions", "organizations", "countries", "note", "added"},
		{"CTED concludes second follow-up visit to Kyrgyzstan", "2019-12-05", entity.TypeLabel("press-release"), org("CTED"),
			"corpus/html/2019-12-kyrgyzstan-second-follow-up-visit.html", "S/RES/2178 (2014); S/RES/2396 (2017)",
			"CTED; OSCE", "KGZ", "Compare with the 2016 visit.\nSee para. 4 & annex", "2026-11-20T08:30:00Z"},
		{trick, "2018-06", entity.TypeLabel("report"), org("UNODC"), "corpus/pdf/cted-ftf-2396-thematic-2018.pdf",
			"", "UNODC", "", "", "2026-11-20T08:31:00Z"},
		// The formula and the note that starts with a minus come out as text.
		{"'" + inject, "", entity.TypeLabel("other"), "United Nations", "corpus/text/x.txt", "", "", "", "'-2+3", "2026-11-20T08:32:00Z"},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("CSV (-want +got):\n%s", diff)
	}
}

func TestCSVSafe(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=1+1", "'=1+1"}, {"+1", "'+1"}, {"-1", "'-1"}, {"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"}, {"\r=1", "'\r=1"}, {"a=1", "a=1"}, {"", ""}, {"2019-12-03", "2019-12-03"},
	}
	for _, tt := range tests {
		if got := csvSafe(tt.in); got != tt.want {
			t.Errorf("csvSafe(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// ---- Markdown

// unMarkdown undoes what a Markdown renderer undoes: backslash escapes of
// punctuation and <...> autolinks.
var (
	mdEscaped  = regexp.MustCompile("\\\\([!-/:-@\\[-`{-~])")
	mdAutolink = regexp.MustCompile(`<(https?://[^>]*)>`)
)

func unMarkdown(s string) string {
	return mdAutolink.ReplaceAllString(mdEscaped.ReplaceAllString(s, "$1"), "$1")
}

func TestMarkdown(t *testing.T) {
	l := fixture()
	md := string(Markdown(l))
	lines := strings.Split(md, "\n")
	if lines[0] != "# Kyrgyzstan: before the visit" {
		t.Errorf("first line = %q, want the list name as a heading", lines[0])
	}
	if !strings.Contains(md, "\nRead \\*these\\* first.\n") {
		t.Errorf("description missing or unescaped:\n%s", md)
	}
	var cites []string
	item := regexp.MustCompile(`^(\d+)\. (.*)$`)
	for _, line := range lines {
		if m := item.FindStringSubmatch(line); m != nil {
			if m[1] != fmt.Sprint(len(cites)+1) {
				t.Errorf("item numbered %s, want %d", m[1], len(cites)+1)
			}
			cites = append(cites, unMarkdown(m[2]))
		}
	}
	var want []string
	for _, it := range l.Items {
		c, err := Cite(it, StyleUN)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, c)
	}
	if diff := cmp.Diff(want, cites); diff != "" {
		t.Errorf("Markdown citations (-want +got):\n%s\n%s", diff, md)
	}
	first := fmt.Sprintf(`%s, "CTED concludes second follow-up visit to Kyrgyzstan", press release, 5 December 2019. Available from <%s>`,
		mdEscape(org("CTED")), prURL)
	if !strings.Contains(md, "\n1. "+first+"\n") {
		t.Errorf("Markdown lacks the line\n1. %s\nin\n%s", first, md)
	}
	// Notes stay inside their list item, each line indented.
	if !strings.Contains(md, "\n   Note: Compare with the 2016 visit.\n   See para. 4 \\& annex\n") {
		t.Errorf("note not indented under its item:\n%s", md)
	}
	long := List{Name: "Long"}
	for i := range 10 {
		long.Items = append(long.Items, Item{DocID: fmt.Sprint(i), Title: "T", Note: "n\n- not a list"})
	}
	if md := string(Markdown(long)); !strings.Contains(md, "\n10. United Nations, \"T\"\n\n    Note: n\n    \\- not a list\n") {
		t.Errorf("item 10's note is not indented four spaces, or its dash starts a list:\n%s", md)
	}
	if !strings.Contains(string(Markdown(List{Name: "Empty"})), "empty") {
		t.Errorf("an empty list's Markdown does not say it is empty")
	}
}

// ---- Round trip and import

func TestCSLJSONRoundTrip(t *testing.T) {
	l := fixture()
	items, skipped, err := ImportCSLJSON(bytes.NewReader(CSLJSON(l)))
	if err != nil || skipped != 0 {
		t.Fatalf("ImportCSLJSON = %d skipped, %v", skipped, err)
	}
	// Everything comes back, down to the snapshot: exports of the imported list
	// are the exports of the original.
	if diff := cmp.Diff(l.Items, items); diff != "" {
		t.Errorf("imported items (-exported +imported):\n%s", diff)
	}

	s := newStore(t)
	imported, err := s.Import("Imported", "from CSL-JSON", items)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(l.Items, imported.Items); diff != "" {
		t.Errorf("stored imported items (-exported +stored):\n%s", diff)
	}
}

func TestImportCSLJSON(t *testing.T) {
	tests := []struct {
		name        string
		in          string
		want        []Item
		wantSkipped int
		wantErr     error
	}{
		{"empty array", `[]`, []Item{}, 0, nil},
		{"single object", `{"id":"dossier:abc","title":"T","note":"n"}`, []Item{{DocID: "abc", Title: "T", Note: "n"}}, 0, nil},
		{
			"written by a citation manager",
			`[{"id":"dossier:abc","type":"report","title":" T ","genre":"Press release","archive_location":"a/b.html",
			  "URL":"https://un.org/x","issued":{"date-parts":[["2019","12"]]},"custom":{"zotero":1}},
			  {"id":"ITEM-2","title":"not ours"},
			  {"id":42,"title":"numeric id"},
			  {"id":"dossier:abc","title":"again"},
			  {"id":"dossier:bad id","title":"space in id"},
			  {"id":"dossier:js","URL":"javascript:alert(1)","custom":"not an object"}]`,
			[]Item{
				{DocID: "abc", Title: "T", Path: "a/b.html", URL: "https://un.org/x", Date: "2019-12", Type: "press-release"},
				{DocID: "js"},
			}, 4, nil,
		},
		{"not JSON", `{"id":`, nil, 0, ErrInvalid},
		{"not an array of objects", `[1,2]`, nil, 0, ErrInvalid},
		{"a string", `"x"`, nil, 0, ErrInvalid},
		{"trailing garbage", `[] x`, nil, 0, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, skipped, err := ImportCSLJSON(strings.NewReader(tt.in))
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("ImportCSLJSON(%q) = %v, want %v", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, items); diff != "" {
				t.Errorf("ImportCSLJSON(%q) (-want +got):\n%s", tt.in, diff)
			}
			if skipped != tt.wantSkipped {
				t.Errorf("skipped %d, want %d", skipped, tt.wantSkipped)
			}
		})
	}
}

func FuzzImportCSLJSON(f *testing.F) {
	f.Add(string(CSLJSON(fixture())))
	f.Add(`[]`)
	f.Add(`{"id":"dossier:x","issued":{"date-parts":[[99999999999999999999,1,1]]}}`)
	f.Add(`[{"id":"dossier:x","custom":{"organizations":[1,"a"],"added":"x"}}]`)
	f.Add("\xef\xbb\xbf[null]")
	f.Fuzz(func(t *testing.T, in string) {
		items, _, err := ImportCSLJSON(strings.NewReader(in))
		if err != nil {
			return
		}
		// Whatever is accepted passes the store's checks and exports again.
		for _, it := range items {
			if err := validItem(it); err != nil {
				t.Fatalf("imported an item the store refuses: %v", err)
			}
		}
		l := List{Name: "fuzz", Items: items}
		if _, _, err := ImportCSLJSON(bytes.NewReader(CSLJSON(l))); err != nil {
			t.Fatalf("re-import of an export failed: %v", err)
		}
		RIS(l)
		BibTeX(l)
		Markdown(l)
		CSV(l)
	})
}

func TestExportDispatch(t *testing.T) {
	l := fixture()
	for _, f := range Formats {
		data, got, err := Export(l, f.Name)
		if err != nil || got != f || len(data) == 0 {
			t.Errorf("Export(%q) = %d bytes, %v, %v", f.Name, len(data), got, err)
		}
	}
	if _, _, err := Export(l, "docx"); !errors.Is(err, ErrInvalid) {
		t.Errorf("Export(docx) = %v, want ErrInvalid", err)
	}
	tests := []struct{ name, want string }{
		{"Kyrgyzstan: before the visit", "kyrgyzstan-before-the-visit.ris"},
		{"Résumé / 2396", "r-sum-2396.ris"},
		{"العربية", "list-abcdefgh23.ris"},
	}
	for _, tt := range tests {
		if got := FileName(List{ID: "abcdefgh23", Name: tt.name}, Formats[0]); got != tt.want {
			t.Errorf("FileName(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func BenchmarkExport(b *testing.B) {
	l := List{Name: "Bench"}
	for i := range 500 {
		it := fixture().Items[i%3]
		it.DocID = fmt.Sprintf("%016x", i)
		l.Items = append(l.Items, it)
	}
	for _, f := range Formats {
		b.Run(f.Name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := Export(l, f.Name); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
