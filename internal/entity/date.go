package entity

import (
	"strconv"
	"strings"
)

// Dates are explicit calendar dates only, at the precision written: a day
// ("3 December 2019", "December 3, 2019", "2019-12-03"), a range of days
// ("from 3 to 5 December 2019" is one mention, 2019-12-03/2019-12-05), a month
// ("December 2019") or a year that stands as a date ("since 2013"). A year is a
// date only where the words around it say so: "over 2000 nationals" is not one,
// and the year of a resolution citation is claimed by the citation.

var monthNames = map[string]int{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
	"august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
	"sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

var monthLong = [...]string{"", "January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"}

// yearContext are the words after which a lone year is a date.
var yearContext = map[string]bool{
	"in": true, "since": true, "by": true, "until": true, "till": true, "from": true,
	"through": true, "between": true, "during": true, "before": true, "after": true,
	"within": true, "throughout": true, "of": true, "year": true, "early": true, "late": true,
	"mid": true, "end": true, "beginning": true, "spring": true, "summer": true,
	"autumn": true, "fall": true, "winter": true, "circa": true, "around": true, "to": true,
	"years": true,
}

// afterForYear are the words that may follow "for <year>" when the year is
// a date ("the programme of work for 2022 early next year"): not nouns.
var afterForYear = map[string]bool{"and": true, "or": true, "early": true, "onwards": true, "only": true,
	"is": true, "was": true, "will": true, "would": true, "are": true, "were": true, "has": true, "had": true,
	"at": true, "in": true, "as": true, "by": true, "with": true}

// lawWords name instruments whose title may end in "of <year>".
var lawWords = map[string]bool{"act": true, "law": true, "code": true, "decree": true, "ordinance": true,
	"proclamation": true, "bill": true, "regulation": true, "regulations": true, "statute": true, "order": true,
	"convention": true, "protocol": true, "treaty": true, "covenant": true, "charter": true}

// inInstrumentName reports whether the "of" at toks[of] ends the title of a
// law or treaty: the capitalised words before it (and the small words
// between them) include one of lawWords.
func inInstrumentName(body string, toks []token, of int) bool {
	for j, n := of-1, 0; j >= 0 && n < 14; j, n = j-1, n+1 {
		t := toks[j]
		if t.kind != tWord || t.sep == sepPara && j < of-1 {
			return false
		}
		if functionWords[t.norm] {
			continue
		}
		if !startsUpper(t.text(body)) {
			return false
		}
		if lawWords[t.norm] {
			return true
		}
	}
	return false
}

// yearOwner are the words after which a year names something dated when a
// noun follows: "the Committee’s 2012 and 2016 visit recommendations".
var yearOwner = map[string]bool{"'s": true, "the": true, "its": true, "their": true, "his": true, "her": true}

// ymd is a date at some precision: day and month are 0 when not given.
type ymd struct{ y, m, d int }

func (a ymd) iso() string {
	var b [10]byte
	n := 4
	b[0], b[1], b[2], b[3] = byte('0'+a.y/1000%10), byte('0'+a.y/100%10), byte('0'+a.y/10%10), byte('0'+a.y%10)
	if a.m > 0 {
		b[4], b[5], b[6] = '-', byte('0'+a.m/10), byte('0'+a.m%10)
		n = 7
		if a.d > 0 {
			b[7], b[8], b[9] = '-', byte('0'+a.d/10), byte('0'+a.d%10)
			n = 10
		}
	}
	return string(b[:n])
}

func (a ymd) before(b ymd) bool {
	if a.y != b.y {
		return a.y < b.y
	}
	if a.m != b.m {
		return a.m < b.m
	}
	return a.d < b.d
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func (a ymd) valid() bool {
	if a.y < 1900 || a.y > 2100 || a.m < 0 || a.m > 12 {
		return false
	}
	if a.m == 0 {
		return a.d == 0
	}
	return a.d >= 0 && a.d <= daysIn(a.y, a.m)
}

// monthTok returns the month a token names: a capitalised month name or
// abbreviation ("May" but not "may"), or 0.
func monthTok(body string, t token) int {
	if t.kind != tWord {
		return 0
	}
	switch body[t.start] {
	case 'J', 'F', 'M', 'A', 'S', 'O', 'N', 'D':
	default:
		return 0
	}
	if len(t.norm) < 3 || len(t.norm) > 9 {
		return 0
	}
	m := monthNames[t.norm]
	if m == 0 || !startsUpper(t.text(body)) {
		return 0
	}
	return m
}

// dayTok returns the day a token names: 1..31, possibly "3rd".
func dayTok(t token) int {
	s := t.norm
	if len(s) == 0 || s[0] < '0' || s[0] > '9' {
		return 0
	}
	if t.kind == tWord {
		for _, suf := range []string{"st", "nd", "rd", "th"} {
			if strings.HasSuffix(s, suf) {
				s = s[:len(s)-len(suf)]
				break
			}
		}
	} else if t.kind != tNumber {
		return 0
	}
	if len(s) == 0 || len(s) > 2 || s[0] < '0' || s[0] > '9' {
		return 0
	}
	d, err := strconv.Atoi(s)
	if err != nil || d < 1 || d > 31 {
		return 0
	}
	return d
}

// rangeWord reports whether toks[i] joins the two ends of a range.
func rangeWord(toks []token, i int, and bool) bool {
	if i >= len(toks) {
		return false
	}
	switch toks[i].norm {
	case "-", "to", "until", "till", "through":
		return true
	case "and":
		return and
	}
	return false
}

// dateAt reads a date with a day or month starting at toks[i]: the date, the
// index after it, and whether one was there.
func dateAt(body string, toks []token, i int) (ymd, int, bool) {
	if d := dayTok(toks[i]); d > 0 && i+1 < len(toks) {
		// 3 December 2019, the 3rd of December 2019
		at := i + 1
		if isWord(toks, at, "of") && toks[i].kind == tWord && at+1 < len(toks) {
			at++
		}
		if m := monthTok(body, toks[at]); m > 0 {
			j := at + 1
			if isPunct(toks, j, ".") && toks[j].sep == sepNone {
				j++
			}
			if isPunct(toks, j, ",") {
				j++
			}
			if j < len(toks) {
				if y, ok := yearTok(toks[j]); ok {
					return ymd{y, m, d}, j + 1, true
				}
			}
			return ymd{0, m, d}, j, true // year to come from a range's end
		}
		return ymd{}, i, false
	}
	if m := monthTok(body, toks[i]); m > 0 && i+1 < len(toks) {
		j := i + 1
		if isPunct(toks, j, ".") && toks[j].sep == sepNone {
			j++
		}
		if j >= len(toks) {
			return ymd{}, i, false
		}
		// December 3, 2019
		if d := dayTok(toks[j]); d > 0 {
			k := j + 1
			if isPunct(toks, k, ",") {
				k++
			}
			if k < len(toks) {
				if y, ok := yearTok(toks[k]); ok {
					return ymd{y, m, d}, k + 1, true
				}
			}
			return ymd{0, m, d}, j + 1, true
		}
		// December 2019
		if y, ok := yearTok(toks[j]); ok {
			return ymd{y, m, 0}, j + 1, true
		}
		return ymd{0, m, 0}, j, true
	}
	return ymd{}, i, false
}

// scanDates finds the dates in toks.
func scanDates(body string, toks []token, out []Mention) []Mention {
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		// Only a number or a capitalised month name can begin a date.
		switch c := body[t.start]; {
		case t.kind == tPunct:
			continue
		case t.kind == tWord && !('0' <= c && c <= '9'):
			switch c {
			case 'J', 'F', 'M', 'A', 'S', 'O', 'N', 'D':
			default:
				continue
			}
		}
		// ISO 2019-12-03.
		if y, ok := yearTok(t); ok && i+4 < len(toks) && isPunct(toks, i+1, "-") && toks[i+1].sep == sepNone &&
			len(toks[i+2].norm) == 2 && toks[i+2].kind == tNumber && isPunct(toks, i+3, "-") && toks[i+3].sep == sepNone &&
			len(toks[i+4].norm) == 2 && toks[i+4].kind == tNumber && toks[i+2].sep == sepNone && toks[i+4].sep == sepNone {
			m, _ := strconv.Atoi(toks[i+2].norm)
			d, _ := strconv.Atoi(toks[i+4].norm)
			if a := (ymd{y, m, d}); m > 0 && d > 0 && a.valid() {
				out = append(out, Mention{Kind: Date, ID: a.iso(), Start: t.start, End: toks[i+4].end})
			}
			i += 4
			continue
		}
		if m, next, ok := numericDate(toks, i); ok {
			if m.ID != "" {
				out = append(out, m)
			}
			i = next - 1
			continue
		}
		if m, next, ok := numberRange(body, toks, i); ok {
			out = append(out, m)
			i = next - 1
			continue
		}
		if more, next, ok := dateList(body, toks, i, out); ok {
			out = more
			i = next - 1
			continue
		}
		if a, j, ok := dateAt(body, toks, i); ok {
			m, next, ok := dateRange(body, toks, i, a, j)
			if ok {
				out = append(out, m)
				i = next - 1
			} else if a.y != 0 && a.d != 0 {
				i = j - 1 // "31 February 2019" is no date, nor is its "February 2019"
			}
			continue
		}
		if _, ok := yearTok(t); ok {
			var next int
			out, next = yearDates(body, toks, i, out)
			i = next - 1
		}
	}
	return out
}

// dateRange completes the date a (read from toks[i:j]) into a mention: alone,
// or as the start of a range "3 to 5 December 2019", "3-5 December 2019",
// "30 November to 2 December 2019", "December 3-5, 2019".
func dateRange(body string, toks []token, i int, a ymd, j int) (Mention, int, bool) {
	and := i > 0 && toks[i-1].norm == "between"
	if rangeWord(toks, j, and) && j+1 < len(toks) && toks[j].sep != sepPara {
		b, k, ok := dateAt(body, toks, j+1)
		if ok && b.y != 0 {
			lo := a
			if lo.y == 0 {
				lo.y = b.y
			}
			if lo.m == 0 {
				lo.m = b.m
			}
			if (lo.d == 0) == (b.d == 0) && lo.valid() && b.valid() && lo.before(b) {
				return Mention{Kind: Date, ID: lo.iso() + "/" + b.iso(), Start: toks[i].start, End: toks[k-1].end}, k, true
			}
		}
		// "December 3-5, 2019": month, day, dash, day, year.
		if a.m > 0 && a.d > 0 && a.y == 0 && j+1 < len(toks) {
			if d2 := dayTok(toks[j+1]); d2 > 0 {
				k := j + 2
				if isPunct(toks, k, ",") {
					k++
				}
				if k < len(toks) {
					if y, ok := yearTok(toks[k]); ok {
						lo, hi := ymd{y, a.m, a.d}, ymd{y, a.m, d2}
						if lo.valid() && hi.valid() && lo.before(hi) {
							return Mention{Kind: Date, ID: lo.iso() + "/" + hi.iso(), Start: toks[i].start, End: toks[k].end}, k + 1, true
						}
					}
				}
			}
		}
	}
	if a.y == 0 || !a.valid() {
		return Mention{}, j, false
	}
	return Mention{Kind: Date, ID: a.iso(), Start: toks[i].start, End: toks[j-1].end}, j, true
}

// numberRange handles "3 to 5 December 2019", "3-5 December 2019" and
// "between 3 and 5 December 2019", where the first day has no month.
func numberRange(body string, toks []token, i int) (Mention, int, bool) {
	d1 := dayTok(toks[i])
	if d1 == 0 || toks[i].kind != tNumber {
		return Mention{}, i, false
	}
	between := i > 0 && toks[i-1].norm == "between"
	j := i + 1
	// "on 12 and 13 September" names two days of one event: a range, like
	// "12-13 September"; "on 3 and 9 May" names two dates and is left to the
	// second.
	if !rangeWord(toks, j, true) || j+1 >= len(toks) {
		return Mention{}, i, false
	}
	b, k, ok := dateAt(body, toks, j+1)
	if !ok || b.d == 0 || b.y == 0 {
		return Mention{}, i, false
	}
	if toks[j].norm == "and" && !between && b.d != d1+1 {
		return Mention{}, i, false
	}
	lo := ymd{b.y, b.m, d1}
	if !lo.valid() || !b.valid() || !lo.before(b) {
		return Mention{}, i, false
	}
	return Mention{Kind: Date, ID: lo.iso() + "/" + b.iso(), Start: toks[i].start, End: toks[k-1].end}, k, true
}

// yearDates reads a lone year, or a list or range of years, at toks[i] and
// keeps them when their context makes them dates. It returns the index after
// what it read.
func yearDates(body string, toks []token, i int, out []Mention) ([]Mention, int) {
	// Part of a symbol or a number ("S/2019/123", "1,2019"): not a date.
	if i > 0 && toks[i].sep == sepNone && toks[i-1].kind == tPunct && toks[i-1].norm != "(" && toks[i-1].norm != "-" {
		return out, i + 1
	}
	if i+1 < len(toks) && toks[i+1].sep == sepNone && (isPunct(toks, i+1, "/") || isPunct(toks, i+1, ".") && i+2 < len(toks) && toks[i+2].kind == tNumber && toks[i+2].sep == sepNone) {
		return out, i + 2
	}
	prev := ""
	modifier := false // the year stands before a noun: "the 2012 visit"
	for j := i - 1; j >= 0; j-- {
		if toks[j].kind == tPunct && toks[j].norm != "-" {
			break
		}
		if toks[j].norm == "-" {
			continue // "mid-2019"
		}
		prev = toks[j].norm
		if prev == "the" {
			modifier = true
		}
		if prev != "the" && prev != "early" && prev != "late" {
			break
		}
		// "in the early 2000s", "in early 2019", "the end of 2019": look past.
		if j > 0 && yearContext[toks[j-1].norm] {
			prev = toks[j-1].norm
			break
		}
		if prev != "the" {
			break // "planned for early 2027": "early" is context enough
		}
	}
	if modifier && !yearContext[prev] {
		prev = "the" // "and the 2002 attacks": the article decides, not the word before it
	}
	y1, _ := yearTok(toks[i])
	// A range of years: "2014-2019", "from 2013 to 2016", "between 2014 and 2019".
	if rangeWord(toks, i+1, prev == "between") && i+2 < len(toks) {
		if y2, ok := yearTok(toks[i+2]); ok && y2 > y1 && y2-y1 <= 60 && (toks[i+1].norm != "-" || toks[i+2].sep == sepNone || toks[i+1].sep != sepNone) {
			if (modifier || yearOwner[prev]) && i+3 < len(toks) && toks[i+3].kind == tWord && toks[i+3].sep == sepSpace && startsUpper(toks[i+3].text(body)) {
				return out, i + 3 // "the 2020-2024 Action Plan": part of a name
			}
			if toks[i+1].norm == "-" || yearContext[prev] {
				out = append(out, Mention{Kind: Date, ID: ymd{y1, 0, 0}.iso() + "/" + ymd{y2, 0, 0}.iso(), Start: toks[i].start, End: toks[i+2].end})
				return out, i + 3
			}
		}
	}
	// A list of years: "2012 and 2016", "2014, 2015 and 2016".
	var listBuf [16]int
	list := append(listBuf[:0], i)
	j := i + 1
	for {
		k := j
		if isPunct(toks, k, ",") {
			k++
		}
		if isWord(toks, k, "and") || isWord(toks, k, "or") {
			k++
		}
		if k == j || k >= len(toks) {
			break
		}
		if _, ok := yearTok(toks[k]); !ok || k+1 < len(toks) && toks[k+1].sep == sepNone && toks[k+1].kind == tPunct && (toks[k+1].norm == "/" || toks[k+1].norm == "-") {
			break
		}
		list = append(list, k)
		j = k + 1
	}
	// A year before a name is part of the name: "the 2005 World Summit",
	// "the 1963 Tokyo Convention", "the 2030 Agenda".
	if (modifier || yearOwner[prev]) && j < len(toks) && toks[j].kind == tWord && toks[j].sep == sepSpace && startsUpper(toks[j].text(body)) {
		return out, j
	}
	ok := yearContext[prev]
	if prev == "of" && inInstrumentName(body, toks, i-1) {
		// "the Prevention of Terrorism Act of 2012", "the International
		// Convention for the Suppression of the Financing of Terrorism of
		// 1999": the year is part of the instrument's name, like a
		// resolution's.
		ok = false
	}
	if prev == "for" {
		// "a second assessment is planned for 2025." and "for 2012 and
		// 2013" are dates; "for 2019 persons" is a count.
		ok = j == len(toks) || toks[j].kind == tPunct || toks[j].sep == sepPara || afterForYear[toks[j].norm]
	}
	if prev == "to" {
		// "postponed to 2020." is a date; "up to 2019 persons" and "from 15
		// to 2019" are not ("from 2013 to 2016" is a range, read above).
		ok = j < len(toks) && (toks[j].kind == tPunct || toks[j].sep == sepPara) &&
			!(i >= 2 && (toks[i-2].norm == "up" || toks[i-2].kind == tNumber))
	}
	// "Annual report of the Centre, 2022": a year closing a title or a
	// dateline after a comma.
	if !ok && i > 0 && isPunct(toks, i-1, ",") && len(list) == 1 &&
		(j == len(toks) || toks[j].sep == sepPara || isPunct(toks, j, ".") && (j+1 == len(toks) || toks[j+1].sep == sepPara)) {
		ok = true
	}
	if !ok && yearOwner[prev] && j < len(toks) && toks[j].kind == tWord && !startsUpper(toks[j].text(body)) && toks[j].sep == sepSpace {
		ok = true
	}
	if ok {
		for _, k := range list {
			y, _ := yearTok(toks[k])
			out = append(out, Mention{Kind: Date, ID: ymd{y, 0, 0}.iso(), Start: toks[k].start, End: toks[k].end})
		}
	}
	return out, j
}

// numericDate reads "25/03/2020" (day first) or "03/26/2020" (month first)
// at toks[i], also with dots. Only an order the numbers themselves decide is
// a date: one of the two is above 12, or both are equal. It reports ok with an
// empty ID for an ambiguous date such as "03/04/2020", which is then skipped
// whole so that its year is not read as a date of its own.
func numericDate(toks []token, i int) (Mention, int, bool) {
	if toks[i].kind != tNumber || len(toks[i].norm) > 2 || i+4 >= len(toks) {
		return Mention{}, i, false
	}
	sep := toks[i+1].norm
	if sep != "/" && sep != "." || toks[i+1].kind != tPunct || !isPunct(toks, i+3, sep) ||
		toks[i+1].sep != sepNone || toks[i+2].sep != sepNone || toks[i+3].sep != sepNone || toks[i+4].sep != sepNone ||
		toks[i+2].kind != tNumber || len(toks[i+2].norm) > 2 {
		return Mention{}, i, false
	}
	y, ok := yearTok(toks[i+4])
	if !ok || i > 0 && toks[i].sep == sepNone && toks[i-1].kind == tPunct && (toks[i-1].norm == "/" || toks[i-1].norm == ".") {
		return Mention{}, i, false
	}
	a, _ := strconv.Atoi(toks[i].norm)
	b, _ := strconv.Atoi(toks[i+2].norm)
	var d ymd
	switch {
	case a > 12 && b <= 12:
		d = ymd{y, b, a}
	case b > 12 && a <= 12:
		d = ymd{y, a, b}
	case a == b:
		d = ymd{y, a, a}
	}
	if d.m == 0 || d.d == 0 || !d.valid() {
		return Mention{}, i + 5, true
	}
	return Mention{Kind: Date, ID: d.iso(), Start: toks[i].start, End: toks[i+4].end}, i + 5, true
}

// dateList reads a list of days or of months that share the month and year
// written after the last one: "3 and 9 May 2019", "in March and May 2019",
// "January, March and June 2020". Each item is a mention of its own. Two
// consecutive days joined by "and" are a range, read before (numberRange).
func dateList(body string, toks []token, i int, out []Mention) ([]Mention, int, bool) {
	days := toks[i].kind == tNumber && dayTok(toks[i]) > 0
	if !days && monthTok(body, toks[i]) == 0 || i > 0 && toks[i-1].norm == "between" {
		return out, i, false // "between January and June 2023" is a range
	}
	// item returns the end (exclusive) of a bare list item at toks[k], or -1.
	item := func(k int) int {
		if k >= len(toks) || toks[k].sep == sepPara {
			return -1
		}
		if days {
			if toks[k].kind == tNumber && dayTok(toks[k]) > 0 {
				return k + 1
			}
			return -1
		}
		if monthTok(body, toks[k]) == 0 {
			return -1
		}
		if isPunct(toks, k+1, ".") && toks[k+1].sep == sepNone {
			return k + 2
		}
		return k + 1
	}
	var starts, ends [12]int
	n := 0
	k := i
	for {
		e := item(k)
		if e < 0 || n == len(starts) {
			return out, i, false
		}
		starts[n], ends[n] = k, e
		n++
		// The separator: ",", "and", "or", ", and".
		j := e
		if isPunct(toks, j, ",") {
			j++
		}
		if isWord(toks, j, "and") || isWord(toks, j, "or") {
			j++
		}
		if j == e {
			break
		}
		k = j
	}
	if n < 2 {
		return out, i, false
	}
	// The last item is a full date: read it again with its month and year.
	last, next, ok := dateAt(body, toks, starts[n-1])
	if !ok || last.y == 0 || days && last.d == 0 || !days && last.d != 0 {
		return out, i, false
	}
	ms := make([]Mention, 0, n)
	for k := 0; k < n; k++ {
		a := last
		end := toks[ends[k]-1].end
		if k == n-1 {
			end = toks[next-1].end
		} else if days {
			a.d = dayTok(toks[starts[k]])
		} else {
			a.m = monthTok(body, toks[starts[k]])
		}
		if !a.valid() {
			return out, i, false
		}
		ms = append(ms, Mention{Kind: Date, ID: a.iso(), Start: toks[starts[k]].start, End: end})
	}
	return append(out, ms...), next, true
}
