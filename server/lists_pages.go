package server

// The reading-list pages (/lists, /lists/:id, /lists/add, /searches/:id) and
// the form posts behind them. Each form post answers with a redirect.

import (
	"cmp"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"dossier/internal/lists"
	"dossier/internal/search"
)

// listPageNames are the list pages, each templates/<name>.html over the layout
// and templates/lists_partials.html.
var listPageNames = []string{"lists", "list", "list_delete", "list_add", "saved_search"}

func parseListPages(fsys fs.FS) (map[string]*template.Template, error) {
	pages := map[string]*template.Template{}
	for _, name := range listPageNames {
		t, err := template.New(name).Funcs(templateFuncs).Funcs(listFuncs).ParseFS(fsys,
			"templates/layout.html", "templates/lists_partials.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("page %s: %w", name, err)
		}
		for _, block := range []string{"layout", "content", "addToList", "addToListLink", "citations", "searchToList"} {
			if t.Lookup(block) == nil {
				return nil, fmt.Errorf("page %s: no %q template", name, block)
			}
		}
		pages[name] = t
	}
	return pages, nil
}

var listFuncs = template.FuncMap{
	"inc": func(i int) int { return i + 1 },
}

// renderList answers with one of the reading-list pages.
func (s *Server) renderList(c echo.Context, status int, page string, view any) error {
	return renderPage(c, s.listPages, status, page, view)
}

// redirect answers a form post with 303 See Other, so that reloading the page
// that follows does not post again.
func redirect(c echo.Context, to string) error { return c.Redirect(http.StatusSeeOther, to) }

// formDeleteByID answers a delete form for what the path's :id names: del
// deletes it, and the reader goes back to /lists.
func formDeleteByID(c echo.Context, del func(id string) error) error {
	id, _, err := idForm(c)
	if err != nil {
		return err
	}
	if err := del(id); err != nil {
		return err
	}
	return redirect(c, "/lists")
}

// formSpec reads the search a page's form posts (see specFromForm).
func formSpec(c echo.Context) (searchSpec, error) {
	f, err := form(c)
	if err != nil {
		return searchSpec{}, err
	}
	return specFromForm(f)
}

// ---- /lists ----

type listSummary struct {
	ID, Name, Description, Href string
	Count                       int
}

func summarize(l lists.List) listSummary {
	return listSummary{ID: l.ID, Name: l.Name, Description: l.Description, Href: listURL(l.ID), Count: len(l.Items)}
}

type savedView struct {
	ID, Name, Href, SearchURL, Summary, LastOpened string
}

type listsView struct {
	base
	Lists    []listSummary
	Searches []savedView
}

func (s *Server) listsPage(c echo.Context) error {
	ls, err := s.lists.Lists()
	if err != nil {
		return err
	}
	ss, err := s.lists.SavedSearches()
	if err != nil {
		return err
	}
	v := listsView{base: s.base(c, "Reading lists")}
	for _, l := range ls {
		v.Lists = append(v.Lists, summarize(l))
	}
	for _, x := range ss {
		v.Searches = append(v.Searches, savedSummary(x))
	}
	return s.renderList(c, http.StatusOK, "lists", v)
}

func savedSummary(x lists.SavedSearch) savedView {
	req := x.Request()
	var parts []string
	if req.Query != "" {
		parts = append(parts, "“"+req.Query+"”")
	}
	for _, name := range search.FacetNames {
		if ids := req.Filters[name]; len(ids) > 0 {
			parts = append(parts, kindLabel(name)+": "+strings.Join(ids, ", "))
		}
	}
	if req.From != "" {
		parts = append(parts, "from "+req.From)
	}
	if req.To != "" {
		parts = append(parts, "to "+req.To)
	}
	if len(parts) == 0 {
		parts = append(parts, "all documents")
	}
	return savedView{
		ID: x.ID, Name: x.Name, Href: savedSearchURL(x.ID),
		SearchURL: searchURL(requestValues(req)), Summary: strings.Join(parts, "; "),
		LastOpened: x.LastOpened.Format("2006-01-02 15:04 UTC"),
	}
}

func (s *Server) formCreateList(c echo.Context) error {
	f, err := form(c)
	if err != nil {
		return err
	}
	l, err := s.lists.Create(f.Get("name"), f.Get("description"))
	if err != nil {
		return err
	}
	return redirect(c, listURL(l.ID))
}

// ---- /lists/:id ----

type itemView struct {
	DocID, Anchor, Title, Href, Date, Type, Note, Added, Path string
	Position                                                  int // 0-based
	First, Last                                               bool
	Citations                                                 []citationView
	NoteAction, MoveAction, RemoveAction                      string
}

type exportLink struct{ Name, Label, Href string }

type listView struct {
	base
	ID, Name, Description, Action, EditAction, DeleteHref, AddAction, JSONURL string
	Items                                                                     []itemView
	Exports                                                                   []exportLink
	// The "find documents to add" search on the list page.
	FindQuery string
	Found     []foundView
	Searched  bool
}

type foundView struct {
	DocID, Title, Href, Date string
	Has                      bool
}

