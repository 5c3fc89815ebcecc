package entity

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// found is a mention reduced to what the table tests compare.
type found struct {
	ID, Text, Warning string
}

func ofKind(ms []Mention, kind string) []found {
	var out []found
	for _, m := range ms {
		if m.Kind == kind {
			out = append(out, found{m.ID, m.Text, m.Warning})
		}
	}
	return out
}

type extractCase struct {
	name string
	in   string
	want []found
}

func runKind(t *testing.T, kind string, cases []extractCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ms := Extract(tc.in)
			checkInvariants(t, tc.in, ms)
			got := ofKind(ms, kind)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Extract(%q) %s mentions (-want +got):\n%s", tc.in, kind, diff)
			}
		})
	}
}

func TestResolutions(t *testing.T) {
	runKind(t, Resolution, []extractCase{
		{"single", "It recalled resolution 1373 (2001).", []found{{"S/RES/1373 (2001)", "resolution 1373 (2001)", ""}}},
		{"capitalised", "Resolution 2396 (2017) asks States", []found{{"S/RES/2396 (2017)", "Resolution 2396 (2017)", ""}}},
		{"list", "resolutions 1373 (2001), 1624 (2005) and 2178 (2014) apply", []found{
			{"S/RES/1373 (2001)", "resolutions 1373 (2001)", ""},
			{"S/RES/1624 (2005)", "1624 (2005)", ""},
			{"S/RES/2178 (2014)", "2178 (2014)", ""},
		}},
		{"list with oxford comma and or", "resolutions 1267 (1999), 1989 (2011), and 2253 (2015) or 2368 (2017)", []found{
			{"S/RES/1267 (1999)", "resolutions 1267 (1999)", ""},
			{"S/RES/1989 (2011)", "1989 (2011)", ""},
			{"S/RES/2253 (2015)", "2253 (2015)", ""},
			{"S/RES/2368 (2017)", "2368 (2017)", ""},
		}},
		{"list introduced", "recent Council resolutions, including 2396 (2017), 2462 (2019), 2482 (2019) and other texts", []found{
			{"S/RES/2396 (2017)", "2396 (2017)", ""},
			{"S/RES/2462 (2019)", "2462 (2019)", ""},
			{"S/RES/2482 (2019)", "2482 (2019)", ""},
		}},
		{"symbol", "see S/RES/2396 (2017).", []found{{"S/RES/2396 (2017)", "S/RES/2396 (2017)", ""}}},
		{"symbol glued year", "see S/RES/2396(2017).", []found{{"S/RES/2396 (2017)", "S/RES/2396(2017)", ""}}},
		{"symbol no year", "see S/RES/2396 and more", []found{{"S/RES/2396 (2017)", "S/RES/2396", ""}}},
		{"symbol split at a line end", "see S/RES/\n2396 (2017) and A/RES/\n72/284", []found{{"S/RES/2396 (2017)", "S/RES/\n2396 (2017)", ""}, {"A/RES/72/284", "A/RES/\n72/284", ""}}},
		{"UNSCR", "under UNSCR 1540, States", []found{{"S/RES/1540 (2004)", "UNSCR 1540", ""}}},
		{"SCR", "under SCR 2396 and UNSCRs 1373 and 1624", []found{{"S/RES/2396 (2017)", "SCR 2396", ""}, {"S/RES/1373 (2001)", "UNSCRs 1373", ""}, {"S/RES/1624 (2005)", "1624", ""}}},
		{"Council resolution", "Council resolution 2253 was adopted", []found{{"S/RES/2253 (2015)", "resolution 2253", ""}}},
		{"Security Council resolution", "Security Council resolution 2253 (2015) extends", []found{{"S/RES/2253 (2015)", "resolution 2253 (2015)", ""}}},
		{"of year", "resolution 1373 of 2001 obliges", []found{{"S/RES/1373 (2001)", "resolution 1373 of 2001", ""}}},
		{"paragraph of", "paragraph 6 of resolution 2396 (2017) says", []found{{"S/RES/2396 (2017)", "resolution 2396 (2017)", ""}}},
		{"line break", "in line with resolution\n1373 (2001) and", []found{{"S/RES/1373 (2001)", "resolution\n1373 (2001)", ""}}},
		{"line break in list", "resolutions 1373 (2001),\n1624 (2005)", []found{
			{"S/RES/1373 (2001)", "resolutions 1373 (2001)", ""},
			{"S/RES/1624 (2005)", "1624 (2005)", ""},
		}},
		{"year after a slash", "resolution 1373/2001 and resolution 1373/1999", []found{
			{"S/RES/1373 (2001)", "resolution 1373/2001", ""},
			{"S/RES/1373 (2001)", "resolution 1373/1999", "year written 1999 does not match resolution 1373, adopted in 2001"},
		}},
		{"no year gets its year", "resolution 1373 requires", []found{{"S/RES/1373 (2001)", "resolution 1373", ""}}},
		{"wrong year", "resolution 2195 (2015) on terrorism", []found{{"S/RES/2195 (2014)", "resolution 2195 (2015)", "year written 2015 does not match resolution 2195, adopted in 2014"}}},
		{"bare citation with its year", "as in 2396 (2017).", []found{{"S/RES/2396 (2017)", "2396 (2017)", ""}}},
		{"General Assembly", "General Assembly resolution 60/288 adopted the Strategy", []found{{"A/RES/60/288", "resolution 60/288", ""}}},
		{"GA symbol", "see A/RES/72/284.", []found{{"A/RES/72/284", "A/RES/72/284", ""}}},
		{"GA list", "General Assembly resolutions 60/288 and 72/284", []found{
			{"A/RES/60/288", "resolutions 60/288", ""},
			{"A/RES/72/284", "72/284", ""},
		}},
		{"numbers are not resolutions", "over 800 nationals; paragraph 11; in 2019; 150 women", nil},
		{"1267 Committee is not a resolution", "the 1267 Committee met", nil},
		{"Human Rights Council resolution", "Human Rights Council resolution 35/34", nil},
		{"other councils and assemblies", "Arab League Council resolution 8543, Peace and Security Council resolution 12, World Health Assembly resolution 72, Parliamentary Assembly resolution 2091", nil},
		{"the Council and the Assembly", "recalled that Council resolution 2253 and Assembly resolution 72/284 apply", []found{
			{"S/RES/2253 (2015)", "resolution 2253", ""}, {"A/RES/72/284", "resolution 72/284", ""},
		}},
		{"old Assembly style", "General Assembly resolution 2625 (XXV)", nil},
		{"future number", "resolution 9999 (2001)", nil},
		{"number after a list with years", "resolution 2396 (2017), 15 States reported", []found{{"S/RES/2396 (2017)", "resolution 2396 (2017)", ""}}},
		{"abbreviated", "SC res. 2396, UNSC Res 2462 and Res. 2178 (2014); S/RES/1373", []found{
			{"S/RES/2396 (2017)", "res. 2396", ""},
			{"S/RES/2462 (2019)", "Res 2462", ""},
			{"S/RES/2178 (2014)", "Res. 2178 (2014)", ""},
			{"S/RES/1373 (2001)", "S/RES/1373", ""},
		}},
		{"slashes", "resolutions 1267/1989/2253 and resolution 1373/2001", []found{
			{"S/RES/1267 (1999)", "resolutions 1267", ""},
			{"S/RES/1989 (2011)", "1989", ""},
			{"S/RES/2253 (2015)", "2253", ""},
			{"S/RES/1373 (2001)", "resolution 1373/2001", ""},
		}},
		{"list without years", "resolutions 1267, 1989 and 2253 concern", []found{
			{"S/RES/1267 (1999)", "resolutions 1267", ""},
			{"S/RES/1989 (2011)", "1989", ""},
			{"S/RES/2253 (2015)", "2253", ""},
		}},
	})
}

