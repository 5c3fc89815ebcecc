package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"dossier/indexer"
	"dossier/internal/gcsettings"
	"dossier/internal/search"
)

func newIndexCmd(opts *options) *cobra.Command {
	var (
		workers      int
		rebuildIndex bool
	)
	cmd := &cobra.Command{
		Use:   "index PATH...",
		Short: "Ingest files and folders into the index (only what changed since the last run)",
		Long: `Index walks each folder recursively and indexes its .html, .htm, .pdf and .txt
files. A re-run skips unchanged files, replaces changed ones, and removes from the
index the files that are gone from a folder it walks. Identical content at two
paths is indexed once. Files that cannot be parsed are listed with the reason;
the rest is indexed.

--rebuild makes a new index from the files the old manifest lists (plus any
PATH given), builds it beside the old one and swaps it in when complete; use it
when the index is reported damaged. The old files are kept, renamed.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if rebuildIndex {
				return nil
			}
			return cobra.MinimumNArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if rebuildIndex {
				ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
				defer stop()
				defer gcsettings.Ingest()()
				bar := newProgressBar(cmd.ErrOrStderr())
				sum, kept, err := rebuild(ctx, opts.indexDir, args, indexer.Options{Workers: workers, Progress: bar.update, Limits: limits()})
				bar.finish()
				if err != nil {
					return err
				}
				for _, k := range kept {
					fmt.Fprintf(cmd.ErrOrStderr(), "The old %s is kept as %s; delete it when you no longer need it.\n", filepath.Base(strings.SplitN(k, ".damaged-", 2)[0]), k)
				}
				return report(cmd, opts, sum)
			}
			var sources []indexer.Source
			for _, p := range args {
				src, err := indexer.DirSource(p)
				if err != nil {
					return err
				}
				sources = append(sources, src)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			st, err := openStore(opts.indexDir, true)
			if errors.Is(err, search.ErrLocked) {
				// A server owns the index: it indexes for us.
				fmt.Fprintf(cmd.ErrOrStderr(), "The index is held by a running server; handing the job to it…\n")
				sum, _, rerr := indexRemotely(ctx, opts.indexDir, args)
				if errors.Is(rerr, errNoServer) {
					return err
				}
				if rerr != nil {
					return rerr
				}
				return report(cmd, opts, sum)
			}
			if d, ok := indexer.DiskFull(err); ok {
				return d
			}
			if err != nil {
				return err
			}
			defer st.Close()
			defer gcsettings.Ingest()()
			bar := newProgressBar(cmd.ErrOrStderr())
			in := indexer.New(st.Index, st.Manifest, indexer.Options{Workers: workers, Progress: bar.update, Limits: limits()})
			sum, err := in.Run(ctx, sources...)
			bar.finish()
			if d, ok := indexer.DiskFull(err); ok {
				// The count of files read would mislead: the last batch is lost.
				return d
			}
			if err != nil {
				return fmt.Errorf("indexing stopped after %d files: %w", sum.Indexed+sum.Unchanged+len(sum.Failed), err)
			}
			return report(cmd, opts, sum)
		},
	}
	cmd.Flags().BoolVar(&opts.json, "json", false, `print {"indexed","unchanged","removed","failed","took_ms"} as JSON`)
	cmd.Flags().IntVar(&workers, "workers", 0, "files parsed at once (default: one per core)")
	cmd.Flags().BoolVar(&rebuildIndex, "rebuild", false, "build a new index from the manifest's files (and PATHs) and swap it in")
	return cmd
}

func report(cmd *cobra.Command, opts *options, sum *indexer.Summary) error {
	if opts.json {
		return writeJSON(cmd.OutOrStdout(), sum)
	}
	printSummary(cmd.OutOrStdout(), sum, opts.indexDir)
	return nil
}

func printSummary(w io.Writer, sum *indexer.Summary, dir string) {
	fmt.Fprintf(w, "Indexed %d, unchanged %d, removed %d, failed %d in %s (index: %s)\n",
		sum.Indexed, sum.Unchanged, sum.Removed, len(sum.Failed),
		(time.Duration(sum.TookMS) * time.Millisecond).String(), dir)
	for _, f := range sum.Failed {
		fmt.Fprintf(w, "  failed: %s: %s\n", f.Path, oneLine(f.Error))
	}
	for _, warn := range sum.Warnings {
		fmt.Fprintf(w, "  warning: %s: %s\n", warn.Path, oneLine(warn.Warning))
	}
}

// oneLine keeps the first line of a multi-line error (a parser's stack trace).
func oneLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// progressBar draws one updating line on a terminal and nothing elsewhere, so
// logs and pipes stay clean.
type progressBar struct {
	w    io.Writer
	on   bool
	last time.Time
	drew bool
}

func newProgressBar(w io.Writer) *progressBar {
	f, ok := w.(*os.File)
	return &progressBar{w: w, on: ok && term.IsTerminal(int(f.Fd()))}
}

func (b *progressBar) update(p indexer.Progress) {
	if !b.on || time.Since(b.last) < 100*time.Millisecond {
		return
	}
	b.last = time.Now()
	const width = 30
	total := fmt.Sprintf("%d", p.Found)
	filled := 0
	if p.Walking {
		total += "+"
	}
	if p.Found > 0 {
		filled = width * p.Done / p.Found
	}
	fmt.Fprintf(b.w, "\r\033[K[%s%s] %d/%s files · %d indexed · %d unchanged · %d failed",
		strings.Repeat("#", filled), strings.Repeat(".", width-filled), p.Done, total, p.Indexed, p.Unchanged, p.Failed)
	b.drew = true
}

func (b *progressBar) finish() {
	if b.drew {
		fmt.Fprint(b.w, "\r\033[K")
	}
}
