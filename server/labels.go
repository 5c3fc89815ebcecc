package server

import (
	"strings"

	"dossier/internal/entity"
	"dossier/internal/search"
)

// kindLabels names the facets and entity kinds for people, in the plural the
// sidebar and the document page use as headings.
var kindLabels = map[string]string{
	entity.Resolution:   "Resolutions",
	entity.Organization: "Organizations",
	entity.Country:      "Countries",
	entity.Date:         "Dates",
	search.FacetType:    "Document type",
	search.FacetYear:    "Year",
}

// kindSingular names one entity of a kind, for the entity page.
var kindSingular = map[string]string{
	entity.Resolution:   "Resolution",
	entity.Organization: "Organization",
	entity.Country:      "Country",
	entity.Date:         "Date",
	search.FacetType:    "Document type",
	search.FacetYear:    "Year",
}

func kindLabel(kind string) string {
	if l, ok := kindLabels[kind]; ok {
		return l
	}
	return kind
}

// entityLabel is the readable name of an entity: the gazetteer's name for an
// organization or a country, a written-out date; otherwise the id itself.
func entityLabel(kind, id string) string {
	return entity.Label(kind, id)
}

// typeLabel is the readable name of a document type id.
func typeLabel(id string) string {
	if id == "" {
		return ""
	}
	if l := entity.TypeLabel(id); l != id {
		return l
	}
	return humanize(id)
}

// humanize is the fallback label for an id nobody named: "press-release" reads
// "Press release".
func humanize(id string) string {
	s := strings.NewReplacer("-", " ", "_", " ").Replace(id)
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