func TestOrganizations(t *testing.T) {
	runKind(t, Organization, []extractCase{
		{"defined acronym joins the name", "the Counter-Terrorism Committee Executive Directorate (CTED) visited", []found{{"CTED", "Counter-Terrorism Committee Executive Directorate (CTED)", ""}}},
		{"acronym", "CTED experts", []found{{"CTED", "CTED", ""}}},
		{"acronym case matters", "cted experts and the Cted", nil},
		{"CTC written out", "the Security Council Counter-Terrorism Committee and the Counter-Terrorism Committee’s work", []found{
			{"CTC", "Security Council Counter-Terrorism Committee", ""},
			{"CTC", "Counter-Terrorism Committee", ""},
		}},
		{"the Committee alone", "the Committee’s recommendations", nil},
		{"UN Women", "the United Nations Entity for Gender Equality and Women’s Empowerment (UN Women) and UN-Women", []found{
			{"UN Women", "United Nations Entity for Gender Equality and Women’s Empowerment (UN Women)", ""},
			{"UN Women", "UN-Women", ""},
		}},
		{"spellings", "the Organization for Security and Co-operation in Europe, the Organisation for Security and Cooperation in Europe", []found{
			{"OSCE", "Organization for Security and Co-operation in Europe", ""},
			{"OSCE", "Organisation for Security and Cooperation in Europe", ""},
		}},
		{"combatting", "Eurasian Group on Combating Money Laundering and Financing of Terrorism (EAG) and the Eurasian Group for Combatting Money Laundering and Terrorism Financing", []found{
			{"EAG", "Eurasian Group on Combating Money Laundering and Financing of Terrorism (EAG)", ""},
			{"EAG", "Eurasian Group for Combatting Money Laundering and Terrorism Financing", ""},
		}},
		{"sub-unit is its parent", "the OSCE Programme Office in Bishkek and the Programme Office of the UNODC", []found{
			{"OSCE", "OSCE Programme Office in Bishkek", ""},
			{"UNODC", "UNODC", ""},
		}},
		{"monitoring team", "the Monitoring Team of the Security Council Committee established pursuant to resolutions 1267 (1999), 1989 (2011) and 2253 (2015) concerning ISIL", []found{
			{"1267 Monitoring Team", "Monitoring Team of the Security Council Committee established pursuant to resolutions 1267", ""},
		}},
		{"1267 Committee", "the 1267 Committee and the 1540 Committee", []found{{"1267 Committee", "1267 Committee", ""}, {"1540 Committee", "1540 Committee", ""}}},
		{"1373 Committee", "the 1373 Committee", []found{{"CTC", "1373 Committee", ""}}},
		{"the Monitoring Team", "the Analytical Support and Sanctions Monitoring Team of the Committee established pursuant to resolution 1267 (1999); the Monitoring Team", []found{
			{"1267 Monitoring Team", "Analytical Support and Sanctions Monitoring Team of the Committee established pursuant to resolution 1267", ""},
			{"1267 Monitoring Team", "Monitoring Team", ""},
		}},
		{"CIS-ATC", "the Anti-Terrorist Centre of the Commonwealth of Independent States (CIS-ATC) and the CIS-ATC", []found{
			{"CIS-ATC", "Anti-Terrorist Centre of the Commonwealth of Independent States (CIS-ATC)", ""},
			{"CIS-ATC", "CIS-ATC", ""},
		}},
		{"INTERPOL", "INTERPOL and Interpol", []found{{"INTERPOL", "INTERPOL", ""}, {"INTERPOL", "Interpol", ""}}},
		{"not organizations", "the United Nations, the Security Council, the General Assembly, the Secretariat, ISIL, Al-Qaida and Da’esh", nil},
		{"learned acronym of a known name", "the Office of Counter-Terrorism (OCT) said. Later OCT added", []found{
			{"UNOCT", "Office of Counter-Terrorism (OCT)", ""},
			{"UNOCT", "OCT", ""},
		}},
		{"learned unknown organization", "the International Centre for Counter-Terrorism (ICCT) met; ICCT will report", []found{
			{"ICCT", "International Centre for Counter-Terrorism (ICCT)", ""},
			{"ICCT", "ICCT", ""},
		}},
		{"financial intelligence unit is national", "the Financial Intelligence Unit (FIU) and the FIU", nil},
		{"not an organization acronym", "Advance Passenger Information (API) and foreign terrorist fighters (FTFs); API data", nil},
		{"national body", "the State Committee for National Security (SCNS) of Kyrgyzstan", nil},
		{"a State's own body", "Kenya’s Financial Reporting Centre (FRC) and the Kenyan Financial Reporting Centre (FRC)", nil},
		{"acronym that is a word, in a heading", "WHO WE ARE\n\nThe WHO and the EU", []found{{"WHO", "WHO", ""}, {"EU", "EU", ""}}},
		{"SCO RATS", "the Regional Anti-Terrorist Structure of the Shanghai Cooperation Organization", []found{{"SCO RATS", "Regional Anti-Terrorist Structure of the Shanghai Cooperation Organization", ""}}},
		{"ligature and soft hyphen", "the United Nations Oﬃce on Drugs and Crime and the Coun\u00adter-Terrorism Committee", []found{
			{"UNODC", "United Nations Oﬃce on Drugs and Crime", ""},
			{"CTC", "Coun\u00adter-Terrorism Committee", ""},
		}},
		{"line break in a name", "the United Nations Office on\nDrugs and Crime", []found{{"UNODC", "United Nations Office on\nDrugs and Crime", ""}}},
		{"hyphen at a line end in a name", "the Counter-\nTerrorism Committee and the Organization for Security and Co-\noperation in Europe", []found{
			{"CTC", "Counter-\nTerrorism Committee", ""}, {"OSCE", "Organization for Security and Co-\noperation in Europe", ""},
		}},
	})
}

