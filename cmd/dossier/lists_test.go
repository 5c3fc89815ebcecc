package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// indexTestDocs indexes the indexer's three test documents into a new index
// and returns the index folder and the id of each document by file name.
func indexTestDocs(t *testing.T) (index, docs string, ids map[string]string) {
	t.Helper()
	dir := t.TempDir()
	index = filepath.Join(dir, "index")
	docs = filepath.Join(dir, "docs")
	if err := os.CopyFS(docs, os.DirFS("../../indexer/testdata/docs")); err != nil {
		t.Fatal(err)
	}
	if _, err := run(t, "--index", index, "index", docs); err != nil {
		t.Fatalf("index: %v", err)
	}
	out, err := run(t, "--index", index, "search", "", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var res struct{ Hits []struct{ ID, Path string } }
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	ids = map[string]string{}
	for _, h := range res.Hits {
		ids[filepath.Base(h.Path)] = h.ID
	}
	if len(ids) != 3 {
		t.Fatalf("indexed %v, want 3 documents", ids)
	}
	return index, docs, ids
}

type cliList struct {
	ID, Name, Description string
	Items                 []struct {
		DocID       string `json:"doc_id"`
		Title, Note string
	}
}

func (l cliList) docIDs() []string {
	var ids []string
	for _, it := range l.Items {
		ids = append(ids, it.DocID)
	}
	return ids
}

func TestListsCommands(t *testing.T) {
	index, _, ids := indexTestDocs(t)
	lists := func(args ...string) string {
		t.Helper()
		out, err := run(t, append([]string{"--index", index, "lists"}, args...)...)
		if err != nil {
			t.Fatalf("dossier lists %v: %v", args, err)
		}
		return out
	}
	decode := func(out string) cliList {
		t.Helper()
		var l cliList
		if err := json.Unmarshal([]byte(out), &l); err != nil {
			t.Fatalf("decoding %s: %v", out, err)
		}
		return l
	}

	if out := lists(); !strings.Contains(out, "No reading lists yet") {
		t.Errorf("lists on a new index = %q", out)
	}
	l := decode(lists("create", "Before the visit", "--description", "three things", "--json"))
	if l.ID == "" || l.Name != "Before the visit" || l.Description != "three things" {
		t.Fatalf("create --json = %+v", l)
	}
	lists("add", l.ID, ids["note.txt"], "--note", "read first")
	if out := lists("add", l.ID, ids["note.txt"]); !strings.Contains(out, "already in") {
		t.Errorf("adding twice says %q", out)
	}
	lists("add", l.ID, ids["release.html"])
	lists("add", l.ID, ids["report.pdf"])
	got := decode(lists("show", l.ID, "--json"))
	if diff := cmp.Diff([]string{ids["note.txt"], ids["release.html"], ids["report.pdf"]}, got.docIDs()); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if got.Items[0].Note != "read first" {
		t.Errorf("note = %q", got.Items[0].Note)
	}
	if out := lists("show", l.ID); !strings.Contains(out, "Note: read first") || !strings.Contains(out, got.Items[1].Title) {
		t.Errorf("show = %q", out)
	}
	var all struct{ Lists []cliList }
	if err := json.Unmarshal([]byte(lists("--json")), &all); err != nil || len(all.Lists) != 1 {
		t.Errorf("lists --json = %+v, %v", all, err)
	}

	// Export every format to a file and to standard output.
	dir := t.TempDir()
	for _, f := range []string{"ris", "bibtex", "csljson", "markdown", "csv"} {
		out := lists("export", l.ID, "--format", f)
		file := filepath.Join(dir, "out."+f)
		lists("export", l.ID, "--format", f, "-o", file)
		data, err := os.ReadFile(file)
		if err != nil || string(data) != out || out == "" {
			t.Errorf("export %s: file and stdout differ or are empty (%v)", f, err)
		}
	}
	if ris := lists("export", l.ID, "--format", "ris"); strings.Count(ris, "TY  - ") != 3 {
		t.Errorf("RIS export has %d records, want 3", strings.Count(ris, "TY  - "))
	}

	// Import the CSL-JSON export back.
	var imp struct {
		List    cliList
		Skipped int
	}
	if err := json.Unmarshal([]byte(lists("import", filepath.Join(dir, "out.csljson"), "--name", "Copy", "--json")), &imp); err != nil {
		t.Fatal(err)
	}
	if imp.List.Name != "Copy" || imp.Skipped != 0 || !cmp.Equal(imp.List.docIDs(), got.docIDs()) || imp.List.Items[0].Note != "read first" {
		t.Errorf("import = %+v", imp)
	}

	lists("remove", l.ID, ids["release.html"])
	r := decode(lists("rename", l.ID, "After the visit", "--json"))
	if r.Name != "After the visit" || r.Description != "three things" || len(r.Items) != 2 {
		t.Errorf("after remove and rename: %+v", r)
	}
	lists("delete", imp.List.ID)
	if err := json.Unmarshal([]byte(lists("--json")), &all); err != nil || len(all.Lists) != 1 || all.Lists[0].ID != l.ID {
		t.Errorf("after delete: %+v", all)
	}
}

func TestListsCommandErrors(t *testing.T) {
	index, _, ids := indexTestDocs(t)
	out, err := run(t, "--index", index, "lists", "create", "L", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var l cliList
	json.Unmarshal([]byte(out), &l)
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"title": `), 0o644)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown list", []string{"show", "nosuchlist"}, "no list"},
		{"unknown document", []string{"add", l.ID, "nosuchdoc"}, "nosuchdoc"},
		{"add to unknown list", []string{"add", "nosuchlist", ids["note.txt"]}, "no list"},
		{"empty name", []string{"create", " "}, "name is empty"},
		{"10,000-character name", []string{"create", strings.Repeat("x", 10000)}, "10000 characters"},
		{"bad format", []string{"export", l.ID, "--format", "docx"}, "unknown export format"},
		{"no format", []string{"export", l.ID}, "format"},
		{"import without name", []string{"import", bad}, "--name is required"},
		{"import bad JSON", []string{"import", bad, "--name", "x"}, "CSL-JSON"},
		{"remove unknown item", []string{"remove", l.ID, "nosuchdoc"}, "no document"},
		{"no index", []string{"--index", filepath.Join(t.TempDir(), "typo"), "create", "x"}, "no index at"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := run(t, append([]string{"--index", index, "lists"}, tc.args...)...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("dossier lists %.80q: error %v, want one containing %q", tc.args, err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
	out, _ = run(t, "--index", index, "lists", "show", l.ID, "--json")
	var after cliList
	json.Unmarshal([]byte(out), &after)
	if after.Name != "L" || len(after.Items) != 0 {
		t.Errorf("list after bad commands = %+v", after)
	}
}

// TestListsWhileServing: the server holds the lists; the command line says
// where to go instead, and the server relinks items after an indexing run
// changed a document's id.
func TestListsWhileServing(t *testing.T) {
	index, docs, ids := indexTestDocs(t)
	addr := startServer(t, index)

	_, err := run(t, "--index", index, "lists")
	if err == nil || !strings.Contains(err.Error(), "held by a running server") || !strings.Contains(err.Error(), "http://"+addr+"/lists") {
		t.Errorf("lists while serving: %v", err)
	}

	post := func(path, body string, want int, out any) {
		t.Helper()
		resp, err := http.Post("http://"+addr+path, "application/json", bytes.NewBufferString(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("POST %s: %s, want %d", path, resp.Status, want)
		}
		if out != nil {
			json.NewDecoder(resp.Body).Decode(out)
		}
	}
	var l cliList
	post("/api/lists", `{"name":"Served"}`, http.StatusCreated, &l)
	post("/api/lists/"+l.ID+"/items", `{"doc_id":"`+ids["note.txt"]+`","note":"keep me"}`, http.StatusCreated, nil)

	// The file changes, so its content hash (its id) does; the index run
	// goes through the server, which relinks the item by path.
	note := filepath.Join(docs, "note.txt")
	data, _ := os.ReadFile(note)
	if err := os.WriteFile(note, append(data, []byte("\nA line added later.\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := run(t, "--index", index, "index", docs); err != nil {
		t.Fatalf("index while serving: %v", err)
	}
	var got cliList
	if err := getJSON("http://"+addr+"/api/lists/"+l.ID, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Items) != 1 || got.Items[0].DocID == ids["note.txt"] || got.Items[0].Note != "keep me" {
		t.Errorf("after re-indexing a changed file, the list holds %+v; want one item on the new id with its note", got.Items)
	}
}
