// Command gencorpus writes documents FROM to TO-1 of the synthetic corpus of
// internal/corpusgen into a folder, for loadtest.sh:
//
//	go run ./internal/loadtest/cmd/gencorpus -dir DIR -from 0 -to 50000 [-seed 1]
//
// The corpus is deterministic, so the documents a load test adds while the
// server runs (-from N -to N+M) are new ones, not copies of those indexed.
package main

import (
	"flag"
	"fmt"
	"os"

	"dossier/internal/corpusgen"
)

func main() {
	dir := flag.String("dir", "", "folder to write the documents into (created)")
	from := flag.Int("from", 0, "first document")
	to := flag.Int("to", 0, "one past the last document")
	seed := flag.Int64("seed", 1, "corpus seed")
	flag.Parse()
	if *dir == "" || *from < 0 || *to <= *from {
		fmt.Fprintln(os.Stderr, "gencorpus: need -dir and 0 <= -from < -to")
		os.Exit(2)
	}
	if err := corpusgen.WriteRange(*dir, *seed, *from, *to); err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
}
