package entity

import (
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// One fuzz test per extractor, each calling it directly on the shared token
// stream, so that a crash or a bad offset points at the extractor that made
// it (FuzzExtract runs them all together, with the merging and filtering
// between them). Each checks what every caller relies on: no panic, offsets
// inside the text and on UTF-8 boundaries, canonical ids.
//
//	go test -fuzz=FuzzResolutions ./internal/entity/
//	go test -fuzz=FuzzDates ./internal/entity/
//	go test -fuzz=FuzzNames ./internal/entity/

// fuzzSeeds adds the seed-like document, every evaluation document and the
// forms each extractor is hardest on.
func fuzzSeeds(f *testing.F, forms ...string) {
	if b, err := os.ReadFile(filepath.Join("testdata", "seedlike.txt")); err == nil {
		f.Add(string(b))
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "eval", "syn-*.txt"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(string(b))
		}
	}
	for _, s := range forms {
		f.Add(s)
	}
}

// checkFuzzed fails on a mention outside body, off a rune boundary, with an
// id that is not canonical, or of another kind than the extractor's.
func checkFuzzed(t *testing.T, body string, ms []Mention, kinds ...string) {
	t.Helper()
	for i, m := range ms {
		if m.Start < 0 || m.End > len(body) || m.Start >= m.End {
			t.Fatalf("mention %d %+v outside body of %d bytes", i, m, len(body))
		}
		if utf8.ValidString(body) && (!utf8.RuneStart(body[m.Start]) || m.End < len(body) && !utf8.RuneStart(body[m.End])) {
			t.Fatalf("mention %d %+v not on rune boundaries", i, m)
		}
		ok := false
		for _, k := range kinds {
			ok = ok || m.Kind == k
		}
		if !ok {
			t.Fatalf("mention %d %+v: kind not one of %v", i, m, kinds)
		}
		if !canonicalID(m.Kind, m.ID) {
			t.Fatalf("mention %d %+v: id not canonical", i, m)
		}
	}
}

func FuzzResolutions(f *testing.F) {
	fuzzSeeds(f, "resolutions 1373 (2001), 1624 (2005) and 2178 (2014)", "S/RES/2396(2017)", "A/RES/60/288",
		"resolu-\ntion 2462 (2019)", "resolu-", "Assembly resolutions 70/291 and 72/284", "resolution 1373/2001",
		"UNSCRs 1373 and", "S/RES/9999 (2030)", "resolution 2195 (2015)", "resolutions, including 2396 (2017),",
		"resolution 0/0", "A/RES/1/", "resolution 99999999999999999999 (2001)", "2396 (2017", "S/")
	f.Fuzz(func(t *testing.T, body string) {
		toks := tokenize(body, nil)
		checkFuzzed(t, body, scanResolutions(body, toks, nil), Resolution)
	})
}

func FuzzDates(f *testing.F) {
	fuzzSeeds(f, "from 3 to 5 December 2019", "December 3-5, 2019", "2019-12-03", "25/03/2020", "03/26/2020",
		"05.05.2021", "03/04/2020", "in March and May 2019", "3 and 9 May 2019", "January, March and June 2020",
		"between January and June 2023", "31 February 2019", "mid-2019", "between 2014 and 2019", "planned for 2025.",
		"Act of 2012", "3–", "May", "1/1/", "99/99/9999", "December 31-1, 2019", "30 November to 2 December 2019")
	f.Fuzz(func(t *testing.T, body string) {
		toks := tokenize(body, nil)
		checkFuzzed(t, body, scanDates(body, toks, nil), Date)
	})
}

func FuzzNames(f *testing.F) {
	fuzzSeeds(f, "Kyrgyzstan’s", "(CTED)", "the Foo Bar Centre (FBC)", "(", "Côte d’", "UN-", "Côte d'Ivoire",
		"Central Asian Regional Information and Coordination Centre for combating drugs (CARICC) CARICC",
		"the Organisation of La Francophonie (OIF)", "Kyrgyz-Tajik", "Chad Smith", "Aigerim Mali, Legal Adviser",
		"the Islamic State in Iraq and the Levant (ISIL)", "OSCE Programme Office in Bishkek", "(A-B-C)")
	f.Fuzz(func(t *testing.T, body string) {
		toks := tokenize(body, nil)
		gm := gaz.scanGazetteer(body, toks, nil)
		gm = learnAcronyms(body, toks, gm)
		var ms []Mention
		for _, g := range gm {
			if g.first < 0 || g.last >= len(toks) || g.first > g.last {
				t.Fatalf("match %+v outside %d tokens", g, len(toks))
			}
			m := Mention{ID: g.id, Start: toks[g.first].start, End: toks[g.last].end}
			switch g.kind {
			case gOrg:
				m.Kind = Organization
			case gCountry, gAdjective:
				m.Kind = Country
			default:
				continue
			}
			ms = append(ms, m)
		}
		checkFuzzed(t, body, ms, Organization, Country)
	})
}
