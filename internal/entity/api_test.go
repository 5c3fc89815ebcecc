package entity

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestCanonical(t *testing.T) {
	tests := []struct {
		kind, typed string
		want        string
		ok          bool
	}{
		{Resolution, "1373", "S/RES/1373 (2001)", true},
		{Resolution, "resolution 1373", "S/RES/1373 (2001)", true},
		{Resolution, "Resolution 1373", "S/RES/1373 (2001)", true},
		{Resolution, "UNSCR 1373", "S/RES/1373 (2001)", true},
		{Resolution, "S/RES/1373", "S/RES/1373 (2001)", true},
		{Resolution, "S/RES/1373 (2001)", "S/RES/1373 (2001)", true},
		{Resolution, "s/res/1373(2001)", "S/RES/1373 (2001)", true},
		{Resolution, "  resolution  1373 of 2001 ", "S/RES/1373 (2001)", true},
		{Resolution, "Security Council resolution 2396 (2017)", "S/RES/2396 (2017)", true},
		{Resolution, "2195 (2015)", "S/RES/2195 (2014)", true},
		{Resolution, "60/288", "A/RES/60/288", true},
		{Resolution, "A/RES/60/288", "A/RES/60/288", true},
		{Resolution, "a/res/72/284", "A/RES/72/284", true},
		{Resolution, "General Assembly resolution 60/288", "A/RES/60/288", true},
		{Resolution, "9999", "", false},
		{Resolution, "0", "", false},
		{Resolution, "terrorism", "", false},
		{Resolution, "", "", false},
		{Organization, "cted", "CTED", true},
		{Organization, "CTED", "CTED", true},
		{Organization, "Counter-Terrorism Committee Executive Directorate", "CTED", true},
		{Organization, "counter terrorism committee executive directorate", "CTED", true},
		{Organization, "the Counter-Terrorism Committee", "CTC", true},
		{Organization, "un women", "UN Women", true},
		{Organization, "UN Women", "UN Women", true},
		{Organization, "Organisation for Security and Co-operation in Europe", "OSCE", true},
		{Organization, "cis-atc", "CIS-ATC", true},
		{Organization, "1267 committee", "1267 Committee", true},
		{Organization, "Interpol", "INTERPOL", true},
		{Organization, "United Nations", "", false},
		{Organization, "ISIL", "", false},
		{Country, "Kyrgyz Republic", "KGZ", true},
		{Country, "kgz", "KGZ", true},
		{Country, "Kyrgyzstan", "KGZ", true},
		{Country, "kyrgyzstan", "KGZ", true},
		{Country, "Turkey", "TUR", true},
		{Country, "Côte d’Ivoire", "CIV", true},
		{Country, "Iraqi", "IRQ", true},
		{Country, "Atlantis", "", false},
		{Date, "2019-12-03", "2019-12-03", true},
		{Date, "2019-12", "2019-12", true},
		{Date, "2019", "2019", true},
		{Date, "3 December 2019", "2019-12-03", true},
		{Date, "December 3, 2019", "2019-12-03", true},
		{Date, "December 2019", "2019-12", true},
		{Date, "from 3 to 5 December 2019", "2019-12-03/2019-12-05", true},
		{Date, "2019-12-03/2019-12-05", "2019-12-03/2019-12-05", true},
		{Date, "2019-02-30", "", false},
		{Date, "2019-12-05/2019-12-03", "", false},
		{Date, "last year", "", false},
		{Date, "3 December 2019 and 4 December 2019", "", false},
		{"nonsense", "x", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.kind+"/"+tc.typed, func(t *testing.T) {
			got, ok := Canonical(tc.kind, tc.typed)
			if got != tc.want || ok != tc.ok {
				t.Errorf("Canonical(%q, %q) = %q, %v, want %q, %v", tc.kind, tc.typed, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestLabel(t *testing.T) {
	tests := []struct{ kind, id, want string }{
		{Resolution, "S/RES/1373 (2001)", "S/RES/1373 (2001)"},
		{Organization, "CTED", "Counter-Terrorism Committee Executive Directorate (CTED)"},
		{Organization, "World Bank", "World Bank"},
		{Organization, "No Such Body", "No Such Body"},
		{Country, "KGZ", "Kyrgyzstan"},
		{Country, "XXX", "XXX"},
		{Date, "2019-12-03", "3 December 2019"},
		{Date, "2019-12", "December 2019"},
		{Date, "2019", "2019"},
		{Date, "2019-12-03/2019-12-05", "3–5 December 2019"},
		{Date, "2019-11-30/2019-12-02", "30 November – 2 December 2019"},
		{Date, "2019-12-30/2020-01-02", "30 December 2019 – 2 January 2020"},
		{Date, "2013/2016", "2013–2016"},
		{Date, "garbage", "garbage"},
		{"other", "x", "x"},
	}
	for _, tc := range tests {
		if got := Label(tc.kind, tc.id); got != tc.want {
			t.Errorf("Label(%q, %q) = %q, want %q", tc.kind, tc.id, got, tc.want)
		}
	}
}

func TestDocType(t *testing.T) {
	tests := []struct{ name, title, body, want string }{
		{"press release words", "Press Release", "Something happened.", TypePressRelease},
		{"press number", "Security Council Press Statement on Terrorist Attack", "SC/14040\n\nThe members of the Security Council condemned", TypeStatement},
		{"press number only", "Counter-Terrorism Committee welcomes new members", "SC/14040\n\nText.", TypePressRelease},
		{"meetings coverage", "Speakers Call for Action", "Meetings Coverage\nSecurity Council\n8560th Meeting (AM)\nSC/14040", TypeMeetingCoverage},
		{"banner is not a type", "CTED meets partners", "Meetings Coverage and Press Releases\nThe Directorate met.", TypePressRelease},
		{"report of", "Report of the Secretary-General on the threat posed by ISIL", "S/2019/612", TypeReport},
		{"report title", "Global survey report 2021", "", TypeReport},
		{"statement by", "Statement by the Chair of the Counter-Terrorism Committee", "", TypeStatement},
		{"headline verb", "CTED conducts second follow-up assessment visit to the Kyrgyz Republic", "The Directorate conducted a visit.", TypePressRelease},
		{"meeting summary", "Security Council splits sanctions", "Security Council splits sanctions\n\nMeeting summary, 17 June 2011\n\nText.", TypeMeetingCoverage},
		{"statement kicker", "Council calls for cooperation", "Council calls for cooperation\n\nSTATEMENT 12 December 2016\n\nText.", TypeStatement},
		{"statement to the press", "Resolution 2370 (2017): keeping weapons out of terrorists' hands", "Statement to the press 2 August 2017", TypeStatement},
		{"dateline", "UNODC and CTED help East African States", "NAIROBI, 22 November 2007 - Drafters met.", TypePressRelease},
		{"meeting kicker", "Experts weigh the misuse of AI", "Experts weigh the misuse of AI\n\nExpert meeting · 6 November 2025\n\nText.", TypeMeetingCoverage},
		{"working group report", "Task Force working group reports on the Internet", "Summary of a working group report October 2010", TypeReport},
		{"report to", "Implementation of resolution 1373 (2001) in South-East Asia: regional review", "Counter-Terrorism Committee Executive Directorate (CTED) - Report to the Counter-Terrorism Committee\n\n22 September 2009", TypeReport},
		{"report shape", "Incitement to terrorism in the digital age: global review", "17 November 2025\n\nPrepared for the Counter-Terrorism Committee\n\nI. Introduction\n\n1. Twenty years have passed", TypeReport},
		{"nothing", "Annex", "A list of names.", TypeOther},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := DocType(tc.title, tc.body); got != tc.want {
				t.Errorf("DocType(%q, %q) = %q, want %q", tc.title, tc.body, got, tc.want)
			}
		})
	}
	for _, id := range Types {
		if TypeLabel(id) == id {
			t.Errorf("TypeLabel(%q) has no label", id)
		}
	}
	if got := TypeLabel("press-release"); got != "Press release" {
		t.Errorf("TypeLabel(press-release) = %q", got)
	}
}

func TestDocumentDate(t *testing.T) {
	tests := []struct{ body, want string }{
		{"New York, 5 December 2019 - Since 2013 ...", "2019-12-05"},
		{"In December 2019, from 3 to 5 December 2019", "2019-12-03"},
		{"Since 2013 and in December 2019", "2019-12"},
		{"Monthly bulletin - March 2022\n\nIn 2021 and from March to May 2022", "2022-03"},
		{"Annual report 2021\n\nSince 2013", ""},
		{"Regional seminar\n\nJanuary 2008\n\nheld from 27 to 29 November 2007", "2008-01"},
		{"Press statement\nDecember 2019\n\nOn 3 December 2019 the Council", "2019-12-03"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := DocumentDate(tc.body); got != tc.want {
			t.Errorf("DocumentDate(%q) = %q, want %q", tc.body, got, tc.want)
		}
	}
}

func TestDataFiles(t *testing.T) {
	g, err := loadGazetteer(organizationsTSV, countriesTSV, notEntitiesTSV)
	if err != nil {
		t.Fatal(err)
	}
	if n := g.entries[gOrg]; n < 150 {
		t.Errorf("%d organizations, want at least 150", n)
	}
	// 193 Member States and 2 observer States.
	if n := g.entries[gCountry]; n != 195 {
		t.Errorf("%d countries, want 195", n)
	}
	years, err := loadYears(resolutionYearsTSV)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ n, year int }{{1, 1946}, {1267, 1999}, {1373, 2001}, {1624, 2005}, {2178, 2014}, {2195, 2014}, {2253, 2015}, {2396, 2017}, {2462, 2019}, {2482, 2019}, {2617, 2021}, {2722, 2024}} {
		if y, ok := resolutionYear(tc.n); !ok || y != tc.year {
			t.Errorf("resolutionYear(%d) = %d, %v, want %d", tc.n, y, ok, tc.year)
		}
	}
	if years[len(years)-1].year < 2026 {
		t.Errorf("year table ends in %d", years[len(years)-1].year)
	}

	bad := []struct{ name, orgs, countries, blocks string }{
		{"org fields", "CTED\tname", countriesTSV, notEntitiesTSV},
		{"org duplicate", "X\tName One\t\nX\tName Two\t", countriesTSV, notEntitiesTSV},
		{"name of two ids", "X\tSame Name\t\nY\tSame Name\t", countriesTSV, notEntitiesTSV},
		{"country code", organizationsTSV, "kg\tK\tK\t\t", notEntitiesTSV},
		{"empty", organizationsTSV, "# only a comment\n", notEntitiesTSV},
	}
	for _, tc := range bad {
		if _, err := loadGazetteer(tc.orgs, tc.countries, tc.blocks); err == nil {
			t.Errorf("%s: loadGazetteer accepted bad data", tc.name)
		}
	}
	// A broken embedded file stops the program at init with a message
	// naming the file and line.
	func() {
		defer func() {
			r := recover()
			if msg, _ := r.(string); !strings.Contains(msg, "data/resolution_years.tsv:2") {
				t.Errorf("mustLoadYears panicked with %v, want a message naming the file and line", r)
			}
		}()
		mustLoadYears("1946\t1\n1947\tx\n")
	}()
	if _, err := loadYears("1946\t1\n1948\t10\n"); err == nil {
		t.Error("loadYears accepted a gap")
	}
	if _, err := loadYears("1946\t1\n1947\tx\n"); err == nil {
		t.Error("loadYears accepted a non-number")
	}
}

func TestTokenize(t *testing.T) {
	body := "Kyrgyzstan’s Co-operation\n\nS/RES/2396(2017) d’Ivoire"
	var got []string
	for _, tk := range tokenize(body, nil) {
		got = append(got, tk.norm)
	}
	want := []string{"kyrgyzstan", "'s", "co", "-", "operation", "s", "/", "res", "/", "2396", "(", "2017", ")", "d'ivoire"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tokenize(%q) (-want +got):\n%s", body, diff)
	}
}

func FuzzExtract(f *testing.F) {
	b, _ := os.ReadFile(filepath.Join("testdata", "seedlike.txt"))
	f.Add(string(b))
	for _, s := range []string{
		"resolutions 1373 (2001), 1624 (2005) and 2178 (2014)", "S/RES/2396(2017)", "A/RES/60/288",
		"from 3 to 5 December 2019", "December 3-5, 2019", "2019-12-03", "Kyrgyzstan’s", "(CTED)",
		"the Foo Bar Centre (FBC)", "(", "S/RES/", "resolution 99999999999999999999", "3–", "Côte d’",
		"\xff\xfe", "UN-", "mid-2019", "between 2014 and 2019",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		ms := Extract(body)
		for i, m := range ms {
			if m.Start < 0 || m.End > len(body) || m.Start >= m.End {
				t.Fatalf("mention %d %+v outside body of %d bytes", i, m, len(body))
			}
			if m.Text != body[m.Start:m.End] {
				t.Fatalf("mention %d: Text %q != body slice", i, m.Text)
			}
			if utf8.ValidString(body) && (!utf8.RuneStart(body[m.Start]) || m.End < len(body) && !utf8.RuneStart(body[m.End])) {
				t.Fatalf("mention %d %+v not on rune boundaries", i, m)
			}
			if !canonicalID(m.Kind, m.ID) {
				t.Fatalf("mention %d %+v: id not canonical", i, m)
			}
		}
		for _, k := range Kinds {
			if id, ok := Canonical(k, body); ok && strings.TrimSpace(id) == "" {
				t.Fatalf("Canonical(%q, %q) = empty id, true", k, body)
			}
		}
		_ = DocType(body, body)
		_ = DocumentDate(body)
	})
}

// BenchmarkExtract measures extraction speed in MB/s (b.SetBytes) on the
// sample corpus: the parsed bodies of its files, stored in testdata/eval as
// corpus-*.txt, extracted one document at a time as the indexer does. Issue 3's
// goal is at least 20 MB/s on one core:
//
//	GOMAXPROCS=1 go test -run '^$' -bench Extract -benchmem -count 5 ./internal/entity/
func BenchmarkExtract(b *testing.B) {
	files, err := filepath.Glob(filepath.Join("testdata", "eval", "corpus-*.txt"))
	if err != nil || len(files) == 0 {
		b.Fatalf("no corpus bodies in testdata/eval: %v", err)
	}
	var bodies []string
	size := 0
	for _, f := range files {
		d, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		bodies = append(bodies, string(d))
		size += len(d)
	}
	seed, err := os.ReadFile(filepath.Join("testdata", "seedlike.txt"))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("corpus", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(size))
		cpu0 := processCPU()
		for b.Loop() {
			for _, body := range bodies {
				Extract(body)
			}
		}
		// MB/s counts wall-clock time, which other processes on a busy
		// machine stretch; MB/cpu-s counts only the CPU time this process
		// was given (with GOMAXPROCS=1, one core's worth).
		if cpu := processCPU() - cpu0; cpu > 0 {
			b.ReportMetric(float64(size)*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
		}
	})
	b.Run("seedlike", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(seed)))
		for b.Loop() {
			Extract(string(seed))
		}
	})
}

