package server

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"

	"dossier/internal/entity"
	"dossier/internal/lists"
	"dossier/internal/search"
)

// listDocs are indexed for the list tests, written as the UN writes so that
// the real extractor finds organizations, resolutions and countries in them.
var listDocs = []struct{ id, title, date, url, body string }{
	{"doc-kgz", "CTED conducts follow-up visit to Kyrgyzstan", "2019-12-05", "https://www.un.org/securitycouncil/ctc/news/kgz-2019",
		"The Counter-Terrorism Committee Executive Directorate (CTED) conducted a follow-up visit to Kyrgyzstan from 3 to 5 December 2019 " +
			"to assess the implementation of Security Council resolutions 1373 (2001) and 2178 (2014)."},
	{"doc-kaz", "UNODC and CTED hold workshop in Kazakhstan on foreign terrorist fighters", "2018-05-17", "",
		"The United Nations Office on Drugs and Crime (UNODC) and CTED held a workshop in Almaty, Kazakhstan, on 17 May 2018 " +
			"on resolution 2396 (2017) and returning foreign terrorist fighters."},
	{"doc-rep", "Report of the Secretary-General on the threat posed by ISIL: {draft} 100% & more", "2021-07", "",
		"This report is submitted pursuant to resolution 2253 (2015). Iraq continues to face the threat of foreign terrorist fighters."},
}

func listDoc(id, title, date, u, body string) search.Document {
	d := search.Document{
		ID: id, Title: title, Date: date, Type: entity.DocType(title, body), Format: "text", Language: "en",
		Path: "corpus/" + id + ".txt", Body: body, Entities: entity.Extract(body),
	}
	if u != "" {
		d.Meta = map[string]string{"url": u}
	}
	return d
}

// listEnv is a server over a real index and a real list store in one folder,
// which can be closed and opened again (a restart).
type listEnv struct {
	t     *testing.T
	dir   string
	ix    *search.Index
	store *lists.Store
	srv   *Server
	h     http.Handler
}

func newListEnv(t *testing.T) *listEnv {
	t.Helper()
	e := &listEnv{t: t, dir: t.TempDir()}
	e.open()
	var docs []search.Document
	for _, d := range listDocs {
		docs = append(docs, listDoc(d.id, d.title, d.date, d.url, d.body))
	}
	if err := e.ix.Apply(docs, nil); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	t.Cleanup(e.close)
	return e
}

func (e *listEnv) open() {
	e.t.Helper()
	ix, err := search.Open(filepath.Join(e.dir, "bleve"), search.Options{})
	if err != nil {
		e.t.Fatalf("search.Open: %v", err)
	}
	st, err := lists.Open(filepath.Join(e.dir, "lists.db"), 0)
	if err != nil {
		ix.Close()
		e.t.Fatalf("lists.Open: %v", err)
	}
	srv, err := New(ix, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Lists: st})
	if err != nil {
		e.t.Fatalf("New: %v", err)
	}
	e.ix, e.store, e.srv, e.h = ix, st, srv, srv.Handler()
}

func (e *listEnv) close() {
	if e.store != nil {
		e.store.Close()
		e.ix.Close()
		e.store, e.ix = nil, nil
	}
}

func (e *listEnv) restart() {
	e.t.Helper()
	e.close()
	e.open()
}

// do sends a request; body, when a string, is sent as JSON.
func (e *listEnv) do(method, target, contentType, body string, header ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, r)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

// json sends a JSON request, checks the status and decodes the answer into out.
func (e *listEnv) json(method, target, body string, want int, out any) {
	e.t.Helper()
	rec := e.do(method, target, "application/json", body)
	if rec.Code != want {
		e.t.Fatalf("%s %s %s: status %d, want %d; body %s", method, target, body, rec.Code, want, rec.Body)
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			e.t.Fatalf("%s %s: decoding %s: %v", method, target, rec.Body, err)
		}
	}
}

func (e *listEnv) createList(name string) lists.List {
	e.t.Helper()
	var l lists.List
	body, _ := json.Marshal(map[string]string{"name": name, "description": "for " + name})
	e.json(http.MethodPost, "/api/lists", string(body), http.StatusCreated, &l)
	return l
}

func (e *listEnv) add(listID, docID, note string, want int) lists.Item {
	e.t.Helper()
	var it lists.Item
	body, _ := json.Marshal(map[string]string{"doc_id": docID, "note": note})
	e.json(http.MethodPost, "/api/lists/"+listID+"/items", string(body), want, &it)
	return it
}

func listItemIDs(l lists.List) []string {
	var ids []string
	for _, it := range l.Items {
		ids = append(ids, it.DocID)
	}
	return ids
}

