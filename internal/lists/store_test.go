package lists

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"dossier/internal/entity"
	"dossier/internal/search"
)

// t0 is the stopped clock's first reading; each reading after it is a second
// later, so added times are distinct and predictable.
var t0 = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func openStore(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(path, time.Second)
	if err != nil {
		t.Fatalf("Open(%q) = %v", path, err)
	}
	var mu sync.Mutex
	tick := 0
	s.now = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		tick++
		return t0.Add(time.Duration(tick) * time.Second)
	}
	return s
}

func newStore(t *testing.T) *Store {
	t.Helper()
	s := openStore(t, filepath.Join(t.TempDir(), "lists.db"))
	t.Cleanup(func() { s.Close() })
	return s
}

func m(kind, id string) entity.Mention { return entity.Mention{Kind: kind, ID: id, Text: id} }

func testDoc(id, path, title string) *search.Document {
	return &search.Document{
		ID: id, Path: path, Title: title, Date: "2019-12-03", Type: "press-release",
		Meta: map[string]string{"url": "https://www.un.org/securitycouncil/ctc/news/" + id},
		Entities: []entity.Mention{
			m(entity.Organization, "CTED"), m(entity.Resolution, "S/RES/1373 (2001)"),
			m(entity.Country, "KGZ"), m(entity.Organization, "OSCE"), m(entity.Organization, "CTED"),
			m(entity.Date, "2019-12-03"),
		},
	}
}

func mustCreate(t *testing.T, s *Store, name string) List {
	t.Helper()
	l, err := s.Create(name, "")
	if err != nil {
		t.Fatalf("Create(%q) = %v", name, err)
	}
	return l
}

func mustAdd(t *testing.T, s *Store, listID string, d *search.Document, note string) Item {
	t.Helper()
	it, _, err := s.Add(listID, d, note)
	if err != nil {
		t.Fatalf("Add(%q, %q) = %v", listID, d.ID, err)
	}
	return it
}

func docIDs(l List) []string {
	ids := []string{}
	for _, it := range l.Items {
		ids = append(ids, it.DocID)
	}
	return ids
}

