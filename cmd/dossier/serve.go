package main

import (
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"sync/atomic"
	"syscall"

	"github.com/spf13/cobra"

	"dossier/corpus"
	"dossier/indexer"
	"dossier/internal/search"
	"dossier/server"
)

func newServeCmd(opts *options) *cobra.Command {
	var addr string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the web page and the JSON API (indexing the sample corpus on first start)",
		Long: `Serve opens the index and serves the search page and the JSON API, on
127.0.0.1:8080 unless --addr says otherwise. When the index folder holds no index
yet, it indexes the sample corpus embedded in the binary, in the background, and
says so; the page fills as documents arrive. The server owns the index while it
runs: stop it before running "dossier index" on the same folder.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			fresh := !search.Exists(filepath.Join(opts.indexDir, "bleve"))
			st, err := openStore(opts.indexDir, true)
			if err != nil {
				return err
			}
			defer st.Close()

			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()

			var indexing atomic.Bool
			done := make(chan struct{})
			if fresh {
				indexing.Store(true)
				log.Info("no index yet: indexing the embedded sample corpus in the background", "index", opts.indexDir)
				go func() {
					defer close(done)
					defer indexing.Store(false)
					sum, err := indexer.New(st.index, st.manifest, indexer.Options{}).Run(ctx, indexer.Source{FS: corpus.FS, Root: "corpus"})
					if err != nil {
						log.Error("indexing the sample corpus failed", "err", err)
						return
					}
					log.Info("sample corpus indexed", "indexed", sum.Indexed, "failed", len(sum.Failed), "took_ms", sum.TookMS)
					for _, f := range sum.Failed {
						log.Warn("file not indexed", "path", f.Path, "err", oneLine(f.Error))
					}
				}()
			} else {
				close(done)
			}

			srv, err := server.New(st.index, server.Options{Logger: log, Indexing: indexing.Load})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "Dossier is serving %s on http://%s/\n", opts.indexDir, addr)
			err = srv.ListenAndServe(ctx, addr)
			stop()
			<-done // the index must not close under the indexer
			return err
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "HOST:PORT to listen on")
	return cmd
}

// Compile-time check that the index is what the server needs.
var _ server.Searcher = (*search.Index)(nil)
