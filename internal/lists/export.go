package lists

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"dossier/internal/entity"
)

// Format describes one export format: what the server puts in Content-Type and
// in the file name of Content-Disposition.
type Format struct {
	Name        string // as in ?format=
	ContentType string
	Ext         string // file-name extension, without the dot
}

// Formats lists the export formats in the order a page offers them.
var Formats = []Format{
	{"ris", "application/x-research-info-systems; charset=utf-8", "ris"},
	{"bibtex", "application/x-bibtex; charset=utf-8", "bib"},
	{"csljson", "application/vnd.citationstyles.csl+json; charset=utf-8", "json"},
	{"markdown", "text/markdown; charset=utf-8", "md"},
	{"csv", "text/csv; charset=utf-8", "csv"},
}

// FormatFor returns the format called name.
func FormatFor(name string) (Format, error) {
	for _, f := range Formats {
		if f.Name == name {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = f.Name
	}
	return Format{}, invalidf("unknown export format %.30q; formats are %s", name, strings.Join(names, ", "))
}

// Export renders l in the named format.
func Export(l List, format string) ([]byte, Format, error) {
	f, err := FormatFor(format)
	if err != nil {
		return nil, Format{}, err
	}
	switch f.Name {
	case "ris":
		return RIS(l), f, nil
	case "bibtex":
		return BibTeX(l), f, nil
	case "csljson":
		return CSLJSON(l), f, nil
	case "markdown":
		return Markdown(l), f, nil
	default:
		return CSV(l), f, nil
	}
}

// FileName is a safe file name for l's export in f: the list name in letters,
// digits and hyphens, then the extension.
func FileName(l List, f Format) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(l.Name) {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	name := strings.TrimRight(b.String(), "-")
	if len(name) > 60 {
		name = strings.TrimRight(name[:60], "-")
	}
	if name == "" {
		name = "list-" + l.ID
	}
	return name + "." + f.Ext
}

// labels returns the readable labels of ids of kind.
func labels(kind string, ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = entity.Label(kind, id)
	}
	return out
}

// keywords are an item's entities as readable labels: resolutions, then
// organizations, then countries, which is how researchers tag these documents.
func keywords(it Item) []string {
	var kw []string
	kw = append(kw, labels(entity.Resolution, it.Resolutions)...)
	kw = append(kw, labels(entity.Organization, it.Organizations)...)
	kw = append(kw, labels(entity.Country, it.Countries)...)
	return kw
}

var lineBreaks = regexp.MustCompile(`\s*[\r\n]+\s*`)

// oneLine joins the lines of s with spaces, for formats whose fields are one
// line each.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return strings.TrimSpace(s)
	}
	return strings.TrimSpace(lineBreaks.ReplaceAllString(s, " "))
}

// ---- RIS

// risType maps an item to an RIS reference type, chosen for how Zotero (and,
// with the same tags, Mendeley and EndNote) import it. RIS has no press
// release, so reports, press releases and meetings coverage are RPRT with the
// kind in M3, which Zotero reads as the report type. A statement or other
// document with a web address is ELEC (a web page; M3 is then its website
// type); without one it is GEN, the generic type. M3 is never written for GEN:
// Zotero imports GEN as a journal article and reads its M3 as a DOI.
func risType(it Item) string {
	switch {
	case isReport(it.Type):
		return "RPRT"
	case it.URL != "":
		return "ELEC"
	}
	return "GEN"
}

// isReport reports whether a document type is cited as a report: reports
// themselves, and the press releases and meetings coverage that citation
// managers have no type of their own for.
func isReport(typeID string) bool {
	switch typeID {
	case "report", "press-release", "meeting-coverage":
		return true
	}
	return false
}

// RIS renders l as RIS: one record per item, TY first and ER last, tags as
// "XX  - value" with CRLF line ends as the RIS specification has them. The
// issuing body is the author (AU, a single corporate name, which Zotero keeps
// whole when it has no comma; commas are dropped for that reason) and the
// publisher (PB, which Zotero reads as a report's institution). UR is the web
// address, L1 the file path (Zotero links it as an attachment), KW one entity
// label each, N1 the note on one line, ID "dossier:<doc id>" for readers that
// keep it.
func RIS(l List) []byte {
	var b bytes.Buffer
	tag := func(t, v string) {
		if v = oneLine(v); v != "" {
			fmt.Fprintf(&b, "%s  - %s\r\n", t, v)
		}
	}
	for _, it := range l.Items {
		ty := risType(it)
		tag("TY", ty)
		tag("ID", "dossier:"+it.DocID)
		tag("TI", displayTitle(it))
		body := strings.ReplaceAll(IssuingBody(it), ",", "")
		tag("AU", body)
		tag("PB", body)
		if ty != "GEN" {
			tag("M3", typeWord(it.Type))
		}
		if y, m, d := parseDate(it.Date); y != 0 {
			tag("PY", strconv.Itoa(y))
			tag("DA", risDate(y, m, d))
		}
		tag("UR", it.URL)
		tag("L1", it.Path)
		for _, k := range keywords(it) {
			tag("KW", k)
		}
		tag("N1", it.Note)
		b.WriteString("ER  - \r\n\r\n")
	}
	return b.Bytes()
}