func TestCreateUpdateDelete(t *testing.T) {
	s := newStore(t)
	l, err := s.Create("  Kyrgyzstan visit  ", "Read before the visit.")
	if err != nil {
		t.Fatal(err)
	}
	if len(l.ID) != 10 || strings.Trim(l.ID, "abcdefghijklmnopqrstuvwxyz234567") != "" {
		t.Errorf("id %q is not 10 URL-safe characters", l.ID)
	}
	want := List{ID: l.ID, Name: "Kyrgyzstan visit", Description: "Read before the visit.",
		Created: t0.Add(time.Second), Updated: t0.Add(time.Second), Items: []Item{}}
	if diff := cmp.Diff(want, l); diff != "" {
		t.Errorf("Create (-want +got):\n%s", diff)
	}
	got, err := s.Get(l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Get (-want +got):\n%s", diff)
	}

	name, desc := "Kyrgyzstan, second visit", ""
	got, err = s.Update(l.ID, Patch{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != name || got.Description != want.Description {
		t.Errorf("Update(name) = %q, %q; want %q, %q", got.Name, got.Description, name, want.Description)
	}
	got, err = s.Update(l.ID, Patch{Description: &desc})
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != name || got.Description != "" {
		t.Errorf("Update(description) = %q, %q; want %q, \"\"", got.Name, got.Description, name)
	}

	other := mustCreate(t, s, "Resolution 2396")
	all, err := s.Lists()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{l.ID, other.ID}, []string{all[0].ID, all[1].ID}); len(all) != 2 || diff != "" {
		t.Errorf("Lists() = %d lists, order (-want +got):\n%s", len(all), diff)
	}

	if err := s.Delete(l.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(l.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete = %v, want ErrNotFound", err)
	}
	if all, _ := s.Lists(); len(all) != 1 || all[0].ID != other.ID {
		t.Errorf("Lists() after Delete = %v, want only %s", all, other.ID)
	}
}

func TestAddSnapshotsAndIsIdempotent(t *testing.T) {
	s := newStore(t)
	l := mustCreate(t, s, "Returnees")
	d := testDoc("0123456789abcdef", "html/2019-12-kyrgyzstan.html", " Second follow-up visit ")

	it, added, err := s.Add(l.ID, d, "  read first  ")
	if err != nil || !added {
		t.Fatalf("Add = %v, %v; want added", added, err)
	}
	want := Item{
		DocID: "0123456789abcdef", Title: "Second follow-up visit", Note: "read first",
		Added: t0.Add(2 * time.Second), Path: "html/2019-12-kyrgyzstan.html",
		URL: "https://www.un.org/securitycouncil/ctc/news/0123456789abcdef", Date: "2019-12-03", Type: "press-release",
		Organizations: []string{"CTED", "OSCE"}, Resolutions: []string{"S/RES/1373 (2001)"}, Countries: []string{"KGZ"},
	}
	if diff := cmp.Diff(want, it); diff != "" {
		t.Errorf("Add (-want +got):\n%s", diff)
	}

	again, added, err := s.Add(l.ID, d, "another note")
	if err != nil || added {
		t.Fatalf("second Add = %v, %v; want no error and not added", added, err)
	}
	if diff := cmp.Diff(want, again); diff != "" {
		t.Errorf("second Add returned (-want +got):\n%s", diff)
	}
	got, _ := s.Get(l.ID)
	if diff := cmp.Diff([]Item{want}, got.Items); diff != "" {
		t.Errorf("items after adding twice (-want +got):\n%s", diff)
	}

	// The same file under a new id (it was re-indexed) is the same document:
	// the item moves onto the new id, keeping its note and added time.
	d2 := testDoc("fedcba9876543210", d.Path, "Second follow-up visit (revised)")
	it, added, err = s.Add(l.ID, d2, "")
	if err != nil || added {
		t.Fatalf("Add(same path, new id) = %v, %v; want the existing item", added, err)
	}
	if it.DocID != d2.ID || it.Note != "read first" || !it.Added.Equal(want.Added) || it.Title != d2.Title {
		t.Errorf("Add(same path, new id) = %+v; want the old item on the new id", it)
	}
	if got, _ := s.Get(l.ID); len(got.Items) != 1 {
		t.Errorf("list has %d items after re-adding a re-indexed file, want 1", len(got.Items))
	}

	if ids, err := s.Containing(d2.ID); err != nil || !cmp.Equal(ids, []string{l.ID}) {
		t.Errorf("Containing(%q) = %v, %v; want [%s]", d2.ID, ids, err, l.ID)
	}
}

func TestMoveReorderRemoveNote(t *testing.T) {
	tests := []struct {
		name string
		edit func(s *Store, id string) error
		want []string
	}{
		{"move last to first", func(s *Store, id string) error { _, err := s.Move(id, "d", 0); return err }, []string{"d", "a", "b", "c"}},
		{"move first to last", func(s *Store, id string) error { _, err := s.Move(id, "a", 3); return err }, []string{"b", "c", "d", "a"}},
		{"move to own place", func(s *Store, id string) error { _, err := s.Move(id, "b", 1); return err }, []string{"a", "b", "c", "d"}},
		{"move into middle", func(s *Store, id string) error { _, err := s.Move(id, "a", 2); return err }, []string{"b", "c", "a", "d"}},
		{"reorder", func(s *Store, id string) error {
			_, err := s.Reorder(id, []string{"c", "a", "d", "b"})
			return err
		}, []string{"c", "a", "d", "b"}},
		{"remove middle", func(s *Store, id string) error { return s.Remove(id, "b") }, []string{"a", "c", "d"}},
		{"remove all but one", func(s *Store, id string) error {
			for _, d := range []string{"a", "b", "d"} {
				if err := s.Remove(id, d); err != nil {
					return err
				}
			}
			return nil
		}, []string{"c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			l := mustCreate(t, s, "Order")
			for _, id := range []string{"a", "b", "c", "d"} {
				mustAdd(t, s, l.ID, testDoc(id, id+".txt", "Doc "+id), "note "+id)
			}
			if err := tt.edit(s, l.ID); err != nil {
				t.Fatal(err)
			}
			got, err := s.Get(l.ID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, docIDs(got)); diff != "" {
				t.Errorf("order (-want +got):\n%s", diff)
			}
			for _, it := range got.Items {
				if it.Note != "note "+it.DocID {
					t.Errorf("item %s has note %q after %s", it.DocID, it.Note, tt.name)
				}
			}
		})
	}

	t.Run("set note", func(t *testing.T) {
		s := newStore(t)
		l := mustCreate(t, s, "Notes")
		mustAdd(t, s, l.ID, testDoc("a", "a.txt", "A"), "old")
		it, err := s.SetNote(l.ID, "a", "  new\nsecond line ")
		if err != nil {
			t.Fatal(err)
		}
		if it.Note != "new\nsecond line" {
			t.Errorf("SetNote = %q, want %q", it.Note, "new\nsecond line")
		}
		if got, _ := s.Get(l.ID); got.Items[0].Note != it.Note {
			t.Errorf("stored note %q, want %q", got.Items[0].Note, it.Note)
		}
	})
}

func TestValidation(t *testing.T) {
	s := newStore(t)
	l := mustCreate(t, s, "Valid")
	mustAdd(t, s, l.ID, testDoc("a", "a.txt", "A"), "keep me")
	mustAdd(t, s, l.ID, testDoc("b", "b.txt", "B"), "")
	before, _ := s.Get(l.ID)
	str := func(s string) *string { return &s }

	tests := []struct {
		name string
		op   func() error
		want error
		msg  string // a part of the message a person would read
	}{
		{"empty name", func() error { _, err := s.Create("", ""); return err }, ErrInvalid, "name is empty"},
		{"blank name", func() error { _, err := s.Create(" \t ", ""); return err }, ErrInvalid, "name is empty"},
		{"201-character name", func() error { _, err := s.Create(strings.Repeat("é", 201), ""); return err }, ErrInvalid, "201 characters"},
		{"10,000-character name", func() error { _, err := s.Create(strings.Repeat("x", 10000), ""); return err }, ErrInvalid, "limit is 200"},
		{"name with a line break", func() error { _, err := s.Create("a\nb", ""); return err }, ErrInvalid, "line break"},
		{"name not UTF-8", func() error { _, err := s.Create("a\xffb", ""); return err }, ErrInvalid, "UTF-8"},
		{"long description", func() error { _, err := s.Create("ok", strings.Repeat("d", MaxDescription+1)); return err }, ErrInvalid, "description"},
		{"rename to empty", func() error { _, err := s.Update(l.ID, Patch{Name: str("")}); return err }, ErrInvalid, "name is empty"},
		{"rename to 10,000 characters", func() error { _, err := s.Update(l.ID, Patch{Name: str(strings.Repeat("x", 10000))}); return err }, ErrInvalid, "limit is 200"},
		{"get unknown list", func() error { _, err := s.Get("nosuchlist"); return err }, ErrNotFound, `no list with id "nosuchlist"`},
		{"update unknown list", func() error { _, err := s.Update("nosuchlist", Patch{Name: str("x")}); return err }, ErrNotFound, "nosuchlist"},
		{"delete unknown list", func() error { return s.Delete("nosuchlist") }, ErrNotFound, "nosuchlist"},
		{"add to unknown list", func() error { _, _, err := s.Add("nosuchlist", testDoc("c", "c.txt", "C"), ""); return err }, ErrNotFound, "nosuchlist"},
		{"add nil document", func() error { _, _, err := s.Add(l.ID, nil, ""); return err }, ErrInvalid, "no document"},
		{"add document without id", func() error { _, _, err := s.Add(l.ID, &search.Document{Title: "x"}, ""); return err }, ErrInvalid, "document id is empty"},
		{"add with long note", func() error {
			_, _, err := s.Add(l.ID, testDoc("c", "c.txt", "C"), strings.Repeat("n", MaxNote+1))
			return err
		}, ErrInvalid, "note is 10001 characters"},
		{"remove unknown item", func() error { return s.Remove(l.ID, "zz") }, ErrNotFound, `has no document "zz"`},
		{"note on unknown item", func() error { _, err := s.SetNote(l.ID, "zz", "x"); return err }, ErrNotFound, "zz"},
		{"long note", func() error { _, err := s.SetNote(l.ID, "a", strings.Repeat("n", MaxNote+1)); return err }, ErrInvalid, "note"},
		{"move unknown item", func() error { _, err := s.Move(l.ID, "zz", 0); return err }, ErrNotFound, "zz"},
		{"move past the end", func() error { _, err := s.Move(l.ID, "a", 2); return err }, ErrInvalid, "position 2"},
		{"move before the start", func() error { _, err := s.Move(l.ID, "a", -1); return err }, ErrInvalid, "position -1"},
		{"reorder leaving one out", func() error { _, err := s.Reorder(l.ID, []string{"b"}); return err }, ErrInvalid, "names 1 items; the list has 2"},
		{"reorder naming one twice", func() error { _, err := s.Reorder(l.ID, []string{"a", "a"}); return err }, ErrInvalid, "twice"},
		{"reorder naming an unknown item", func() error { _, err := s.Reorder(l.ID, []string{"a", "zz"}); return err }, ErrNotFound, "zz"},
		{"list from results with a hole", func() error {
			_, err := s.CreateFrom("From results", "", []*search.Document{testDoc("a", "a.txt", "A"), nil})
			return err
		}, ErrInvalid, "document 2 of 2"},
		{"import an item with a javascript URL", func() error {
			_, err := s.Import("Imported", "", []Item{{DocID: "x", URL: "javascript:alert(1)"}})
			return err
		}, ErrInvalid, "not an http"},
		{"import an item without id", func() error { _, err := s.Import("Imported", "", []Item{{Title: "x"}}); return err }, ErrInvalid, "document id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.op()
			if !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not say %q", err, tt.msg)
			}
			if len(err.Error()) > 300 {
				t.Errorf("error message is %d bytes; it must not echo the input", len(err.Error()))
			}
		})
	}

	// Nothing above changed what was stored.
	after, err := s.Get(l.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("failed writes changed the list (-before +after):\n%s", diff)
	}
	if all, _ := s.Lists(); len(all) != 1 {
		t.Errorf("failed creates left %d lists, want 1", len(all))
	}
}

