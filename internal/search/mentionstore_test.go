package search

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"dossier/internal/entity"
)

// randomDocument makes a document citing some of a few resolutions and
// countries, at random places in its body, with a day, month, year or no date.
func randomDocument(r *rand.Rand, id string) Document {
	d := Document{ID: id, Title: "Document " + id, Format: "text", Type: "other", Path: "/" + id}
	switch r.IntN(4) {
	case 0:
		d.Date = fmt.Sprintf("20%02d-%02d-%02d", 10+r.IntN(3), 1+r.IntN(12), 1+r.IntN(28))
	case 1:
		d.Date = fmt.Sprintf("20%02d-%02d", 10+r.IntN(3), 1+r.IntN(12))
	case 2:
		d.Date = fmt.Sprintf("20%02d", 10+r.IntN(3))
	}
	body := []byte("Opening words.")
	for range r.IntN(6) {
		kind, eid, text := entity.Resolution, fmt.Sprintf("S/RES/%d (2014)", 2170+r.IntN(3)), "resolution"
		if r.IntN(3) == 0 {
			kind, eid, text = entity.Country, []string{"KGZ", "IRQ"}[r.IntN(2)], "a state"
		}
		body = append(body, " Then "...)
		d.Entities = append(d.Entities, entity.Mention{Kind: kind, ID: eid, Text: text, Start: len(body), End: len(body) + len(text)})
		body = append(body, text+" was cited."...)
	}
	d.Body = string(body)
	return d
}

// mentionKey is one mention as the comparisons below see it.
type mentionKey struct {
	Doc        string
	Start, End int
}

// bruteForceMentions computes what Mentions must answer from the documents
// themselves: every mention of kind/id in date order (undated last), then by
// document id, then by position.
func bruteForceMentions(t *testing.T, docs map[string]Document, kind, id string) (keys []mentionKey, documents int, years []YearCount) {
	t.Helper()
	type row struct {
		date uint32
		key  mentionKey
	}
	var rows []row
	perYear := map[string]int{}
	for _, d := range docs {
		c, err := contributionOf(d.Date, d.Entities)
		if err != nil {
			t.Fatal(err)
		}
		spans := c.spans[kind+"\x00"+id]
		if len(spans) == 0 {
			continue
		}
		documents++
		for _, s := range spans {
			rows = append(rows, row{c.date, mentionKey{d.ID, s.start, s.end}})
			if y := c.year(); y != "" {
				perYear[y]++
			}
		}
	}
	slices.SortFunc(rows, func(a, b row) int {
		return cmp.Or(cmp.Compare(a.date, b.date), cmp.Compare(a.key.Doc, b.key.Doc), cmp.Compare(a.key.Start, b.key.Start))
	})
	for _, r := range rows {
		keys = append(keys, r.key)
	}
	years = []YearCount{}
	for _, y := range slices.Sorted(func(yield func(string) bool) {
		for y := range perYear {
			if !yield(y) {
				return
			}
		}
	}) {
		years = append(years, YearCount{y, perYear[y]})
	}
	return keys, documents, years
}

// checkMentions compares every entity's mentions, all at once and a page at a
// time, with the brute-force answer.
func checkMentions(t *testing.T, ix *Index, docs map[string]Document, step string) {
	t.Helper()
	entities := [][2]string{{entity.Country, "KGZ"}, {entity.Country, "IRQ"}}
	for n := 2170; n < 2173; n++ {
		entities = append(entities, [2]string{entity.Resolution, fmt.Sprintf("S/RES/%d (2014)", n)})
	}
	for _, e := range entities {
		want, documents, years := bruteForceMentions(t, docs, e[0], e[1])
		all, err := ix.Mentions(context.Background(), MentionsRequest{Kind: e[0], ID: e[1], All: true})
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		var got []mentionKey
		for _, m := range all.Mentions {
			got = append(got, mentionKey{m.DocID, m.Start, m.End})
			if m.Context[m.MarkStart:m.MarkEnd] != docs[m.DocID].Body[m.Start:m.End] {
				t.Errorf("%s: %s: marked %q, want %q", step, e[1], m.Context[m.MarkStart:m.MarkEnd], docs[m.DocID].Body[m.Start:m.End])
			}
		}
		if diff := gocmp.Diff(want, got); diff != "" {
			t.Fatalf("%s: mentions of %s (-want +got):\n%s", step, e[1], diff)
		}
		if all.Total != len(want) || all.Documents != documents {
			t.Errorf("%s: %s total %d in %d documents, want %d in %d", step, e[1], all.Total, all.Documents, len(want), documents)
		}
		if diff := gocmp.Diff(years, all.Years); diff != "" {
			t.Errorf("%s: years of %s (-want +got):\n%s", step, e[1], diff)
		}
		const size = 3
		for page := 1; (page-1)*size < len(want); page++ {
			res, err := ix.Mentions(context.Background(), MentionsRequest{Kind: e[0], ID: e[1], Page: page, Size: size})
			if err != nil {
				t.Fatal(err)
			}
			var got []mentionKey
			for _, m := range res.Mentions {
				got = append(got, mentionKey{m.DocID, m.Start, m.End})
			}
			if diff := gocmp.Diff(want[(page-1)*size:min(page*size, len(want))], got); diff != "" {
				t.Fatalf("%s: page %d of %s (-want +got):\n%s", step, page, e[1], diff)
			}
		}
	}
}

