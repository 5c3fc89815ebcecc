package entity

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// The evaluation set in testdata/eval measures the extractor the way
// researchers use it: does a document come up when they filter by an entity,
// and does it not come up when it should not. Each document NAME.txt has a
// NAME.gold beside it listing every entity the document names, one
// "kind<TAB>id" line per distinct entity, annotated by reading the text
// against the contract in DESIGN.md (not from the extractor's output).
//
// Precision and recall are computed per kind over (document, kind, id)
// pairs: a pair is found when Extract returns at least one mention of that
// id in that document. Mention offsets are checked separately on a subset: a
// gold line may carry extra fields, "@TEXT" (some mention of that id is
// exactly TEXT, body[Start:End], with \n for a line break) and "!warn" (some
// mention of that id carries a warning).
//
// Documents named corpus-*.txt are the parsed bodies of files of the sample
// corpus (dossier extract FILE --json, field "body"), stored so that their
// offsets stay fixed whatever the parsers do later; syn-*.txt were written
// for this set, one or two forms of the issue per document, and the extractor
// was improved against them; heldout-*.txt were written and annotated after
// those improvements, before the extractor was first run on them, so that
// their first score said how the extractor does on text it was not tuned to.
// First runs: heldout-01 to -08, all 126 pairs found, none extra; heldout-09
// to -13, 78 pairs, one false date ("the 2020-2024 Action Plan") and a
// country and a date missed where PDF text hyphenates them at a line end
// ("Philip-/pines", "Feb-/ruary"), fixed since; heldout-14 to -17, 54 pairs,
// all found, none extra.

// evalFloors are the precision and recall each kind must reach (issue 3).
var evalFloors = map[string][2]float64{
	Resolution:   {0.98, 0.98},
	Organization: {0.95, 0.93},
	Country:      {0.95, 0.93},
	Date:         {0.95, 0.90},
}

type evalPair struct{ kind, id string }

type evalCheck struct {
	kind, id, text string
	warn           bool
}

type evalDoc struct {
	name   string
	body   string
	gold   map[evalPair]bool
	checks []evalCheck
}

func loadEvalSet(t *testing.T) []evalDoc {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "eval", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no evaluation documents: %v", err)
	}
	var docs []evalDoc
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d := evalDoc{name: strings.TrimSuffix(filepath.Base(f), ".txt"), body: string(body), gold: map[evalPair]bool{}}
		gf, err := os.Open(strings.TrimSuffix(f, ".txt") + ".gold")
		if err != nil {
			t.Fatalf("%s has no gold file: %v", f, err)
		}
		sc := bufio.NewScanner(gf)
		line := 0
		for sc.Scan() {
			line++
			s := sc.Text()
			if strings.TrimSpace(s) == "" || strings.HasPrefix(s, "#") {
				continue
			}
			p := strings.Split(s, "\t")
			if len(p) < 2 {
				t.Fatalf("%s.gold:%d: want kind<TAB>id, got %q", d.name, line, s)
			}
			pair := evalPair{p[0], p[1]}
			if !canonicalID(pair.kind, pair.id) && !(pair.kind == Organization && pair.id != "") {
				t.Errorf("%s.gold:%d: %s id %q is not canonical", d.name, line, pair.kind, pair.id)
			}
			if d.gold[pair] {
				t.Errorf("%s.gold:%d: %s %q listed twice", d.name, line, pair.kind, pair.id)
			}
			d.gold[pair] = true
			for _, x := range p[2:] {
				switch {
				case strings.HasPrefix(x, "@"):
					text := strings.ReplaceAll(x[1:], `\n`, "\n")
					if !strings.Contains(d.body, text) {
						t.Errorf("%s.gold:%d: %q is not in the document", d.name, line, text)
					}
					d.checks = append(d.checks, evalCheck{kind: pair.kind, id: pair.id, text: text})
				case x == "!warn":
					d.checks = append(d.checks, evalCheck{kind: pair.kind, id: pair.id, warn: true})
				case strings.HasPrefix(x, "#"):
				default:
					t.Errorf("%s.gold:%d: unknown field %q", d.name, line, x)
				}
			}
		}
		gf.Close()
		docs = append(docs, d)
	}
	return docs
}

// evalScore is the count of true positives, false positives and false
// negatives of one kind.
type evalScore struct{ tp, fp, fn int }

