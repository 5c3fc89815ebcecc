//go:build race

package pdftotext_test

// raceEnabled: a race build runs the program without an address-space limit
// (see raceEnabled in indexer/sandbox).
const raceEnabled = true