func TestListsAPI(t *testing.T) {
	e := newListEnv(t)

	// The contract's shape: POST answers the new list.
	rec := e.do(http.MethodPost, "/api/lists", "application/json", `{"name":"Before the visit","description":"Kyrgyzstan"}`)
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	var raw map[string]json.RawMessage
	json.Unmarshal(rec.Body.Bytes(), &raw)
	for _, k := range []string{"id", "name", "description", "items"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("created list lacks %q: %s", k, rec.Body)
		}
	}
	if string(raw["items"]) != "[]" {
		t.Errorf("items of a new list = %s, want []", raw["items"])
	}
	var l lists.List
	json.Unmarshal(rec.Body.Bytes(), &l)
	if loc := rec.Header().Get("Location"); loc != "/api/lists/"+l.ID {
		t.Errorf("Location = %q", loc)
	}
	base := "/api/lists/" + l.ID

	first := e.add(l.ID, "doc-kgz", "read first", http.StatusCreated)
	if first.DocID != "doc-kgz" || first.Title != listDocs[0].title || first.Note != "read first" || first.Added.IsZero() {
		t.Errorf("added item = %+v", first)
	}
	// Adding twice is a no-op answered 200 with the item that is there.
	again := e.add(l.ID, "doc-kgz", "another note", http.StatusOK)
	if diff := cmp.Diff(first, again); diff != "" {
		t.Errorf("second add changed the item (-first +second):\n%s", diff)
	}
	e.add(l.ID, "doc-kaz", "", http.StatusCreated)
	e.add(l.ID, "doc-rep", "", http.StatusCreated)

	var it lists.Item
	e.json(http.MethodPatch, base+"/items/doc-kaz", `{"note":"workshop notes"}`, http.StatusOK, &it)
	if it.Note != "workshop notes" {
		t.Errorf("note after PATCH = %q", it.Note)
	}
	e.json(http.MethodPatch, base+"/items/doc-rep", `{"position":0}`, http.StatusOK, &it)
	e.json(http.MethodGet, base, "", http.StatusOK, &l)
	if diff := cmp.Diff([]string{"doc-rep", "doc-kgz", "doc-kaz"}, listItemIDs(l)); diff != "" {
		t.Errorf("order after moving doc-rep to 0 (-want +got):\n%s", diff)
	}
	e.json(http.MethodPut, base+"/order", `{"doc_ids":["doc-kgz","doc-kaz","doc-rep"]}`, http.StatusOK, &l)
	if diff := cmp.Diff([]string{"doc-kgz", "doc-kaz", "doc-rep"}, listItemIDs(l)); diff != "" {
		t.Errorf("order after PUT (-want +got):\n%s", diff)
	}
	e.json(http.MethodPatch, base, `{"name":"Kyrgyzstan visit"}`, http.StatusOK, &l)
	if l.Name != "Kyrgyzstan visit" || l.Description != "Kyrgyzstan" {
		t.Errorf("after rename: name %q, description %q", l.Name, l.Description)
	}
	var all struct{ Lists []lists.List }
	e.json(http.MethodGet, "/api/lists", "", http.StatusOK, &all)
	if len(all.Lists) != 1 || all.Lists[0].ID != l.ID || len(all.Lists[0].Items) != 3 {
		t.Errorf("GET /api/lists = %+v", all)
	}

	// A restart: the server, the index and the store close and open again,
	// and everything written is there.
	var before lists.List
	e.json(http.MethodGet, base, "", http.StatusOK, &before)
	exportsBefore := map[string]string{}
	for _, f := range lists.Formats {
		exportsBefore[f.Name] = e.do(http.MethodGet, base+"/export?format="+f.Name, "", "").Body.String()
	}
	e.restart()
	var after lists.List
	e.json(http.MethodGet, base, "", http.StatusOK, &after)
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("list after a restart (-before +after):\n%s", diff)
	}
	for _, f := range lists.Formats {
		if got := e.do(http.MethodGet, base+"/export?format="+f.Name, "", "").Body.String(); got != exportsBefore[f.Name] {
			t.Errorf("%s export changed across a restart", f.Name)
		}
	}

	if rec := e.do(http.MethodDelete, base+"/items/doc-kaz", "", ""); rec.Code != http.StatusNoContent {
		t.Errorf("DELETE item: %d %s", rec.Code, rec.Body)
	}
	e.json(http.MethodGet, base, "", http.StatusOK, &l)
	if diff := cmp.Diff([]string{"doc-kgz", "doc-rep"}, listItemIDs(l)); diff != "" {
		t.Errorf("after removing doc-kaz (-want +got):\n%s", diff)
	}
	if rec := e.do(http.MethodDelete, base, "", ""); rec.Code != http.StatusNoContent {
		t.Errorf("DELETE list: %d %s", rec.Code, rec.Body)
	}
	e.json(http.MethodGet, base, "", http.StatusNotFound, nil)
	e.restart()
	e.json(http.MethodGet, base, "", http.StatusNotFound, nil)
}

// ---- independent readers of the exports

// readRIS reads RIS records as tag -> values, by the specification: "XX  - value"
// lines, TY opening a record and ER closing it.
func listReadRIS(t *testing.T, data string) []map[string][]string {
	t.Helper()
	line := regexp.MustCompile(`^([A-Z][A-Z0-9])  - ?(.*)$`)
	var recs []map[string][]string
	var cur map[string][]string
	for n, l := range strings.Split(strings.ReplaceAll(data, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		m := line.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("RIS line %d is not a tag line: %q", n+1, l)
		}
		switch {
		case m[1] == "TY":
			if cur != nil {
				t.Fatalf("RIS line %d: TY inside a record", n+1)
			}
			cur = map[string][]string{"TY": {m[2]}}
		case cur == nil:
			t.Fatalf("RIS line %d: %s outside a record", n+1, m[1])
		case m[1] == "ER":
			recs = append(recs, cur)
			cur = nil
		default:
			cur[m[1]] = append(cur[m[1]], m[2])
		}
	}
	if cur != nil {
		t.Fatal("RIS ends inside a record")
	}
	return recs
}

type listBibEntry struct {
	Type, Key string
	Fields    map[string]string
}

