// Package corpusgen generates a synthetic corpus of UN-style counter-terrorism
// press releases, meeting summaries and reports, for benchmarks and for tests
// that need more documents than the shipped sample corpus holds.
//
// The corpus is deterministic: document i depends only on the seed and i, so the
// same seed and size give byte-identical files on every machine and Go release
// (the generator carries its own random number generator for that reason, rather
// than math/rand, whose derived methods may change between releases), and a
// corpus of n documents can be grown by generating documents n, n+1, ... later.
//
// Each document cites real Security Council resolutions with their real years,
// real organizations and Member States, and explicit dates, in the written forms
// Dossier's entity extractor reads ("resolution 2178 (2014)", "resolutions 1373
// (2001) and 1624 (2005)", "S/RES/2396 (2017)", "UNSCR 1540", "United Nations
// Office on Drugs and Crime (UNODC)", "Kyrgyz authorities", "from 3 to 5
// December 2019"). The canonical ids of the resolutions, organizations and
// countries it writes are returned with it as gold data. Most documents are plain
// text; some are HTML pages with site furniture around an <article>, and a few
// are PDFs written by a small PDF writer in this package (Helvetica, no external
// tool).
package corpusgen

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Formats, as they name a document's folder.
const (
	Text = "text"
	HTML = "html"
	PDF  = "pdf"
)

// Formats lists the formats in the order their folders are usually indexed.
var Formats = []string{Text, HTML, PDF}

// Doc is one generated document.
type Doc struct {
	Index  int
	Path   string // relative, slash-separated: the format's folder, the year, the file
	Format string // Text, HTML or PDF
	Title  string
	Date   string // ISO 8601, the day the document is dated
	// Body is the document's text as written, without the format's markup or page
	// furniture; for a text file it is the file itself.
	Body string
	Data []byte // the file's bytes
	// The canonical ids (as the contract in DESIGN.md defines them) of the
	// entities the generator wrote into the text, sorted and distinct.
	Resolutions   []string
	Organizations []string
	Countries     []string
}

// Generator produces the documents of one seed.
type Generator struct {
	seed int64
}

// New returns the generator for seed.
func New(seed int64) *Generator { return &Generator{seed: seed} }

// Generate calls fn with documents 0 to n-1 of seed's corpus, in order, and stops
// at the first error fn returns.
func Generate(seed int64, n int, fn func(Doc) error) error {
	g := New(seed)
	for i := range n {
		if err := fn(g.Doc(i)); err != nil {
			return err
		}
	}
	return nil
}

// WriteDir writes documents 0 to n-1 of seed's corpus under dir, each at its Path.
func WriteDir(dir string, seed int64, n int) error {
	return WriteRange(dir, seed, 0, n)
}

// WriteRange writes documents from to to-1 of seed's corpus under dir, so a
// written corpus can grow with documents it does not have yet.
func WriteRange(dir string, seed int64, from, to int) error {
	g := New(seed)
	made := map[string]bool{}
	for i := from; i < to; i++ {
		d := g.Doc(i)
		p := filepath.Join(dir, filepath.FromSlash(d.Path))
		if parent := filepath.Dir(p); !made[parent] {
			if err := os.MkdirAll(parent, 0o755); err != nil {
				return fmt.Errorf("corpusgen: %w", err)
			}
			made[parent] = true
		}
		if err := os.WriteFile(p, d.Data, 0o644); err != nil {
			return fmt.Errorf("corpusgen: %w", err)
		}
	}
	return nil
}

// Doc returns document i of the generator's corpus.
func (g *Generator) Doc(i int) Doc {
	r := newRNG(uint64(g.seed), uint64(i))
	w := newWriter(r)
	d := Doc{Index: i}

	// Mostly text, some HTML, a few PDFs: roughly the mix of a researcher's folder
	// of press releases with a handful of reports.
	switch x := r.intn(100); {
	case x < 75:
		d.Format = Text
	case x < 93:
		d.Format = HTML
	default:
		d.Format = PDF
	}
	w.compose()
	d.Title, d.Date, d.Body = w.title, w.date.iso(), w.body.String()
	d.Resolutions, d.Organizations, d.Countries = w.gold()

	name := fmt.Sprintf("%s-%07d", d.Date, i)
	switch d.Format {
	case Text:
		d.Path = fmt.Sprintf("text/%d/%s.txt", w.date.y, name)
		d.Data = []byte(d.Body)
	case HTML:
		d.Path = fmt.Sprintf("html/%d/%s.html", w.date.y, name)
		d.Data = htmlPage(w, r)
	case PDF:
		d.Path = fmt.Sprintf("pdf/%d/%s.pdf", w.date.y, name)
		d.Data = pdfFile(w)
	}
	return d
}

// rng is SplitMix64: tiny, fast, and fixed forever, so the corpus is too.
type rng struct{ s uint64 }

func newRNG(seed, i uint64) *rng {
	r := &rng{s: seed*0x9e3779b97f4a7c15 ^ (i+1)*0xbf58476d1ce4e5b9}
	r.next()
	return r
}

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a number in [0, n); the modulo bias is far below anything a
// benchmark corpus could show.
func (r *rng) intn(n int) int { return int(r.next() % uint64(n)) }

