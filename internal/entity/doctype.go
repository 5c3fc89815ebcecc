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
	// A report's symbol: S/2019/123, A/74/677.
	reReportSymbol = regexp.MustCompile(`\b(?:S/\d{4}/\d{1,4}|A/\d{2}/\d{1,4})\b`)
	// A news headline: an organization or person, then a verb in the present.
	reHeadline = regexp.MustCompile(`^\S+(?:\s+\S+){0,5}?\s+(?:conducts|concludes|holds|hosts|visits|welcomes|launches|condemns|calls|urges|supports|signs|organizes|organises|convenes|briefs|meets|participates|co-organizes|announces|releases|publishes|adopts|discusses|engages|partners|trains|completes|renews|presents|marks)\b`)
)

// DocType returns the type id of a document from its title and first
// paragraphs: "press-release", "report", "statement", "meeting-coverage" or
// "other".
func DocType(title, body string) string {
	head := body
	if len(head) > 1500 {
		head = head[:1500]
		for len(head) > 0 && head[len(head)-1]&0xC0 == 0x80 {
			head = head[:len(head)-1]
		}
	}
	t := strings.ToLower(title)
	h := strings.ToLower(head)
	// The UN press site prints "Meetings Coverage and Press Releases" on every
	// page; that banner says nothing about the page.
	h = strings.ReplaceAll(h, "meetings coverage and press releases", "")
	t = strings.ReplaceAll(t, "meetings coverage and press releases", "")
	switch {
	case strings.Contains(t, "meetings coverage") || strings.Contains(h, "meetings coverage") ||
		reMeeting.MatchString(head) && rePressNumber.MatchString(head):
		return TypeMeetingCoverage
	case strings.Contains(t, "press statement") || strings.Contains(t, "statement by") ||
		strings.Contains(t, "statement of") || strings.HasPrefix(t, "statement") ||
		strings.Contains(t, "presidential statement") || strings.Contains(h, "press statement") ||
		strings.Contains(h, "statement by the president"):
		return TypeStatement
	case strings.Contains(t, "press release") || strings.Contains(h, "press release") ||
		rePressNumber.MatchString(head):
		return TypePressRelease
	case strings.Contains(t, "report of") || strings.HasPrefix(t, "report") || strings.Contains(t, " report") ||
		strings.Contains(h, "report of the") || reReportSymbol.MatchString(head) && strings.Contains(h, "report"):
		return TypeReport
	case strings.Contains(t, "statement"):
		return TypeStatement
	case reHeadline.MatchString(title):
		return TypePressRelease
	}
	return TypeOther
}