// readBibTeX reads @type{key, name = {value} | macro, ...} entries, values
// with balanced braces, outer braces dropped.
func listReadBibTeX(t *testing.T, data string) []listBibEntry {
	t.Helper()
	var out []listBibEntry
	s := data
	for {
		i := strings.IndexByte(s, '@')
		if i < 0 {
			return out
		}
		s = s[i+1:]
		open := strings.IndexByte(s, '{')
		comma := strings.IndexByte(s, ',')
		if open < 0 || comma < open {
			t.Fatalf("BibTeX: bad entry head near %.40q", s)
		}
		e := listBibEntry{Type: strings.TrimSpace(s[:open]), Key: strings.TrimSpace(s[open+1 : comma]), Fields: map[string]string{}}
		s = s[comma+1:]
		for {
			s = strings.TrimLeft(s, " \t\r\n,")
			if strings.HasPrefix(s, "}") {
				s = s[1:]
				break
			}
			eq := strings.IndexByte(s, '=')
			if eq < 0 {
				t.Fatalf("BibTeX: field without = near %.40q", s)
			}
			name := strings.ToLower(strings.TrimSpace(s[:eq]))
			s = strings.TrimLeft(s[eq+1:], " ")
			var val string
			if strings.HasPrefix(s, "{") {
				depth, j := 0, 0
				for ; j < len(s); j++ {
					if s[j] == '{' {
						depth++
					} else if s[j] == '}' {
						depth--
						if depth == 0 {
							break
						}
					}
				}
				if j == len(s) {
					t.Fatalf("BibTeX: unbalanced braces in %s of %s", name, e.Key)
				}
				val, s = s[1:j], s[j+1:]
			} else {
				end := strings.IndexAny(s, ",}\n")
				val, s = strings.TrimSpace(s[:end]), s[end:]
			}
			e.Fields[name] = val
		}
		out = append(out, e)
	}
}

func TestListsExportsParseBack(t *testing.T) {
	e := newListEnv(t)
	l := e.createList("Exports: a test")
	e.add(l.ID, "doc-kgz", "Compare with 2016.\nSee annex", http.StatusCreated)
	e.add(l.ID, "doc-kaz", "", http.StatusCreated)
	e.add(l.ID, "doc-rep", "=1+1", http.StatusCreated)
	base := "/api/lists/" + l.ID + "/export?format="
	cted := entity.Label(entity.Organization, "CTED")

	export := func(format, wantType, wantExt string) string {
		t.Helper()
		rec := e.do(http.MethodGet, base+format, "", "")
		if rec.Code != http.StatusOK {
			t.Fatalf("export %s: %d %s", format, rec.Code, rec.Body)
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, wantType) {
			t.Errorf("export %s: Content-Type %q, want %s", format, ct, wantType)
		}
		cd := rec.Header().Get("Content-Disposition")
		if want := `attachment; filename=exports-a-test.` + wantExt; cd != want {
			t.Errorf("export %s: Content-Disposition %q, want %q", format, cd, want)
		}
		return rec.Body.String()
	}

	t.Run("ris", func(t *testing.T) {
		recs := listReadRIS(t, export("ris", "application/x-research-info-systems", "ris"))
		if len(recs) != 3 {
			t.Fatalf("%d RIS records, want 3", len(recs))
		}
		r := recs[0]
		for tag, want := range map[string]string{"TI": listDocs[0].title, "PY": "2019", "DA": "2019/12/05/", "UR": listDocs[0].url, "AU": cted, "ID": "dossier:doc-kgz", "L1": "corpus/doc-kgz.txt"} {
			if got := r[tag]; len(got) != 1 || got[0] != want {
				t.Errorf("RIS %s = %q, want %q", tag, got, want)
			}
		}
		if n := r["N1"]; len(n) != 1 || !strings.Contains(n[0], "Compare with 2016.") || !strings.Contains(n[0], "See annex") {
			t.Errorf("RIS N1 = %q", n)
		}
		if !slices.ContainsFunc(r["KW"], func(k string) bool { return strings.Contains(k, "1373") }) {
			t.Errorf("RIS keywords %q lack resolution 1373", r["KW"])
		}
		if recs[2]["TI"][0] != listDocs[2].title {
			t.Errorf("RIS title of the report = %q", recs[2]["TI"])
		}
	})
	t.Run("bibtex", func(t *testing.T) {
		es := listReadBibTeX(t, export("bibtex", "application/x-bibtex", "bib"))
		if len(es) != 3 {
			t.Fatalf("%d BibTeX entries, want 3", len(es))
		}
		keys := map[string]bool{}
		for _, en := range es {
			if keys[en.Key] {
				t.Errorf("BibTeX key %s repeated", en.Key)
			}
			keys[en.Key] = true
		}
		f := es[0].Fields
		if f["title"] != "{"+listDocs[0].title+"}" || f["year"] != "2019" || f["month"] != "dec" || f["url"] != listDocs[0].url {
			t.Errorf("BibTeX fields of the first entry = %v", f)
		}
		if got := es[2].Fields["title"]; !strings.Contains(got, `\{draft\}`) && !strings.Contains(got, `\textbraceleft`) {
			t.Errorf("BibTeX title with braces = %q, want them escaped", got)
		}
		if got := es[2].Fields["title"]; !strings.Contains(got, `100\%`) || !strings.Contains(got, `\&`) {
			t.Errorf("BibTeX title = %q, want %% and & escaped", got)
		}
	})
	t.Run("csljson", func(t *testing.T) {
		var items []struct {
			ID, Type, Title, URL, Note string
			Issued                     struct {
				DateParts [][]int `json:"date-parts"`
			}
			Author []struct{ Literal string }
		}
		if err := json.Unmarshal([]byte(export("csljson", "application/vnd.citationstyles.csl+json", "json")), &items); err != nil {
			t.Fatalf("CSL-JSON: %v", err)
		}
		if len(items) != 3 {
			t.Fatalf("%d CSL-JSON items, want 3", len(items))
		}
		it := items[0]
		if it.ID != "dossier:doc-kgz" || it.Title != listDocs[0].title || it.URL != listDocs[0].url ||
			!slices.Equal(it.Issued.DateParts[0], []int{2019, 12, 5}) || len(it.Author) != 1 || it.Author[0].Literal != cted {
			t.Errorf("CSL-JSON item = %+v", it)
		}
		if items[2].Note != "=1+1" {
			t.Errorf("CSL-JSON note = %q", items[2].Note)
		}
	})
	t.Run("csv", func(t *testing.T) {
		rows, err := csv.NewReader(strings.NewReader(export("csv", "text/csv", "csv"))).ReadAll()
		if err != nil {
			t.Fatalf("CSV: %v", err)
		}
		if len(rows) != 4 {
			t.Fatalf("%d CSV rows, want a header and 3", len(rows))
		}
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		for _, h := range []string{"title", "date", "type", "issuing_body", "path", "resolutions", "note"} {
			if _, ok := col[h]; !ok {
				t.Fatalf("CSV header %v lacks %s", rows[0], h)
			}
		}
		if rows[1][col["title"]] != listDocs[0].title || rows[1][col["date"]] != "2019-12-05" || !strings.Contains(rows[1][col["resolutions"]], "S/RES/1373 (2001)") {
			t.Errorf("CSV row 1 = %q", rows[1])
		}
		if got := rows[3][col["note"]]; got != "'=1+1" {
			t.Errorf("CSV note that looks like a formula = %q, want it defused", got)
		}
	})
	t.Run("markdown", func(t *testing.T) {
		md := export("markdown", "text/markdown", "md")
		if !strings.HasPrefix(md, "# Exports: a test\n") {
			t.Errorf("Markdown starts %.40q", md)
		}
		if !strings.Contains(md, "1. "+cted+", \"CTED conducts follow-up visit to Kyrgyzstan\"") || !strings.Contains(md, "Note: Compare with 2016.") {
			t.Errorf("Markdown lacks the first citation or its note:\n%s", md)
		}
	})
	t.Run("import the CSL-JSON export", func(t *testing.T) {
		body := e.do(http.MethodGet, base+"csljson", "", "").Body.String()
		rec := e.do(http.MethodPost, "/api/lists/import?name=Imported", "application/vnd.citationstyles.csl+json", body)
		if rec.Code != http.StatusCreated {
			t.Fatalf("import: %d %s", rec.Code, rec.Body)
		}
		var got struct {
			List    lists.List
			Skipped int
		}
		json.Unmarshal(rec.Body.Bytes(), &got)
		if got.List.Name != "Imported" || got.Skipped != 0 {
			t.Errorf("import answered %+v", got)
		}
		var orig lists.List
		e.json(http.MethodGet, "/api/lists/"+l.ID, "", http.StatusOK, &orig)
		if diff := cmp.Diff(orig.Items, got.List.Items); diff != "" {
			t.Errorf("imported items differ from the exported list (-exported +imported):\n%s", diff)
		}
	})
}

