package lists

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"dossier/internal/entity"
	"dossier/internal/search"
)

// Citation styles.
const (
	StyleOSCOLA   = "oscola"
	StyleBluebook = "bluebook"
	StyleUN       = "un"
)

// Styles lists the citation styles, in the order a page offers them.
var Styles = []string{StyleUN, StyleOSCOLA, StyleBluebook}

// The forms, and why. Citations carry no closing full stop: they are pasted
// into footnotes and sentences, where the writer adds the punctuation.
//
// Documents. Dossier's documents are press releases, meetings coverage,
// statements and reports published on the web, mostly without a UN document
// symbol, so the forms are those for such material; the issuing body (the
// first organization the document mentions, else "United Nations") is the
// author. Where there is a web address it is given; a local file path is not
// (it means nothing to a reader; exports keep it).
//
//   - UN (the UN Editorial Manual's practice for references): body, "title",
//     kind in lower case, day month year, then "Available from <URL>":
//     CTED, "Title", press release, 3 December 2019. Available from https://...
//   - OSCOLA 4th ed. (its forms for UN documents and for web sources): body,
//     'title' in single quotes, then in parentheses the kind and the date,
//     then the URL in angle brackets:
//     CTED, 'Title' (Press release, 3 December 2019) <https://...>
//     OSCOLA adds "accessed <date>"; Dossier does not know when the reader
//     last looked, so it leaves that to them.
//   - Bluebook 21st ed. (its press-release form, United Nations materials in
//     rule 21.7, internet sources in rule 18.2): "Press Release," before the
//     body for press releases and meetings coverage, abbreviated months, the
//     date in parentheses, the URL after a comma:
//     Press Release, CTED, Title (Dec. 3, 2019), https://...
//     Bluebook sets the title in italics; these are plain text.
//
// Resolutions. Only the canonical id is known: the number and, for the
// Security Council, the year; the exact adoption date is not, so it is left out
// rather than guessed.
//
//   - UN: "Security Council resolution 1373 (2001), S/RES/1373 (2001)" and
//     "General Assembly resolution 60/288, A/RES/60/288": UN texts cite
//     Assembly resolutions by session and number, without a year.
//   - OSCOLA 4th ed. ("UNSC Res 1373 (28 September 2001) UN Doc
//     S/RES/1373"), with the year in place of the full date:
//     "UNSC Res 1373 (2001) UN Doc S/RES/1373"; "UNGA Res 60/288 UN Doc
//     A/RES/60/288".
//   - Bluebook 21st ed. rule 21.7 ("S.C. Res. 1373, U.N. Doc. S/RES/1373 (Sept. 28,
//     2001)"), with the year alone: "S.C. Res. 1373, U.N. Doc. S/RES/1373
//     (2001)"; "G.A. Res. 60/288, U.N. Doc. A/RES/60/288".
//
// General Assembly years: the id gives the session, not the year. Session n
// opens in September of 1945+n and runs into the next year (60/288 is of 8
// September 2006, in the sixtieth session, which opened in 2005), so 1945+n is
// wrong for every resolution adopted after New Year; a wrong year in a legal
// citation is worse than none, so none is given until a table of adoption dates
// exists.

// Cite returns a citation of a list item's document in style.
func Cite(it Item, style string) (string, error) {
	title := displayTitle(it)
	body := IssuingBody(it)
	kind := typeWord(it.Type)
	y, m, d := parseDate(it.Date)
	switch style {
	case StyleUN:
		parts := []string{body, `"` + title + `"`}
		if kind != "" {
			parts = append(parts, strings.ToLower(kind))
		}
		if date := dayMonthYear(y, m, d); date != "" {
			parts = append(parts, date)
		}
		c := strings.Join(parts, ", ")
		if it.URL != "" {
			c += ". Available from " + it.URL
		}
		return c, nil
	case StyleOSCOLA:
		c := body + ", '" + title + "'"
		var paren []string
		if kind != "" {
			paren = append(paren, kind)
		}
		if date := dayMonthYear(y, m, d); date != "" {
			paren = append(paren, date)
		}
		if len(paren) > 0 {
			c += " (" + strings.Join(paren, ", ") + ")"
		}
		if it.URL != "" {
			c += " <" + it.URL + ">"
		}
		return c, nil
	case StyleBluebook:
		c := body + ", " + title
		if it.Type == "press-release" || it.Type == "meeting-coverage" {
			c = "Press Release, " + c
		}
		if date := bluebookDate(y, m, d); date != "" {
			c += " (" + date + ")"
		}
		if it.URL != "" {
			c += ", " + it.URL
		}
		return c, nil
	}
	return "", unknownStyle(style)
}

