package entity

// Extract returns every mention of every kind in body, sorted by Start then End.
// Offsets are byte offsets into body and Text is always body[Start:End].
func Extract(body string) []Mention {
	return nil
}

// Label returns a readable label for a canonical id; unknown ids are returned as
// they are.
func Label(kind, id string) string {
	return id
}

// Canonical turns what a person types into the canonical id of kind; false when
// it cannot.
func Canonical(kind, typed string) (string, bool) {
	return "", false
}

// DocType returns the document's type id: "press-release", "report",
// "statement", "meeting-coverage" or "other".
func DocType(title, body string) string {
	return "other"
}

// TypeLabel returns the readable label of a document type id.
func TypeLabel(id string) string {
	return id
}

// DocumentDate returns the first full date (day precision) in body as ISO 8601,
// or "".
func DocumentDate(body string) string {
	return ""
}