// risDate is RIS's DA form, YYYY/MM/DD/, with empty parts left empty.
func risDate(y, m, d int) string {
	s := fmt.Sprintf("%04d/", y)
	if m > 0 {
		s += fmt.Sprintf("%02d", m)
	}
	s += "/"
	if d > 0 {
		s += fmt.Sprintf("%02d", d)
	}
	return s + "/"
}

// ---- BibTeX

var bibMonths = [...]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// BibTeX renders l as BibTeX. Reports, press releases and meetings coverage are
// @techreport (institution = the issuing body, type = "Press release" and so
// on, which standard styles print instead of "Technical report"); statements
// and others are @misc with howpublished. The author is the issuing body in
// double braces, so BibTeX treats it as one corporate name; the title is in
// double braces too, so styles keep the capitals of CTED and ISIL. Keys are
// body+year+first title word, made unique within the list. url is only a web
// address; the local path goes in file, which JabRef and Zotero read.
func BibTeX(l List) []byte {
	var b bytes.Buffer
	used := keySet{map[string]bool{}, map[string]int{}}
	for _, it := range l.Items {
		kind := "misc"
		if isReport(it.Type) {
			kind = "techreport"
		}
		fmt.Fprintf(&b, "@%s{%s,\n", kind, bibKey(it, used))
		field := func(name, v string) {
			if v != "" {
				fmt.Fprintf(&b, "  %s = {%s},\n", name, v)
			}
		}
		body := IssuingBody(it)
		field("title", "{"+bibEscape(oneLine(displayTitle(it)))+"}")
		field("author", "{"+bibEscape(body)+"}")
		if kind == "techreport" {
			field("institution", bibEscape(body))
			field("type", typeWord(it.Type))
		} else {
			field("howpublished", typeWord(it.Type))
		}
		if y, m, _ := parseDate(it.Date); y != 0 {
			field("year", strconv.Itoa(y))
			if m > 0 {
				// Month macros (jan, feb...) let each style spell the month.
				fmt.Fprintf(&b, "  month = %s,\n", bibMonths[m-1])
			}
			field("date", bibEscape(it.Date)) // biblatex reads the full date
		}
		field("url", bibURL(it.URL))
		field("file", bibEscape(it.Path))
		field("note", bibEscape(oneLine(it.Note)))
		field("keywords", bibEscape(strings.Join(keywords(it), ", ")))
		b.WriteString("}\n\n")
	}
	return b.Bytes()
}

// bibEscape makes text safe inside a braced BibTeX field. BibTeX counts braces
// even after a backslash, so "\{" would unbalance the field: braces and
// backslashes become text commands whose own braces balance. & % $ # _ get a
// backslash, ~ and ^ (active in TeX) become their text commands.
func bibEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '{':
			b.WriteString(`\textbraceleft{}`)
		case '}':
			b.WriteString(`\textbraceright{}`)
		case '\\':
			b.WriteString(`\textbackslash{}`)
		case '&', '%', '$', '#', '_':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '~':
			b.WriteString(`\textasciitilde{}`)
		case '^':
			b.WriteString(`\textasciicircum{}`)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// bibURL keeps a URL as written (url fields are verbatim for biblatex and the
// url package) except for what would break the field itself: braces,
// backslashes and spaces, which are percent-encoded.
func bibURL(u string) string { return bibURLReplacer.Replace(u) }