var formatLabels = map[string]string{"ris": "RIS", "bibtex": "BibTeX", "csljson": "CSL-JSON", "markdown": "Markdown", "csv": "CSV"}

func (s *Server) listPage(c echo.Context) error {
	l, err := s.listParam(c)
	if err != nil {
		return err
	}
	v := buildListView(l)
	v.base = s.base(c, l.Name)
	// "Find documents to add": a plain search whose hits carry Add buttons.
	if q := strings.TrimSpace(c.QueryParam("find")); q != "" {
		req, err := parseSearchRequest(url.Values{"q": {q}})
		if err != nil {
			return err
		}
		res, err := s.s.Search(c.Request().Context(), req)
		if err != nil {
			return err
		}
		v.FindQuery, v.Searched = q, true
		for _, h := range res.Hits {
			has := itemIndex(l.Items, h.ID) >= 0
			v.Found = append(v.Found, foundView{DocID: h.ID, Title: cmp.Or(h.Title, h.ID), Href: documentURL(h.ID), Date: h.Date, Has: has})
		}
	}
	return s.renderList(c, http.StatusOK, "list", v)
}

func buildListView(l lists.List) listView {
	base := listURL(l.ID)
	v := listView{
		ID: l.ID, Name: l.Name, Description: l.Description, Action: base,
		EditAction: base + "/edit", DeleteHref: base + "/delete", AddAction: base + "/items",
		JSONURL: apiListURL(l.ID),
	}
	for _, f := range lists.Formats {
		v.Exports = append(v.Exports, exportLink{Name: f.Name, Label: formatLabels[f.Name],
			Href: apiListURL(l.ID) + "/export?format=" + f.Name})
	}
	for i, it := range l.Items {
		item := base + "/items/" + url.PathEscape(it.DocID)
		v.Items = append(v.Items, itemView{
			DocID: it.DocID, Anchor: itemAnchor(it.DocID), Title: cmp.Or(it.Title, it.DocID),
			Href: documentURL(it.DocID), Date: it.Date, Type: typeLabel(it.Type), Note: it.Note,
			Added: it.Added.Format("2006-01-02"), Path: it.Path,
			Position: i, First: i == 0, Last: i == len(l.Items)-1,
			Citations:  citeAll(func(st string) (string, error) { return lists.Cite(it, st) }),
			NoteAction: item + "/note", MoveAction: item + "/move", RemoveAction: item + "/remove",
		})
	}
	return v
}

func (s *Server) formEditList(c echo.Context) error {
	id, f, err := idForm(c)
	if err != nil {
		return err
	}
	name, desc := f.Get("name"), f.Get("description")
	if _, err := s.lists.Update(id, lists.Patch{Name: &name, Description: &desc}); err != nil {
		return err
	}
	return redirect(c, listURL(id))
}

type deleteView struct {
	base
	Name, Action, Cancel string
	Count                int
}

func (s *Server) deletePage(c echo.Context) error {
	l, err := s.listParam(c)
	if err != nil {
		return err
	}
	return s.renderList(c, http.StatusOK, "list_delete", deleteView{
		base: s.base(c, "Delete "+l.Name), Name: l.Name, Count: len(l.Items),
		Action: listURL(l.ID) + "/delete", Cancel: listURL(l.ID),
	})
}

func (s *Server) formDeleteList(c echo.Context) error { return formDeleteByID(c, s.lists.Delete) }

func (s *Server) formAddItem(c echo.Context) error {
	id, f, err := idForm(c)
	if err != nil {
		return err
	}
	it, _, err := s.addItem(c.Request().Context(), id, f.Get("doc_id"), f.Get("note"))
	if err != nil {
		return err
	}
	if back := localURL(f.Get("back")); back != "" {
		return redirect(c, back)
	}
	return redirect(c, listURL(id)+"#"+itemAnchor(it.DocID))
}

func (s *Server) formNote(c echo.Context) error {
	id, docID, f, err := itemParams(c)
	if err != nil {
		return err
	}
	if _, err := s.lists.SetNote(id, docID, f.Get("note")); err != nil {
		return err
	}
	return redirect(c, listURL(id)+"#"+itemAnchor(docID))
}

// formMove moves an item one place up or down, or to position (1-based, as
// the page numbers items).
func (s *Server) formMove(c echo.Context) error {
	id, docID, f, err := itemParams(c)
	if err != nil {
		return err
	}
	l, i, err := s.findItem(id, docID)
	if err != nil {
		return err
	}
	to := i
	switch d := f.Get("to"); d {
	case "up":
		to = max(i-1, 0)
	case "down":
		to = min(i+1, len(l.Items)-1)
	default:
		n, err := strconv.Atoi(d)
		if err != nil {
			return badRequest("to must be up, down or a position from 1, not %q", d)
		}
		to = n - 1
	}
	if to != i {
		if _, err := s.lists.Move(id, docID, to); err != nil {
			return err
		}
	}
	return redirect(c, listURL(id)+"#"+itemAnchor(docID))
}

