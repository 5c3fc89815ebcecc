package entity

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGold measures precision and recall per kind on testdata/gold: short
// documents written for this test in the style of UN counter-terrorism press
// releases, statements, reports and meetings coverage, each with a .gold file
// listing every mention (kind, id, text as written; order does not matter).
// A mention counts as found when kind, id and text all agree.
func TestGold(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "gold", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no gold documents: %v", err)
	}
	type key struct{ kind, id, text string }
	tp, fp, fn := map[string]int{}, map[string]int{}, map[string]int{}
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want := map[key]int{}
		gf, err := os.Open(strings.TrimSuffix(f, ".txt") + ".gold")
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(gf)
		for sc.Scan() {
			if sc.Text() == "" {
				continue
			}
			p := strings.Split(sc.Text(), "\t")
			if len(p) != 3 {
				t.Fatalf("%s: bad gold line %q", f, sc.Text())
			}
			text := strings.ReplaceAll(p[2], `\n`, "\n")
			if !strings.Contains(string(body), text) {
				t.Errorf("%s: gold text %q is not in the document", f, text)
			}
			want[key{p[0], p[1], text}]++
		}
		gf.Close()
		got := map[key]int{}
		ms := Extract(string(body))
		checkInvariants(t, string(body), ms)
		for _, m := range ms {
			got[key{m.Kind, m.ID, m.Text}]++
		}
		for k, n := range got {
			w := want[k]
			tp[k.kind] += min(n, w)
			if n > w {
				fp[k.kind] += n - w
				t.Logf("%s: extra   %s %q %q", filepath.Base(f), k.kind, k.id, k.text)
			}
		}
		for k, w := range want {
			if n := got[k]; w > n {
				fn[k.kind] += w - n
				t.Logf("%s: missed  %s %q %q", filepath.Base(f), k.kind, k.id, k.text)
			}
		}
	}
	for _, kind := range Kinds {
		p := float64(tp[kind]) / float64(max(1, tp[kind]+fp[kind]))
		r := float64(tp[kind]) / float64(max(1, tp[kind]+fn[kind]))
		t.Logf("%-12s precision %.3f recall %.3f (tp %d, fp %d, fn %d)", kind, p, r, tp[kind], fp[kind], fn[kind])
		if p < 0.95 || r < 0.95 {
			t.Errorf("%s: precision %.3f, recall %.3f; want both at least 0.95", kind, p, r)
		}
	}
}
