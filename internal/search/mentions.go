package search

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"unicode"

	"dossier/internal/entity"
)

// loadChunk is how many documents Mentions reads from the index at a time.
const loadChunk = 500

// Mentions lists every mention of one entity across the collection, in document
// date order (undated documents last), then by position in the document. The id
// may be canonical or as a person types it. The mentions table says where the
// mentions are; only the documents on the page asked for are read, for the
// sentences around them.
func (ix *Index) Mentions(ctx context.Context, req MentionsRequest) (*MentionsResult, error) {
	if _, ok := entityField[req.Kind]; !ok {
		return nil, fmt.Errorf("%w: unknown entity kind %q (kinds: %s)", ErrBadQuery, req.Kind, strings.Join(entity.Kinds, ", "))
	}
	if strings.TrimSpace(req.ID) == "" {
		return nil, fmt.Errorf("%w: an entity id is needed", ErrBadQuery)
	}
	if err := ix.mentionsError(); err != nil {
		return nil, err
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
	first, last := (page-1)*size, page*size
	if req.All {
		first, last = 0, math.MaxInt
	}

	stats, docs, err := ix.mentions.lookup(req.Kind, id, first, last)
	if err != nil {
		return nil, fmt.Errorf("mentions of %s %s: %w", req.Kind, id, err)
	}
	out := &MentionsResult{
		Entity:    Entity{Kind: req.Kind, ID: id, Label: entity.Label(req.Kind, id)},
		Total:     stats.mentions,
		Documents: stats.documents,
		Years:     []YearCount{},
		Mentions:  []Mention{},
	}
	for _, y := range slices.Sorted(maps.Keys(stats.years)) {
		out.Years = append(out.Years, YearCount{Year: y, Count: stats.years[y]})
	}
	for chunk := range slices.Chunk(docs, loadChunk) {
		loaded, err := ix.documentsByID(ctx, chunk)
		if err != nil {
			return nil, fmt.Errorf("mentions of %s %s: %w", req.Kind, id, err)
		}
		for _, d := range chunk {
			doc, ok := loaded[d.id]
			if !ok {
				return nil, fmt.Errorf("mentions of %s %s: %w: document %s is in the mentions table but not in the index", req.Kind, id, ErrCorrupt, d.id)
			}
			for _, sp := range d.spans {
				context, ms, me := sentence(doc.Body, sp.start, sp.end)
				out.Mentions = append(out.Mentions, Mention{
					DocID: doc.ID, Title: doc.Title, Date: doc.Date,
					Context: context, MarkStart: ms, MarkEnd: me,
					Start: sp.start, End: sp.end,
				})
			}
		}
	}
	return out, nil
}

// documentsByID reads the title, date and body of the documents named.
func (ix *Index) documentsByID(ctx context.Context, docs []docSpans) (map[string]*Document, error) {
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.id
	}
	hits, err := ix.storedByID(ctx, ids, []string{fieldTitle, fieldDateText, fieldBody})
	if err != nil {
		return nil, err
	}
	out := make(map[string]*Document, len(hits))
	for id, h := range hits {
		out[id] = &Document{ID: id, Title: str(h.Fields[fieldTitle]), Date: str(h.Fields[fieldDateText]), Body: str(h.Fields[fieldBody])}
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
