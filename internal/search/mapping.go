package search

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Field names in the index. The entity kinds that are facets are keyword fields
// named after the kind, so a facet name, a filter and a field are one string.
const (
	fieldTitle    = "title"
	fieldBody     = "body"
	fieldDate     = "date"      // datetime: range filters and sorting
	fieldDateText = "date_text" // stored: the date at the precision the source gave
	fieldYear     = FacetYear
	fieldType     = FacetType
	fieldFormat   = "format"
	fieldLanguage = "language"
	fieldPath     = "path"
	fieldEntities = "entities" // stored: the mentions as JSON
	fieldMeta     = "meta"     // stored: source metadata as JSON
	fieldDates    = "mentioned_date"
)

// entityField maps an entity kind to the keyword field holding its ids.
var entityField = map[string]string{
	FacetResolution:   FacetResolution,
	FacetOrganization: FacetOrganization,
	FacetCountry:      FacetCountry,
	"date":            fieldDates,
}

// newMapping builds the one mapping every index uses: English-analysed title and
// body (searched together for words without a field name), keyword fields for the
// entity ids, type, year, format and language, a datetime field for ranges and
// sorting, and stored-only fields the result pages need.
func newMapping() mapping.IndexMapping {
	text := func(store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = en.AnalyzerName
		f.Store = store
		f.IncludeTermVectors = true // highlighting and phrases need term locations
		// No _all: words without a field name search title and body (withoutAll).
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	// kw is a keyword field; facet fields keep doc values, which term facets read.
	kw := func(store, facet bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = store
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = facet
		return f
	}
	storedOnly := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Index = false
		f.Store = true
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	date := bleve.NewDateTimeFieldMapping()
	date.Store = false
	date.IncludeInAll = false // doc values stay: sorting by date reads them

	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldTitle, text(true))
	doc.AddFieldMappingsAt(fieldBody, text(true))
	doc.AddFieldMappingsAt(fieldDate, date)
	doc.AddFieldMappingsAt(fieldDateText, kw(true, false))
	doc.AddFieldMappingsAt(fieldYear, kw(false, true))
	doc.AddFieldMappingsAt(fieldDates, kw(false, false))
	doc.AddFieldMappingsAt(fieldFormat, kw(true, false))
	doc.AddFieldMappingsAt(fieldLanguage, kw(true, false))
	// Stored too, so a hit can show its entities without reading all mentions.
	for _, f := range []string{FacetResolution, FacetOrganization, FacetCountry} {
		doc.AddFieldMappingsAt(f, kw(true, true))
	}
	doc.AddFieldMappingsAt(fieldType, kw(true, true))
	doc.AddFieldMappingsAt(fieldPath, kw(true, false))
	for _, f := range []string{fieldEntities, fieldMeta} {
		doc.AddFieldMappingsAt(f, storedOnly())
	}

	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = en.AnalyzerName
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	return m
}
