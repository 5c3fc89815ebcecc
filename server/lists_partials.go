package server

// The view models of templates/lists_partials.html, which the search,
// document and entity pages show as well as the list pages: citations, the
// add-to-list control and the save-search and results-to-list forms.

import (
	"strings"

	"github.com/labstack/echo/v4"

	"dossier/internal/lists"
	"dossier/internal/search"
)

// citationView is one citation as a page shows it.
type citationView struct {
	Style, Label, Text string
}

var styleLabels = map[string]string{lists.StyleUN: "UN", lists.StyleOSCOLA: "OSCOLA", lists.StyleBluebook: "Bluebook"}

func citeAll(cite func(style string) (string, error)) []citationView {
	var out []citationView
	for _, st := range lists.Styles {
		if t, err := cite(st); err == nil {
			out = append(out, citationView{Style: st, Label: styleLabels[st], Text: t})
		}
	}
	return out
}

// documentCitations are a document's citations in every style, for the
// document page's "citations" partial.
func documentCitations(doc *search.Document) []citationView {
	return citeAll(func(st string) (string, error) { return lists.CiteDocument(doc, st) })
}

// resolutionCitations are a resolution's citations in every style, for the
// entity page; nil for other kinds.
func resolutionCitations(kind, id string) []citationView {
	if kind != "resolution" {
		return nil
	}
	return citeAll(func(st string) (string, error) { return lists.CiteResolution(id, st) })
}

// addToListView is the "addToList" partial's model: a form that adds one
// document to a list of the reader's choice, or to a new list.
type addToListView struct {
	DocID string
	Lists []listChoice
	// Back is where to return after adding (the page the form is on).
	Back string
}

type listChoice struct {
	ID, Name string
	Has      bool // the list holds the document already
}

// addToListFor builds the add-to-list control for a document on the page c
// shows; nil when the server has no list store (the partial then shows
// nothing).
func (s *Server) addToListFor(c echo.Context, docID string) *addToListView {
	if s.lists == nil {
		return nil
	}
	v := &addToListView{DocID: docID, Back: localURL(c.Request().URL.RequestURI())}
	ls, err := s.lists.Lists()
	if err != nil {
		s.log.Warn("reading lists for the add-to-list control", "err", err)
		return v
	}
	for _, l := range ls {
		v.Lists = append(v.Lists, listChoice{ID: l.ID, Name: l.Name, Has: itemIndex(l.Items, docID) >= 0})
	}
	return v
}

// searchToListView is the "searchToList" partial's model: the forms that save
// the search shown and make a list of its results.
type searchToListView struct {
	Fields []hiddenField // the search, as hidden form fields
	Total  uint64
	Limit  int
}

type hiddenField struct{ Name, Value string }

// searchToListFor builds the save-search and results-to-list forms for the
// search req, which matched total documents; nil without a list store.
func (s *Server) searchToListFor(req search.Request, total uint64) *searchToListView {
	if s.lists == nil {
		return nil
	}
	v := &searchToListView{Total: total, Limit: int(min(total, defaultSnapshot))}
	add := func(k, val string) {
		if val != "" {
			v.Fields = append(v.Fields, hiddenField{k, val})
		}
	}
	add("q", req.Query)
	for _, name := range search.FacetNames {
		for _, id := range req.Filters[name] {
			add(name, id)
		}
	}
	add("from", req.From)
	add("to", req.To)
	add("sort", req.Sort)
	return v
}

// localURL returns u when it is a path on this site, else "": a "back" value
// from a form must not send the reader to another site.
func localURL(u string) string {
	if !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") || strings.HasPrefix(u, `/\`) || len(u) > 4000 {
		return ""
	}
	return u
}