// CiteDocument returns a citation of a document in style.
func CiteDocument(doc *search.Document, style string) (string, error) {
	if doc == nil {
		return "", invalidf("no document given")
	}
	return Cite(ItemFor(doc), style)
}

var (
	scRes = regexp.MustCompile(`^S/RES/(\d{1,5}) ?\((\d{4})\)$`)
	gaRes = regexp.MustCompile(`^A/RES/(\d{1,3})/(\d{1,4})$`)
)

// CiteResolution returns a citation of a resolution in style. id is canonical
// ("S/RES/1373 (2001)", "A/RES/60/288"), or as a person types it when the
// entity package can make it canonical.
func CiteResolution(id, style string) (string, error) {
	canon := strings.TrimSpace(id)
	if !scRes.MatchString(canon) && !gaRes.MatchString(canon) {
		if c, ok := entity.Canonical(entity.Resolution, canon); ok {
			canon = c
		}
	}
	if m := scRes.FindStringSubmatch(canon); m != nil {
		n, year := m[1], m[2]
		switch style {
		case StyleUN:
			return fmt.Sprintf("Security Council resolution %s (%s), S/RES/%s (%s)", n, year, n, year), nil
		case StyleOSCOLA:
			return fmt.Sprintf("UNSC Res %s (%s) UN Doc S/RES/%s", n, year, n), nil
		case StyleBluebook:
			return fmt.Sprintf("S.C. Res. %s, U.N. Doc. S/RES/%s (%s)", n, n, year), nil
		}
		return "", unknownStyle(style)
	}
	if m := gaRes.FindStringSubmatch(canon); m != nil {
		num := m[1] + "/" + m[2]
		switch style {
		case StyleUN:
			return fmt.Sprintf("General Assembly resolution %s, A/RES/%s", num, num), nil
		case StyleOSCOLA:
			return fmt.Sprintf("UNGA Res %s UN Doc A/RES/%s", num, num), nil
		case StyleBluebook:
			return fmt.Sprintf("G.A. Res. %s, U.N. Doc. A/RES/%s", num, num), nil
		}
		return "", unknownStyle(style)
	}
	return "", invalidf("%.60q is not a resolution id; use S/RES/<n> (<year>) or A/RES/<session>/<n>", id)
}

func unknownStyle(style string) error {
	return invalidf("unknown citation style %.30q; styles are %s", style, strings.Join(Styles, ", "))
}

// IssuingBody names who issued the document: the first organization it
// mentions, which on a UN page is the body whose page it is, or "United Nations"
// when it mentions none (the United Nations as a whole is never an
// organization entity, so a document that names no body is the Organization's).
func IssuingBody(it Item) string {
	if len(it.Organizations) > 0 {
		return entity.Label(entity.Organization, it.Organizations[0])
	}
	return "United Nations"
}

// typeWord is the kind of document as a citation names it, capitalised; ""
// when the type says nothing a reader needs.
func typeWord(typeID string) string {
	switch typeID {
	case "press-release":
		return "Press release"
	case "report":
		return "Report"
	case "statement":
		return "Statement"
	case "meeting-coverage":
		return "Meetings coverage"
	}
	return ""
}

var months = [...]string{"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"}

// bluebookMonths are the abbreviations of Bluebook table T12.
var bluebookMonths = [...]string{"Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July",
	"Aug.", "Sept.", "Oct.", "Nov.", "Dec."}

// parseDate reads an ISO 8601 date at year, month or day precision; the parts
// not given (or not valid) are 0. An interval is read by its start.
func parseDate(s string) (y, m, d int) {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "/")
	parts := strings.Split(s, "-")
	if len(parts) > 3 || len(parts[0]) != 4 {
		return 0, 0, 0
	}
	nums := make([]int, 3)
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || (i > 0 && len(p) != 2) {
			return 0, 0, 0
		}
		nums[i] = n
	}
	y, m, d = nums[0], nums[1], nums[2]
	if y == 0 || m > 12 || d > 31 || (m == 0 && d != 0) {
		return 0, 0, 0
	}
	return y, m, d
}

func dayMonthYear(y, m, d int) string {
	switch {
	case y == 0:
		return ""
	case m == 0:
		return strconv.Itoa(y)
	case d == 0:
		return fmt.Sprintf("%s %d", months[m-1], y)
	}
	return fmt.Sprintf("%d %s %d", d, months[m-1], y)
}

func bluebookDate(y, m, d int) string {
	switch {
	case y == 0:
		return ""
	case m == 0:
		return strconv.Itoa(y)
	case d == 0:
		return fmt.Sprintf("%s %d", bluebookMonths[m-1], y)
	}
	return fmt.Sprintf("%s %d, %d", bluebookMonths[m-1], d, y)
}
