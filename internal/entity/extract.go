package entity

import (
	"sort"
	"strings"
	"sync"
)

// scratch holds the buffers one extraction needs; they are pooled because an
// indexer extracts from thousands of documents on every core, and garbage
// from them would cost more than the extraction itself.
type scratch struct {
	toks             []token
	gm               []gazMatch
	names, res, date []Mention
}

var scratchPool = sync.Pool{New: func() any { return &scratch{toks: make([]token, 0, 1024)} }}

// Extract returns every mention of every kind in body, sorted by Start then
// End. Offsets are byte offsets into body and Text is always body[Start:End].
// Mentions of different kinds may overlap where a name contains a citation
// ("the Monitoring Team of the Security Council Committee established pursuant
// to resolutions 1267 (1999), ..." is an organization and three resolutions);
// a country or date never fires inside an organization's name.
func Extract(body string) []Mention {
	sc := scratchPool.Get().(*scratch)
	defer func() {
		// A huge document's buffers are not worth keeping (nor the body
		// their strings point into).
		if cap(sc.toks) <= 1<<18 {
			scratchPool.Put(sc)
		}
	}()
	toks := tokenize(body, sc.toks)
	sc.toks = toks

	gm := gaz.scanGazetteer(body, toks, sc.gm[:0])
	gm = learnAcronyms(body, toks, gm)
	sc.gm = gm

	names := sc.names[:0]
	for _, g := range gm {
		m := Mention{ID: g.id, Start: toks[g.first].start, End: toks[g.last].end}
		switch g.kind {
		case gOrg:
			m.Kind = Organization
		case gCountry, gAdjective:
			m.Kind = Country
		default:
			continue
		}
		names = append(names, m)
	}
	res := scanResolutions(body, toks, sc.res[:0])
	dates := scanDates(body, toks, sc.date[:0])
	// The year of a citation ("resolution 1373 of 2001") and a date inside a
	// name are not dates of their own. All three lists are in text order, so
	// one pass with a cursor in each finds the overlaps.
	kept := dates[:0]
	ri, ni := 0, 0
	for _, d := range dates {
		for ri < len(res) && res[ri].End <= d.Start {
			ri++
		}
		for ni < len(names) && (names[ni].End <= d.Start || names[ni].Kind != Organization) {
			ni++
		}
		if ri < len(res) && res[ri].Start < d.End || ni < len(names) && names[ni].Start < d.End {
			continue
		}
		kept = append(kept, d)
	}
	sc.names, sc.res, sc.date = names, res, kept

	// Each list is in text order already: merge them.
	out := make([]Mention, 0, len(names)+len(res)+len(kept))
	a, b, c := names, res, kept
	for len(a)+len(b)+len(c) > 0 {
		var m Mention
		switch {
		case len(a) > 0 && (len(b) == 0 || !before(b[0], a[0])) && (len(c) == 0 || !before(c[0], a[0])):
			m, a = a[0], a[1:]
		case len(b) > 0 && (len(c) == 0 || !before(c[0], b[0])):
			m, b = b[0], b[1:]
		default:
			m, c = c[0], c[1:]
		}
		m.Text = body[m.Start:m.End]
		out = append(out, m)
	}
	return out
}

// orgHeads are the head nouns that make "Long Name (ACRONYM)" an organization
// worth learning; "Advance Passenger Information (API)" is not one.
var orgHeads = map[string]bool{
	"organization": true, "organisation": true, "office": true, "centre": true, "center": true,
	"committee": true, "commission": true, "council": true, "agency": true, "group": true,
	"forum": true, "institute": true, "network": true, "fund": true, "union": true,
	"association": true, "team": true, "directorate": true, "bureau": true, "secretariat": true,
	"mission": true, "court": true, "tribunal": true, "bank": true, "alliance": true,
	"partnership": true, "force": true, "structure": true, "league": true, "community": true,
	"authority": true, "foundation": true, "entity": true, "board": true, "panel": true,
	"coalition": true, "mechanism": true, "programme": true, "program": true, "federation": true,
	"institution": true, "academy": true, "society": true,
}

// nationalWords mark a national body, which DESIGN.md says is not an
// organization: "State Committee for National Security (SCNS)".
var nationalWords = map[string]bool{
	"ministry": true, "national": true, "state": true, "federal": true, "government": true,
	"governmental": true, "presidential": true, "parliament": true, "parliamentary": true,
	"provincial": true, "municipal": true, "royal": true, "republican": true,
}

var functionWords = map[string]bool{
	"of": true, "for": true, "on": true, "and": true, "the": true, "in": true, "against": true,
	"to": true, "de": true, "des": true, "du": true, "la": true, "le": true, "at": true, "'s": true,
}

