package main

import (
	"bytes"
	"errors"
	"os"
	"time"

	"github.com/spf13/cobra"

	"dossier/cmd/dossier/bench"
)

func newBenchCmd(opts *options) *cobra.Command {
	cfg := bench.Config{}
	var jsonFile string
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Generate a synthetic corpus, ingest it, and measure ingest, index size and search latency",
		Long: `Bench measures Dossier at a size you choose, in one run, on this machine:

  1. generates a deterministic synthetic corpus (--docs, --seed): UN-style press
     releases and reports, mostly text, some HTML, a few PDF, 3-5 KB of text each;
  2. ingests it with the real pipeline (indexer.Run), one format folder after the
     other (text, then html, then pdf, into the same index), so each format gets
     its own docs/s and MB/s; PDFs are parsed in the sandbox child and the
     collector runs with the settings of dossier index, as in a real run; peak
     RSS is the process's VmHWM, reset before the phase by writing 5 to
     /proc/self/clear_refs (Linux);
  3. indexes the same plain text with bare Bleve (no _all, body not stored, no
     term vectors, keyword fields for the entity ids, batches of 1000; no parsing,
     no extraction; the same collector settings) as the same-run baseline;
  4. compares the index size with the raw text;
  5. adds 100 new files and times an incremental run until a search finds them;
  6. with the collector set as dossier serve sets it, times, in process,
     --queries distinct queries of each kind: plain search,
     search with a filter in all five facets, phrase search, every mention of a
     resolution (first page of 50, with contexts), browse (empty query), and a
     date range with a facet filter;
  7. serves the index on a loopback port with the real server and runs a load
     loop of --http-clients concurrent clients over the same distinct queries,
     each sent once, until they are done or --http-time has passed.

No result cache is in the way: every query of a kind is distinct, except where
the kind has fewer distinct values than --queries (every mention of a resolution
has a few hundred ways to be asked), and the table says how many were distinct.
One run gives one sample; take medians of several runs for published figures.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if cfg.Docs <= 0 || cfg.Queries <= 0 || cfg.Clients <= 0 {
				return errors.New("--docs, --queries and --http-clients must be positive")
			}
			cfg.ProgressOut = cmd.ErrOrStderr()
			cfg.Limits = limits()
			rep, err := bench.Run(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			if jsonFile != "" {
				var b bytes.Buffer
				writeJSON(&b, rep)
				if err := os.WriteFile(jsonFile, b.Bytes(), 0o644); err != nil {
					return err
				}
			}
			if opts.json {
				return writeJSON(cmd.OutOrStdout(), rep)
			}
			bench.Print(cmd.OutOrStdout(), rep)
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&cfg.Docs, "docs", 10000, "documents to generate and ingest")
	f.Int64Var(&cfg.Seed, "seed", 1, "corpus seed: the same seed and --docs give the same files")
	f.StringVar(&cfg.Dir, "dir", "", "scratch folder, kept afterwards (default: a temporary folder, removed)")
	f.IntVar(&cfg.Clients, "http-clients", 16, "concurrent HTTP clients")
	f.IntVar(&cfg.Queries, "queries", 1000, "distinct queries per kind")
	f.DurationVar(&cfg.HTTPTime, "http-time", 60*time.Second, "time limit of the HTTP load loop")
	f.DurationVar(&cfg.KindTime, "kind-time", 60*time.Second, "time limit of each kind of in-process query (slow kinds then run fewer queries)")
	f.StringVar(&cfg.CPUProfile, "cpuprofile", "", "write a CPU profile of the ingest phase to this file")
	f.BoolVar(&cfg.SkipHTTP, "skip-http", false, "skip the HTTP load loop")
	f.BoolVar(&cfg.SkipBase, "skip-baseline", false, "skip the bare-Bleve baseline")
	f.IntVar(&cfg.NewDocs, "new-docs", 100, "documents added for the time-to-searchable measurement")
	f.BoolVar(&cfg.BaseTV, "baseline-body-tv", false, "give the baseline's body term vectors and store it, as phrase search, highlighting and contexts need")
	f.StringVar(&jsonFile, "json-file", "", "also write the JSON object to this file")
	f.BoolVar(&opts.json, "json", false, "print the results as one JSON object")
	return cmd
}