var bibURLReplacer = strings.NewReplacer("{", "%7B", "}", "%7D", `\`, "%5C", " ", "%20")

// keySet holds the keys given so far and, per base key, how many suffixes
// were tried, so a list of many similar items costs one step per item.
type keySet struct {
	used  map[string]bool
	tries map[string]int
}

// bibKey returns a citation key such as cted2019kyrgyzstan: ASCII letters and
// digits only, unique among used.
func bibKey(it Item, used keySet) string {
	alnum := func(s string, max int) string {
		var b strings.Builder
		for _, r := range strings.ToLower(s) {
			if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
				b.WriteRune(r)
				if b.Len() == max {
					break
				}
			}
		}
		return b.String()
	}
	who := "un"
	if len(it.Organizations) > 0 {
		who = alnum(it.Organizations[0], 12)
	}
	year := ""
	if y, _, _ := parseDate(it.Date); y != 0 {
		year = strconv.Itoa(y)
	}
	word := ""
	for _, w := range strings.Fields(displayTitle(it)) {
		// Skip short words, stop words and the body's own acronym ("CTED
		// concludes..." gives cted2019concludes, not cted2019cted).
		if w = alnum(w, 20); len(w) > 3 && !stopWords[w] && w != who {
			word = w
			break
		}
	}
	key := who + year + word
	if key == "" || key == who {
		key = who + alnum(it.DocID, 16)
	}
	// Repeats get b, c, ... z, then a number, as BibTeX users expect
	// (cted2019a is never written: the first keeps the bare key).
	base := key
	for used.used[key] {
		n := used.tries[base]
		used.tries[base]++
		if n < 25 {
			key = base + string(rune('b'+n))
		} else {
			key = base + strconv.Itoa(n-23)
		}
	}
	used.used[key] = true
	return key
}

var stopWords = map[string]bool{"with": true, "from": true, "into": true, "that": true, "this": true, "their": true, "under": true}

// ---- CSL-JSON

// cslItem is one CSL-JSON item as Dossier writes it. Zotero and Mendeley read
// the standard fields; custom holds what a re-import needs exactly (the CSL
// 1.0.2 schema's place for application data, which citation managers keep or
// ignore).
type cslItem struct {
	ID              string     `json:"id"`
	Type            string     `json:"type"`
	Title           string     `json:"title"`
	Genre           string     `json:"genre,omitempty"`
	Author          []cslName  `json:"author,omitempty"`
	Publisher       string     `json:"publisher,omitempty"`
	Issued          *cslDate   `json:"issued,omitempty"`
	URL             string     `json:"URL,omitempty"`
	ArchiveLocation string     `json:"archive_location,omitempty"`
	Note            string     `json:"note,omitempty"`
	Keyword         string     `json:"keyword,omitempty"`
	Custom          *cslCustom `json:"custom,omitempty"`
}

type cslName struct {
	Literal string `json:"literal"`
}

type cslDate struct {
	DateParts [][]int `json:"date-parts"`
}

type cslCustom struct {
	DocID         string   `json:"dossier_doc_id"`
	Path          string   `json:"path,omitempty"`
	Date          string   `json:"date,omitempty"`
	Type          string   `json:"type,omitempty"`
	Added         string   `json:"added,omitempty"`
	Organizations []string `json:"organizations,omitempty"`
	Resolutions   []string `json:"resolutions,omitempty"`
	Countries     []string `json:"countries,omitempty"`
}

// cslType maps a document type to a CSL type: CSL has no press release, so
// press releases and meetings coverage are reports whose genre says so (as
// Zotero stores them); statements and others are "document".
func cslType(typeID string) string {
	if isReport(typeID) {
		return "report"
	}
	return "document"
}

// CSLJSON renders l as a CSL-JSON array, indented. Each item's id is
// "dossier:<doc id>"; the issuing body is the author (a literal name) and the
// publisher; the path is archive_location ("Loc. in Archive" in Zotero).
func CSLJSON(l List) []byte {
	out := make([]cslItem, 0, len(l.Items))
	for _, it := range l.Items {
		body := IssuingBody(it)
		c := cslItem{
			ID:              "dossier:" + it.DocID,
			Type:            cslType(it.Type),
			Title:           displayTitle(it),
			Genre:           typeWord(it.Type),
			Author:          []cslName{{body}},
			Publisher:       body,
			URL:             it.URL,
			ArchiveLocation: it.Path,
			Note:            it.Note,
			Keyword:         strings.Join(keywords(it), ", "),
			Custom: &cslCustom{
				DocID: it.DocID, Path: it.Path, Date: it.Date, Type: it.Type,
				Organizations: it.Organizations, Resolutions: it.Resolutions, Countries: it.Countries,
			},
		}
		if !it.Added.IsZero() {
			c.Custom.Added = it.Added.UTC().Format("2006-01-02T15:04:05Z07:00")
		}
		if y, m, d := parseDate(it.Date); y != 0 {
			parts := []int{y}
			if m > 0 {
				parts = append(parts, m)
				if d > 0 {
					parts = append(parts, d)
				}
			}
			c.Issued = &cslDate{DateParts: [][]int{parts}}
		}
		out = append(out, c)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // "&" stays "&" for people reading the file
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		// Only strings, ints and slices of them: encoding cannot fail.
		panic(fmt.Sprintf("lists: encode CSL-JSON: %v", err))
	}
	return b.Bytes()
}

// ---- Markdown

// Markdown renders l as a Markdown document: the name as a heading, the
// description, then a numbered list of UN-style citations, each with its note
// indented beneath it so it stays inside the list item.
func Markdown(l List) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s\n\n", mdEscape(oneLine(l.Name)))
	if d := strings.TrimSpace(l.Description); d != "" {
		for _, line := range strings.Split(d, "\n") {
			b.WriteString(mdEscape(strings.TrimRight(line, " \r")) + "\n")
		}
		b.WriteString("\n")
	}
	if len(l.Items) == 0 {
		b.WriteString("_This list is empty._\n")
		return b.Bytes()
	}
	for i, it := range l.Items {
		// The URL is added here as an autolink rather than escaped inside the
		// text, where a backslash before "_" would end up in the link.
		bare := it
		bare.URL = ""
		c, _ := Cite(bare, StyleUN) // StyleUN is known: no error
		c = mdEscape(oneLine(c))
		if it.URL != "" {
			c += ". Available from <" + autolinkReplacer.Replace(it.URL) + ">"
		}
		marker := fmt.Sprintf("%d. ", i+1)
		b.WriteString(marker + c + "\n")
		// A note belongs to its item when indented to the item's text: three
		// spaces under "1. ", four under "10. ".
		indent := strings.Repeat(" ", len(marker))
		if note := strings.TrimSpace(it.Note); note != "" {
			b.WriteString("\n")
			for j, line := range strings.Split(note, "\n") {
				line = strings.TrimRight(line, " \r")
				switch {
				case line == "":
					b.WriteString("\n")
				case j == 0:
					b.WriteString(indent + "Note: " + mdEscape(line) + "\n")
				default:
					b.WriteString(indent + mdEscape(line) + "\n")
				}
			}
		}
		// A blank line after every item makes one loose list, whether or not
		// items have notes.
		b.WriteString("\n")
	}
	return b.Bytes()
}

// mdEscape backslash-escapes the characters that would make text into
// Markdown or HTML (emphasis, links, code, tags, entities, headings, table
// cells), so a
// title reads as written and cannot inject markup. Where a line starts with
// "1." or "-" the marker is escaped too, so a note cannot start a new list.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>#|!~&", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	out := b.String()
	if m := listMarker.FindStringIndex(out); m != nil {
		out = out[:m[1]-1] + `\` + out[m[1]-1:]
	}
	return out
}

var autolinkReplacer = strings.NewReplacer("<", "%3C", ">", "%3E")

var listMarker = regexp.MustCompile(`^(\d+[.)]|[-+=])`)

// ---- CSV

// CSVHeader is the first row of the CSV export.
var CSVHeader = []string{"title", "date", "type", "issuing_body", "path", "resolutions", "organizations", "countries", "note", "added"}

// CSV renders l as CSV (RFC 4180, CRLF), one row per item after CSVHeader.
// Entity columns hold canonical ids separated by "; " (no canonical id holds a
// semicolon, and spreadsheets split on it easily); type is the readable label;
// added is RFC 3339 in UTC. A cell a spreadsheet would run as a formula (starting with = + - @, tab or
// carriage return) gets a leading single quote.
func CSV(l List) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	_ = w.Write(CSVHeader) // a bytes.Buffer does not fail
	for _, it := range l.Items {
		added := ""
		if !it.Added.IsZero() {
			added = it.Added.UTC().Format("2006-01-02T15:04:05Z07:00")
		}
		typ := ""
		if it.Type != "" {
			typ = entity.TypeLabel(it.Type)
		}
		row := []string{
			displayTitle(it), it.Date, typ, IssuingBody(it), it.Path,
			strings.Join(it.Resolutions, "; "), strings.Join(it.Organizations, "; "),
			strings.Join(it.Countries, "; "), it.Note, added,
		}
		for i := range row {
			row[i] = csvSafe(row[i])
		}
		_ = w.Write(row)
	}
	w.Flush()
	return b.Bytes()
}

// csvSafe defuses formula injection (OWASP's advice): a spreadsheet runs a cell
// starting with = + - @ (or a tab or CR that hides one) as a formula, so such a
// cell is prefixed with a single quote, which spreadsheets show as text.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