func TestCountries(t *testing.T) {
	runKind(t, Country, []extractCase{
		{"official and short", "the Kyrgyz Republic, also Kyrgyzstan", []found{{"KGZ", "Kyrgyz Republic", ""}, {"KGZ", "Kyrgyzstan", ""}}},
		{"possessive", "Kyrgyzstan’s approach and Iraq's", []found{{"KGZ", "Kyrgyzstan", ""}, {"IRQ", "Iraq", ""}}},
		{"adjective before a noun", "the Kyrgyz authorities and Iraqi forces", []found{{"KGZ", "Kyrgyz", ""}, {"IRQ", "Iraqi", ""}}},
		{"adjective pair", "Syrian and Iraqi nationals", []found{{"SYR", "Syrian", ""}, {"IRQ", "Iraqi", ""}}},
		{"adjective list", "Iraqi, Kazakh, Kosovo and Uzbek authorities; Iraqi, Syrian.", []found{{"IRQ", "Iraqi", ""}, {"KAZ", "Kazakh", ""}, {"UZB", "Uzbek", ""}}},
		{"hyphenated adjectives", "the Kyrgyz-Tajik border and the Syrian-Turkish border; Russian-speaking", []found{{"KGZ", "Kyrgyz", ""}, {"TJK", "Tajik", ""}, {"SYR", "Syrian", ""}, {"TUR", "Turkish", ""}}},
		{"adjective alone", "spoke in Kyrgyz.", nil},
		{"inside a group's name", "the Islamic State in Iraq and the Levant (ISIL) and ISIL", nil},
		{"inside listed groups' names", "the Libyan Islamic Fighting Group, ISIL-Libya and the Islamic State in Somalia", nil},
		{"longest match", "the Republic of Korea and the Democratic People’s Republic of Korea", []found{{"KOR", "Republic of Korea", ""}, {"PRK", "Democratic People’s Republic of Korea", ""}}},
		{"Türkiye", "Türkiye, formerly Turkey", []found{{"TUR", "Türkiye", ""}, {"TUR", "Turkey", ""}}},
		{"apostrophes", "Côte d'Ivoire and Côte d’Ivoire", []found{{"CIV", "Côte d'Ivoire", ""}, {"CIV", "Côte d’Ivoire", ""}}},
		{"Syria", "Syria and the Syrian Arab Republic", []found{{"SYR", "Syria", ""}, {"SYR", "Syrian Arab Republic", ""}}},
		{"the", "the Democratic Republic of the Congo and the Congo", []found{{"COD", "Democratic Republic of the Congo", ""}, {"COG", "Congo", ""}}},
		{"hyphenated", "Guinea-Bissau and Guinea", []found{{"GNB", "Guinea-Bissau", ""}, {"GIN", "Guinea", ""}}},
		{"not inside an organization", "the Commonwealth of Independent States and the Organization of American States", nil},
		{"cities are not countries", "the office in Bishkek", nil},
		{"case", "chad and CHAD and Chad", []found{{"TCD", "CHAD", ""}, {"TCD", "Chad", ""}}},
		{"second half of a compound", "the Ibero-American network and the Iraq-Syria border", []found{{"IRQ", "Iraq", ""}, {"SYR", "Syria", ""}}},
		{"cities and currencies", "in Mexico City and Kuwait City, US$ 5 million; Papua New Guinea and New Guinea", []found{{"PNG", "Papua New Guinea", ""}}},
		{"dotted", "the U.S. and the U.K. and the US", []found{{"USA", "U.S.", ""}, {"GBR", "U.K.", ""}, {"USA", "US", ""}}},
		{"a person's first name", "Chad Smith and Jordan Peterson visited Chad and Jordan.", []found{{"TCD", "Chad", ""}, {"JOR", "Jordan", ""}}},
		{"a surname", "The prosecutor, Grace Mali, spoke. In Northern Mali and in Mali. Despite Mali's efforts; CTED Concludes Visit To Kenya. Aigerim Mali, Legal Adviser of Belgium, said so. Despite Mali, France", []found{{"MLI", "Mali", ""}, {"MLI", "Mali", ""}, {"MLI", "Mali", ""}, {"KEN", "Kenya", ""}, {"BEL", "Belgium", ""}, {"MLI", "Mali", ""}, {"FRA", "France", ""}}},
		{"observer States", "the Holy See and the State of Palestine", []found{{"VAT", "Holy See", ""}, {"PSE", "State of Palestine", ""}}},
		{"hyphenated at a line end", "the Philip-\npines and Kyrgyz-\nTajik talks; a well-\nknown case", []found{{"PHL", "Philip-\npines", ""}, {"KGZ", "Kyrgyz", ""}, {"TJK", "Tajik", ""}}},
	})
}

