package search

import (
	"context"
	"maps"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
)

// maxBrowseDepth is how many documents of an order browsing can page through:
// normalise refuses pages past 10,000 hits, as Bleve's default does.
const maxBrowseDepth = 10000

// browseCache keeps what browsing the whole collection (an empty query, no
// filter, no dates) shows, between writes: the facet counts and the documents'
// order under each sort, as deep as a page may go. Both change only with the
// index, and counting every document into five facets or sorting them all is
// the costly part of a browse. Each write starts a new generation; what was
// computed during an older one is not kept, so nothing outlives a write.
type browseCache struct {
	mu     sync.Mutex
	gen    uint64
	total  uint64
	facets map[string][]FacetValue
	orders map[string][]string // sort → document ids
}

// counts returns the cached total and facets (nil when there are none) and
// the generation to hand back to putCounts.
func (c *browseCache) counts() (uint64, map[string][]FacetValue, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.total, c.facets, c.gen
}

// putCounts keeps counts made during generation gen, unless a write came since.
func (c *browseCache) putCounts(total uint64, facets map[string][]FacetValue, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen == c.gen {
		c.total, c.facets = total, facets
	}
}

// order returns the cached order for sort (nil when there is none) and the
// generation to hand back to putOrder.
func (c *browseCache) order(sort string) ([]string, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.orders[sort], c.gen
}

// putOrder keeps an order made during generation gen, unless a write came since.
func (c *browseCache) putOrder(sort string, ids []string, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.orders == nil {
		c.orders = map[string][]string{}
	}
	c.orders[sort] = ids
}

// invalidate starts a new generation.
func (c *browseCache) invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.total, c.facets, c.orders = 0, nil, nil
}

// browseAll answers a search with no query, filter or dates: a page of the whole
// collection in the order asked for, with every document counted into the
// facets. With nothing to rank by, relevance order is newest first.
func (ix *Index) browseAll(ctx context.Context, req Request, start time.Time) (*Result, error) {
	total, facets, gen := ix.browse.counts()
	if facets == nil {
		sr := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 0, 0, false)
		for _, f := range FacetNames {
			sr.AddFacet(f, bleve.NewFacetRequest(f, facetSize))
		}
		res, err := ix.bleve().SearchInContext(ctx, sr)
		if err != nil {
			return nil, searchError(err)
		}
		total, facets = res.Total, map[string][]FacetValue{}
		for name, fr := range res.Facets {
			facets[name] = facetValues(name, fr)
		}
		ix.browse.putCounts(total, facets, gen)
	}
	sort := req.Sort
	if sort == "" || sort == SortRelevance {
		sort = SortDateDesc
	}
	order, gen := ix.browse.order(sort)
	if order == nil {
		sr := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), maxBrowseDepth, 0, false)
		sr.SortByCustom(bsearch.SortOrder{dateSort(sort == SortDateDesc), &bsearch.SortDocID{}})
		res, err := ix.bleve().SearchInContext(ctx, sr)
		if err != nil {
			return nil, searchError(err)
		}
		order = make([]string, len(res.Hits))
		for i, h := range res.Hits {
			order[i] = h.ID
		}
		ix.browse.putOrder(sort, order, gen)
	}

	out := &Result{Total: total, Hits: []Hit{}, Facets: maps.Clone(facets)} // callers may change their map
	from := min((req.Page-1)*req.Size, len(order))
	page := order[from:min(from+req.Size, len(order))]
	byID, err := ix.storedByID(ctx, page, hitFields)
	if err != nil {
		return nil, searchError(err)
	}
	for _, id := range page {
		// A document deleted since the order was taken is in neither.
		if h, ok := byID[id]; ok {
			out.Hits = append(out.Hits, hitOf(h))
		}
	}
	out.TookMS = time.Since(start).Milliseconds()
	return out, nil
}