func TestCreateFrom(t *testing.T) {
	s := newStore(t)
	docs := []*search.Document{testDoc("a", "a.txt", "A"), testDoc("b", "b.txt", "B"), testDoc("a", "a.txt", "A")}
	l, err := s.CreateFrom("Results for 2396", "snapshot", docs)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a", "b"}, docIDs(l)); diff != "" {
		t.Errorf("CreateFrom items (-want +got):\n%s", diff)
	}
	got, _ := s.Get(l.ID)
	if diff := cmp.Diff(l, got); diff != "" {
		t.Errorf("stored list differs from returned (-returned +stored):\n%s", diff)
	}
}

// TestReopen closes the store and opens the file again, as a server restart
// does, and finds every list, item, note, order and saved search intact.
func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "lists.db")
	s := openStore(t, path)
	l := mustCreate(t, s, "Kept")
	for _, id := range []string{"a", "b", "c"} {
		mustAdd(t, s, l.ID, testDoc(id, id+".txt", "Doc "+id), "note "+id)
	}
	if _, err := s.Move(l.ID, "c", 0); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove(l.ID, "b"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create("Empty", "nothing yet"); err != nil {
		t.Fatal(err)
	}
	ss, err := s.SaveSearch("FTF", search.Request{Query: "foreign terrorist fighters",
		Filters: map[string][]string{"resolution": {"S/RES/2396 (2017)"}}, From: "2017"}, []string{"a"})
	if err != nil {
		t.Fatal(err)
	}
	wantLists, _ := s.Lists()
	wantSearches, _ := s.SavedSearches()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openStore(t, path)
	defer s.Close()
	gotLists, err := s.Lists()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantLists, gotLists); diff != "" {
		t.Errorf("lists after reopening (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"c", "a"}, docIDs(gotLists[0])); diff != "" {
		t.Errorf("order after reopening (-want +got):\n%s", diff)
	}
	gotSearches, err := s.SavedSearches()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantSearches, gotSearches); diff != "" {
		t.Errorf("saved searches after reopening (-before +after):\n%s", diff)
	}
	if _, fresh, err := s.MarkOpened(ss.ID, []string{"a", "b"}); err != nil || !cmp.Equal(fresh, []string{"b"}) {
		t.Errorf("MarkOpened after reopening = %v, %v; want [b]", fresh, err)
	}
}

func TestOpenLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lists.db")
	s := openStore(t, path)
	defer s.Close()
	if _, err := Open(path, 50*time.Millisecond); !errors.Is(err, ErrLocked) {
		t.Errorf("second Open = %v, want ErrLocked", err)
	}
}

// TestRelink re-indexes: document ids change (content hashes of edited
// files), paths stay. Items follow their paths onto the new ids with their
// notes, added times and places; a file that is gone keeps its item and is
// reported; two items that now stand for one document become one.
func TestRelink(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lists.db")
	s := openStore(t, path)
	l := mustCreate(t, s, "Before re-index")
	a := mustAdd(t, s, l.ID, testDoc("aaaa000000000000", "html/a.html", "A"), "note a")
	mustAdd(t, s, l.ID, testDoc("bbbb000000000000", "html/b.html", "B"), "note b")
	mustAdd(t, s, l.ID, testDoc("cccc000000000000", "html/c.html", "C"), "note c")
	mustAdd(t, s, l.ID, testDoc("dddd000000000000", "html/d.html", "D"), "note d")
	other := mustCreate(t, s, "Other")
	mustAdd(t, s, other.ID, testDoc("aaaa000000000000", "html/a.html", "A"), "")
	s.Close()

	// The new index: a.html and b.html changed (new ids; b's title too), c.html
	// is gone, d.html is unchanged. Lookup is what the server does: by id,
	// else by path.
	index := map[string]*search.Document{}
	for _, d := range []*search.Document{
		testDoc("aaaa111111111111", "html/a.html", "A"),
		testDoc("bbbb111111111111", "html/b.html", "B, revised"),
		testDoc("dddd000000000000", "html/d.html", "D"),
	} {
		index[d.ID] = d
	}
	lookup := func(it Item) (*search.Document, bool) {
		if d, ok := index[it.DocID]; ok {
			return d, true
		}
		for _, d := range index {
			if d.Path == it.Path {
				return d, true
			}
		}
		return nil, false
	}

	s = openStore(t, path) // a server restart after the re-index
	defer s.Close()
	n, missing, err := s.Relink(lookup)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("Relink relinked %d items, want 3 (a and b in one list, a in the other)", n)
	}
	wantMissing := []ItemRef{{ListID: l.ID, DocID: "cccc000000000000", Path: "html/c.html"}}
	if diff := cmp.Diff(wantMissing, missing); diff != "" {
		t.Errorf("missing (-want +got):\n%s", diff)
	}
	got, _ := s.Get(l.ID)
	if diff := cmp.Diff([]string{"aaaa111111111111", "bbbb111111111111", "cccc000000000000", "dddd000000000000"}, docIDs(got)); diff != "" {
		t.Errorf("ids after relink (-want +got):\n%s", diff)
	}
	if it := got.Items[0]; it.Note != "note a" || !it.Added.Equal(a.Added) || it.Path != "html/a.html" {
		t.Errorf("relinked item = %+v; want note, added time and path kept", it)
	}
	if got.Items[1].Title != "B, revised" {
		t.Errorf("relinked title = %q, want the new snapshot %q", got.Items[1].Title, "B, revised")
	}
	if o, _ := s.Get(other.ID); !cmp.Equal(docIDs(o), []string{"aaaa111111111111"}) {
		t.Errorf("other list ids = %v, want the new id", docIDs(o))
	}

	// Relinking again finds nothing to do.
	if n, _, err := s.Relink(lookup); err != nil || n != 0 {
		t.Errorf("second Relink = %d, %v; want 0, nil", n, err)
	}

	// The new document is then added by a reader who did not know it was the
	// same: it is a no-op.
	if _, added, err := s.Add(l.ID, index["aaaa111111111111"], ""); err != nil || added {
		t.Errorf("Add(relinked document) = %v, %v; want no-op", added, err)
	}

	// Two items that turn out to be one document merge, notes joined.
	dup := mustCreate(t, s, "Duplicates")
	mustAdd(t, s, dup.ID, testDoc("eeee000000000000", "old/e.html", "E"), "first")
	mustAdd(t, s, dup.ID, testDoc("ffff000000000000", "new/e.html", "E"), "second")
	merge := func(it Item) (*search.Document, bool) {
		if strings.HasSuffix(it.Path, "e.html") {
			return testDoc("eeee111111111111", "new/e.html", "E"), true
		}
		return lookup(it)
	}
	if _, _, err := s.Relink(merge); err != nil {
		t.Fatal(err)
	}
	d, _ := s.Get(dup.ID)
	if len(d.Items) != 1 || d.Items[0].Note != "first\n\nsecond" {
		t.Errorf("merged items = %+v; want one item with both notes", d.Items)
	}
}

