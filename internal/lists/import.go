package lists

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// maxImport bounds the bytes ImportCSLJSON reads: far above any real list
// (MaxItems items of a few kilobytes), far below what would hurt the server.
const maxImport = 32 << 20

// ImportCSLJSON reads a list back from its CSL-JSON export (see CSLJSON). An
// item maps back to a document through its custom.dossier_doc_id, else its id
// "dossier:<doc id>", and keeps its path (custom.path, else archive_location)
// so Store.Relink can find the document if its id has changed since. Items
// that name no Dossier document (added in a citation manager, say) or that
// would not pass the store's checks are skipped and counted; a repeated
// document is kept once. The list's name is not in CSL-JSON (an export is a
// bare array of items), so the caller supplies it to Store.Import.
//
// Citation managers rewrite files they export, so the reader is lenient about
// everything but the shape: numbers where strings were, unknown fields, a
// single item instead of an array.
func ImportCSLJSON(r io.Reader) (items []Item, skipped int, err error) {
	data, err := io.ReadAll(io.LimitReader(r, maxImport+1))
	if err != nil {
		return nil, 0, fmt.Errorf("read CSL-JSON: %w", err)
	}
	if len(data) > maxImport {
		return nil, 0, invalidf("CSL-JSON is larger than %d MiB", maxImport>>20)
	}
	data = bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	var raw []map[string]json.RawMessage
	if len(data) > 0 && data[0] == '{' {
		var one map[string]json.RawMessage
		if err := json.Unmarshal(data, &one); err != nil {
			return nil, 0, invalidf("CSL-JSON is not valid JSON: %v", err)
		}
		raw = append(raw, one)
	} else if err := json.Unmarshal(data, &raw); err != nil {
		return nil, 0, invalidf("CSL-JSON is not an array of items: %v", err)
	}
	if len(raw) > MaxItems {
		return nil, 0, invalidf("CSL-JSON holds %d items; a list holds at most %d", len(raw), MaxItems)
	}
	items = []Item{}
	seen := map[string]bool{}
	for _, fields := range raw {
		it, ok := cslToItem(fields)
		if !ok || validItem(it) != nil || seen[it.DocID] {
			skipped++
			continue
		}
		seen[it.DocID] = true
		items = append(items, it)
	}
	return items, skipped, nil
}

func cslToItem(f map[string]json.RawMessage) (Item, bool) {
	var c cslCustom
	if raw, ok := f["custom"]; ok {
		c = lenientCustom(raw)
	}
	it := Item{
		DocID:         c.DocID,
		Title:         str(f["title"]),
		Note:          str(f["note"]),
		Path:          c.Path,
		Date:          c.Date,
		Type:          c.Type,
		Organizations: c.Organizations,
		Resolutions:   c.Resolutions,
		Countries:     c.Countries,
	}
	if it.DocID == "" {
		id, ok := strings.CutPrefix(str(f["id"]), "dossier:")
		if !ok || id == "" {
			return Item{}, false
		}
		it.DocID = id
	}
	if it.Path == "" {
		it.Path = str(f["archive_location"])
	}
	if u := str(f["URL"]); isWebURL(u) {
		it.URL = u
	}
	if it.Date == "" {
		it.Date = issuedDate(f["issued"])
	}
	if it.Type == "" {
		it.Type = typeFromGenre(str(f["genre"]))
	}
	if t, err := time.Parse(time.RFC3339, c.Added); err == nil {
		it.Added = t.UTC()
	}
	return it, true
}

// lenientCustom reads the fields of custom one by one, so that a citation
// manager's own data there, or a field of an unexpected type, costs only that
// field.
func lenientCustom(raw json.RawMessage) cslCustom {
	var f map[string]json.RawMessage
	if json.Unmarshal(raw, &f) != nil {
		return cslCustom{}
	}
	strs := func(raw json.RawMessage) []string {
		var out []string
		if json.Unmarshal(raw, &out) != nil {
			return nil
		}
		var clean []string
		for _, s := range out {
			if s = strings.TrimSpace(s); s != "" && len(s) <= maxField {
				clean = appendNew(clean, s)
			}
		}
		return clean
	}
	return cslCustom{
		DocID:         str(f["dossier_doc_id"]),
		Path:          str(f["path"]),
		Date:          str(f["date"]),
		Type:          str(f["type"]),
		Added:         str(f["added"]),
		Organizations: strs(f["organizations"]),
		Resolutions:   strs(f["resolutions"]),
		Countries:     strs(f["countries"]),
	}
}

// str returns a JSON string's value, or "" for anything else.
func str(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return strings.TrimSpace(s)
}

// issuedDate turns CSL date-parts back into an ISO date at their precision.
func issuedDate(raw json.RawMessage) string {
	var d struct {
		DateParts [][]json.Number `json:"date-parts"`
	}
	if json.Unmarshal(raw, &d) != nil || len(d.DateParts) == 0 || len(d.DateParts[0]) == 0 {
		return ""
	}
	var p [3]int
	for i, n := range d.DateParts[0] {
		if i == 3 {
			break
		}
		v, err := n.Int64()
		if err != nil || v < 0 || v > 9999 {
			return ""
		}
		p[i] = int(v)
	}
	var s string
	switch {
	case p[0] < 1 || p[1] > 12 || p[2] > 31:
		return ""
	case p[1] == 0:
		s = fmt.Sprintf("%04d", p[0])
	case p[2] == 0:
		s = fmt.Sprintf("%04d-%02d", p[0], p[1])
	default:
		s = fmt.Sprintf("%04d-%02d-%02d", p[0], p[1], p[2])
	}
	return s
}

func typeFromGenre(genre string) string {
	for _, id := range []string{"press-release", "report", "statement", "meeting-coverage"} {
		if strings.EqualFold(genre, typeWord(id)) {
			return id
		}
	}
	return ""
}
