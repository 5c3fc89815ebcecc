package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/spf13/cobra"

	"dossier/corpus"
	"dossier/indexer"
	"dossier/internal/gcsettings"
	"dossier/internal/search"
	"dossier/server"
)

func newServeCmd(opts *options) *cobra.Command {
	var (
		addr         string
		serverLimits server.Limits
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the web page and the JSON API (indexing the sample corpus on first start)",
		Long: `Serve opens the index and serves the search page and the JSON API, on
127.0.0.1:8080 unless --addr says otherwise. When the index folder holds no index
yet, it indexes the sample corpus embedded in the binary, in the background, and
says so; the page fills as documents arrive.

The server owns the index while it runs. "dossier index" on the same folder
hands its job to the server (through serve.json, which the server writes into
the index folder, readable by its user only), and the new documents become
searchable while the server goes on answering.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			defer gcsettings.Serve()()
			fresh := !search.Exists(filepath.Join(opts.indexDir, "bleve"))
			st, err := openStore(opts.indexDir, true)
			if err != nil {
				return err
			}
			defer st.Close()
			ls, err := openLists(opts.indexDir, lockTimeout)
			if err != nil {
				return err
			}
			defer ls.Close()

			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()

			ing := &ingester{st: st}
			var indexing atomic.Bool
			done := make(chan struct{})
			if fresh {
				indexing.Store(true)
				log.Info("no index yet: indexing the embedded sample corpus in the background", "index", opts.indexDir)
				go func() {
					defer close(done)
					defer indexing.Store(false)
					sum, err := ing.run(ctx, indexer.Source{FS: corpus.FS, Root: corpusRoot})
					if err != nil {
						log.Error("indexing the sample corpus failed", "err", err)
						return
					}
					log.Info("sample corpus indexed", "indexed", sum.Indexed, "failed", len(sum.Failed), "took_ms", sum.TookMS)
					relinkLists(ctx, log, ls, st.Index)
					for _, f := range sum.Failed {
						log.Warn("file not indexed", "path", f.Path, "err", oneLine(f.Error))
					}
				}()
			} else {
				close(done)
				// A `dossier index` run since the last start may have moved
				// documents to new ids; find the lists' items again.
				relinkLists(ctx, log, ls, st.Index)
			}
			// Stop the first-start run and wait for it before the index closes.
			defer func() { stop(); <-done }()

			var lc net.ListenConfig
			ln, err := lc.Listen(ctx, "tcp", addr)
			if err != nil {
				return fmt.Errorf("listen %s: %w", addr, err)
			}
			token, removeHandoff, err := writeHandoff(opts.indexDir, ln.Addr().String())
			if err != nil {
				ln.Close()
				return err
			}
			defer removeHandoff()

			srv, err := server.New(st.Index, server.Options{
				Logger: log, Indexing: indexing.Load,
				Ingest:      relinkingIngester{ing, func(ctx context.Context) { relinkLists(ctx, log, ls, st.Index) }},
				IngestToken: token,
				Lists:       ls,
				Originals:   openOriginal,
				Limits:      serverLimits,
			})
			if err != nil {
				ln.Close()
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "Dossier is serving %s on http://%s/\n", opts.indexDir, ln.Addr())
			return srv.Serve(ctx, ln)
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "HOST:PORT to listen on")
	f.Float64Var(&serverLimits.Rate, "rate", server.DefaultRate, "requests per second each client address may make (negative: no limit)")
	f.IntVar(&serverLimits.Burst, "burst", server.DefaultBurst, "requests a client address may make at once above --rate")
	f.BoolVar(&serverLimits.LimitLoopback, "limit-loopback", false, "rate-limit loopback clients too (off: on 127.0.0.1 the client is this machine's user)")
	f.DurationVar(&serverLimits.Timeout, "request-timeout", server.DefaultTimeout, "longest a search or page may take before the client gets 503")
	return cmd
}

// Compile-time check that the index is what the server needs.
var _ server.Searcher = (*search.Index)(nil)

// openOriginal opens the file a document was indexed from, by the path the
// indexer recorded: a file of the embedded corpus, or an absolute path on disk.
// The server asks only for paths stored with documents, never for one taken
// from a URL.
func openOriginal(path string) (io.ReadCloser, error) {
	if rel, ok := strings.CutPrefix(path, corpusRoot+"/"); ok {
		return corpus.FS.Open(rel)
	}
	if !filepath.IsAbs(path) {
		return nil, fmt.Errorf("%q: %w", path, os.ErrNotExist)
	}
	return os.Open(path)
}
