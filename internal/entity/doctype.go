package entity

import (
	"regexp"
	"strings"
)

// The document types. The UN's own pages say what they are in their title or
// first lines ("Press Release", "Report of the Secretary-General", "Statement
// by the President", "Meetings Coverage"); DocType reads those signs.
const (
	TypePressRelease    = "press-release"
	TypeReport          = "report"
	TypeStatement       = "statement"
	TypeMeetingCoverage = "meeting-coverage"
	TypeOther           = "other"
)

// Types lists the type ids in the order facets show them.
var Types = []string{TypePressRelease, TypeReport, TypeStatement, TypeMeetingCoverage, TypeOther}

var typeLabels = map[string]string{
	TypePressRelease:    "Press release",
	TypeReport:          "Report",
	TypeStatement:       "Statement",
	TypeMeetingCoverage: "Meeting coverage",
	TypeOther:           "Other",
}

// TypeLabel returns the readable label of a type id ("Press release"); an
// unknown id is returned as it is.
func TypeLabel(id string) string {
	if l, ok := typeLabels[id]; ok {
		return l
	}
	return id
}

var (
	// A UN press release number: SC/14040, SG/SM/19876, GA/12345, PI/1234.
	rePressNumber = regexp.MustCompile(`\b(?:SC|SG/SM|SG/2|GA|PI|DEV|ECOSOC|HR|L|SOC|SAG)/\d{3,5}\b`)
	// A meeting: "8560th meeting", "(AM)"/"(PM)" after a press number.
	reMeeting = regexp.MustCompile(`(?i)\b\d{3,5}(?:st|nd|rd|th) meeting\b|\((?:AM|PM)\)`)
	// A dateline: "NAIROBI, 22 November 2007 -", "New York, 14 September 2005".
	reDateline = regexp.MustCompile(`(?m)^\s*[A-Z][A-Za-z .'’-]{1,40}, \d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\b`)
	// A page that calls itself a report: "Report", "Annual report 2021",
	// "Short report: ...", but not "... reports on ...".
	reReportLabel = regexp.MustCompile(`(?m)^\s*report\b|\s[-–—]\s+report\b|\breport(?: \d{4})?\s*$|\breport:|\breport to the\b`)
	// The furniture of a report: numbered sections, a summary, a note on
	// who it was prepared for.
	reReportShape = regexp.MustCompile(`(?im)^\s*(?:I\.\s+introduction|executive summary|summary of findings|table of contents|contents)\s*$|\bprepared for the\b|^\s*(?:regional|global|thematic|annual|subregional)\s+(?:review|survey|report|assessment)\b`)
	// A report's symbol: S/2019/123, A/74/677.
	reReportSymbol = regexp.MustCompile(`\b(?:S/\d{4}/\d{1,4}|A/\d{2}/\d{1,4})\b`)
	// A news headline: an organization or person, then a verb in the present.
	reHeadline = regexp.MustCompile(`^\S+(?:\s+\S+){0,6}?\s+(?:conduct|conclude|hold|host|visit|welcome|launch|condemn|call|urge|support|sign|organi[sz]e|co-organi[sz]e|convene|brief|meet|participate|announce|release|publish|adopt|discuss|engage|partner|train|complete|renew|present|mark|bring|weigh|review|compare|agree|look|focus|tighten|endorse|extend|split|help|examine|establish|expand|gather|share|explore|assess|address|highlight|stress|open|close|elect|appoint|approve|issue|warn|strengthen|reaffirm|deliver|hand|join|step|urge|set)(?:s|es)?\b`)
	// A kicker line over a meeting's coverage: "Special meeting · 1 December
	// 2016", "Open briefing".
	reMeetingKicker = regexp.MustCompile(`(?im)^[^\n]{0,25}\b(?:meeting|briefing|debate)\b[^\n]{0,30}$`)
)

// DocType returns the type id of a document from its title and first
// paragraphs: "press-release", "report", "statement", "meeting-coverage" or
// "other". What a page says it is in its title or its first lines (the kicker
// above or below the dateline: "Press release", "Meeting summary", "Press
// statement") decides first; then the signs in its first paragraphs; then the
// shape of a news item (a press number, a dateline, a headline verb).
func DocType(title, body string) string {
	t := strings.ToLower(title)
	t = strings.ReplaceAll(t, "meetings coverage and press releases", "")
	if k := typeByLabel(t); k != "" {
		return k
	}
	lead := strings.ToLower(prefix(body, 300))
	lead = strings.ReplaceAll(lead, "meetings coverage and press releases", "")
	if k := typeByLabel(lead); k != "" {
		return k
	}
	if reMeetingKicker.MatchString(strings.Replace(prefix(body, 300), title, "", 1)) {
		return TypeMeetingCoverage
	}
	head := prefix(body, 1500)
	h := strings.ToLower(head)
	// The UN press site prints "Meetings Coverage and Press Releases" on every
	// page; that banner says nothing about the page.
	h = strings.ReplaceAll(h, "meetings coverage and press releases", "")
	switch {
	case reMeeting.MatchString(head) && rePressNumber.MatchString(head):
		return TypeMeetingCoverage
	case strings.Contains(h, "statement by the president") || strings.Contains(h, "press statement"):
		return TypeStatement
	case rePressNumber.MatchString(head) || reDateline.MatchString(prefix(body, 300)):
		return TypePressRelease
	case strings.Contains(h, "report of the") || reReportSymbol.MatchString(head) && strings.Contains(h, "report"):
		return TypeReport
	case strings.Contains(t, "statement"):
		return TypeStatement
	case reReportShape.MatchString(head):
		return TypeReport
	case reHeadline.MatchString(title):
		return TypePressRelease
	}
	return TypeOther
}

// typeByLabel reads the label a page gives itself in s (its title or first
// lines), or "".
func typeByLabel(s string) string {
	lineStarts := func(w string) bool {
		for _, l := range strings.Split(s, "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), w) {
				return true
			}
		}
		return false
	}
	switch {
	case strings.Contains(s, "meetings coverage") || strings.Contains(s, "meeting coverage") ||
		strings.Contains(s, "meeting summary") || strings.Contains(s, "summary of the meeting"):
		return TypeMeetingCoverage
	case strings.Contains(s, "press statement") || strings.Contains(s, "statement to the press") ||
		strings.Contains(s, "statement by") || strings.Contains(s, "statement of the") ||
		strings.Contains(s, "presidential statement") || lineStarts("statement"):
		return TypeStatement
	case strings.Contains(s, "press release"):
		return TypePressRelease
	case strings.Contains(s, "report of") || reReportLabel.MatchString(s) || strings.Contains(s, "short report") || strings.Contains(s, "annual report") ||
		strings.Contains(s, "summary of a working group report"):
		return TypeReport
	}
	return ""
}

// prefix returns at most n bytes of s, cut on a rune boundary.
func prefix(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && s[len(s)-1]&0xC0 == 0x80 {
		s = s[:len(s)-1]
	}
	if len(s) > 0 && s[len(s)-1] >= 0xC0 {
		s = s[:len(s)-1]
	}
	return s
}
