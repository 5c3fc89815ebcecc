package search

import (
	"errors"

	"dossier/internal/entity"
)

// Errors callers compare with errors.Is; the server maps them to HTTP statuses.
var (
	// ErrBadQuery means the request cannot be run as written (a malformed query
	// string, an unknown filter, a bad date); the message says why.
	ErrBadQuery = errors.New("bad query")
	// ErrNotFound means no document or entity has the id asked for.
	ErrNotFound = errors.New("not found")
	// ErrLocked means another process holds the index open for writing.
	ErrLocked = errors.New("index is in use by another process")
	// ErrCorrupt means the index's files are damaged; rebuild it from the sources.
	ErrCorrupt = errors.New("index is damaged")
)

// Facet names: the entity kinds that are facets, plus document type and year.
const (
	FacetResolution   = entity.Resolution
	FacetOrganization = entity.Organization
	FacetCountry      = entity.Country
	FacetType         = "type"
	FacetYear         = "year"
)

// FacetNames lists the facets every search returns, in display order.
var FacetNames = []string{FacetResolution, FacetOrganization, FacetCountry, FacetType, FacetYear}

// Sort orders a search can ask for.
const (
	SortRelevance = "relevance"
	SortDateAsc   = "date"
	SortDateDesc  = "-date"
)

// Document is one indexed document: what the parser produced, what the extractor
// found, and where it came from.
type Document struct {
	ID       string            `json:"id"`
	Title    string            `json:"title"`
	Date     string            `json:"date"`
	Type     string            `json:"type"`
	Format   string            `json:"format"`
	Language string            `json:"language"`
	Path     string            `json:"path"`
	Body     string            `json:"body"`
	Meta     map[string]string `json:"meta,omitempty"`
	Entities []entity.Mention  `json:"entities"`
}

// Request is one search: a query string in Bleve's query-string language (empty
// browses everything), facet filters, a date range and a page.
type Request struct {
	Query string
	// Filters maps a facet name to the ids selected in it: ids within a facet are
	// OR-ed, facets are AND-ed.
	Filters map[string][]string
	// Scope, like Filters, keeps only the documents with these ids, but it is not
	// a selection a facet widens from: every facet counts within the scope. (The
	// entity page counts what appears with one resolution by scoping to it.)
	Scope map[string][]string
	// From and To bound the document date, inclusive, as ISO dates (2019, 2019-12 or
	// 2019-12-03); empty means open.
	From, To string
	Page     int // 1-based; 0 means 1
	Size     int // hits per page; 0 means DefaultSize
	Sort     string
}

// DefaultSize and MaxSize bound a page of hits or mentions.
const (
	DefaultSize = 10
	MaxSize     = 100
)

// Hit is one document in a result page.
type Hit struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Date  string `json:"date"`
	Type  string `json:"type"`
	Path  string `json:"path"`
	// Snippet is HTML: the document text HTML-escaped, matched words in <mark>.
	Snippet string `json:"snippet"`
	// Entities are the resolutions, organizations and countries the document
	// mentions, in that order, each once.
	Entities []Entity `json:"entities"`
}

// FacetValue is one value of a facet with the number of matching documents.
type FacetValue struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

// Result is one page of a search, with facet counts over the whole result set.
type Result struct {
	Total  uint64                  `json:"total"`
	TookMS int64                   `json:"took_ms"`
	Hits   []Hit                   `json:"hits"`
	Facets map[string][]FacetValue `json:"facets"`
}

// MentionsRequest asks for every mention of one entity. ID may be canonical or as
// a person types it ("1373", "UNSCR 1373").
type MentionsRequest struct {
	Kind string
	ID   string
	Page int
	Size int
	// All asks for every mention in one answer, ignoring Page and Size (for
	// exports).
	All bool
}

// Entity names one entity with its readable label.
type Entity struct {
	Kind  string `json:"kind"`
	ID    string `json:"id"`
	Label string `json:"label"`
}

// Mention is one mention of an entity in one document, with the sentence around it.
type Mention struct {
	DocID string `json:"doc_id"`
	Title string `json:"title"`
	Date  string `json:"date"`
	// Context is the sentence around the mention as plain text;
	// Context[MarkStart:MarkEnd] is the mention itself.
	Context   string `json:"context"`
	MarkStart int    `json:"mark_start"`
	MarkEnd   int    `json:"mark_end"`
	// Start and End are the mention's byte offsets in the document body.
	Start int `json:"start"`
	End   int `json:"end"`
}

// YearCount is how many mentions documents of one year hold.
type YearCount struct {
	Year  string `json:"year"`
	Count int    `json:"count"`
}

// MentionsResult is one page of mentions, in date order; Total counts them all,
// Documents counts the documents they are in, and Years spreads them over the
// years of their documents (oldest first; undated documents are not counted).
type MentionsResult struct {
	Entity    Entity      `json:"entity"`
	Total     int         `json:"total"`
	Documents int         `json:"documents"`
	Years     []YearCount `json:"years"`
	Mentions  []Mention   `json:"mentions"`
}