// learnAcronyms handles "Full Name (ACRONYM)": the parenthesis joins the
// mention of the name it explains, an acronym the gazetteer lacks is learned
// for this document (linked to the name's id when the name is known), and an
// unknown organization that defines its acronym is learned with the acronym as
// id. Every later bare use of a learned acronym is then a mention.
func learnAcronyms(body string, toks []token, gm []gazMatch) []gazMatch {
	var learned map[string]string
	startAt := func(i int) (int, bool) { // the match that begins at token i
		k := sort.Search(len(gm), func(k int) bool { return gm[k].first >= i })
		return k, k < len(gm) && gm[k].first == i
	}
	covered := func(i int) bool {
		// Whether token i is inside any gazetteer match; gm is sorted.
		k := sort.Search(len(gm), func(k int) bool { return gm[k].last >= i })
		return k < len(gm) && gm[k].first <= i
	}
	drop := map[int]bool{}
	var added []gazMatch
	for p := 0; p < len(toks); p++ {
		if !isPunct(toks, p, "(") || toks[p].sep == sepPara {
			continue
		}
		// The parenthesis: one or two words, or words joined by hyphens, up to ")".
		q := p + 1
		for q < len(toks) && q <= p+5 && !isPunct(toks, q, ")") && toks[q].sep != sepPara {
			q++
		}
		if q >= len(toks) || !isPunct(toks, q, ")") || q == p+1 {
			continue
		}
		acr := body[toks[p+1].start:toks[q-1].end]
		// The name the parenthesis follows, when the gazetteer knows it.
		prev := -1
		if k := sort.Search(len(gm), func(k int) bool { return gm[k].last >= p-1 }); k < len(gm) && gm[k].last == p-1 {
			prev = k
		}
		inner, innerOK := startAt(p + 1)
		if innerOK && gm[inner].last != q-1 {
			innerOK = false
		}
		switch {
		case prev >= 0 && gm[prev].kind == gOrg && innerOK && gm[inner].kind == gOrg && gm[inner].id == gm[prev].id:
			gm[prev].last = q
			drop[inner] = true
		case prev >= 0 && gm[prev].kind == gOrg && !innerOK && isAcronym(acr) && !covered(p+1):
			if learned == nil {
				learned = map[string]string{}
			}
			learned[acr] = gm[prev].id
			gm[prev].last = q
		case prev < 0 && !innerOK && isAcronym(acr) && !covered(p+1) && !covered(p-1):
			first := longForm(body, toks, p, acr)
			if first < 0 {
				// "Central Asian Regional Information and Coordination Centre
				// for combating the illicit trafficking of narcotic drugs
				// (CARICC)": the acronym spells the capitalised name, not
				// its lower-case tail.
				if h := tailStart(body, toks, p); h > 0 {
					first = longForm(body, toks, h, acr)
				}
			}
			if first < 0 {
				continue
			}
			for k := first; k < p; k++ {
				if covered(k) && !inRegion(gm, k) {
					first = -1 // a country or known name inside: a national body or another thing
					break
				}
			}
			// "Kenya’s Financial Reporting Centre (FRC)", "the Kenyan National
			// ...": a State's own body.
			for k, n := first-1, 0; first > 0 && k >= 0 && n < 3; k-- {
				if toks[k].norm == "the" || toks[k].norm == "'s" {
					n++
					continue
				}
				if covered(k) && isCountryMatch(gm, k) {
					first = -1
				}
				break
			}
			if first < 0 {
				continue
			}
			if learned == nil {
				learned = map[string]string{}
			}
			learned[acr] = acr
			added = append(added, gazMatch{kind: gOrg, id: acr, first: first, last: q})
		}
	}
	if len(drop) > 0 {
		kept := gm[:0]
		for k, g := range gm {
			if !drop[k] {
				kept = append(kept, g)
			}
		}
		gm = kept
	}
	if len(learned) > 0 {
		// The long forms in added are in text order: one cursor tells
		// whether token i is inside one.
		defs := added
		k := 0
		var uses []gazMatch
		for i, t := range toks {
			if t.kind != tWord {
				continue
			}
			id, ok := learned[t.text(body)]
			if !ok {
				continue
			}
			for k < len(defs) && defs[k].last < i {
				k++
			}
			if k < len(defs) && defs[k].first <= i || covered(i) || (i+1 < len(toks) && toks[i+1].sep == sepNone && isPunct(toks, i+1, "-")) {
				continue
			}
			uses = append(uses, gazMatch{kind: gOrg, id: id, first: i, last: i})
		}
		added = append(added, uses...)
	}
	if len(added) > 0 {
		gm = append(gm, added...)
		sort.Slice(gm, func(a, b int) bool { return gm[a].first < gm[b].first })
	}
	return gm
}

