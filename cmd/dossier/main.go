// Command dossier ingests press releases and reports (HTML, PDF, plain text),
// extracts the resolutions, organizations, countries and dates they mention, and
// searches them from the command line or a local web page.
//
// Usage:
//
//	dossier index PATH...          ingest files and folders (incremental)
//	dossier search QUERY           full-text search with facets
//	dossier mentions KIND ID       every mention of one entity, in date order
//	dossier extract FILE           parse one file and show its entities
//	dossier serve                  the web page and JSON API on 127.0.0.1:8080
//
// Every command takes --index DIR (default: $DOSSIER_INDEX, else the per-user
// data folder, e.g. ~/.local/share/dossier); index, search, mentions and extract
// take --json for the result shapes of the contract. `dossier serve` indexes the
// embedded sample corpus when the index does not exist yet.
//
// Errors print one line on stderr and exit 1. Files that cannot be indexed do
// not fail `dossier index`: they are listed in its summary with the reason.
package main

import (
	"fmt"
	"os"

	"dossier/indexer"
	"dossier/indexer/sandbox"
)

func main() {
	// When the indexer starts this binary as a sandboxed parser, parse and exit.
	sandbox.Main(indexer.Parsers())
	if err := newRootCmd().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "dossier:", err)
		os.Exit(1)
	}
}
