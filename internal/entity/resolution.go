package entity

import (
	_ "embed"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Resolutions are cited in many ways ("resolution 1373 (2001)", "resolutions
// 1373 (2001), 1624 (2005) and 2178 (2014)", "S/RES/2396(2017)", "UNSCR 1540",
// "General Assembly resolution 60/288"). A bare number is never a resolution
// unless a keyword or a matching year says so: "over 800 nationals" and
// "paragraph 11" must stay numbers.

//go:embed data/resolution_years.tsv
var resolutionYearsTSV string

// yearRow says that resolutions from first on were adopted in year.
type yearRow struct{ year, first int }

var resolutionYears = mustLoadYears(resolutionYearsTSV)

func mustLoadYears(data string) []yearRow {
	rows, err := loadYears(data)
	if err != nil {
		panic("entity: " + err.Error())
	}
	return rows
}

func loadYears(data string) ([]yearRow, error) {
	var rows []yearRow
	err := eachRow("data/resolution_years.tsv", data, 2, func(f []string) error {
		y, err1 := strconv.Atoi(f[0])
		n, err2 := strconv.Atoi(f[1])
		if err1 != nil || err2 != nil {
			return fmt.Errorf("not two numbers: %q", strings.Join(f, "\t"))
		}
		if len(rows) > 0 {
			last := rows[len(rows)-1]
			if y != last.year+1 || n <= last.first {
				return fmt.Errorf("year %d (first %d) does not follow year %d (first %d)", y, n, last.year, last.first)
			}
		}
		rows = append(rows, yearRow{y, n})
		return nil
	})
	if err == nil && (rows[0].year != 1946 || rows[0].first != 1) {
		err = fmt.Errorf("data/resolution_years.tsv: must start with 1946 and resolution 1")
	}
	return rows, err
}

// maxResolutionNoYear is the highest number accepted without a written year:
// the last year's first number plus room for the resolutions of that year.
func maxResolutionNoYear() int { return resolutionYears[len(resolutionYears)-1].first + 150 }

// resolutionYear returns the year resolution n was adopted, from the table.
func resolutionYear(n int) (int, bool) {
	if n < 1 || n > maxResolutionNoYear() {
		return 0, false
	}
	k := sort.Search(len(resolutionYears), func(i int) bool { return resolutionYears[i].first > n }) - 1
	return resolutionYears[k].year, true
}

// boundaryTolerance is how close to the start or end of a year a number must be
// for a written year one off from the table to be believed: the early
// boundaries and the current years are the least certain rows of the table.
func boundaryTolerance(year int) int {
	switch {
	case year < 1990:
		return 3
	case year >= 2025:
		return 25
	}
	return 0
}

// fileResolution decides the canonical id of Security Council resolution n
// cited with the written year (0 when none), and a warning when the year does
// not match the number.
func fileResolution(n, written int) (id, warning string, ok bool) {
	y, known := resolutionYear(n)
	switch {
	case !known && written == 0:
		return "", "", false
	case !known:
		last := resolutionYears[len(resolutionYears)-1]
		if n > last.first && written >= last.year && written <= last.year+2 && n < last.first+1000 {
			return scID(n, written), "", true
		}
		return "", "", false
	case written == 0 || written == y:
		return scID(n, y), "", true
	}
	if written == y-1 || written == y+1 {
		tol := max(boundaryTolerance(y), boundaryTolerance(written))
		k := sort.Search(len(resolutionYears), func(i int) bool { return resolutionYears[i].year >= y })
		first := resolutionYears[k].first
		next := 1 << 30
		if k+1 < len(resolutionYears) {
			next = resolutionYears[k+1].first
		}
		if written == y-1 && n-first < tol || written == y+1 && next-n <= tol {
			return scID(n, written), "", true
		}
	}
	return scID(n, y), fmt.Sprintf("year written %d does not match resolution %d, adopted in %d", written, n, y), true
}

func scID(n, year int) string {
	return "S/RES/" + strconv.Itoa(n) + " (" + strconv.Itoa(year) + ")"
}

func gaID(session, n int) string { return "A/RES/" + strconv.Itoa(session) + "/" + strconv.Itoa(n) }

// atoiTok returns the value of a number token of at most maxDigits digits
// without a leading zero.
func atoiTok(t token, maxDigits int) (int, bool) {
	if t.kind != tNumber || len(t.norm) > maxDigits || t.norm[0] == '0' {
		return 0, false
	}
	n, err := strconv.Atoi(t.norm)
	return n, err == nil
}

func yearTok(t token) (int, bool) {
	if t.kind != tNumber || len(t.norm) != 4 {
		return 0, false
	}
	y, _ := strconv.Atoi(t.norm)
	return y, y >= 1900 && y <= 2100
}

// isPunct reports whether toks[i] is the punctuation p.
func isPunct(toks []token, i int, p string) bool {
	return i < len(toks) && toks[i].kind == tPunct && toks[i].norm == p
}

func isWord(toks []token, i int, w string) bool {
	return i < len(toks) && toks[i].kind == tWord && toks[i].norm == w
}

// citedYear reads a year written after a resolution number at toks[i]:
// "(2001)" or "of 2001". It returns the year and the index after it.
func citedYear(toks []token, i int) (int, int) {
	if isPunct(toks, i, "(") && i+2 < len(toks) && isPunct(toks, i+2, ")") && toks[i].sep != sepPara {
		if y, ok := yearTok(toks[i+1]); ok {
			return y, i + 3
		}
	}
	if isWord(toks, i, "of") && i+1 < len(toks) {
		if y, ok := yearTok(toks[i+1]); ok && !isPunct(toks, i+2, "-") {
			return y, i + 2
		}
	}
	return 0, i
}

// assemblyBefore looks at the words before a "resolution" keyword at toks[i]:
// "ga" when it is a General Assembly resolution, "other" when another body's
// (Human Rights Council, a conference), "" when it is the Security Council's or
// unsaid.
func assemblyBefore(toks []token, i int) string {
	var w [3]string
	for k, j := 0, i-1; k < 3 && j >= 0; j-- {
		if toks[j].kind == tPunct {
			break
		}
		w[k] = toks[j].norm
		k++
	}
	switch {
	case w[0] == "assembly" && w[1] == "general", w[0] == "ga", w[0] == "unga", w[0] == "assembly's" && w[1] == "general":
		return "ga"
	case w[0] == "council" && w[1] == "security" && w[2] == "and":
		return "other" // the African Union's Peace and Security Council
	case w[0] == "council" && (w[1] == "security" || w[1] == "sc" || w[1] == "" || !otherCouncil[w[1]]), w[0] == "sc", w[0] == "unsc":
		// "the Council", "recalled that Council resolution 2253": in these
		// documents a Council named without its kind is the Security Council.
		return ""
	case w[0] == "assembly" && !otherAssembly[w[1]]:
		// "Assembly resolutions 70/291 and 72/284": the General Assembly.
		return "ga"
	case w[0] == "council", w[0] == "assembly", w[0] == "commission", w[0] == "conference", w[0] == "board",
		w[0] == "hrc", w[0] == "ecosoc", w[0] == "committee", w[0] == "unesco", w[0] == "who", w[0] == "iaea":
		return "other"
	}
	return ""
}

// otherCouncil and otherAssembly are the words before "Council" or
// "Assembly" that name another body than the Security Council or the
// General Assembly: "Human Rights Council resolution 35/34", "World Health
// Assembly resolution".
var (
	otherCouncil = map[string]bool{"rights": true, "social": true, "cooperation": true, "ministerial": true,
		"executive": true, "governing": true, "trusteeship": true, "ministers": true, "european": true,
		"permanent": true, "peace": true, "hrc": true, "arctic": true, "atlantic": true, "legislative": true,
		"national": true, "municipal": true, "city": true, "state": true, "supreme": true, "interior": true,
		"unesco": true, "fao": true, "icao": true, "imo": true, "wfp": true, "undp": true, "unicef": true,
		"league": true, "presidential": true, "transitional": true, "federal": true, "regional": true,
		"provincial": true, "local": true, "county": true, "sovereignty": true, "judicial": true}
	otherAssembly = map[string]bool{"parliamentary": true, "health": true, "national": true, "legislative": true,
		"interparliamentary": true, "constituent": true, "people's": true, "federal": true, "state": true,
		"world": true, "union": true, "au": true, "ecowas": true, "oas": true, "regional": true,
		"provincial": true, "municipal": true, "county": true}
)

// resAbbrev reports whether toks[i] is "res." or "Res" abbreviating
// "resolution" before a number (not the "RES" of a symbol, "S/RES/2396").
func resAbbrev(toks []token, i int) bool {
	t := toks[i]
	if t.norm != "res" || i > 0 && t.sep == sepNone && isPunct(toks, i-1, "/") || isPunct(toks, i+1, "/") {
		return false
	}
	j := i + 1
	if isPunct(toks, j, ".") && toks[j].sep == sepNone {
		j++
	}
	return j < len(toks) && toks[j].kind == tNumber && toks[j].sep == sepSpace
}

// hyphenatedKeyword reports whether toks[i] begins "resolu-" "tion(s)", the
// keyword hyphenated at the end of a line.
func hyphenatedKeyword(toks []token, i int) bool {
	return toks[i].norm == "resolu" && isPunct(toks, i+1, "-") && toks[i+1].sep == sepNone &&
		i+2 < len(toks) && toks[i+2].sep == sepSpace && (toks[i+2].norm == "tion" || toks[i+2].norm == "tions")
}

// listIntro are the words that may stand between "resolutions" and the first
// number: "resolutions, including 2396 (2017)".
var listIntro = map[string]bool{"including": true, "notably": true, "namely": true, "particularly": true, "especially": true}

// scanResolutions finds resolution citations.
func scanResolutions(body string, toks []token, out []Mention) []Mention {
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		// Citations begin with a number, "resolution(s)", "S/", "A/" or
		// "(UN)SCR": skip every other word without looking further.
		if t.kind == tPunct {
			continue
		}
		if t.kind == tWord {
			switch body[t.start] {
			case 'r', 'R', 's', 'S', 'a', 'A', 'U':
			default:
				continue
			}
		}
		switch {
		case t.kind == tWord && (t.norm == "s" || t.norm == "a") && isPunct(toks, i+1, "/") && toks[i+1].sep == sepNone:
			var ok bool
			var next int
			out, next, ok = symbolCitation(body, toks, i, out)
			if ok {
				i = next - 1
			}
		case t.kind == tWord && (t.norm == "resolution" || t.norm == "resolutions" || t.text(body) == "UNSCR" || t.text(body) == "UNSCRs" || t.text(body) == "SCR" || t.text(body) == "SCRs" || hyphenatedKeyword(toks, i) || resAbbrev(toks, i)):
			ctx := ""
			j := i + 1
			kw := t.norm
			if t.norm == "res" {
				// "SC res. 2396", "Res. 2178 (2014)": the abbreviation.
				kw = "resolution"
				if isPunct(toks, j, ".") {
					j++
				}
			}
			if t.norm == "resolu" {
				// "resolu-\ntion": the keyword broken at a line end in PDF text.
				kw = "resolu" + toks[i+2].norm
				j = i + 3
			}
			if kw == "resolution" || kw == "resolutions" {
				ctx = assemblyBefore(toks, i)
			}
			if ctx == "other" {
				continue
			}
			if j < len(toks) && (toks[j].norm == "no" || toks[j].norm == "nos") {
				j++
				if isPunct(toks, j, ".") {
					j++
				}
			}
			start := t.start
			if kw == "resolutions" {
				j0 := j
				if isPunct(toks, j, ",") && j+1 < len(toks) && listIntro[toks[j+1].norm] {
					j += 2
				} else if j < len(toks) && listIntro[toks[j].norm] {
					j++
				} else if j+1 < len(toks) && (toks[j].norm == "such" && toks[j+1].norm == "as" || toks[j].norm == "in" && toks[j+1].norm == "particular") {
					j += 2
				}
				// "resolutions, including 2396 (2017)": the mention is the
				// citation, not the words that introduce it.
				if j != j0 && j < len(toks) {
					start = toks[j].start
				}
			}
			var next int
			var n int
			out, next, n = citationList(body, toks, j, start, ctx == "ga", out)
			if n > 0 {
				i = next - 1
			}
		case t.kind == tNumber:
			// A bare "2396 (2017)" is a citation when the year is the year
			// that resolution was adopted: numbers and years rarely agree by
			// chance.
			if !isPunct(toks, i+1, "(") || i > 0 && toks[i].sep == sepNone && (isPunct(toks, i-1, "/") || isPunct(toks, i-1, ".") || isPunct(toks, i-1, ",")) {
				continue // most numbers: no "(" after them
			}
			n, ok := atoiTok(t, 4)
			if !ok {
				continue
			}
			y, next := citedYear(toks, i+1)
			if y == 0 || next == i+1 || !isPunct(toks, i+1, "(") {
				continue
			}
			if ty, known := resolutionYear(n); known && ty == y {
				out = append(out, Mention{Kind: Resolution, ID: scID(n, y), Start: t.start, End: toks[next-1].end})
				i = next - 1
			}
		}
	}
	return out
}

// citationList reads "1373 (2001), 1624 (2005) and 2178 (2014)" from toks[j];
// the first mention starts at start (the keyword). It returns the index after
// the list and how many citations it found.
func citationList(body string, toks []token, j, start int, ga bool, out []Mention) ([]Mention, int, int) {
	count := 0
	firstHadYear := false
	for j < len(toks) {
		if toks[j].sep == sepPara && count > 0 {
			break
		}
		n, ok := atoiTok(toks[j], 4)
		if !ok {
			break
		}
		begin := toks[j].start
		if count == 0 {
			begin = start
		}
		var m Mention
		if chain := slashChain(toks, j); !ga && n > 99 && chain != nil {
			// "resolutions 1267/1989/2253": three Council resolutions, not
			// a number and its year.
			var ms []Mention
			for k, c := range chain {
				num, _ := atoiTok(toks[c], 4)
				id, _, ok := fileResolution(num, 0)
				if !ok {
					ms = nil
					break
				}
				b := toks[c].start
				if k == 0 {
					b = begin
				}
				ms = append(ms, Mention{Kind: Resolution, ID: id, Start: b, End: toks[c].end})
			}
			if ms == nil {
				break
			}
			out = append(out, ms...)
			count += len(ms)
			j = chain[len(chain)-1] + 1
			if k, ok := listNext(toks, j); ok {
				j = k
				continue
			}
			break
		}
		var end int // the token after the citation
		if isPunct(toks, j+1, "/") && toks[j+1].sep == sepNone && j+2 < len(toks) && toks[j+2].sep == sepNone {
			// "60/288": a General Assembly resolution, session/number;
			// "1373/2001": a Council resolution and its year.
			num, ok := atoiTok(toks[j+2], 4)
			if !ok {
				break
			}
			if n > 99 {
				y, isYear := yearTok(toks[j+2])
				if !isYear || ga {
					break
				}
				id, warn, ok := fileResolution(n, y)
				if !ok {
					break
				}
				m = Mention{Kind: Resolution, ID: id, Warning: warn}
			} else {
				m = Mention{Kind: Resolution, ID: gaID(n, num)}
			}
			end = j + 3
		} else {
			if ga {
				// An old-style Assembly resolution ("2625 (XXV)") has no
				// canonical id in the contract.
				break
			}
			y, next := citedYear(toks, j+1)
			if count == 0 {
				firstHadYear = y != 0
			} else if firstHadYear && y == 0 {
				// "resolution 2396 (2017), 15 States": a list that gave
				// years gives them all; a bare number after it is not one.
				break
			}
			id, warn, ok := fileResolution(n, y)
			if !ok {
				break
			}
			m = Mention{Kind: Resolution, ID: id, Warning: warn}
			end = next
		}
		m.Start, m.End = begin, toks[end-1].end
		out = append(out, m)
		count++
		j = end
		k, ok := listNext(toks, j)
		if !ok {
			break
		}
		j = k
	}
	return out, j, count
}

// listNext reads the separator of a list of citations at toks[j] (",", "and",
// ", and", "or", "as well as") and returns the index of the number after it.
func listNext(toks []token, j int) (int, bool) {
	k := j
	if isPunct(toks, k, ",") || isPunct(toks, k, ";") {
		k++
	}
	if k < len(toks) && (toks[k].norm == "and" || toks[k].norm == "or") {
		k++
	} else if k+2 < len(toks) && toks[k].norm == "as" && toks[k+1].norm == "well" && toks[k+2].norm == "as" {
		k += 3
	}
	if k == j || k >= len(toks) || toks[k].kind != tNumber {
		return j, false
	}
	return k, true
}

// slashChain returns the indexes of the numbers of "1267/1989/2253" starting
// at toks[j], numbers and slashes written without spaces, or nil when there
// are fewer than three.
func slashChain(toks []token, j int) []int {
	if !(j+4 < len(toks) && isPunct(toks, j+1, "/") && isPunct(toks, j+3, "/")) {
		return nil // the common case, checked without allocating
	}
	var out []int
	for k := j; k < len(toks) && toks[k].kind == tNumber && (k == j || toks[k].sep == sepNone); k += 2 {
		out = append(out, k)
		if !isPunct(toks, k+1, "/") || toks[k+1].sep != sepNone {
			break
		}
	}
	if len(out) < 3 {
		return nil
	}
	return out
}

// symbolCitation reads a document symbol at toks[i]: "S/RES/2396 (2017)",
// "S/RES/2396(2017)", "A/RES/72/284".
func symbolCitation(body string, toks []token, i int, out []Mention) ([]Mention, int, bool) {
	// The number may follow "S/RES/" on the next line of PDF text.
	if !(i+4 < len(toks) && toks[i+2].norm == "res" && isPunct(toks, i+3, "/") &&
		toks[i+2].sep == sepNone && toks[i+3].sep == sepNone && toks[i+4].sep != sepPara) {
		return out, i, false
	}
	if i > 0 && toks[i].sep == sepNone && toks[i-1].kind == tWord {
		return out, i, false
	}
	if toks[i].text(body) == "S" || toks[i].text(body) == "s" {
		n, ok := atoiTok(toks[i+4], 4)
		if !ok {
			return out, i, false
		}
		y, next := citedYear(toks, i+5)
		if isWord(toks, i+5, "of") {
			y, next = 0, i+5 // "S/RES/1373 of 2001" is not how symbols are written
		}
		id, warn, ok := fileResolution(n, y)
		if !ok {
			return out, i, false
		}
		return append(out, Mention{Kind: Resolution, ID: id, Warning: warn, Start: toks[i].start, End: toks[next-1].end}), next, true
	}
	session, ok1 := atoiTok(toks[i+4], 3)
	if !ok1 || !isPunct(toks, i+5, "/") || toks[i+5].sep != sepNone || i+6 >= len(toks) || toks[i+6].sep != sepNone {
		return out, i, false
	}
	n, ok2 := atoiTok(toks[i+6], 4)
	if !ok2 {
		return out, i, false
	}
	return append(out, Mention{Kind: Resolution, ID: gaID(session, n), Start: toks[i].start, End: toks[i+6].end}), i + 7, true
}
