package entity

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Canonical and Label are the two directions between what people write and
// the ids Dossier stores: the search box and the "mentions" command take what
// a person types, the facets and pages show labels.

// Label returns a readable label for a canonical id: the resolution symbol
// itself, "Counter-Terrorism Committee Executive Directorate (CTED)",
// "Kyrgyzstan", "3–5 December 2019". An unknown id is returned as it is.
func Label(kind, id string) string {
	switch kind {
	case Organization:
		if o, ok := gaz.orgs[id]; ok && o.name != id {
			return o.name + " (" + id + ")"
		}
	case Country:
		if c, ok := gaz.countries[id]; ok {
			return c.short
		}
	case Date:
		if l, ok := dateLabel(id); ok {
			return l
		}
	}
	return id
}

var (
	reSC  = regexp.MustCompile(`(?i)^(?:(?:the\s+)?(?:united\s+nations\s+|un\s+)?(?:security\s+council\s+|sc\s+)?(?:resolutions?|res\.?)\s*(?:no\.?\s*)?|s\s*/\s*res\s*/\s*|unscr\s*|scr\s*)?(\d{1,4})\s*(?:\(\s*(\d{4})\s*\)|of\s+(\d{4})|\s(\d{4}))?$`)
	reGA  = regexp.MustCompile(`(?i)^(?:(?:general\s+assembly\s+|unga\s+|ga\s+)?(?:resolutions?|res\.?)\s*|a\s*/\s*res\s*/\s*)?(\d{1,3})\s*/\s*(\d{1,4})(?:\s*\(\s*\d{4}\s*\))?$`)
	reISO = regexp.MustCompile(`^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$`)
)

// Canonical turns what a person types into the canonical id of kind:
// resolution "1373", "UNSCR 1373", "s/res/1373(2001)" -> "S/RES/1373 (2001)",
// "60/288" -> "A/RES/60/288"; organization "cted" -> "CTED"; country
// "Kyrgyz Republic" -> "KGZ"; a date as typed -> ISO 8601. It reports false
// when it cannot.
func Canonical(kind, typed string) (string, bool) {
	s := strings.Join(strings.Fields(typed), " ")
	if s == "" {
		return "", false
	}
	switch kind {
	case Resolution:
		if m := reGA.FindStringSubmatch(s); m != nil {
			session, _ := strconv.Atoi(m[1])
			n, _ := strconv.Atoi(m[2])
			if session > 0 && n > 0 {
				return gaID(session, n), true
			}
			return "", false
		}
		if m := reSC.FindStringSubmatch(s); m != nil {
			n, _ := strconv.Atoi(m[1])
			y := 0
			for _, g := range m[2:] {
				if g != "" {
					y, _ = strconv.Atoi(g)
				}
			}
			id, _, ok := fileResolution(n, y)
			return id, ok
		}
	case Organization:
		if _, ok := gaz.orgs[s]; ok {
			return s, true
		}
		return lookupName(gOrg, s)
	case Country:
		return lookupName(gCountry, s)
	case Date:
		return canonicalDate(s)
	}
	return "", false
}

// lookupName finds a name as typed, in any case, with the trie's own
// normalization (hyphens, "the", apostrophes and spellings do not matter).
func lookupName(kind gazKind, s string) (string, bool) {
	if id, ok := gaz.lookup[kind][strings.ToLower(s)]; ok {
		return id, true
	}
	// A label as Label writes it, "Full Name (ACRONYM)": either half will do.
	if k := strings.LastIndex(s, " ("); k > 0 && strings.HasSuffix(s, ")") {
		name, acr := s[:k], s[k+2:len(s)-1]
		id1, ok1 := lookupName(kind, acr)
		id2, ok2 := lookupName(kind, name)
		switch {
		case ok1 && ok2 && id1 == id2, ok1 && !ok2:
			return id1, true
		case ok2 && !ok1:
			return id2, true
		}
	}
	for _, v := range expandVariant(s) {
		for _, joined := range []bool{false, true} {
			keys, _, hyph := keyWords(v)
			if joined {
				if len(hyph) == 0 {
					continue
				}
				keys = joinHyphens(keys, hyph)
			}
			if id, ok := gaz.lookup[kind][strings.Join(keys, " ")]; ok {
				return id, true
			}
		}
	}
	// Case-insensitively, an organization's id: "un women", "cis-atc".
	if kind == gOrg {
		for id := range gaz.orgs {
			if strings.EqualFold(id, s) {
				return id, true
			}
		}
	}
	return "", false
}

func joinHyphens(keys []string, hyph []int) []string {
	jk := append([]string(nil), keys...)
	for k := len(hyph) - 1; k >= 0; k-- {
		i := hyph[k]
		jk[i-1] += jk[i]
		jk = append(jk[:i], jk[i+1:]...)
	}
	return jk
}