func pick[T any](r *rng, s []T) T { return s[r.intn(len(s))] }

// date is a calendar day.
type date struct{ y, m, d int }

func (t date) iso() string { return fmt.Sprintf("%04d-%02d-%02d", t.y, t.m, t.d) }

// long writes the day as UN documents do: 3 December 2019.
func (t date) long() string { return strconv.Itoa(t.d) + " " + months[t.m-1] + " " + strconv.Itoa(t.y) }

func (t date) before(u date) bool {
	return t.y < u.y || t.y == u.y && (t.m < u.m || t.m == u.m && t.d < u.d)
}

// writer composes one document's title and body and records what it cited.
type writer struct {
	r     *rng
	date  date
	kind  string
	kick  string
	topic topic
	ctry  []country      // the document's main countries
	orgs  []organization // the document's main organizations
	res   []resolution   // the resolutions it may cite (adopted by its date)
	cited []resolution   // the document's main resolutions
	city  string

	introduced map[string]bool // organizations already written out in full
	goldRes    map[string]bool
	goldOrg    map[string]bool
	goldCtry   map[string]bool

	title string
	body  strings.Builder
	paras []string // the body's paragraphs after the title and kicker, for HTML and PDF
}

func newWriter(r *rng) *writer {
	return &writer{r: r, introduced: map[string]bool{}, goldRes: map[string]bool{},
		goldOrg: map[string]bool{}, goldCtry: map[string]bool{}}
}

// daysIn is the length of month m of year y.
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

// compose draws the document's subject and writes it.
func (w *writer) compose() {
	r := w.r
	// Dated from 2005 to October 2026.
	y := 2005 + r.intn(22)
	m := 1 + r.intn(12)
	if y == 2026 && m > 10 {
		m -= 2
	}
	w.date = date{y, m, 1 + r.intn(daysIn(y, m))}
	k := pick(r, kickers)
	w.kick, w.kind = k.label, k.kind
	w.topic = pick(r, topics)
	for _, x := range resolutions {
		if x.year <= y {
			w.res = append(w.res, x)
		}
	}
	for range 1 + r.intn(3) {
		w.ctry = appendNew(w.ctry, pick(r, countries))
	}
	for range 2 + r.intn(3) {
		w.orgs = appendNew(w.orgs, pick(r, organizations))
	}
	for range 2 + r.intn(3) {
		w.cited = appendNew(w.cited, pick(r, w.res))
	}
	w.city = w.ctry[0].capital

	w.title = w.fill(pick(r, titleTemplates))
	w.body.WriteString(w.title)
	w.body.WriteString("\n\n")
	w.body.WriteString(w.kick + " - " + w.date.long())
	w.body.WriteString("\n\n")

	// 3 to 5 KB of prose, in paragraphs of three to five sentences.
	target := 3000 + r.intn(2000)
	lead := true
	for w.body.Len() < target {
		var p strings.Builder
		if lead {
			p.WriteString(strings.ToUpper(w.city) + ", " + w.date.long() + " - ")
			p.WriteString(w.fill(pick(r, leads)))
			p.WriteByte(' ')
			lead = false
		}
		for j := range 3 + r.intn(3) {
			if j > 0 {
				p.WriteByte(' ')
			}
			t := pick(r, sentences)
			if r.intn(4) == 0 {
				t = pick(r, personSentences)
			}
			p.WriteString(w.fill(t))
		}
		w.paras = append(w.paras, p.String())
		w.body.WriteString(p.String())
		w.body.WriteString("\n\n")
	}
}

