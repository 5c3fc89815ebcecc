package entity

import (
	"bufio"
	_ "embed"
	"fmt"
	"strings"
)

// The gazetteers (organizations, countries and the names that must block them)
// are one word trie, so a single left-to-right pass finds every name of every
// kind and the longest name wins across kinds: "Organization for Security and
// Co-operation in Europe" is one organization, and "Islamic State in Iraq and
// the Levant" swallows the Iraq inside it.

//go:embed data/organizations.tsv
var organizationsTSV string

//go:embed data/countries.tsv
var countriesTSV string

//go:embed data/not_entities.tsv
var notEntitiesTSV string

type gazKind uint8

const (
	gOrg gazKind = iota + 1
	gCountry
	gAdjective // a country adjective: counts only before a noun
	gBlock     // not an entity; claims its span so nothing fires inside
)

// blockRegion is the id of the blocks that name regions.
const blockRegion = "region"

// variant is one way of writing a name, as the trie reaches it.
type variant struct {
	kind gazKind
	id   string
	// form holds the name's words as written, aligned with the trie path,
	// for the case checks in accepts.
	form []string
}

type trieNode struct {
	next     map[string]*trieNode
	variants []*variant
}

func (n *trieNode) child(key string) *trieNode {
	if n.next == nil {
		n.next = map[string]*trieNode{}
	}
	c := n.next[key]
	if c == nil {
		c = &trieNode{}
		n.next[key] = c
	}
	return c
}

// orgInfo and countryInfo are what Label and Canonical need.
type orgInfo struct{ id, name string }

type countryInfo struct{ id, short, official string }

type gazetteer struct {
	root trieNode
	// lowerFirst marks the first bytes of the names that begin with a
	// lower-case word ("former Yugoslav Republic of Macedonia"). Every other
	// name begins with a capital or a digit, so the scan skips the lower-case
	// words that make up most of a text without a map lookup.
	lowerFirst [256]bool
	// lookup maps the normalized key of every name, variant and id to the id,
	// per kind, for Canonical.
	lookup    map[gazKind]map[string]string
	orgs      map[string]orgInfo
	countries map[string]countryInfo
	entries   map[gazKind]int
	// words are all the words of all the names, for normCache.
	words map[string]bool
}

var gaz = mustLoadGazetteer()

func mustLoadGazetteer() *gazetteer {
	for _, set := range []map[string]bool{notNouns, yearContext, yearOwner, listIntro, orgHeads, nationalWords, functionWords} {
		for w := range set {
			cacheNorm(w)
		}
	}
	for w := range monthNames {
		cacheNorm(w)
	}
	for _, w := range strings.Fields("resolution resolutions the in of on for and to a an by since from with as this that it its their these those during after before at between until over under including no nos such particular well or res") {
		cacheNorm(w)
	}
	g, err := loadGazetteer(organizationsTSV, countriesTSV, notEntitiesTSV)
	if err != nil {
		// The data files are ours and embedded: a broken one is a bug in this
		// package, found by the first test run, never a runtime condition.
		panic("entity: " + err.Error())
	}
	// normCache is filled here, at init, and only read afterwards.
	for w := range g.words {
		cacheNorm(w)
	}
	return g
}