// canonicalDate accepts ISO 8601 at any of the contract's precisions, a
// range of them joined by "/", or a date as people write it.
func canonicalDate(s string) (string, bool) {
	if a, ok := parseISO(s); ok {
		return a.iso(), true
	}
	if lo, hi, ok := strings.Cut(s, "/"); ok {
		a, ok1 := parseISO(strings.TrimSpace(lo))
		b, ok2 := parseISO(strings.TrimSpace(hi))
		if ok1 && ok2 && (a.m == 0) == (b.m == 0) && (a.d == 0) == (b.d == 0) && a.before(b) {
			return a.iso() + "/" + b.iso(), true
		}
		return "", false
	}
	ms := Extract(s)
	var dates []Mention
	for _, m := range ms {
		if m.Kind == Date {
			dates = append(dates, m)
		}
	}
	if len(dates) != 1 {
		return "", false
	}
	// Only small words may be left around the date: "from 3 to 5 December 2019".
	rest := strings.Fields(strings.ToLower(s[:dates[0].Start] + " " + s[dates[0].End:]))
	for _, w := range rest {
		switch strings.Trim(w, ".,;:") {
		case "", "from", "between", "on", "in", "since", "the", "of":
		default:
			return "", false
		}
	}
	return dates[0].ID, true
}

func parseISO(s string) (ymd, bool) {
	m := reISO.FindStringSubmatch(s)
	if m == nil {
		return ymd{}, false
	}
	var a ymd
	a.y, _ = strconv.Atoi(m[1])
	if m[2] != "" {
		a.m, _ = strconv.Atoi(m[2])
		if a.m == 0 {
			return ymd{}, false
		}
	}
	if m[3] != "" {
		a.d, _ = strconv.Atoi(m[3])
		if a.d == 0 {
			return ymd{}, false
		}
	}
	return a, a.valid()
}

// dateLabel writes a date id the way UN documents do: "3 December 2019",
// "December 2019", "3–5 December 2019", "30 November – 2 December 2019".
func dateLabel(id string) (string, bool) {
	if a, ok := parseISO(id); ok {
		return oneDate(a), true
	}
	lo, hi, ok := strings.Cut(id, "/")
	if !ok {
		return "", false
	}
	a, ok1 := parseISO(lo)
	b, ok2 := parseISO(hi)
	if !ok1 || !ok2 {
		return "", false
	}
	switch {
	case a.d > 0 && b.d > 0 && a.y == b.y && a.m == b.m:
		return fmt.Sprintf("%d–%d %s %d", a.d, b.d, monthLong[a.m], a.y), true
	case a.d > 0 && b.d > 0 && a.y == b.y:
		return fmt.Sprintf("%d %s – %d %s %d", a.d, monthLong[a.m], b.d, monthLong[b.m], a.y), true
	case a.m > 0 && a.d == 0 && b.d == 0 && a.y == b.y:
		return fmt.Sprintf("%s–%s %d", monthLong[a.m], monthLong[b.m], a.y), true
	case a.m == 0 && b.m == 0:
		return fmt.Sprintf("%d–%d", a.y, b.y), true
	}
	return oneDate(a) + " – " + oneDate(b), true
}

func oneDate(a ymd) string {
	switch {
	case a.m == 0:
		return strconv.Itoa(a.y)
	case a.d == 0:
		return fmt.Sprintf("%s %d", monthLong[a.m], a.y)
	}
	return fmt.Sprintf("%d %s %d", a.d, monthLong[a.m], a.y)
}

// DocumentDate returns the date a document gives itself, as ISO 8601: its
// first full date (day precision; a range gives its first day), unless a month
// standing at the end of a line comes first, as on a report's cover ("March
// 2022", "CTED analytical note - June 2020"): that dateline is the
// document's date, and the full dates after it are what the text is about
// (unless one falls within that month, which it then makes precise). With no
// full date, the first month; else "". A lone year is never a document's
// date: it is too often a date in the text ("since 2013").
func DocumentDate(body string) string {
	return DocumentDateOf(body, Extract(body))
}

// DocumentDateOf is DocumentDate for a body whose mentions are already
// extracted (the indexer has them), so the text is not read twice.
func DocumentDateOf(body string, mentions []Mention) string {
	month, dateline := "", false
	for _, m := range mentions {
		if m.Kind != Date {
			continue
		}
		lo, _, _ := strings.Cut(m.ID, "/")
		switch len(lo) {
		case len("2006-01-02"):
			if dateline && !strings.HasPrefix(lo, month+"-") {
				return month
			}
			return lo
		case len("2006-01"):
			if month == "" {
				month, dateline = lo, endsLine(body, m.End)
			}
		}
	}
	return month
}

// endsLine reports whether only spaces and tabs stand between body[i:] and
// the end of its line.
func endsLine(body string, i int) bool {
	for ; i < len(body); i++ {
		switch body[i] {
		case ' ', '\t', '\r':
		case '\n':
			return true
		default:
			return false
		}
	}
	return true
}