// TestRoundTrip checks that every id is its own canonical form and that a
// label, typed back, finds its id again: the server and the command line
// show labels and take what people copy from them.
func TestRoundTrip(t *testing.T) {
	ids := map[string][]string{
		Resolution: {"S/RES/1373 (2001)", "S/RES/2396 (2017)", "A/RES/60/288", "S/RES/1 (1946)"},
		Date:       {"2019", "2019-12", "2019-12-03", "2019-12-03/2019-12-05", "2019-11-30/2019-12-02", "2019-12-30/2020-01-02", "2019-03/2019-05", "2019-12/2020-01", "2013/2016"},
	}
	for id := range gaz.orgs {
		ids[Organization] = append(ids[Organization], id)
	}
	for id := range gaz.countries {
		ids[Country] = append(ids[Country], id)
	}
	for kind, list := range ids {
		for _, id := range list {
			if got, ok := Canonical(kind, id); !ok || got != id {
				t.Errorf("Canonical(%q, %q) = %q, %v, want the id itself", kind, id, got, ok)
			}
			label := Label(kind, id)
			if got, ok := Canonical(kind, label); !ok || got != id {
				t.Errorf("Canonical(%q, Label(%q) = %q) = %q, %v, want %q", kind, id, label, got, ok, id)
			}
		}
	}
}

func FuzzCanonical(f *testing.F) {
	for _, s := range []string{"1373", "S/RES/1373 (2001)", "60/288", "cted", "Kyrgyz Republic", "3 December 2019", "2019-12-03/2019-12-05", "x (y)", "(", ")"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, typed string) {
		for _, k := range Kinds {
			id, ok := Canonical(k, typed)
			if !ok {
				continue
			}
			if !canonicalID(k, id) {
				t.Fatalf("Canonical(%q, %q) = %q: not a canonical id", k, typed, id)
			}
			if again, ok := Canonical(k, id); !ok || again != id {
				t.Fatalf("Canonical(%q, %q) = %q, but Canonical of that = %q, %v", k, typed, id, again, ok)
			}
			if Label(k, id) == "" {
				t.Fatalf("Label(%q, %q) is empty", k, id)
			}
		}
	})
}