func loadGazetteer(orgs, countries, blocks string) (*gazetteer, error) {
	g := &gazetteer{
		lookup:    map[gazKind]map[string]string{gOrg: {}, gCountry: {}, gBlock: {}},
		orgs:      map[string]orgInfo{},
		countries: map[string]countryInfo{},
		entries:   map[gazKind]int{},
		words:     map[string]bool{},
	}
	err := eachRow("data/organizations.tsv", orgs, 3, func(f []string) error {
		id, name := f[0], f[1]
		if id == "" || name == "" {
			return fmt.Errorf("empty id or name")
		}
		if _, dup := g.orgs[id]; dup {
			return fmt.Errorf("duplicate id %q", id)
		}
		g.orgs[id] = orgInfo{id: id, name: name}
		g.entries[gOrg]++
		names := []string{name}
		if id != name {
			names = append(names, id) // every id is also a way of naming
		}
		names = append(names, splitList(f[2])...)
		for _, n := range names {
			for _, v := range expandVariant(n) {
				if err := g.add(gOrg, id, v); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = eachRow("data/countries.tsv", countries, 5, func(f []string) error {
		id, short, official := f[0], f[1], f[2]
		if len(id) != 3 || strings.ToUpper(id) != id || short == "" || official == "" {
			return fmt.Errorf("bad country row %q", strings.Join(f, "\t"))
		}
		if _, dup := g.countries[id]; dup {
			return fmt.Errorf("duplicate id %q", id)
		}
		g.countries[id] = countryInfo{id: id, short: short, official: official}
		g.entries[gCountry]++
		for _, n := range append([]string{short, official}, splitList(f[3])...) {
			for _, v := range expandVariant(n) {
				if err := g.add(gCountry, id, v); err != nil {
					return err
				}
			}
		}
		g.lookup[gCountry][strings.ToLower(id)] = id
		for _, a := range splitList(f[4]) {
			if err := g.add(gAdjective, id, a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = eachRow("data/not_entities.tsv", blocks, 2, func(f []string) error {
		g.entries[gBlock]++
		// A block's id is empty, or "region" for the names of regions: an
		// organization's name may contain those ("Central Asian Regional
		// Information and Coordination Centre").
		id := ""
		if strings.HasPrefix(f[1], "region") {
			id = blockRegion
		}
		return g.add(gBlock, id, f[0])
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// eachRow calls fn with the fields of every non-comment line of a TSV file.
func eachRow(file, data string, fields int, fn func([]string) error) error {
	sc := bufio.NewScanner(strings.NewReader(data))
	line := 0
	rows := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Split(text, "\t")
		if len(f) != fields {
			return fmt.Errorf("%s:%d: %d fields, want %d", file, line, len(f), fields)
		}
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		if err := fn(f); err != nil {
			return fmt.Errorf("%s:%d: %w", file, line, err)
		}
		rows++
	}
	if rows == 0 {
		return fmt.Errorf("%s: no rows", file)
	}
	return sc.Err()
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "|") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// spellings are the British and American forms that UN texts and press
// releases mix; every name is added in both.
var spellings = [][2]string{
	{"Centre", "Center"}, {"Organisation", "Organization"}, {"Programme", "Program"},
	{"Defence", "Defense"}, {"Labour", "Labor"}, {"Combating", "Combatting"},
	{"Radicalisation", "Radicalization"}, {"Stabilisation", "Stabilization"},
}

// expandVariant returns n with its "UN" short form and its other spellings.
func expandVariant(n string) []string {
	out := []string{n}
	if rest, ok := strings.CutPrefix(n, "United Nations "); ok {
		out = append(out, "UN "+rest)
	}
	// "the Committee established under resolution 1540 (2004)" is as
	// common as "pursuant to".
	if strings.Contains(n, " established pursuant to ") {
		out = append(out, strings.Replace(n, " established pursuant to ", " established under ", 1))
	}
	for _, sp := range spellings {
		for _, v := range out {
			for k := 0; k < 2; k++ {
				if strings.Contains(v, sp[k]) {
					out = append(out, strings.ReplaceAll(v, sp[k], sp[1-k]))
				}
				lo := strings.ToLower(sp[k])
				if strings.Contains(v, lo) {
					out = append(out, strings.ReplaceAll(v, lo, strings.ToLower(sp[1-k])))
				}
			}
		}
	}
	return out
}

// keyWords splits a name into the words the trie is keyed on, with the same
// tokenizer as the text: the words without "the", hyphens dropped so
// "Counter-Terrorism" and "Counter Terrorism" meet. Each element pairs the key
// with the word as written.
func keyWords(name string) (keys, forms []string, hyphenAt []int) {
	toks := tokenize(name, nil)
	for i, t := range toks {
		if t.kind == tPunct && t.norm == "-" && t.sep == sepNone && i > 0 && toks[i-1].kind != tPunct &&
			i+1 < len(toks) && toks[i+1].sep == sepNone && toks[i+1].kind != tPunct {
			hyphenAt = append(hyphenAt, len(keys))
			continue
		}
		if t.norm == "the" {
			continue
		}
		keys = append(keys, t.norm)
		forms = append(forms, t.text(name))
	}
	return keys, forms, hyphenAt
}

// add puts one name into the trie, also with its hyphenated words joined
// ("Co-operation" as "cooperation", "Counter-Terrorism" as "counterterrorism")
// because texts write both.
func (g *gazetteer) add(kind gazKind, id, name string) error {
	keys, forms, hyph := keyWords(name)
	for _, f := range forms {
		g.words[f] = true
	}
	if len(keys) == 0 {
		return fmt.Errorf("name %q has no words", name)
	}
	if err := g.addKeys(kind, id, name, keys, forms); err != nil {
		return err
	}
	if len(hyph) > 0 && len(hyph) <= 4 {
		// hyph[k] is the index of the word after the k-th joining hyphen; join
		// every such pair, from the right so indexes stay valid.
		jk := append([]string(nil), keys...)
		jf := append([]string(nil), forms...)
		for k := len(hyph) - 1; k >= 0; k-- {
			i := hyph[k]
			jk[i-1] += jk[i]
			jf[i-1] += jf[i]
			jk = append(jk[:i], jk[i+1:]...)
			jf = append(jf[:i], jf[i+1:]...)
		}
		for _, f := range jf {
			g.words[f] = true
		}
		if err := g.addKeys(kind, id, name, jk, jf); err != nil {
			return err
		}
	}
	return nil
}

func (g *gazetteer) addKeys(kind gazKind, id, name string, keys, forms []string) error {
	if c := forms[0][0]; 'a' <= c && c <= 'z' || c >= 0x80 {
		g.lowerFirst[keys[0][0]] = true
	}
	n := &g.root
	for _, k := range keys {
		n = n.child(k)
	}
	for _, v := range n.variants {
		if v.kind != kind || v.id != id {
			if (v.kind == gCountry && kind == gAdjective) || (v.kind == gAdjective && kind == gCountry) {
				continue
			}
			return fmt.Errorf("name %q is both %d %q and %d %q", name, v.kind, v.id, kind, id)
		}
	}
	n.variants = append(n.variants, &variant{kind: kind, id: id, form: forms})
	lk := kind
	if lk == gAdjective {
		lk = gCountry
	}
	key := strings.Join(keys, " ")
	if prev, ok := g.lookup[lk][key]; ok && prev != id {
		return fmt.Errorf("name %q is both %q and %q", name, prev, id)
	}
	g.lookup[lk][key] = id
	return nil
}

// accepts checks a matched variant against the words as written: acronyms
// and one-word names must match their case exactly (or be in capitals, as in
// headings), so "chad" or "Who" are not found; longer names may differ in case
// but must begin with a capital.
func (v *variant) accepts(body string, toks []token, idx []int) bool {
	if len(v.form) != len(idx) {
		return false
	}
	for k, f := range v.form {
		w := toks[idx[k]].word(body)
		if isUpperWord(f) || len(v.form) == 1 {
			if w == f {
				continue
			}
			if len(v.form) == 1 && len(f) >= 4 && !isUpperWord(f) && isUpperWord(w) && strings.EqualFold(w, f) {
				continue
			}
			return false
		}
		if k == 0 && !startsUpper(w) && startsUpper(f) {
			return false
		}
	}
	return true
}

// gazMatch is one name found in the text.
type gazMatch struct {
	kind        gazKind
	id          string
	first, last int // token indexes, inclusive
}

// scanGazetteer finds the names in toks, left to right, longest first.
func (g *gazetteer) scanGazetteer(body string, toks []token, out []gazMatch) []gazMatch {
	type cand struct {
		node *trieNode
		n    int // len(path)
	}
	// Names are short: fixed arrays keep the scan free of allocations.
	var pathBuf [64]int
	var candBuf [64]cand
	path := pathBuf[:0] // token indexes of the current trie path
	cands := candBuf[:0]
	lastEnd := -1 // the last token of the previous match
	for i := 0; i < len(toks); {
		t := toks[i]
		if c := body[t.start]; t.kind == tPunct || 'a' <= c && c <= 'z' && !g.lowerFirst[c] {
			i++
			continue
		}
		n := g.root.next[t.norm]
		if n == nil {
			i++
			continue
		}
		// The second half of a compound is not a name of its own:
		// "Ibero-American" is not the United States. A compound of two
		// names ("Iraq-Syria border") still counts twice.
		if i >= 2 && t.sep == sepNone && isPunct(toks, i-1, "-") && toks[i-1].sep == sepNone &&
			toks[i-2].kind == tWord && lastEnd != i-2 && !namesCountry(toks[i-2]) {
			i++
			continue
		}
		path = append(path[:0], i)
		cands = cands[:0]
		if n.variants != nil {
			cands = append(cands, cand{n, 1})
		}
		j := i + 1
		for j < len(toks) {
			u := toks[j]
			if u.sep == sepPara {
				break
			}
			// A hyphen joining two words is not part of the key, also at
			// the end of a line ("Counter-\nTerrorism").
			if u.kind == tPunct && u.norm == "-" && u.sep == sepNone && j+1 < len(toks) && toks[j+1].kind != tPunct &&
				(toks[j+1].sep == sepNone || toks[j+1].sep == sepSpace && strings.IndexByte(body[u.end:toks[j+1].start], '\n') >= 0) {
				j++
				continue
			}
			c := n.next[u.norm]
			if c == nil {
				if u.norm == "the" {
					j++
					continue
				}
				break
			}
			n = c
			path = append(path, j)
			if n.variants != nil {
				cands = append(cands, cand{n, len(path)})
			}
			j++
		}
		matched := false
		for k := len(cands) - 1; k >= 0 && !matched; k-- {
			c := cands[k]
			idx := path[:c.n]
			for _, v := range c.node.variants {
				if !v.accepts(body, toks, idx) {
					continue
				}
				if v.kind == gAdjective && !beforeNoun(body, toks, idx[len(idx)-1]) {
					continue
				}
				if len(idx) == 1 && wordAcronyms[v.form[0]] && shouting(body, toks, idx[0]) {
					continue
				}
				if len(idx) == 1 && givenNames[v.form[0]] && beforeSurname(body, toks, idx[0]) {
					continue
				}
				if len(idx) == 1 && v.kind == gCountry && afterGivenName(body, toks, idx[0]) {
					continue
				}
				out = append(out, gazMatch{kind: v.kind, id: v.id, first: idx[0], last: idx[len(idx)-1]})
				lastEnd = idx[len(idx)-1]
				i = lastEnd + 1
				matched = true
				break
			}
		}
		if !matched {
			i++
		}
	}
	return out
}

// wordAcronyms are acronyms that are also English words; in a heading in
// capitals ("WHO WE ARE") they are words.
var wordAcronyms = map[string]bool{"WHO": true, "RAN": true, "IMO": true, "LAS": true, "ARF": true,
	"PIF": true, "ECA": true, "ECE": true, "AU": true, "EU": true, "CIS": true, "OLA": true, "CAT": true, "US": true}

// givenNames are country names that are also people's first names: "Chad
// Smith" is a person.
var givenNames = map[string]bool{"Chad": true, "Jordan": true, "Georgia": true, "India": true, "Israel": true}

// beforeSurname reports whether the word at toks[i] is followed by a
// capitalised word that no name in the gazetteer begins with.
func beforeSurname(body string, toks []token, i int) bool {
	if i+1 >= len(toks) || toks[i+1].kind != tWord || toks[i+1].sep != sepSpace {
		return false
	}
	w := toks[i+1].text(body)
	return startsUpper(w) && !isUpperWord(w) && gaz.root.next[toks[i+1].norm] == nil
}

// directions are the capitalised words that may stand before a country's
// name without making it a surname: "Northern Mali".
var directions = map[string]bool{"northern": true, "southern": true, "eastern": true, "western": true,
	"central": true, "north": true, "south": true, "east": true, "west": true, "upper": true, "lower": true,
	"north-eastern": true, "north-western": true, "south-eastern": true, "south-western": true, "greater": true}

// afterGivenName reports whether the one-word country name at toks[i]
// follows, inside a sentence, a capitalised word that is neither a name of
// the gazetteer nor a direction: "Grace Mali" is a person.
func afterGivenName(body string, toks []token, i int) bool {
	if i < 2 || toks[i].sep != sepSpace || toks[i-1].kind != tWord {
		return false
	}
	w := toks[i-1].text(body)
	if !startsUpper(w) || isUpperWord(w) || directions[toks[i-1].norm] || gaz.root.next[toks[i-1].norm] != nil ||
		functionWords[toks[i-1].norm] || notNouns[toks[i-1].norm] {
		return false // "Visit To Kenya" is a headline in title case
	}
	// A capital at the start of a sentence or paragraph says nothing, unless
	// a title follows the name: "Aigerim Mali, Legal Adviser of Belgium, said".
	p := toks[i-2]
	if toks[i-1].sep == sepPara || p.kind == tPunct && (p.norm == "." || p.norm == ":" || p.norm == ";" || p.norm == "?" || p.norm == "!" || p.norm == "\"" || p.norm == "(") {
		return isPunct(toks, i+1, ",") && i+2 < len(toks) && toks[i+2].kind == tWord &&
			startsUpper(toks[i+2].text(body)) && gaz.root.next[toks[i+2].norm] == nil
	}
	// Nor does one in a run of capitalised words: "Assessment Visit Kenya".
	if p.kind == tWord && startsUpper(p.text(body)) {
		return false
	}
	return true
}

// shouting reports whether the word at toks[i] stands among words in capitals.
func shouting(body string, toks []token, i int) bool {
	for _, j := range []int{i - 1, i + 1} {
		if j < 0 || j >= len(toks) || toks[j].kind != tWord || toks[j].sep == sepPara || j > i && toks[i+1].sep == sepPara {
			continue
		}
		if w := toks[j].text(body); isUpperWord(w) && gaz.root.next[toks[j].norm] == nil {
			return true
		}
	}
	return false
}

// notNouns are the words after which a country adjective is not used as one:
// "in Kyrgyz and Russian" is about languages, "the Kyrgyz" about people.
var notNouns = map[string]bool{
	"and": true, "or": true, "of": true, "in": true, "to": true, "is": true, "are": true,
	"was": true, "were": true, "the": true, "a": true, "an": true, "by": true, "for": true,
	"with": true, "at": true, "on": true, "as": true, "from": true, "language": true,
	"languages": true, "'s": true, "that": true, "which": true, "who": true,
}

// beforeNoun reports whether the adjective at toks[i] is followed by a word
// it can qualify ("Kyrgyz authorities"), possibly at the end of a list of
// adjectives and names ("Syrian and Iraqi nationals", "Iraqi, Kazakh, Kosovo and
// Uzbek authorities").
func beforeNoun(body string, toks []token, i int) bool {
	if i+1 >= len(toks) {
		return false
	}
	n := toks[i+1]
	if n.kind == tWord && n.sep == sepSpace && !notNouns[n.norm] {
		return true
	}
	hyphen := isPunct(toks, i+1, "-") && n.sep == sepNone // "Kyrgyz-Tajik border"
	if n.sep == sepPara || !(n.norm == "and" || n.norm == "or" || isPunct(toks, i+1, ",") || hyphen) {
		return false
	}
	for j := i + 1; j < len(toks) && j <= i+12 && toks[j].sep != sepPara; j++ {
		t := toks[j]
		if t.norm == "and" || t.norm == "or" || isPunct(toks, j, ",") || isPunct(toks, j, "-") {
			continue
		}
		if t.kind != tWord {
			return false
		}
		if startsUpper(t.text(body)) {
			continue // another adjective or name in the list
		}
		return !notNouns[t.norm] && isAdjective(toks[j-1])
	}
	return false
}

// namesCountry reports whether the word t alone names a country or is a
// country adjective: the first half of "Kyrgyz-Tajik" or "Iraq-Syria".
func namesCountry(t token) bool {
	if v := gaz.root.next[t.norm]; v != nil {
		for _, x := range v.variants {
			if x.kind == gAdjective || x.kind == gCountry {
				return true
			}
		}
	}
	return false
}

func isAdjective(t token) bool {
	if v := gaz.root.next[t.norm]; v != nil {
		for _, x := range v.variants {
			if x.kind == gAdjective {
				return true
			}
		}
	}
	return false
}
