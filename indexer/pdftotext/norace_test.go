//go:build !race

package pdftotext_test

const raceEnabled = false