func TestMentionTableFollowsRandomWrites(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	dir := t.TempDir()
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { ix.Close() }()
	docs := map[string]Document{}
	for round := range 25 {
		var puts []Document
		var deletes []string
		for range 1 + r.IntN(8) {
			id := fmt.Sprintf("d%02d", r.IntN(30))
			if r.IntN(4) == 0 {
				deletes = append(deletes, id)
				continue
			}
			puts = append(puts, randomDocument(r, id))
		}
		if err := ix.Apply(puts, deletes); err != nil {
			t.Fatal(err)
		}
		// Later puts of an id replace earlier ones; a delete wins over a put.
		for _, d := range puts {
			docs[d.ID] = d
		}
		for _, id := range deletes {
			delete(docs, id)
		}
		checkMentions(t, ix, docs, fmt.Sprintf("round %d", round))
		if round%8 == 7 {
			if err := ix.Close(); err != nil {
				t.Fatal(err)
			}
			if ix, err = Open(dir, Options{}); err != nil {
				t.Fatal(err)
			}
			checkMentions(t, ix, docs, fmt.Sprintf("reopened after round %d", round))
		}
	}
}

func TestMentionTableIsRebuiltWhenOutOfStep(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	dir := t.TempDir()
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]Document{}
	var puts []Document
	for i := range 20 {
		d := randomDocument(r, fmt.Sprintf("d%02d", i))
		docs[d.ID] = d
		puts = append(puts, d)
	}
	if err := ix.Apply(puts, nil); err != nil {
		t.Fatal(err)
	}

	// A crash after the table took a write and before Bleve did: the table
	// holds a document the index never got.
	phantom := randomDocument(r, "phantom")
	phantom.Entities = append(phantom.Entities, entity.Mention{Kind: entity.Country, ID: "KGZ", Start: 0, End: 7})
	indexed, err := ix.indexedContributions(context.Background(), []string{"d00"})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.mentions.write([]Document{phantom}, []string{"d00"}, indexed, ix.seq+1); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if ix, err = Open(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	checkMentions(t, ix, docs, "after a write only the table took")
	// Writes go on from the index's number.
	more := randomDocument(r, "d99")
	if err := ix.Apply([]Document{more}, nil); err != nil {
		t.Fatal(err)
	}
	docs[more.ID] = more
	checkMentions(t, ix, docs, "after the next write")
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}

	// An index made before the table existed, or whose table was lost.
	if err := os.Remove(filepath.Join(dir, mentionTableFile)); err != nil {
		t.Fatal(err)
	}
	if ix, err = Open(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	checkMentions(t, ix, docs, "after the table was removed")
}

func TestMentionTableIsCompactedOnClose(t *testing.T) {
	defer func(n int64) { compactMinBytes = n }(compactMinBytes)
	compactMinBytes = 0
	r := rand.New(rand.NewPCG(5, 8))
	dir := t.TempDir()
	path := filepath.Join(dir, mentionTableFile)
	// A copy left by a crash in the middle of compacting is cleared at open.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+compactSuffix, []byte("half a copy"), 0o600); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + compactSuffix); !os.IsNotExist(err) {
		t.Errorf("the leftover compacted copy is still there (%v)", err)
	}
	docs := map[string]Document{}
	for round := range 40 {
		var puts []Document
		for i := range 25 {
			d := randomDocument(r, fmt.Sprintf("d%02d-%02d", round%10, i))
			puts = append(puts, d)
			docs[d.ID] = d
		}
		if err := ix.Apply(puts, nil); err != nil {
			t.Fatal(err)
		}
	}
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if !ix.mentions.worthCompacting() {
		t.Fatalf("a %d-byte table after 40 rewrites is not worth compacting; the test needs one that is", before.Size())
	}
	seq := ix.seq
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	// The compacted table is whole: its write number is the index's, so the
	// next Open does not rebuild it.
	table, err := openMentionTable(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if have, ok, err := table.seq(); have != seq || !ok || err != nil {
		t.Errorf("compacted table write number = %d, %v, %v; want %d", have, ok, err, seq)
	}
	table.close()
	after, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if after.Size() >= before.Size() {
		t.Errorf("table %d bytes before close, %d after: not compacted", before.Size(), after.Size())
	}
	if ix, err = Open(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	checkMentions(t, ix, docs, "after compacting")
}