func TestSavedSearches(t *testing.T) {
	s := newStore(t)
	req := search.Request{
		Query:   "returning families",
		Filters: map[string][]string{"country": {"KGZ", " ", "KGZ"}, "type": {"report"}},
		From:    "2018", To: "2020-06", Page: 3, Size: 50, Sort: "-date",
	}
	ss, err := s.SaveSearch(" Returnees ", req, []string{"b", "a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	want := SavedSearch{
		ID: ss.ID, Name: "Returnees", Query: "returning families",
		Filters: map[string][]string{"country": {"KGZ"}, "type": {"report"}},
		From:    "2018", To: "2020-06",
		Created: t0.Add(time.Second), LastOpened: t0.Add(time.Second), Seen: []string{"a", "b"},
	}
	if diff := cmp.Diff(want, ss); diff != "" {
		t.Errorf("SaveSearch (-want +got):\n%s", diff)
	}
	wantReq := search.Request{Query: "returning families",
		Filters: map[string][]string{"country": {"KGZ"}, "type": {"report"}}, From: "2018", To: "2020-06"}
	if diff := cmp.Diff(wantReq, ss.Request()); diff != "" {
		t.Errorf("Request() (-want +got):\n%s", diff)
	}

	got, fresh, err := s.MarkOpened(ss.ID, []string{"c", "a", "d", "c"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"c", "d"}, fresh); diff != "" {
		t.Errorf("new since last opened (-want +got):\n%s", diff)
	}
	if !got.LastOpened.Equal(t0.Add(2*time.Second)) || !cmp.Equal(got.Seen, []string{"a", "c", "d"}) {
		t.Errorf("after MarkOpened: last opened %v, seen %v", got.LastOpened, got.Seen)
	}
	if stored, _ := s.GetSearch(ss.ID); !cmp.Equal(stored, got) {
		t.Errorf("GetSearch = %+v, want %+v", stored, got)
	}
	if _, fresh, _ := s.MarkOpened(ss.ID, []string{"a", "c", "d"}); len(fresh) != 0 {
		t.Errorf("reopening with no change shows %v as new", fresh)
	}

	if _, err := s.SaveSearch("bad", search.Request{Filters: map[string][]string{"colour": {"red"}}}, nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("SaveSearch(unknown filter) = %v, want ErrInvalid", err)
	}
	if _, err := s.SaveSearch("", req, nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("SaveSearch(empty name) = %v, want ErrInvalid", err)
	}
	if _, _, err := s.MarkOpened("nosuch", nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("MarkOpened(unknown) = %v, want ErrNotFound", err)
	}
	if all, _ := s.SavedSearches(); len(all) != 1 {
		t.Errorf("SavedSearches() = %d, want 1", len(all))
	}
	if err := s.DeleteSearch(ss.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetSearch(ss.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetSearch after delete = %v, want ErrNotFound", err)
	}
	if err := s.DeleteSearch(ss.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("DeleteSearch twice = %v, want ErrNotFound", err)
	}
}

func TestNewSince(t *testing.T) {
	tests := []struct {
		name          string
		seen, current []string
		want          []string
	}{
		{"nothing seen", nil, []string{"b", "a"}, []string{"b", "a"}},
		{"nothing current", []string{"a"}, nil, []string{}},
		{"some new", []string{"a", "c"}, []string{"c", "d", "a", "e"}, []string{"d", "e"}},
		{"repeats once", []string{}, []string{"x", "x"}, []string{"x"}},
		{"some gone", []string{"a", "b"}, []string{"a"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, NewSince(tt.seen, tt.current)); diff != "" {
				t.Errorf("NewSince(%q, %q) (-want +got):\n%s", tt.seen, tt.current, diff)
			}
		})
	}
}

// TestConcurrentAdds runs adds from many goroutines (as concurrent requests
// do) and finds each document once.
func TestConcurrentAdds(t *testing.T) {
	s := newStore(t)
	l := mustCreate(t, s, "Busy")
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := string(rune('a' + i%10))
			if _, _, err := s.Add(l.ID, testDoc(id, id+".txt", id), ""); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got, _ := s.Get(l.ID); len(got.Items) != 10 {
		t.Errorf("%d items after concurrent adds of 10 documents, want 10", len(got.Items))
	}
}

// TestOrderWithinOneSecond: lists and saved searches made within one second
// (a script, an import) still come back in the order they were made.
func TestOrderWithinOneSecond(t *testing.T) {
	s := newStore(t)
	s.now = func() time.Time { return t0 }
	var want, wantSearches []string
	for i := range 20 {
		l := mustCreate(t, s, fmt.Sprint("list ", i))
		want = append(want, l.ID)
		ss, err := s.SaveSearch(fmt.Sprint("search ", i), search.Request{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		wantSearches = append(wantSearches, ss.ID)
	}
	ls, _ := s.Lists()
	var got []string
	for _, l := range ls {
		got = append(got, l.ID)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Lists() order (-created +listed):\n%s", diff)
	}
	ss, _ := s.SavedSearches()
	got = nil
	for _, x := range ss {
		got = append(got, x.ID)
	}
	if diff := cmp.Diff(wantSearches, got); diff != "" {
		t.Errorf("SavedSearches() order (-created +listed):\n%s", diff)
	}
}