func TestListsBadInput(t *testing.T) {
	e := newListEnv(t)
	l := e.createList("Kept")
	e.add(l.ID, "doc-kgz", "keep this note", http.StatusCreated)
	var before lists.List
	e.json(http.MethodGet, "/api/lists/"+l.ID, "", http.StatusOK, &before)
	base := "/api/lists/" + l.ID
	long := strings.Repeat("n", 10000)

	tests := []struct {
		name, method, target, ctype, body string
		want                              int
		msg                               string
	}{
		{"unknown list", "GET", "/api/lists/nosuchlist", "", "", 404, "no list"},
		{"unknown list export", "GET", "/api/lists/nosuchlist/export?format=ris", "", "", 404, "no list"},
		{"add to unknown list", "POST", "/api/lists/nosuchlist/items", "application/json", `{"doc_id":"doc-kgz"}`, 404, "no list"},
		{"unknown document", "POST", base + "/items", "application/json", `{"doc_id":"no-such-doc"}`, 404, "no-such-doc"},
		{"no doc_id", "POST", base + "/items", "application/json", `{"note":"x"}`, 400, "doc_id is required"},
		{"empty name", "POST", "/api/lists", "application/json", `{"name":"  "}`, 400, "name is empty"},
		{"10,000-character name", "POST", "/api/lists", "application/json", `{"name":"` + long + `"}`, 400, "10000 characters"},
		{"rename to 10,000 characters", "PATCH", base, "application/json", `{"name":"` + long + `"}`, 400, "10000 characters"},
		{"malformed JSON", "POST", "/api/lists", "application/json", `{"name": "x"`, 400, "malformed JSON"},
		{"JSON of the wrong shape", "POST", "/api/lists", "application/json", `["x"]`, 400, "malformed JSON"},
		{"unknown field", "POST", "/api/lists", "application/json", `{"nmae":"x"}`, 400, "nmae"},
		{"two JSON values", "POST", "/api/lists", "application/json", `{"name":"a"}{"name":"b"}`, 400, "more than one"},
		{"empty body", "POST", "/api/lists", "application/json", ``, 400, "empty"},
		{"wrong content type", "POST", "/api/lists", "text/plain", `{"name":"x"}`, 415, "Content-Type"},
		{"form to the API", "POST", base + "/items", "application/x-www-form-urlencoded", `doc_id=doc-kaz`, 415, "Content-Type"},
		{"huge body", "POST", "/api/lists", "application/json", `{"name":"x","description":"` + strings.Repeat("d", 2<<20) + `"}`, 413, "larger than"},
		{"bad export format", "GET", base + "/export?format=docx", "", "", 400, "unknown export format"},
		{"no export format", "GET", base + "/export", "", "", 400, "format is required"},
		{"note too long", "PATCH", base + "/items/doc-kgz", "application/json", `{"note":"` + strings.Repeat("x", 10001) + `"}`, 400, "limit"},
		{"position out of range", "PATCH", base + "/items/doc-kgz", "application/json", `{"position":5}`, 400, "position 5"},
		{"empty patch", "PATCH", base + "/items/doc-kgz", "application/json", `{}`, 400, "nothing to change"},
		{"patch unknown item", "PATCH", base + "/items/doc-kaz", "application/json", `{"note":"x"}`, 404, "no document"},
		{"remove unknown item", "DELETE", base + "/items/doc-kaz", "", "", 404, "no document"},
		{"reorder dropping an item", "PUT", base + "/order", "application/json", `{"doc_ids":[]}`, 400, "names 0 items"},
		{"import without name", "POST", "/api/lists/import", "application/json", `[]`, 400, "name is required"},
		{"import not CSL-JSON", "POST", "/api/lists/import?name=x", "application/json", `{"a":`, 400, "CSL-JSON"},
		{"from-search bad query", "POST", "/api/lists/from-search", "application/json", `{"name":"x","from":"2019-13"}`, 400, "from must be a date"},
		{"from-search unknown filter", "POST", "/api/lists/from-search", "application/json", `{"name":"x","filters":{"colour":["red"]}}`, 400, "unknown filter"},
		{"save search without name", "POST", "/api/searches", "application/json", `{"q":"CTED"}`, 400, "name is empty"},
		{"unknown saved search", "GET", "/api/searches/nosuch/open", "", "", 404, "no saved search"},
		{"cite unknown style", "GET", "/api/documents/doc-kgz/cite?style=apa", "", "", 400, "unknown citation style"},
		{"cite unknown document", "GET", "/api/documents/nope/cite", "", "", 404, "nope"},
		{"cite a non-resolution", "GET", "/api/cite?resolution=hello", "", "", 400, "not a resolution"},
		{"form with a 10,000-character name", "POST", "/lists", "application/x-www-form-urlencoded", "name=" + long, 400, ""},
		{"huge form", "POST", "/lists", "application/x-www-form-urlencoded", "name=x&description=" + strings.Repeat("d", 2<<20), 413, ""},
		{"form to an unknown list", "POST", "/lists/nosuchlist/items", "application/x-www-form-urlencoded", "doc_id=doc-kgz", 404, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := e.do(tc.method, tc.target, tc.ctype, tc.body)
			if rec.Code != tc.want {
				t.Fatalf("%s %s: status %d, want %d; body %.300s", tc.method, tc.target, rec.Code, tc.want, rec.Body)
			}
			if strings.HasPrefix(tc.target, "/api/") {
				var got struct{ Error string }
				if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || got.Error == "" {
					t.Fatalf("body %.300s is not {\"error\": ...}", rec.Body)
				}
				if !strings.Contains(got.Error, tc.msg) {
					t.Errorf("error = %q, want it to mention %q", got.Error, tc.msg)
				}
			}
		})
	}
	// Nothing stored was lost or changed.
	var after lists.List
	e.json(http.MethodGet, "/api/lists/"+l.ID, "", http.StatusOK, &after)
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("the list changed after bad requests (-before +after):\n%s", diff)
	}
	var all struct{ Lists []lists.List }
	e.json(http.MethodGet, "/api/lists", "", http.StatusOK, &all)
	if len(all.Lists) != 1 {
		t.Errorf("%d lists after bad requests, want 1", len(all.Lists))
	}
}

