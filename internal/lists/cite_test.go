package lists

import (
	"errors"
	"testing"

	"dossier/internal/entity"
	"dossier/internal/search"
)

func TestCiteResolution(t *testing.T) {
	tests := []struct {
		id, style, want string
	}{
		{"S/RES/1373 (2001)", StyleUN, "Security Council resolution 1373 (2001), S/RES/1373 (2001)"},
		{"S/RES/1373 (2001)", StyleOSCOLA, "UNSC Res 1373 (2001) UN Doc S/RES/1373"},
		{"S/RES/1373 (2001)", StyleBluebook, "S.C. Res. 1373, U.N. Doc. S/RES/1373 (2001)"},
		{"S/RES/2396(2017)", StyleUN, "Security Council resolution 2396 (2017), S/RES/2396 (2017)"},
		{"A/RES/60/288", StyleUN, "General Assembly resolution 60/288, A/RES/60/288"},
		{"A/RES/60/288", StyleOSCOLA, "UNGA Res 60/288 UN Doc A/RES/60/288"},
		{"A/RES/60/288", StyleBluebook, "G.A. Res. 60/288, U.N. Doc. A/RES/60/288"},
	}
	for _, tt := range tests {
		t.Run(tt.style+" "+tt.id, func(t *testing.T) {
			got, err := CiteResolution(tt.id, tt.style)
			if err != nil || got != tt.want {
				t.Errorf("CiteResolution(%q, %q) = %q, %v; want %q", tt.id, tt.style, got, err, tt.want)
			}
		})
	}

	t.Run("as typed", func(t *testing.T) {
		// Typed ids go through entity.Canonical; where it cannot read them, the
		// error below is the behaviour.
		if _, ok := entity.Canonical(entity.Resolution, "resolution 1373 (2001)"); !ok {
			t.Skip("entity.Canonical does not read typed resolution ids")
		}
		got, err := CiteResolution("resolution 1373 (2001)", StyleOSCOLA)
		if want := "UNSC Res 1373 (2001) UN Doc S/RES/1373"; err != nil || got != want {
			t.Errorf("CiteResolution(typed) = %q, %v; want %q", got, err, want)
		}
	})

	for _, tt := range []struct{ name, id, style string }{
		{"not a resolution", "CTED", StyleUN},
		{"empty", "", StyleUN},
		{"unknown style", "S/RES/1373 (2001)", "apa"},
		{"unknown style, GA", "A/RES/60/288", "chicago"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := CiteResolution(tt.id, tt.style); !errors.Is(err, ErrInvalid) {
				t.Errorf("CiteResolution(%q, %q) = %v, want ErrInvalid", tt.id, tt.style, err)
			}
		})
	}
}

func TestCite(t *testing.T) {
	cted := entity.Label(entity.Organization, "CTED")
	pr := Item{DocID: "a", Title: "CTED concludes visit", Date: "2019-12-03", Type: "press-release",
		Organizations: []string{"CTED"}, URL: "https://www.un.org/x"}
	report := Item{DocID: "b", Title: "Thematic summary", Date: "2018-09", Type: "report", Organizations: []string{"CTED"},
		Path: "corpus/pdf/r.pdf"}
	bare := Item{DocID: "c", Path: `corpus\text\note.txt`, Type: "other"}
	statement := Item{DocID: "d", Title: "Statement by the Chair", Date: "2016", Type: "statement"}
	tests := []struct {
		name  string
		it    Item
		style string
		want  string
	}{
		{"UN press release", pr, StyleUN, cted + `, "CTED concludes visit", press release, 3 December 2019. Available from https://www.un.org/x`},
		{"OSCOLA press release", pr, StyleOSCOLA, cted + `, 'CTED concludes visit' (Press release, 3 December 2019) <https://www.un.org/x>`},
		{"Bluebook press release", pr, StyleBluebook, "Press Release, " + cted + `, CTED concludes visit (Dec. 3, 2019), https://www.un.org/x`},
		{"UN report, month", report, StyleUN, cted + `, "Thematic summary", report, September 2018`},
		{"OSCOLA report, month", report, StyleOSCOLA, cted + `, 'Thematic summary' (Report, September 2018)`},
		{"Bluebook report, Sept.", report, StyleBluebook, cted + `, Thematic summary (Sept. 2018)`},
		{"UN bare document", bare, StyleUN, `United Nations, "note.txt"`},
		{"OSCOLA bare document", bare, StyleOSCOLA, `United Nations, 'note.txt'`},
		{"Bluebook bare document", bare, StyleBluebook, `United Nations, note.txt`},
		{"UN statement, year", statement, StyleUN, `United Nations, "Statement by the Chair", statement, 2016`},
		{"Bluebook statement, year", statement, StyleBluebook, `United Nations, Statement by the Chair (2016)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Cite(tt.it, tt.style)
			if err != nil || got != tt.want {
				t.Errorf("Cite(%+v, %q) =\n%q, %v; want\n%q", tt.it, tt.style, got, err, tt.want)
			}
		})
	}
	if _, err := Cite(pr, "mla"); !errors.Is(err, ErrInvalid) {
		t.Errorf("Cite(unknown style) = %v, want ErrInvalid", err)
	}

	doc := &search.Document{ID: "a", Title: "CTED concludes visit", Date: "2019-12-03", Type: "press-release",
		Meta:     map[string]string{"url": "https://www.un.org/x"},
		Entities: []entity.Mention{{Kind: entity.Organization, ID: "CTED"}}}
	if got, err := CiteDocument(doc, StyleUN); err != nil || got != tests[0].want {
		t.Errorf("CiteDocument = %q, %v; want %q", got, err, tests[0].want)
	}
	// A page's javascript: URL is never cited as a link.
	doc.Meta["url"] = "javascript:alert(1)"
	if got, _ := CiteDocument(doc, StyleUN); got != cted+`, "CTED concludes visit", press release, 3 December 2019` {
		t.Errorf("CiteDocument(javascript URL) = %q", got)
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		y, m, d int
	}{
		{"2019-12-03", 2019, 12, 3}, {"2019-12", 2019, 12, 0}, {"2019", 2019, 0, 0},
		{"2019-12-03/2019-12-05", 2019, 12, 3}, {"", 0, 0, 0}, {"19-12-03", 0, 0, 0},
		{"2019-13-01", 0, 0, 0}, {"2019-1-01", 0, 0, 0}, {"December 2019", 0, 0, 0}, {"2019-12-03-01", 0, 0, 0},
	}
	for _, tt := range tests {
		if y, m, d := parseDate(tt.in); y != tt.y || m != tt.m || d != tt.d {
			t.Errorf("parseDate(%q) = %d, %d, %d; want %d, %d, %d", tt.in, y, m, d, tt.y, tt.m, tt.d)
		}
	}
}
