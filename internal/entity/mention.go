// Package entity finds the things researchers filter and count by in a document's
// text: Security Council and General Assembly resolutions, organizations, countries
// and dates. Each mention carries its kind, the canonical id the contract in
// DESIGN.md defines, the words as written and their byte offsets in the body.
// The knowledge (organization and country names, the first resolution number of
// each year) lives in embedded data files under data/, with their sources noted.
//
// What a mention's Text covers, so that counts and highlights agree everywhere:
//   - a resolution list "resolutions 1373 (2001), 1624 (2005) and 2178 (2014)" is
//     one mention per resolution; the first includes the keyword ("resolutions
//     1373 (2001)"), the others are the number and year ("1624 (2005)"); words
//     that introduce a list ("resolutions, including 2396 (2017)") are left out;
//   - an organization named with the acronym it defines is one mention covering
//     both: "United Nations Office on Drugs and Crime (UNODC)"; the acronym used
//     alone later is a mention of its own;
//   - a country's possessive is left out: "Kyrgyzstan" of "Kyrgyzstan’s";
//   - a date range is one mention from its first number: "3 to 5 December 2019"
//     of "from 3 to 5 December 2019"; a list of days or months sharing a year
//     is one mention per item, the last carrying the month and year: "March"
//     and "May 2019" of "in March and May 2019";
//   - a numeric date is a date only when the numbers decide its order:
//     "25/03/2020", "03/26/2020", but not "03/04/2020".
//
// Extract is safe for concurrent use; the gazetteers are read-only after init.
package entity

// The entity kinds.
const (
	Resolution   = "resolution"
	Organization = "organization"
	Country      = "country"
	Date         = "date"
)

// Kinds lists every kind, in the order facets and pages show them.
var Kinds = []string{Resolution, Organization, Country, Date}

// Mention is one place in a body where an entity is named.
type Mention struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
	// Text is the words as written: Body[Start:End].
	Text  string `json:"text"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	// Warning says what was odd about the mention, e.g. a resolution cited with a
	// year that does not match its number; empty when nothing was.
	Warning string `json:"warning,omitempty"`
}