func (s *Server) formRemove(c echo.Context) error {
	id, docID, _, err := itemParams(c)
	if err != nil {
		return err
	}
	if err := s.lists.Remove(id, docID); err != nil {
		return err
	}
	return redirect(c, listURL(id))
}

// ---- /lists/add and lists from results ----

// addView is the page behind the add-to-list links of search results: one
// document, the lists to put it in, and after adding, which list took it.
type addView struct {
	base
	DocTitle, DocHref string
	Control           *addToListView
	Added             *listSummary
	Back              string
}

func (s *Server) addPage(c echo.Context) error {
	docID := strings.TrimSpace(c.QueryParam("doc_id"))
	if docID == "" {
		return badQuery("doc_id is required")
	}
	doc, err := s.s.Document(c.Request().Context(), docID)
	if err != nil {
		return err
	}
	back := localURL(c.QueryParam("back"))
	if back == "" {
		// The search page links here without its own URL; the Referer (sent
		// for same-origin links under the Referrer-Policy) brings it back.
		if r, err := url.Parse(c.Request().Referer()); err == nil && r.Host == c.Request().Host {
			back = localURL(r.RequestURI())
		}
	}
	v := addView{base: s.base(c, "Add to a list"), DocTitle: cmp.Or(doc.Title, doc.ID), DocHref: documentURL(doc.ID), Back: back}
	v.Control = s.addToListFor(c, doc.ID)
	v.Control.Back = back // after adding, the page that follows links back there
	if added := c.QueryParam("added"); added != "" {
		if l, err := s.lists.Get(added); err == nil {
			sum := summarize(l)
			v.Added = &sum
		}
	}
	return s.renderList(c, http.StatusOK, "list_add", v)
}

// formAdd handles the addToList partial: add doc_id to list_id, or to a new
// list called new_name, then go back (or to the add page, which says where it
// went).
func (s *Server) formAdd(c echo.Context) error {
	f, err := form(c)
	if err != nil {
		return err
	}
	docID := strings.TrimSpace(f.Get("doc_id"))
	listID := f.Get("list_id")
	if name := strings.TrimSpace(f.Get("new_name")); name != "" || listID == "" {
		if name == "" {
			return badRequest("choose a list, or give a name for a new one")
		}
		// Check the document before making a list for it.
		if _, err := s.s.Document(c.Request().Context(), docID); err != nil {
			return err
		}
		l, err := s.lists.Create(name, "")
		if err != nil {
			return err
		}
		listID = l.ID
	}
	if _, _, err := s.addItem(c.Request().Context(), listID, docID, f.Get("note")); err != nil {
		return err
	}
	q := url.Values{"doc_id": {docID}, "added": {listID}}
	if back := localURL(f.Get("back")); back != "" {
		q.Set("back", back)
	}
	return redirect(c, "/lists/add?"+q.Encode())
}

func (s *Server) formFromSearch(c echo.Context) error {
	sp, err := formSpec(c)
	if err != nil {
		return err
	}
	l, err := s.listFromSearch(c.Request().Context(), sp)
	if err != nil {
		return err
	}
	return redirect(c, listURL(l.ID))
}

// ---- saved searches ----

func (s *Server) formSaveSearch(c echo.Context) error {
	sp, err := formSpec(c)
	if err != nil {
		return err
	}
	ss, err := s.saveSearch(c.Request().Context(), sp)
	if err != nil {
		return err
	}
	return redirect(c, savedSearchURL(ss.ID))
}

func (s *Server) formDeleteSearch(c echo.Context) error {
	return formDeleteByID(c, s.lists.DeleteSearch)
}

type savedSearchView struct {
	base
	Saved        savedView
	Previous     string // when it was opened before this
	Total        uint64
	Hits         []savedHit
	New          int
	DeleteAction string
	Tools        *searchToListView
}

type savedHit struct {
	ID, Title, Href, Date, Type string
	New                         bool
}

// savedSearchPage opens a saved search: its results now, the new ones marked.
func (s *Server) savedSearchPage(c echo.Context) error {
	id, err := pathParam(c, "id")
	if err != nil {
		return err
	}
	before, err := s.lists.GetSearch(id)
	if err != nil {
		return err
	}
	ss, res, fresh, err := s.openSearch(c.Request().Context(), id, c.QueryParams())
	if err != nil {
		return err
	}
	v := savedSearchView{
		base: s.base(c, ss.Name), Saved: savedSummary(ss), Total: res.Total, New: len(fresh),
		Previous:     before.LastOpened.Format("2006-01-02 15:04 UTC"),
		DeleteAction: savedSearchURL(ss.ID) + "/delete",
		Tools:        s.searchToListFor(ss.Request(), res.Total),
	}
	isNew := map[string]bool{}
	for _, d := range fresh {
		isNew[d] = true
	}
	for _, h := range res.Hits {
		v.Hits = append(v.Hits, savedHit{ID: h.ID, Title: cmp.Or(h.Title, h.ID), Href: documentURL(h.ID), Date: h.Date, Type: typeLabel(h.Type), New: isNew[h.ID]})
	}
	return s.renderList(c, http.StatusOK, "saved_search", v)
}
