package lists

import (
	"path"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"dossier/internal/entity"
	"dossier/internal/search"
)

// Limits on what one request may store. They keep one careless or hostile
// request from filling the store, and they are what the error messages quote.
const (
	MaxName        = 200    // characters in a list or saved-search name
	MaxDescription = 5000   // characters in a list description
	MaxNote        = 10000  // characters in an item note
	MaxItems       = 10000  // items in one list
	MaxQuery       = 2000   // characters in a saved query string
	MaxSeen        = 100000 // document ids remembered by a saved search
	maxField       = 2000   // characters in a snapshot field (title, path, URL, id)
)

// List is a reading list. Its JSON is the contract's list shape, extended with
// the creation and update times.
type List struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Created     time.Time `json:"created"`
	Updated     time.Time `json:"updated"`
	Items       []Item    `json:"items"`
}

// Item is one document in a list: its id, the reader's note, when it was added,
// and a snapshot of the document taken when it was added (and refreshed by
// Relink). The snapshot is what exports and citations read, so they need no
// index, and Path is the key that finds the document again after a re-index has
// changed its id. Entity fields hold canonical ids in order of first mention.
type Item struct {
	DocID string    `json:"doc_id"`
	Title string    `json:"title"`
	Note  string    `json:"note"`
	Added time.Time `json:"added"`

	Path          string   `json:"path,omitempty"`
	URL           string   `json:"url,omitempty"`
	Date          string   `json:"date,omitempty"`
	Type          string   `json:"type,omitempty"`
	Organizations []string `json:"organizations,omitempty"`
	Resolutions   []string `json:"resolutions,omitempty"`
	Countries     []string `json:"countries,omitempty"`
}

// Patch changes a list's name or description; a nil field is left as it is.
// It decodes straight from a PATCH body {"name": ..., "description": ...}.
type Patch struct {
	Name        *string `json:"name,omitempty"`
	Description *string `json:"description,omitempty"`
}

// ItemFor returns the item a document becomes in a list, without a note or an
// added time: the snapshot the store keeps.
func ItemFor(doc *search.Document) Item {
	it := Item{
		DocID: doc.ID,
		Title: clip(strings.TrimSpace(doc.Title), maxField),
		Path:  doc.Path,
		Date:  doc.Date,
		Type:  doc.Type,
	}
	// Only web addresses are kept as URLs: exports turn them into links, and a
	// javascript: or file: URL from a hostile page must not become one.
	if u := strings.TrimSpace(doc.Meta["url"]); isWebURL(u) {
		it.URL = u
	}
	for _, m := range doc.Entities {
		switch m.Kind {
		case entity.Organization:
			it.Organizations = appendNew(it.Organizations, m.ID)
		case entity.Resolution:
			it.Resolutions = appendNew(it.Resolutions, m.ID)
		case entity.Country:
			it.Countries = appendNew(it.Countries, m.ID)
		}
	}
	return it
}

// sameSnapshot reports whether a and b hold the same document facts, ignoring
// the note and the added time, which belong to the reader.
func sameSnapshot(a, b Item) bool {
	return a.DocID == b.DocID && a.Title == b.Title && a.Path == b.Path && a.URL == b.URL &&
		a.Date == b.Date && a.Type == b.Type && slices.Equal(a.Organizations, b.Organizations) &&
		slices.Equal(a.Resolutions, b.Resolutions) && slices.Equal(a.Countries, b.Countries)
}

// withSnapshot returns it with the document facts of snap, keeping its note and
// added time.
func withSnapshot(it, snap Item) Item {
	snap.Note, snap.Added = it.Note, it.Added
	return snap
}

// clip shortens s to at most n characters, marking the cut with an ellipsis:
// a parser that mistakes a page for a title should not make the document
// impossible to add.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func appendNew(s []string, v string) []string {
	if v == "" {
		return s
	}
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

func isWebURL(u string) bool {
	l := strings.ToLower(u)
	return (strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://")) &&
		len(u) <= maxField && !strings.ContainsFunc(u, unicode.IsSpace)
}

// validName checks a list or saved-search name and returns it trimmed.
func validName(what, name string) (string, error) {
	name = strings.TrimSpace(name)
	switch n := utf8.RuneCountInString(name); {
	case !utf8.ValidString(name):
		return "", invalidf("%s name is not valid UTF-8", what)
	case n == 0:
		return "", invalidf("%s name is empty", what)
	case n > MaxName:
		return "", invalidf("%s name is %d characters long; the limit is %d", what, n, MaxName)
	case strings.ContainsFunc(name, unicode.IsControl):
		// A name is one line: it becomes a Markdown heading and a file name.
		return "", invalidf("%s name contains a line break or control character", what)
	}
	return name, nil
}

// validText checks free text (a description or a note) against a limit.
func validText(what, s string, limit int) (string, error) {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) {
		return "", invalidf("%s is not valid UTF-8", what)
	}
	if n := utf8.RuneCountInString(s); n > limit {
		return "", invalidf("%s is %d characters long; the limit is %d", what, n, limit)
	}
	return s, nil
}

// validItem checks an item that came from outside the store (a document from
// the caller, or an imported export).
func validItem(it Item) error {
	if strings.TrimSpace(it.DocID) == "" {
		return invalidf("document id is empty")
	}
	for _, f := range []struct{ name, v string }{
		{"document id", it.DocID}, {"title", it.Title}, {"path", it.Path}, {"URL", it.URL},
		{"date", it.Date}, {"type", it.Type},
	} {
		if !utf8.ValidString(f.v) || utf8.RuneCountInString(f.v) > maxField {
			return invalidf("document %.40q: %s is not valid UTF-8 or longer than %d characters", it.DocID, f.name, maxField)
		}
	}
	if strings.ContainsFunc(it.DocID, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) {
		return invalidf("document id %.40q contains spaces or control characters", it.DocID)
	}
	if it.URL != "" && !isWebURL(it.URL) {
		return invalidf("document %.40q: URL is not an http or https address", it.DocID)
	}
	if _, err := validText("note", it.Note, MaxNote); err != nil {
		return err
	}
	return nil
}

// displayTitle is what a citation calls a document: its title, else its file
// name, else its id, so that no export line is blank.
func displayTitle(it Item) string {
	if t := strings.TrimSpace(it.Title); t != "" {
		return t
	}
	if it.Path != "" {
		return path.Base(strings.ReplaceAll(it.Path, `\`, "/"))
	}
	return it.DocID
}
