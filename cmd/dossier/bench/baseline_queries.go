package bench

import (
	"context"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"dossier/internal/entity"
	"dossier/internal/search"
)

// baselineKinds are the query kinds the bare-Bleve baseline index can answer
// the way Dossier does, so each gets a same-run ratio. It has no stored body,
// so its every-mention answer is the first 50 document ids in date order,
// without the sentences Dossier reads for each mention; it has no cache, so
// its browse counts every document each time.
var baselineKinds = map[string]bool{"search_5_facets": true, "mentions": true, "browse": true}

// baselineRunner answers query i of kind k on the baseline index with bare
// Bleve calls that do Dossier's work: the same words in title (boosted) and
// body, the same filters, and for a selection in every facet the same
// disjunctive counts (one search per selected facet, without its selection).
func baselineRunner(ctx context.Context, idx bleve.Index, k queryKind) func(i int) (uint64, error) {
	return func(i int) (uint64, error) {
		if k.mentions != nil {
			m := k.mentions[i]
			id, ok := entity.Canonical(m.Kind, m.ID)
			if !ok {
				id = m.ID
			}
			q := bleve.NewTermQuery(id)
			q.SetField(m.Kind)
			sr := bleve.NewSearchRequestOptions(q, m.Size, 0, false)
			sr.SortByCustom(bsearch.SortOrder{&bsearch.SortField{Field: "date", Type: bsearch.SortFieldAsDate, Missing: bsearch.SortFieldMissingLast}, &bsearch.SortDocID{}})
			res, err := idx.SearchInContext(ctx, sr)
			if err != nil {
				return 0, err
			}
			return res.Total, nil
		}
		req := k.queries[i]
		size := req.Size
		if size <= 0 {
			size = search.DefaultSize
		}
		page := max(req.Page, 1)
		main := bleve.NewSearchRequestOptions(baselineQuery(req, ""), size, (page-1)*size, false)
		main.Fields = []string{"title"}
		if req.Sort == search.SortDateAsc || req.Sort == search.SortDateDesc {
			main.SortByCustom(bsearch.SortOrder{&bsearch.SortField{Field: "date", Type: bsearch.SortFieldAsDate, Desc: req.Sort == search.SortDateDesc, Missing: bsearch.SortFieldMissingLast}, &bsearch.SortScore{Desc: true}})
		}
		for _, f := range search.FacetNames {
			if len(req.Filters[f]) == 0 {
				main.AddFacet(f, bleve.NewFacetRequest(f, 50))
			}
		}
		res, err := idx.SearchInContext(ctx, main)
		if err != nil {
			return 0, err
		}
		for _, f := range search.FacetNames {
			if len(req.Filters[f]) == 0 {
				continue
			}
			fr := bleve.NewSearchRequestOptions(baselineQuery(req, f), 0, 0, false)
			fr.AddFacet(f, bleve.NewFacetRequest(f, 50))
			if _, err := idx.SearchInContext(ctx, fr); err != nil {
				return 0, err
			}
		}
		return res.Total, nil
	}
}

// baselineQuery is req's words and filters (but the one of facet except) as one
// Bleve query on the baseline's fields.
func baselineQuery(req search.Request, except string) query.Query {
	var must []query.Query
	if words := strings.TrimSpace(req.Query); words != "" {
		title := bleve.NewMatchQuery(words)
		title.SetField("title")
		title.SetBoost(2)
		body := bleve.NewMatchQuery(words)
		body.SetField("body")
		must = append(must, bleve.NewDisjunctionQuery(title, body))
	}
	for _, f := range search.FacetNames {
		if f == except || len(req.Filters[f]) == 0 {
			continue
		}
		var any []query.Query
		for _, id := range req.Filters[f] {
			t := bleve.NewTermQuery(id)
			t.SetField(f)
			any = append(any, t)
		}
		must = append(must, bleve.NewDisjunctionQuery(any...))
	}
	if len(must) == 0 {
		return bleve.NewMatchAllQuery()
	}
	return bleve.NewConjunctionQuery(must...)
}

// measureBaseline times the baseline's kinds on its index, opened again after
// Dossier's queries.
func measureBaseline(ctx context.Context, rep *Report, dir string, qs *querySet, limit time.Duration) error {
	idx, err := bleve.Open(dir)
	if err != nil {
		return err
	}
	defer idx.Close()
	for _, k := range qs.kinds() {
		if baselineKinds[k.name] {
			rep.BaselineLatency = append(rep.BaselineLatency, measure(k, baselineRunner(ctx, idx, k), limit))
		}
	}
	return nil
}