// inRegion reports whether token i is inside the name of a region in gm.
func inRegion(gm []gazMatch, i int) bool {
	k := sort.Search(len(gm), func(k int) bool { return gm[k].last >= i })
	return k < len(gm) && gm[k].first <= i && gm[k].kind == gBlock && gm[k].id == blockRegion
}

// tailStart finds, before the "(" at toks[p], a lower-case tail that begins
// with a preposition after a capitalised word ("... Centre for combating the
// illicit trafficking of narcotic drugs"), and returns the index of that
// preposition, or -1.
func tailStart(body string, toks []token, p int) int {
	for j, n := p-1, 0; j > 0 && n < 12; j, n = j-1, n+1 {
		t := toks[j]
		if t.sep == sepPara || t.kind == tNumber || t.kind == tPunct && t.norm != "," {
			return -1
		}
		if t.kind == tWord && startsUpper(t.text(body)) {
			return -1
		}
		if (t.norm == "for" || t.norm == "on" || t.norm == "against" || t.norm == "to") && toks[j-1].kind == tWord &&
			startsUpper(toks[j-1].text(body)) && orgHeads[toks[j-1].norm] {
			return j
		}
	}
	return -1
}

// isCountryMatch reports whether token i is inside a country match of gm.
func isCountryMatch(gm []gazMatch, i int) bool {
	k := sort.Search(len(gm), func(k int) bool { return gm[k].last >= i })
	return k < len(gm) && gm[k].first <= i && (gm[k].kind == gCountry || gm[k].kind == gAdjective)
}

// isAcronym reports whether s looks like an organization's acronym: a single
// word of capitals (a lower-case letter or two allowed, as in "CoE"), 2 to 12
// letters.
func isAcronym(s string) bool {
	if len(s) < 2 || len(s) > 12 {
		return false
	}
	upper, lower := 0, 0
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z':
			upper++
		case r >= 'a' && r <= 'z':
			lower++
		case r == '-' || r >= '0' && r <= '9':
		default:
			return false
		}
	}
	return upper >= 2 && lower <= upper/2 && s[len(s)-1] != 's'
}

// longForm finds where the name that acr abbreviates begins, before the "("
// at toks[p] (after Schwartz and Hearst, 2003: the acronym's letters must be
// found in order, the first at the start of a word), and checks that it reads
// as an organization's name. It returns the first token or -1.
func longForm(body string, toks []token, p int, acr string) int {
	letters := strings.ToLower(strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' {
			return r
		}
		return -1
	}, acr))
	maxWords := min(len(letters)+5, 2*len(letters))
	// The words before the parenthesis, nearest first.
	var words []int
	for j := p - 1; j >= 0 && len(words) < maxWords; j-- {
		t := toks[j]
		if t.kind == tPunct {
			if t.norm == "-" && t.sep == sepNone {
				continue
			}
			break
		}
		words = append(words, j)
		if t.sep == sepPara {
			break
		}
	}
	if len(words) == 0 {
		return -1
	}
	// Match letters right to left against the words' text.
	li := len(letters) - 1
	wi := 0
	ci := -1 // position in the current word, from its end
	var w string
	first := -1
	for li >= 0 && wi < len(words) {
		if ci < 0 {
			w = strings.ToLower(toks[words[wi]].text(body))
			ci = len(w) - 1
		}
		found := false
		for ; ci >= 0; ci-- {
			if w[ci] == letters[li] && (li > 0 || ci == 0) {
				found = true
				break
			}
		}
		if found {
			li--
			ci--
			if li < 0 {
				first = words[wi]
			}
			if ci < 0 {
				// The letter was the word's first: the next letter is
				// looked for in the word before, not in this one again.
				wi++
			}
			continue
		}
		wi++
		ci = -1
	}
	if first < 0 {
		return -1
	}
	// It must read as a name: capitalised words (function words aside), no
	// national body, and an organization's head word last.
	for j := first; j < p; j++ {
		t := toks[j]
		if t.kind != tWord {
			continue
		}
		if nationalWords[t.norm] {
			return -1
		}
		if !functionWords[t.norm] && !startsUpper(t.text(body)) && !(j > first && toks[j].sep == sepNone) {
			return -1
		}
	}
	if !startsUpper(toks[first].text(body)) {
		return -1
	}
	// The head noun may come last ("... Network") or first ("International
	// Centre for Counter-Terrorism").
	for j := first; j < p; j++ {
		if orgHeads[toks[j].norm] {
			return first
		}
	}
	return -1
}

// before orders mentions by Start, then End.
func before(x, y Mention) bool {
	return x.Start < y.Start || x.Start == y.Start && x.End < y.End
}