func TestDates(t *testing.T) {
	runKind(t, Date, []extractCase{
		{"day", "on 3 December 2019 the", []found{{"2019-12-03", "3 December 2019", ""}}},
		{"american", "on December 3, 2019 the", []found{{"2019-12-03", "December 3, 2019", ""}}},
		{"iso", "on 2019-12-03 the", []found{{"2019-12-03", "2019-12-03", ""}}},
		{"from to", "from 3 to 5 December 2019", []found{{"2019-12-03/2019-12-05", "3 to 5 December 2019", ""}}},
		{"hyphen", "3-5 December 2019", []found{{"2019-12-03/2019-12-05", "3-5 December 2019", ""}}},
		{"en dash", "3–5 December 2019", []found{{"2019-12-03/2019-12-05", "3–5 December 2019", ""}}},
		{"across months", "30 November to 2 December 2019", []found{{"2019-11-30/2019-12-02", "30 November to 2 December 2019", ""}}},
		{"american range", "December 3-5, 2019", []found{{"2019-12-03/2019-12-05", "December 3-5, 2019", ""}}},
		{"between", "between 3 and 5 December 2019", []found{{"2019-12-03/2019-12-05", "3 and 5 December 2019", ""}}},
		{"month", "in December 2019", []found{{"2019-12", "December 2019", ""}}},
		{"month range", "from December 2019 to January 2020", []found{{"2019-12/2020-01", "December 2019 to January 2020", ""}}},
		{"since", "Since 2013, over 800 nationals", []found{{"2013", "2013", ""}}},
		{"in", "visited in 2016.", []found{{"2016", "2016", ""}}},
		{"year list", "the Committee’s 2012 and 2016 visit recommendations", []found{{"2012", "2012", ""}, {"2016", "2016", ""}}},
		{"year list before a semicolon", "in the years 2015 and 2016; in 2017/18", []found{{"2015", "2015", ""}, {"2016", "2016", ""}}},
		{"year range", "the 2014–2019 period and from 2013 to 2016", []found{{"2014/2019", "2014–2019", ""}, {"2013/2016", "2013 to 2016", ""}}},
		{"citation year is not a date", "resolution 1373 (2001) and resolution 1373 of 2001", nil},
		{"relative", "last year and this year", nil},
		{"to", "postponed to 2020. Up to 2019 persons; from 15 to 2019 cases; as of 2021", []found{{"2020", "2020", ""}, {"2021", "2021", ""}}},
		{"year closing a title", "Annual report of the Centre, 2022\n\nIn 2019, 800 people", []found{{"2022", "2022", ""}, {"2019", "2019", ""}}},
		{"numbers", "over 800 nationals, 230-250 dead, 2019 persons, S/2019/123", nil},
		{"invalid day", "31 February 2019", nil},
		{"may is a verb", "States may 3 times", nil},
		{"year in a name", "the 2005 World Summit; from the 1963 Tokyo Convention; the 2030 Agenda; the 2020-2024 Action Plan", nil},
		{"hyphenated at a line end", "on 14 Feb-\nruary 2025 the Philip-\npines and the Counter-\nTerrorism Committee; Kyrgyz-\nTajik talks", []found{
			{"2025-02-14", "14 Feb-\nruary 2025", ""},
		}},
		{"year before a name after a preposition", "in 2016 Kyrgyzstan adopted", []found{{"2016", "2016", ""}}},
		{"two days", "met on 12 and 13 September 2012 and on 3 and 9 May 2019", []found{{"2012-09-12/2012-09-13", "12 and 13 September 2012", ""}, {"2019-05-03", "3", ""}, {"2019-05-09", "9 May 2019", ""}}},
		{"month list", "in March and May 2019; in January, March and June 2020; between January and June 2023", []found{
			{"2019-03", "March", ""}, {"2019-05", "May 2019", ""},
			{"2020-01", "January", ""}, {"2020-03", "March", ""}, {"2020-06", "June 2020", ""},
			{"2023-01/2023-06", "January and June 2023", ""},
		}},
		{"numeric", "on 25/03/2020, 03/26/2020, 05.05.2021 and 03/04/2020; S/2020/12", []found{
			{"2020-03-25", "25/03/2020", ""}, {"2020-03-26", "03/26/2020", ""}, {"2021-05-05", "05.05.2021", ""},
		}},
		{"day of month", "on the 6th of December 2019", []found{{"2019-12-06", "6th of December 2019", ""}}},
		{"abbreviated", "on 6 Dec. 2019 and Sept. 2020", []found{{"2019-12-06", "6 Dec. 2019", ""}, {"2020-09", "Sept. 2020", ""}}},
		{"ordinal", "on the 3rd of December? no: December 3rd, 2019", []found{{"2019-12-03", "December 3rd, 2019", ""}}},
	})
}

