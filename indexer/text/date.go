package text

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// isoDate matches the ISO 8601 forms metadata uses, keeping only the calendar
// part: 2019, 2019-12, 2019-12-05, 2019-12-05T10:30:00+02:00, 2019/12/05, 20191205.
var isoDate = regexp.MustCompile(`^(\d{4})(?:[-/]?(\d{2})(?:[-/]?(\d{2}))?)?(?:$|[T\s])`)

// dateLayouts are the written forms tried after ISO 8601, as seen in press-release
// headers and HTML metadata. Time-of-day layouts come first so that the date part
// is taken as written, without converting the zone (converting to UTC could move
// a late-evening release to the next day).
var dateLayouts = []string{
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 2006",
	"Monday, 2 January 2006",
	"Monday, January 2, 2006",
	"2 January 2006",
	"2 Jan 2006",
	"02 Jan 2006",
	"January 2, 2006",
	"January 2 2006",
	"Jan 2, 2006",
	"Jan. 2, 2006",
	"January 2006",
}

// ParseDate normalises a date as found in metadata or a header line to ISO 8601
// at the precision given: "2019-12-05", "2019-12" or "2019". It returns "" when s
// is not a date it recognises, or names an impossible day (2019-02-30).
func ParseDate(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if m := isoDate.FindStringSubmatch(s); m != nil {
		return isoFromParts(m[1], m[2], m[3])
	}
	// Ordinal suffixes ("5th December 2019") are common in prose headers.
	s = ordinal.ReplaceAllString(s, "$1")
	for _, layout := range dateLayouts {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		if layout == "January 2006" {
			return t.Format("2006-01")
		}
		return t.Format("2006-01-02")
	}
	return ""
}

var ordinal = regexp.MustCompile(`\b(\d{1,2})(?:st|nd|rd|th)\b`)

func isoFromParts(y, m, d string) string {
	year, _ := strconv.Atoi(y)
	if year < 1000 {
		return ""
	}
	if m == "" {
		return y
	}
	month, _ := strconv.Atoi(m)
	if month < 1 || month > 12 {
		return ""
	}
	if d == "" {
		return y + "-" + m
	}
	day, _ := strconv.Atoi(d)
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if day < 1 || t.Day() != day {
		return ""
	}
	return y + "-" + m + "-" + d
}
