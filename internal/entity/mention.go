// Package entity finds the things researchers filter and count by in a document's
// text: Security Council and General Assembly resolutions, organizations, countries
// and dates. Each mention carries its kind, the canonical id the contract in
// DESIGN.md defines, the words as written and their byte offsets in the body.
// The knowledge (organization and country names, the first resolution number of
// each year) lives in embedded data files under data/, with their sources noted.
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
