package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"

	"dossier/internal/search"
)

// maxCSVMentions bounds one CSV export. The mentions of one entity in a
// researcher's collection run to thousands at most; the bound only stops a
// runaway index from filling memory.
const maxCSVMentions = 200_000

// csvHeader is the first row of the mentions CSV.
var csvHeader = []string{"doc_id", "title", "date", "context", "start", "end"}

// allMentions reads every mention of one entity in one answer; req's page and
// size are ignored: an export is the whole list.
func allMentions(ctx context.Context, s Searcher, req search.MentionsRequest) (*search.MentionsResult, error) {
	req.All = true
	res, err := s.Mentions(ctx, req)
	if err != nil {
		return nil, err
	}
	if len(res.Mentions) > maxCSVMentions {
		return nil, fmt.Errorf("mentions of %s %s: more than %d, too many to export", req.Kind, req.ID, maxCSVMentions)
	}
	return res, nil
}

// writeMentionsCSV writes mentions as CSV with csvHeader. Every text cell is
// guarded against formula injection: a spreadsheet would run a cell starting
// with = + - @ (or a tab or carriage return before one) as a formula, and
// document titles and sentences come from crawled files.
func writeMentionsCSV(ms []search.Mention) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(csvHeader); err != nil {
		return nil, err
	}
	for _, m := range ms {
		row := []string{
			csvCell(m.DocID), csvCell(m.Title), csvCell(m.Date), csvCell(m.Context),
			strconv.Itoa(m.Start), strconv.Itoa(m.End),
		}
		if err := w.Write(row); err != nil {
			return nil, err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// csvCell neutralises a cell a spreadsheet would read as a formula by putting
// an apostrophe before it (OWASP's advice; the apostrophe does not show in
// the spreadsheet).
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// csvFileName is the download name of an entity's mentions: the kind and id
// with everything but letters, digits and dashes turned into single dashes
// ("mentions-resolution-S-RES-1373-2001.csv").
func csvFileName(kind, id string) string {
	var b strings.Builder
	dash := false
	for _, r := range "mentions-" + kind + "-" + id {
		ok := r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
		if !ok {
			dash = b.Len() > 0
			continue
		}
		if dash {
			b.WriteByte('-')
			dash = false
		}
		b.WriteRune(r)
	}
	return b.String() + ".csv"
}
