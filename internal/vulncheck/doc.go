// Package vulncheck holds vulncheck.sh, which runs govulncheck over Dossier
// with a vulnerability database built from the golang.org/x/vulndb module (the
// machines Dossier is built on reach the Go module proxy but not vuln.go.dev).
// There is no Go code in this package; it is a package so that the folder is
// documented like every other.
//
// The README's Development section gives the last result and the advisories
// that are known and accepted.
package vulncheck