func TestListsCrossOrigin(t *testing.T) {
	e := newListEnv(t)
	l := e.createList("Mine")
	evil := []string{"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"}
	for _, tc := range []struct{ method, target, ctype, body string }{
		{"POST", "/api/lists", "application/json", `{"name":"planted"}`},
		{"DELETE", "/api/lists/" + l.ID, "", ""},
		{"POST", "/api/lists/" + l.ID + "/items", "application/json", `{"doc_id":"doc-kgz"}`},
		{"POST", "/lists", "application/x-www-form-urlencoded", "name=planted"},
		{"POST", "/lists/" + l.ID + "/delete", "application/x-www-form-urlencoded", ""},
		{"POST", "/lists/add", "application/x-www-form-urlencoded", "doc_id=doc-kgz&new_name=planted"},
	} {
		rec := e.do(tc.method, tc.target, tc.ctype, tc.body, evil...)
		if rec.Code != http.StatusForbidden {
			t.Errorf("cross-site %s %s: status %d, want 403; %s", tc.method, tc.target, rec.Code, rec.Body)
		}
	}
	// Origin alone (an older browser) is refused too when it names another host.
	if rec := e.do("POST", "/api/lists", "application/json", `{"name":"planted"}`, "Origin", "https://evil.example"); rec.Code != http.StatusForbidden {
		t.Errorf("POST with a foreign Origin: %d, want 403", rec.Code)
	}
	var all struct{ Lists []lists.List }
	e.json(http.MethodGet, "/api/lists", "", http.StatusOK, &all)
	if len(all.Lists) != 1 || len(all.Lists[0].Items) != 0 {
		t.Errorf("lists after cross-site requests = %+v", all.Lists)
	}
	// The same requests from the page itself, or from a script, work.
	if rec := e.do("POST", "/api/lists", "application/json", `{"name":"same site"}`, "Sec-Fetch-Site", "same-origin", "Origin", "http://example.com"); rec.Code != http.StatusCreated {
		t.Errorf("same-origin POST: %d %s", rec.Code, rec.Body)
	}
	if rec := e.do("POST", "/api/lists", "application/json", `{"name":"script"}`); rec.Code != http.StatusCreated {
		t.Errorf("POST without browser headers: %d %s", rec.Code, rec.Body)
	}
}