// checkInvariants asserts what every caller relies on: Text is the body
// slice, offsets are inside the body on rune boundaries, ids are canonical,
// and the order is by Start then End.
func checkInvariants(t *testing.T, body string, ms []Mention) {
	t.Helper()
	for i, m := range ms {
		if m.Start < 0 || m.End > len(body) || m.Start >= m.End {
			t.Fatalf("mention %d %+v: offsets outside body of %d bytes", i, m, len(body))
		}
		if !utf8.RuneStart(body[m.Start]) || m.End < len(body) && !utf8.RuneStart(body[m.End]) {
			t.Errorf("mention %d %+v: offsets not on rune boundaries", i, m)
		}
		if m.Text != body[m.Start:m.End] {
			t.Errorf("mention %d: Text %q != body[%d:%d] %q", i, m.Text, m.Start, m.End, body[m.Start:m.End])
		}
		if !canonicalID(m.Kind, m.ID) {
			t.Errorf("mention %d %+v: id not canonical", i, m)
		}
		if i > 0 && (ms[i-1].Start > m.Start || ms[i-1].Start == m.Start && ms[i-1].End > m.End) {
			t.Errorf("mentions %d and %d out of order", i-1, i)
		}
	}
}

var (
	reResolutionID = regexp.MustCompile(`^(?:S/RES/[1-9]\d{0,3} \((?:19[4-9]\d|20\d\d)\)|A/RES/[1-9]\d{0,2}/[1-9]\d{0,3})$`)
	reCountryID    = regexp.MustCompile(`^[A-Z]{3}$`)
	reDateID       = regexp.MustCompile(`^\d{4}(?:-\d{2}(?:-\d{2})?)?(?:/\d{4}(?:-\d{2}(?:-\d{2})?)?)?$`)
)

