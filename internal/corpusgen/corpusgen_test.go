package corpusgen

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dossier/internal/entity"
	"dossier/internal/search"
)

// TestDeterministic checks that a seed and a size always give the same bytes,
// that another seed gives others, and that WriteDir writes what Generate makes.
func TestDeterministic(t *testing.T) {
	digest := func(seed int64, n int) string {
		h := sha256.New()
		if err := Generate(seed, n, func(d Doc) error {
			fmt.Fprintf(h, "%s\x00%s\x00%v%v%v\x00", d.Path, d.Data, d.Resolutions, d.Organizations, d.Countries)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("%x", h.Sum(nil))
	}
	a, b := digest(7, 200), digest(7, 200)
	if a != b {
		t.Errorf("Generate(7, 200) differs between runs: %s, %s", a, b)
	}
	if c := digest(8, 200); c == a {
		t.Errorf("Generate(8, 200) = Generate(7, 200)")
	}

	dir := t.TempDir()
	if err := WriteDir(dir, 7, 60); err != nil {
		t.Fatal(err)
	}
	paths := map[string]bool{}
	Generate(7, 60, func(d Doc) error {
		if paths[d.Path] {
			t.Errorf("two documents at %s", d.Path)
		}
		paths[d.Path] = true
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(d.Path)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, d.Data) {
			t.Errorf("%s on disk differs from Generate's bytes", d.Path)
		}
		return nil
	})
	// A corpus grows by the documents after it, unchanged before.
	first, again := New(7).Doc(59), New(7).Doc(59)
	if first.Path != again.Path || !bytes.Equal(first.Data, again.Data) {
		t.Error("Doc(59) is not stable")
	}
}

// TestShape checks the mix of formats, the sizes and the spread of dates.
func TestShape(t *testing.T) {
	const n = 2000
	formats := map[string]int{}
	years := map[string]int{}
	var minBody, maxBody = 1 << 30, 0
	Generate(1, n, func(d Doc) error {
		formats[d.Format]++
		years[d.Date[:4]]++
		minBody, maxBody = min(minBody, len(d.Body)), max(maxBody, len(d.Body))
		if !strings.HasPrefix(d.Path, d.Format+"/") {
			t.Errorf("%s is not under %s/", d.Path, d.Format)
		}
		if len(d.Resolutions) == 0 || len(d.Organizations) == 0 || len(d.Countries) == 0 {
			t.Errorf("%s: gold %v %v %v has an empty kind", d.Path, d.Resolutions, d.Organizations, d.Countries)
		}
		switch d.Format {
		case PDF:
			if !bytes.HasPrefix(d.Data, []byte("%PDF-1.4")) || !bytes.HasSuffix(d.Data, []byte("%%EOF\n")) {
				t.Errorf("%s is not a PDF", d.Path)
			}
		case HTML:
			if !bytes.Contains(d.Data, []byte("<article>")) {
				t.Errorf("%s has no <article>", d.Path)
			}
		}
		return nil
	})
	if formats[Text] < n/2 || formats[HTML] < n/20 || formats[PDF] < n/50 {
		t.Errorf("formats = %v, want mostly text, some HTML, a few PDF", formats)
	}
	if len(years) != 22 {
		t.Errorf("documents span %d years, want 22 (2005-2026): %v", len(years), years)
	}
	if minBody < 3000 || maxBody > 6000 {
		t.Errorf("bodies are %d to %d bytes, want about 3-5 KB", minBody, maxBody)
	}
}

// TestPDFXref checks that every cross-reference entry points at its object.
func TestPDFXref(t *testing.T) {
	g := New(3)
	for i := 0; i < 400; i++ {
		d := g.Doc(i)
		if d.Format != PDF {
			continue
		}
		data := d.Data
		x := bytes.LastIndex(data, []byte("startxref\n"))
		var start int
		fmt.Sscanf(string(data[x+len("startxref\n"):]), "%d", &start)
		if !bytes.HasPrefix(data[start:], []byte("xref\n")) {
			t.Fatalf("%s: startxref %d does not point at the xref table", d.Path, start)
		}
		lines := strings.Split(string(data[start:]), "\n")
		var count int
		fmt.Sscanf(lines[1], "0 %d", &count)
		for obj := 1; obj < count; obj++ {
			var off int
			fmt.Sscanf(lines[2+obj], "%d", &off)
			if want := fmt.Sprintf("%d 0 obj\n", obj); !bytes.HasPrefix(data[off:], []byte(want)) {
				t.Fatalf("%s: xref entry %d points at %q", d.Path, obj, data[off:off+12])
			}
			if len(lines[2+obj]) != 19 { // 20 bytes with the \n
				t.Fatalf("%s: xref entry %q is not 20 bytes", d.Path, lines[2+obj])
			}
		}
	}
}

// TestGoldRecall checks the generator, not the extractor: the entities it says
// it wrote are found by entity.Extract in the text it wrote. A loose floor
// leaves room for the extractor's judgement; a drop below it means the
// generator writes forms the extractor does not read, or wrong gold data.
func TestGoldRecall(t *testing.T) {
	var want, found int
	missed := map[string]int{}
	Generate(11, 300, func(d Doc) error {
		got := map[string]bool{}
		for _, m := range entity.Extract(d.Body) {
			got[m.Kind+" "+m.ID] = true
		}
		for _, g := range []struct {
			kind string
			ids  []string
		}{{entity.Resolution, d.Resolutions}, {entity.Organization, d.Organizations}, {entity.Country, d.Countries}} {
			for _, id := range g.ids {
				want++
				if got[g.kind+" "+id] {
					found++
				} else {
					missed[g.kind+" "+id]++
				}
			}
		}
		return nil
	})
	recall := float64(found) / float64(want)
	t.Logf("gold recall %.4f (%d of %d)", recall, found, want)
	if len(missed) > 0 {
		t.Logf("missed: %v", missed)
	}
	if recall < 0.9 {
		t.Errorf("recall of gold entities = %.3f, want at least 0.9", recall)
	}
}

// TestIndexes indexes a small corpus (bodies with their extracted entities)
// and checks that a search by a resolution finds the documents whose gold data
// cites it.
func TestIndexes(t *testing.T) {
	ix, err := search.Open(filepath.Join(t.TempDir(), "bleve"), search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var docs []search.Document
	cites := map[string]int{}
	Generate(5, 120, func(d Doc) error {
		docs = append(docs, search.Document{
			ID: fmt.Sprint(d.Index), Title: d.Title, Date: d.Date, Type: "press_release", Format: d.Format,
			Path: d.Path, Body: d.Body, Entities: entity.Extract(d.Body),
		})
		for _, r := range d.Resolutions {
			cites[r]++
		}
		return nil
	})
	if err := ix.Apply(docs, nil); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(); n != 120 {
		t.Fatalf("Count() = %d, want 120", n)
	}
	var top string
	for r, c := range cites {
		if top == "" || c > cites[top] || c == cites[top] && r < top {
			top = r
		}
	}
	res, err := ix.Search(context.Background(), search.Request{Filters: map[string][]string{search.FacetResolution: {top}}})
	if err != nil {
		t.Fatal(err)
	}
	// Extraction may find a citation the gold data lacks (a committee named
	// after its resolution), never fewer than the gold data less a few misses.
	if int(res.Total) < cites[top]*9/10 {
		t.Errorf("Search(resolution=%s).Total = %d, want about %d", top, res.Total, cites[top])
	}
	if !slices.ContainsFunc(res.Facets[search.FacetCountry], func(v search.FacetValue) bool { return v.Count > 0 }) {
		t.Errorf("no country facet in %v", res.Facets)
	}
}

// TestPrint writes a few documents to CORPUSGEN_OUT for a person to look at.
func TestPrint(t *testing.T) {
	dir := os.Getenv("CORPUSGEN_OUT")
	if dir == "" {
		t.Skip("set CORPUSGEN_OUT to a folder to write a sample corpus")
	}
	if err := WriteDir(dir, 1, 40); err != nil {
		t.Fatal(err)
	}
}

// TestCorpusIsPinned fails when the generated bytes change: benchmark figures
// are only comparable across commits while the corpus stays the same, so a
// change to the generator must be deliberate (update the digest, and say in
// the commit that earlier benchmark runs used another corpus).
func TestCorpusIsPinned(t *testing.T) {
	h := sha256.New()
	Generate(1, 500, func(d Doc) error {
		h.Write([]byte(d.Path))
		h.Write(d.Data)
		return nil
	})
	const want = "ded5447d62b391b1facd4435c17a408a91bb3b72f4c910b7e9ea77d363865a5b"
	if got := fmt.Sprintf("%x", h.Sum(nil)); got != want {
		t.Errorf("Generate(1, 500) digest = %s, want %s", got, want)
	}
}