func appendNew[T comparable](s []T, v T) []T {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// fill replaces a template's slots with words, recording the entities written.
func (w *writer) fill(t string) string {
	var b strings.Builder
	var used []string // countries already in this sentence, to name two different ones
	for {
		i := strings.IndexByte(t, '{')
		if i < 0 {
			b.WriteString(t)
			break
		}
		j := strings.IndexByte(t[i:], '}') + i
		b.WriteString(t[:i])
		slot := t[i+1 : j]
		t = t[j+1:]
		switch slot {
		case "country":
			c := pick(w.r, w.ctry)
			if slices.Contains(used, c.id) {
				c = pick(w.r, countries)
			}
			if slices.Contains(used, c.id) {
				b.WriteString("other States")
				continue
			}
			used = append(used, c.id)
			b.WriteString(w.country(c))
		case "adj":
			// The templates write the noun ("{adj} officials"); a country with
			// no adjective that surely means the State gives way to one that has.
			c := pick(w.r, w.ctry)
			for c.adj == "" {
				c = pick(w.r, countries)
			}
			w.goldCtry[c.id] = true
			b.WriteString(c.adj)
		case "org":
			b.WriteString(w.org(pick(w.r, w.orgs)))
		case "res":
			b.WriteString(w.resolution(pick(w.r, w.cited)))
		case "resboth":
			b.WriteString(w.resolutionList())
		case "topic":
			b.WriteString(w.topic.short)
		case "aspect":
			b.WriteString(pick(w.r, w.topic.aspects))
		case "verb":
			b.WriteString(pick(w.r, w.topic.verbs))
		case "city":
			b.WriteString(w.city)
		case "date":
			b.WriteString(w.eventDate().long())
		case "range":
			b.WriteString(w.dateRange())
		case "num":
			b.WriteString(strconv.Itoa(12 + w.r.intn(180)))
		case "pct":
			b.WriteString(strconv.Itoa(20 + w.r.intn(75)))
		case "person":
			b.WriteString(w.person())
		case "role":
			b.WriteString(pick(w.r, roles))
		case "role2":
			b.WriteString(pick(w.r, roles2))
		case "symbol":
			// A report symbol of the document's year: S/2019/874.
			fmt.Fprintf(&b, "S/%d/%d", w.date.y, 10+w.r.intn(990))
		case "meeting":
			// A meeting record; the Council held about 200 to 280 meetings a year.
			fmt.Fprintf(&b, "S/PV.%d", 5100+(w.date.y-2005)*240+w.r.intn(240))
		case "nth":
			b.WriteString(ordinal(5100 + (w.date.y-2005)*240 + w.r.intn(240)))
		case "noun":
			b.WriteString(pick(w.r, nouns))
		case "adjw":
			b.WriteString(pick(w.r, adjWords))
		default:
			panic("corpusgen: unknown slot " + slot)
		}
	}
	s := b.String()
	// A slot that opens a sentence ("{adj} officials ...") starts it in capitals.
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		s = string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

func (w *writer) country(c country) string {
	w.goldCtry[c.id] = true
	return c.name
}

// org writes an organization: in full with its acronym the first time (as UN
// texts introduce it), by acronym afterwards, or sometimes by full name alone.
func (w *writer) org(o organization) string {
	w.goldOrg[o.id] = true
	if o.id == o.name {
		return "the " + o.name
	}
	if w.introduced[o.id] || o.byAcronym && w.r.intn(4) == 0 {
		return o.id
	}
	w.introduced[o.id] = true
	if w.r.intn(5) == 0 {
		return "the " + o.name
	}
	return "the " + o.name + " (" + o.id + ")"
}

// resolution writes one citation in one of the forms the Council's bodies use.
func (w *writer) resolution(x resolution) string {
	w.goldRes[scID(x)] = true
	n, y := strconv.Itoa(x.n), strconv.Itoa(x.year)
	switch w.r.intn(10) {
	case 0, 1:
		return "Security Council resolution " + n + " (" + y + ")"
	case 2:
		return "S/RES/" + n + " (" + y + ")"
	case 3:
		return "UNSCR " + n
	default:
		return "resolution " + n + " (" + y + ")"
	}
}

// resolutionList writes two or three resolutions as one citation.
func (w *writer) resolutionList() string {
	var xs []resolution
	for range 2 + w.r.intn(2) {
		xs = appendNew(xs, pick(w.r, w.res))
	}
	if len(xs) == 1 {
		return w.resolution(xs[0])
	}
	slices.SortFunc(xs, func(a, b resolution) int { return a.n - b.n })
	parts := make([]string, len(xs))
	for i, x := range xs {
		w.goldRes[scID(x)] = true
		parts[i] = strconv.Itoa(x.n) + " (" + strconv.Itoa(x.year) + ")"
	}
	return "resolutions " + strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

func scID(x resolution) string { return fmt.Sprintf("S/RES/%d (%d)", x.n, x.year) }

// eventDate is a day in the document's year, not after its date.
func (w *writer) eventDate() date {
	m := 1 + w.r.intn(w.date.m)
	d := 1 + w.r.intn(daysIn(w.date.y, m))
	t := date{w.date.y, m, d}
	if w.date.before(t) {
		return w.date
	}
	return t
}

// dateRange writes an event's days: "from 3 to 5 December 2019" or "on 3 December 2019".
func (w *writer) dateRange() string {
	t := w.eventDate()
	if w.r.intn(3) == 0 || t.d > 25 {
		return "on " + t.long()
	}
	return fmt.Sprintf("from %d to %d %s %d", t.d, t.d+1+w.r.intn(3), months[t.m-1], t.y)
}

// gold returns the sorted ids written.
func (w *writer) gold() (res, orgs, ctry []string) {
	keys := func(m map[string]bool) []string {
		out := make([]string, 0, len(m))
		for k := range m {
			out = append(out, k)
		}
		slices.Sort(out)
		return out
	}
	return keys(w.goldRes), keys(w.goldOrg), keys(w.goldCtry)
}

// person makes up an official's name: a given name and a surname of two or
// three syllables, capitalized.
func (w *writer) person() string {
	var b strings.Builder
	for range 2 + w.r.intn(2) {
		b.WriteString(pick(w.r, syllables))
	}
	s := b.String()
	return pick(w.r, givenNames) + " " + strings.ToUpper(s[:1]) + s[1:]
}

// ordinal writes n as 8123rd.
func ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}