func (s evalScore) precision() float64 { return float64(s.tp) / float64(max(1, s.tp+s.fp)) }
func (s evalScore) recall() float64    { return float64(s.tp) / float64(max(1, s.tp+s.fn)) }

// evalTable writes the precision and recall table in the README's Markdown.
func evalTable(scores map[string]evalScore, docs, pairs int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d documents, %d gold (document, kind, id) pairs\n\n", docs, pairs)
	b.WriteString("| kind | precision | recall | gold | found | true pos. | false pos. | false neg. | floor P / R |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	for _, k := range Kinds {
		s := scores[k]
		fmt.Fprintf(&b, "| %s | %.3f | %.3f | %d | %d | %d | %d | %d | %.2f / %.2f |\n", k, s.precision(), s.recall(),
			s.tp+s.fn, s.tp+s.fp, s.tp, s.fp, s.fn, evalFloors[k][0], evalFloors[k][1])
	}
	return b.String()
}

// TestEvaluation computes precision and recall per kind over the evaluation
// set and fails below the floors. Run it with -v to see the table and
// every miss and false alarm:
//
//	go test ./internal/entity -run TestEvaluation -v
func TestEvaluation(t *testing.T) {
	docs := loadEvalSet(t)
	corpus := 0
	for _, d := range docs {
		if strings.HasPrefix(d.name, "corpus-") {
			corpus++
		}
	}
	if len(docs) < 40 || corpus < 20 {
		t.Errorf("%d evaluation documents (%d from the corpus), want at least 40 (20)", len(docs), corpus)
	}
	scores := map[string]evalScore{}
	pairs := 0
	var errs []string
	for _, d := range docs {
		ms := Extract(d.body)
		checkInvariants(t, d.body, ms)
		got := map[evalPair]bool{}
		for _, m := range ms {
			got[evalPair{m.Kind, m.ID}] = true
		}
		pairs += len(d.gold)
		var lines []string
		for p := range got {
			s := scores[p.kind]
			if d.gold[p] {
				s.tp++
			} else {
				s.fp++
				lines = append(lines, fmt.Sprintf("%s: false positive %s %q (%s)", d.name, p.kind, p.id, mentionTexts(ms, p)))
			}
			scores[p.kind] = s
		}
		for p := range d.gold {
			if !got[p] {
				s := scores[p.kind]
				s.fn++
				scores[p.kind] = s
				lines = append(lines, fmt.Sprintf("%s: missed %s %q", d.name, p.kind, p.id))
			}
		}
		sort.Strings(lines)
		for _, l := range lines {
			t.Log(l)
		}
		// The offsets subset: the words as written, and the warnings.
		for _, c := range d.checks {
			ok := false
			for _, m := range ms {
				if m.Kind != c.kind || m.ID != c.id {
					continue
				}
				if c.warn && m.Warning != "" || !c.warn && m.Text == c.text && d.body[m.Start:m.End] == c.text {
					ok = true
					break
				}
			}
			if !ok && c.warn {
				errs = append(errs, fmt.Sprintf("%s: no mention of %s %q carries a warning", d.name, c.kind, c.id))
			} else if !ok {
				errs = append(errs, fmt.Sprintf("%s: no mention of %s %q is exactly %q (found: %s)", d.name, c.kind, c.id, c.text, mentionTexts(ms, evalPair{c.kind, c.id})))
			}
		}
	}
	table := evalTable(scores, len(docs), pairs)
	t.Log("precision and recall per kind over (document, kind, id) pairs:\n" + table)
	for _, e := range errs {
		t.Error(e)
	}
	for _, k := range Kinds {
		s, f := scores[k], evalFloors[k]
		if s.precision() < f[0] || s.recall() < f[1] {
			t.Errorf("%s: precision %.3f, recall %.3f; floors %.2f and %.2f", k, s.precision(), s.recall(), f[0], f[1])
		}
	}
}

// mentionTexts lists the texts of the mentions of one entity, for messages.
func mentionTexts(ms []Mention, p evalPair) string {
	var texts []string
	for _, m := range ms {
		if m.Kind == p.kind && m.ID == p.id {
			texts = append(texts, fmt.Sprintf("%q@%d", m.Text, m.Start))
		}
	}
	return strings.Join(texts, ", ")
}