func canonicalID(kind, id string) bool {
	switch kind {
	case Resolution:
		return reResolutionID.MatchString(id)
	case Country:
		_, ok := gaz.countries[id]
		return ok && reCountryID.MatchString(id)
	case Date:
		if !reDateID.MatchString(id) {
			return false
		}
		got, ok := Canonical(Date, id)
		return ok && got == id
	case Organization:
		return id != "" && strings.TrimSpace(id) == id
	}
	return false
}

// wantSeed is what the seed document (and testdata/seedlike.txt, which says
// the same things in other words) must yield.
var wantSeed = map[string][]string{
	Resolution: {"S/RES/1267 (1999)", "S/RES/1373 (2001)", "S/RES/1624 (2005)", "S/RES/1989 (2011)",
		"S/RES/2178 (2014)", "S/RES/2253 (2015)", "S/RES/2396 (2017)", "S/RES/2462 (2019)", "S/RES/2482 (2019)"},
	Organization: {"1267 Monitoring Team", "CIS-ATC", "CSTO", "CTC", "CTED", "EAG", "INTERPOL", "OSCE",
		"UN Women", "UNOCT", "UNODC", "UNRCCA"},
	Country: {"IRQ", "KGZ", "SYR"},
}

func distinct(ms []Mention, kind string) []string {
	set := map[string]bool{}
	for _, m := range ms {
		if m.Kind == kind {
			set[m.ID] = true
		}
	}
	var out []string
	for id := range set {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

func checkSeed(t *testing.T, body string) {
	t.Helper()
	ms := Extract(body)
	checkInvariants(t, body, ms)
	for _, kind := range []string{Resolution, Organization, Country} {
		if diff := cmp.Diff(wantSeed[kind], distinct(ms, kind)); diff != "" {
			t.Errorf("%s ids (-want +got):\n%s", kind, diff)
		}
	}
	var visit []found
	for _, m := range ofKind(ms, Date) {
		if strings.Contains(m.ID, "/") {
			visit = append(visit, m)
		}
	}
	if diff := cmp.Diff([]found{{"2019-12-03/2019-12-05", "3 to 5 December 2019", ""}}, visit); diff != "" {
		t.Errorf("visit dates (-want +got):\n%s", diff)
	}
	if got := DocumentDate(body); got != "2019-12-03" {
		t.Errorf("DocumentDate = %q, want 2019-12-03", got)
	}
	for _, m := range ms {
		if m.Kind == Country && strings.Contains(body[max(0, m.Start-20):m.Start], "Islamic State") {
			t.Errorf("country inside a group's name: %+v", m)
		}
	}
}

func TestSeedlike(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "seedlike.txt"))
	if err != nil {
		t.Fatal(err)
	}
	checkSeed(t, string(b))
}

// TestRealSeed runs on the real press release where the project's shared
// folder is present; it is not part of the repository.
func TestRealSeed(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "seed", "*.txt"))
	if len(files) == 0 {
		t.Skip("no seed documents in ../../../shared/seed")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			checkSeed(t, string(b))
		})
	}
}

func TestOverlaps(t *testing.T) {
	// Only mentions of different kinds may overlap, and never a country or a
	// date inside an organization's name.
	b, err := os.ReadFile(filepath.Join("testdata", "seedlike.txt"))
	if err != nil {
		t.Fatal(err)
	}
	ms := Extract(string(b))
	for i := range ms {
		for j := i + 1; j < len(ms) && ms[j].Start < ms[i].End; j++ {
			a, c := ms[i], ms[j]
			if a.Kind == c.Kind {
				t.Errorf("same-kind overlap: %+v and %+v", a, c)
			}
			if a.Kind == Organization && (c.Kind == Country || c.Kind == Date) ||
				c.Kind == Organization && (a.Kind == Country || a.Kind == Date) {
				t.Errorf("%s inside an organization: %+v and %+v", c.Kind, a, c)
			}
		}
	}
}
