package search

import (
	"context"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"

	"dossier/internal/entity"
)

// mentionsPage is how many documents Mentions reads from the index at a time.
const mentionsPage = 500

// Mentions lists every mention of one entity across the collection, in document
// date order (undated documents last), then by position in the document. The id
// may be canonical or as a person types it.
func (ix *Index) Mentions(ctx context.Context, req MentionsRequest) (*MentionsResult, error) {
	field, ok := entityField[req.Kind]
	if !ok {
		return nil, fmt.Errorf("%w: unknown entity kind %q (kinds: %s)", ErrBadQuery, req.Kind, strings.Join(entity.Kinds, ", "))
	}
	if strings.TrimSpace(req.ID) == "" {
		return nil, fmt.Errorf("%w: an entity id is needed", ErrBadQuery)
	}
	id, ok := entity.Canonical(req.Kind, req.ID)
	if !ok {
		id = strings.TrimSpace(req.ID)
	}
	page, size := req.Page, req.Size
	if page <= 0 {
		page = 1
	}
	if size <= 0 {
		size = DefaultSize
	}
	if size > MaxSize {
		size = MaxSize
	}

	out := &MentionsResult{
		Entity:   Entity{Kind: req.Kind, ID: id, Label: entity.Label(req.Kind, id)},
		Mentions: []Mention{},
	}
	first, last := (page-1)*size, page*size
	term := bleve.NewTermQuery(id)
	term.SetField(field)
	for from := 0; ; from += mentionsPage {
		sr := bleve.NewSearchRequestOptions(term, mentionsPage, from, false)
		sr.Fields = []string{fieldTitle, fieldDateText, fieldBody, fieldEntities}
		sr.SortByCustom(bsearch.SortOrder{dateSort(false), &bsearch.SortDocID{}})
		res, err := ix.bleve.SearchInContext(ctx, sr)
		if err != nil {
			return nil, fmt.Errorf("mentions of %s %s: %w", req.Kind, id, err)
		}
		for _, h := range res.Hits {
			doc, err := storedDocument(h.ID, h.Fields)
			if err != nil {
				return nil, err
			}
			for _, m := range doc.Entities {
				if m.Kind != req.Kind || m.ID != id {
					continue
				}
				if out.Total >= first && out.Total < last {
					out.Mentions = append(out.Mentions, Mention{
						DocID: doc.ID, Title: doc.Title, Date: doc.Date,
						Context: sentence(doc.Body, m.Start, m.End),
						Start:   m.Start, End: m.End,
					})
				}
				out.Total++
			}
		}
		if len(res.Hits) < mentionsPage {
			break
		}
	}
	return out, nil
}

// contextBytes bounds the context on each side of a mention.
const contextBytes = 240

// sentence returns the sentence of body around [start,end), bounded to about
// contextBytes either side (cut at a word, with an ellipsis) and with its
// whitespace collapsed.
func sentence(body string, start, end int) string {
	if start < 0 || end > len(body) || start > end {
		return ""
	}
	from := start
	for from > 0 {
		c := body[from-1]
		if c == '\n' && from >= 2 && body[from-2] == '\n' {
			break
		}
		if (c == ' ' || c == '\n') && from >= 2 && strings.ContainsRune(".!?", rune(body[from-2])) {
			break
		}
		if start-from >= contextBytes && (c == ' ' || c == '\n') {
			break
		}
		from--
	}
	to := end
	for to < len(body) {
		c := body[to]
		if to-end >= contextBytes && (c == ' ' || c == '\n') {
			break
		}
		to++
		if strings.ContainsRune(".!?", rune(c)) && (to == len(body) || body[to] == ' ' || body[to] == '\n') {
			break
		}
		if c == '\n' && to < len(body) && body[to] == '\n' {
			break
		}
	}
	text := strings.Join(strings.Fields(body[from:to]), " ")
	if start-from >= contextBytes {
		text = "…" + text
	}
	if to-end >= contextBytes && to < len(body) {
		text += "…"
	}
	return text
}
