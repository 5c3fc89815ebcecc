package search

import (
	"context"
	"fmt"
	"math"
	"strings"
	"unicode"

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
		Years:    []YearCount{},
		Mentions: []Mention{},
	}
	first, last := (page-1)*size, page*size
	if req.All {
		first, last = 0, math.MaxInt
	}
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
			out.Documents++
			for _, m := range doc.Entities {
				if m.Kind != req.Kind || m.ID != id {
					continue
				}
				if out.Total >= first && out.Total < last {
					context, ms, me := sentence(doc.Body, m.Start, m.End)
					out.Mentions = append(out.Mentions, Mention{
						DocID: doc.ID, Title: doc.Title, Date: doc.Date,
						Context: context, MarkStart: ms, MarkEnd: me,
						Start: m.Start, End: m.End,
					})
				}
				out.Total++
				if len(doc.Date) >= 4 {
					// Documents come in date order, so years arrive in order.
					if n := len(out.Years); n > 0 && out.Years[n-1].Year == doc.Date[:4] {
						out.Years[n-1].Count++
					} else {
						out.Years = append(out.Years, YearCount{Year: doc.Date[:4], Count: 1})
					}
				}
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
// whitespace collapsed, and where the mention lies in it.
func sentence(body string, start, end int) (context string, markStart, markEnd int) {
	if start < 0 || end > len(body) || start > end {
		return "", 0, 0
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
	var b strings.Builder
	if start-from >= contextBytes {
		b.WriteString("…")
	}
	collapse(&b, body[from:start])
	markStart = b.Len()
	collapse(&b, body[start:end])
	markEnd = b.Len()
	collapse(&b, body[end:to])
	if to-end >= contextBytes && to < len(body) {
		b.WriteString("…")
	}
	return b.String(), markStart, markEnd
}

// collapse appends s to b with each run of white space made one space, and none
// at the very start.
func collapse(b *strings.Builder, s string) {
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	if space && b.Len() > 0 {
		b.WriteByte(' ')
	}
}