func TestListsDisabled(t *testing.T) {
	ix, err := search.Open(filepath.Join(t.TempDir(), "bleve"), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	srv, err := New(ix, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{"/api/lists", "/lists", "/api/searches"} {
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
		if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "not enabled") {
			t.Errorf("GET %s without a store: %d %.200s", target, rec.Code, rec.Body)
		}
	}
}

func TestListFromSearchAndSavedSearches(t *testing.T) {
	e := newListEnv(t)
	var l lists.List
	e.json(http.MethodPost, "/api/lists/from-search", `{"name":"Fighters","q":"foreign terrorist fighters","sort":"date"}`, http.StatusCreated, &l)
	if diff := cmp.Diff([]string{"doc-kaz", "doc-rep"}, listItemIDs(l)); diff != "" {
		t.Errorf("list from search (-want +got):\n%s", diff)
	}
	e.json(http.MethodPost, "/api/lists/from-search", `{"name":"One","filters":{"country":["Kyrgyzstan"]},"limit":5}`, http.StatusCreated, &l)
	if diff := cmp.Diff([]string{"doc-kgz"}, listItemIDs(l)); diff != "" {
		t.Errorf("list from a filtered search (-want +got):\n%s", diff)
	}

	var ss struct {
		ID, Name, Query string
		Filters         map[string][]string
		Seen            []string
	}
	e.json(http.MethodPost, "/api/searches", `{"name":"CTED news","q":"CTED"}`, http.StatusCreated, &ss)
	if ss.Name != "CTED news" || ss.Query != "CTED" || ss.Seen != nil {
		t.Errorf("saved search = %+v", ss)
	}
	var opened struct {
		Search struct{ ID string }
		Result struct {
			Total uint64
			Hits  []struct{ ID string }
		}
		New []string
	}
	e.json(http.MethodGet, "/api/searches/"+ss.ID+"/open", "", http.StatusOK, &opened)
	if opened.Result.Total != 2 || len(opened.New) != 0 {
		t.Errorf("first open: total %d, new %v; want 2 and none", opened.Result.Total, opened.New)
	}
	// A new document arrives; the next open shows it as new, and only once.
	if err := e.ix.Apply([]search.Document{listDoc("doc-new", "CTED welcomes new guidance", "2022-01-10", "", "CTED published guidance on resolution 2396 (2017).")}, nil); err != nil {
		t.Fatal(err)
	}
	e.json(http.MethodGet, "/api/searches/"+ss.ID+"/open", "", http.StatusOK, &opened)
	if diff := cmp.Diff([]string{"doc-new"}, opened.New); diff != "" {
		t.Errorf("new after indexing (-want +got):\n%s", diff)
	}
	e.json(http.MethodGet, "/api/searches/"+ss.ID+"/open", "", http.StatusOK, &opened)
	if len(opened.New) != 0 {
		t.Errorf("new on the third open = %v, want none", opened.New)
	}
	var all struct{ Searches []struct{ ID string } }
	e.json(http.MethodGet, "/api/searches", "", http.StatusOK, &all)
	if len(all.Searches) != 1 {
		t.Errorf("GET /api/searches = %+v", all)
	}
	if rec := e.do(http.MethodDelete, "/api/searches/"+ss.ID, "", ""); rec.Code != http.StatusNoContent {
		t.Errorf("DELETE saved search: %d", rec.Code)
	}
	e.json(http.MethodGet, "/api/searches/"+ss.ID, "", http.StatusNotFound, nil)
}

func TestCitationRoutes(t *testing.T) {
	e := newListEnv(t)
	cted := entity.Label(entity.Organization, "CTED")
	for _, tc := range []struct{ target, style, want string }{
		{"/api/cite?resolution=1373&style=un", "un", "Security Council resolution 1373 (2001), S/RES/1373 (2001)"},
		{"/api/cite?resolution=" + url.QueryEscape("S/RES/2178 (2014)") + "&style=oscola", "oscola", "UNSC Res 2178 (2014) UN Doc S/RES/2178"},
		{"/api/cite?resolution=A/RES/60/288&style=bluebook", "bluebook", "G.A. Res. 60/288, U.N. Doc. A/RES/60/288"},
		{"/api/documents/doc-kgz/cite?style=oscola", "oscola", cted + ", 'CTED conducts follow-up visit to Kyrgyzstan' (Press release, 5 December 2019) <https://www.un.org/securitycouncil/ctc/news/kgz-2019>"},
		{"/api/documents/doc-kgz/cite", "un", cted + `, "CTED conducts follow-up visit to Kyrgyzstan", press release, 5 December 2019. Available from https://www.un.org/securitycouncil/ctc/news/kgz-2019`},
	} {
		var got struct{ Style, Text string }
		e.json(http.MethodGet, tc.target, "", http.StatusOK, &got)
		if got.Style != tc.style || got.Text != tc.want {
			t.Errorf("GET %s = {%q, %q}, want {%q, %q}", tc.target, got.Style, got.Text, tc.style, tc.want)
		}
	}
}

// ---- pages

// form posts a form as a browser on the same site does and returns the
// redirect's target.
func (e *listEnv) form(target string, v url.Values) string {
	e.t.Helper()
	rec := e.do(http.MethodPost, target, "application/x-www-form-urlencoded", v.Encode(), "Sec-Fetch-Site", "same-origin")
	if rec.Code != http.StatusSeeOther {
		e.t.Fatalf("POST %s %v: status %d, want 303; %.300s", target, v, rec.Code, rec.Body)
	}
	return rec.Header().Get("Location")
}

func (e *listEnv) page(target string) *goquery.Document {
	e.t.Helper()
	rec := e.do(http.MethodGet, target, "", "")
	if rec.Code != http.StatusOK {
		e.t.Fatalf("GET %s: status %d; %.300s", target, rec.Code, rec.Body)
	}
	doc, err := goquery.NewDocumentFromReader(rec.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return doc
}

func listTexts(sel *goquery.Selection) []string {
	var out []string
	sel.Each(func(_ int, s *goquery.Selection) { out = append(out, strings.TrimSpace(s.Text())) })
	return out
}

func TestListPages(t *testing.T) {
	e := newListEnv(t)
	doc := e.page("/lists")
	if doc.Find("form.create-list[method=post][action='/lists'] input[name=name]").Length() != 1 {
		t.Fatal("/lists has no create form")
	}
	loc := e.form("/lists", url.Values{"name": {"Visit prep"}, "description": {"Read before going"}})
	if !strings.HasPrefix(loc, "/lists/") {
		t.Fatalf("create redirected to %q", loc)
	}
	id := strings.TrimPrefix(loc, "/lists/")
	if got := listTexts(e.page("/lists").Find("ul.lists li a")); !slices.Equal(got, []string{"Visit prep"}) {
		t.Errorf("lists on /lists = %q", got)
	}

	// Find documents from the list page and add them with their Add buttons.
	doc = e.page(loc + "?find=CTED")
	var actions []string
	doc.Find("ul.found li form").Each(func(_ int, s *goquery.Selection) {
		a, _ := s.Attr("action")
		v, _ := s.Find("input[name=doc_id]").Attr("value")
		actions = append(actions, a+" "+v)
	})
	slices.Sort(actions)
	if diff := cmp.Diff([]string{loc + "/items doc-kaz", loc + "/items doc-kgz"}, actions); diff != "" {
		t.Errorf("add forms for CTED (-want +got):\n%s", diff)
	}
	e.form(loc+"/items", url.Values{"doc_id": {"doc-kgz"}})
	e.form(loc+"/items", url.Values{"doc_id": {"doc-kaz"}})
	// The add-to-list page behind the search results' links.
	doc = e.page("/lists/add?doc_id=doc-rep&back=" + url.QueryEscape("/?q=ISIL"))
	if doc.Find("form.add-to-list select[name=list_id] option[value='"+id+"']").Length() != 1 {
		t.Errorf("add page does not offer the list")
	}
	to := e.form("/lists/add", url.Values{"doc_id": {"doc-rep"}, "list_id": {id}, "note": {"the report"}, "back": {"/?q=ISIL"}})
	if doc := e.page(to); !strings.Contains(doc.Find("p.added").Text(), "Visit prep") || doc.Find("a.back[href='/?q=ISIL']").Length() != 1 {
		t.Errorf("after adding, %s says %q", to, doc.Find("main").Text())
	}

	doc = e.page(loc)
	if got := listTexts(doc.Find("ol.items li.item h2 a")); !slices.Equal(got, []string{listDocs[0].title, listDocs[1].title, listDocs[2].title}) {
		t.Errorf("items = %q", got)
	}
	var exports []string
	doc.Find("p.exports a.export").Each(func(_ int, s *goquery.Selection) { h, _ := s.Attr("href"); exports = append(exports, h) })
	if len(exports) != 5 || exports[0] != "/api/lists/"+id+"/export?format=ris" {
		t.Errorf("export links = %q", exports)
	}
	if got := listTexts(doc.Find("li#item-doc-kgz .citation dt")); !slices.Equal(got, []string{"UN", "OSCOLA", "Bluebook"}) {
		t.Errorf("citation styles = %q", got)
	}
	if got := doc.Find("li#item-doc-rep p.note").Text(); got != "the report" {
		t.Errorf("note = %q", got)
	}

	// Move the last item up, edit a note, remove one, rename.
	e.form(loc+"/items/doc-rep/move", url.Values{"to": {"up"}})
	e.form(loc+"/items/doc-kgz/note", url.Values{"note": {"first & foremost"}})
	e.form(loc+"/items/doc-kaz/remove", nil)
	e.form(loc+"/edit", url.Values{"name": {"Bishkek visit"}, "description": {"Prep"}})
	l, err := e.store.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	if l.Name != "Bishkek visit" || !slices.Equal(listItemIDs(l), []string{"doc-kgz", "doc-rep"}) || l.Items[0].Note != "first & foremost" {
		t.Errorf("after the forms: %q %v %q", l.Name, listItemIDs(l), l.Items[0].Note)
	}
	if got := e.page(loc).Find("li#item-doc-kgz .note").First().Text(); got != "first & foremost" {
		t.Errorf("note shown as %q", got)
	}

	// From a search: save it, and make a list of its results.
	sv := url.Values{"name": {"Fighters"}, "q": {"foreign terrorist fighters"}, "limit": {"10"}}
	to = e.form("/lists/from-search", sv)
	if got := listTexts(e.page(to).Find("ol.items li.item h2 a")); len(got) != 2 {
		t.Errorf("list from search holds %q", got)
	}
	to = e.form("/searches", sv)
	doc = e.page(to)
	if n := doc.Find("ol.hits li.hit").Length(); n != 2 {
		t.Errorf("saved search page shows %d hits, want 2", n)
	}
	if doc.Find("ol.hits li.hit a.add-to-list-link").Length() != 2 {
		t.Errorf("saved search hits lack add-to-list links")
	}

	// Delete with a confirm step.
	doc = e.page(loc + "/delete")
	if doc.Find("form[action='"+loc+"/delete'] button").Length() != 1 {
		t.Fatal("no confirm form")
	}
	if to := e.form(loc+"/delete", nil); to != "/lists" {
		t.Errorf("delete redirected to %q", to)
	}
	if rec := e.do(http.MethodGet, loc, "", ""); rec.Code != http.StatusNotFound {
		t.Errorf("deleted list page: %d", rec.Code)
	}
}

// TestListPartials renders the partials other pages include, as they will.
func TestListPartials(t *testing.T) {
	e := newListEnv(t)
	l := e.createList("Partial")
	e.add(l.ID, "doc-kgz", "", http.StatusCreated)
	srv, err := New(e.ix, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Lists: e.store})
	if err != nil {
		t.Fatal(err)
	}
	c := srv.echo.NewContext(httptest.NewRequest("GET", "/documents/doc-kgz", nil), httptest.NewRecorder())
	d, _ := e.ix.Document(t.Context(), "doc-kgz")
	view := struct {
		AddToList *addToListView
		Citations []citationView
		Tools     *searchToListView
	}{srv.addToListFor(c, "doc-kgz"), documentCitations(d),
		srv.searchToListFor(search.Request{Query: "CTED", Filters: map[string][]string{"country": {"KGZ"}}}, 2)}
	tmpl := srv.listPages["list"]
	var buf bytes.Buffer
	for _, name := range []string{"addToList", "citations", "searchToList"} {
		var v any
		switch name {
		case "addToList":
			v = view.AddToList
		case "citations":
			v = view.Citations
		default:
			v = view.Tools
		}
		if err := tmpl.ExecuteTemplate(&buf, name, v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if err := tmpl.ExecuteTemplate(&buf, "addToListLink", "doc-kgz"); err != nil {
		t.Fatal(err)
	}
	doc, _ := goquery.NewDocumentFromReader(&buf)
	if doc.Find("form.add-to-list input[name=back][value='/documents/doc-kgz']").Length() != 1 {
		t.Errorf("addToList lacks back")
	}
	if got := doc.Find("p.in-lists a").Text(); got != "Partial" {
		t.Errorf("in-lists = %q", got)
	}
	if n := doc.Find(".citations .citation").Length(); n != 3 {
		t.Errorf("%d citations", n)
	}
	var hidden []string
	doc.Find("form.results-to-list input[type=hidden]").Each(func(_ int, s *goquery.Selection) {
		n, _ := s.Attr("name")
		v, _ := s.Attr("value")
		hidden = append(hidden, n+"="+v)
	})
	if diff := cmp.Diff([]string{"q=CTED", "country=KGZ"}, hidden); diff != "" {
		t.Errorf("hidden fields (-want +got):\n%s", diff)
	}
	if h, _ := doc.Find("a.add-to-list-link").Attr("href"); h != "/lists/add?doc_id=doc-kgz" {
		t.Errorf("add link = %q", h)
	}
	if resolutionCitations("country", "KGZ") != nil || len(resolutionCitations("resolution", "S/RES/1373 (2001)")) != 3 {
		t.Errorf("resolutionCitations")
	}
}

// TestListHooksOnOtherPages checks the list controls on the search, document
// and entity pages, once those pages include templates/lists_partials.html
// (until then it skips).
func TestListHooksOnOtherPages(t *testing.T) {
	e := newListEnv(t)
	for _, page := range []string{"search", "document", "entity"} {
		if p := e.srv.pages[page]; p == nil || p.Lookup("addToListLink") == nil {
			t.Skipf("the %s page does not include the list partials yet", page)
		}
	}
	l := e.createList("Hooked")
	e.add(l.ID, "doc-kgz", "", http.StatusCreated)
	doc := e.page("/?q=CTED")
	if n := doc.Find("ol.hits li.hit a.add-to-list-link").Length(); n != 2 {
		t.Errorf("%d add-to-list links on the search page, want 2", n)
	}
	if doc.Find("section.search-to-list form.results-to-list input[name=q][value=CTED]").Length() != 1 ||
		doc.Find("section.search-to-list form.save-search").Length() != 1 {
		t.Errorf("the search page lacks the save-search and results-to-list forms")
	}
	if doc.Find("form form, form section.search-to-list").Length() != 0 {
		t.Errorf("list forms nested in the search form")
	}
	doc = e.page("/documents/doc-kgz")
	if doc.Find("form.add-to-list input[name=back][value='/documents/doc-kgz']").Length() != 1 {
		t.Errorf("the document page lacks the add-to-list control")
	}
	if n := doc.Find("section.citations .citation").Length(); n != 3 {
		t.Errorf("%d citations on the document page, want 3", n)
	}
	doc = e.page("/entities/resolution/S%2FRES%2F1373%20(2001)")
	if n := doc.Find("section.citations .citation").Length(); n != 3 {
		t.Errorf("%d citations on a resolution's page, want 3", n)
	}
	if doc.Find("li.mention a.add-to-list-link").Length() == 0 {
		t.Errorf("the mentions on an entity page lack add-to-list links")
	}
	if e.page("/entities/country/KGZ").Find("section.citations").Length() != 0 {
		t.Errorf("a country's page shows citations")
	}
}
