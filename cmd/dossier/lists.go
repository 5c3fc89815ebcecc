package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"dossier/internal/lists"
	"dossier/internal/search"
	"dossier/server"
)

// The lists store is one bbolt file, lists.db, in the index folder. bbolt
// lets one process open it, so while `dossier serve` runs the server holds
// it, and these commands say so and point at the server's page and API
// rather than waiting or writing behind its back. (Forwarding each command to
// the API would work too, but would make every command depend on a second
// code path that is only exercised while a server runs; the message is the
// simpler thing that cannot go wrong.)

func listsPath(indexDir string) string { return filepath.Join(indexDir, "lists.db") }

// listsLockTimeout is how long a command waits for the lists store.
const listsLockTimeout = 500 * time.Millisecond

// openLists opens the lists store of indexDir for a command, explaining a lock
// held by a running server.
func openLists(indexDir string, timeout time.Duration) (*lists.Store, error) {
	st, err := lists.Open(listsPath(indexDir), timeout)
	if errors.Is(err, lists.ErrLocked) {
		if addr := serverAddr(indexDir); addr != "" {
			return nil, fmt.Errorf("the lists are held by a running server; use the web page or the API at http://%s/lists", addr)
		}
		return nil, fmt.Errorf("the lists are held by another process (%s is locked); stop it, or use its web page", listsPath(indexDir))
	}
	return st, err
}

// serverAddr is the address in the index folder's serve.json, or "".
func serverAddr(indexDir string) string {
	data, err := os.ReadFile(handoffPath(indexDir))
	if err != nil {
		return ""
	}
	var h handoff
	if json.Unmarshal(data, &h) != nil {
		return ""
	}
	return h.Addr
}

// documentLookup finds the document a list item stands for in ix now: by id,
// else by the path it was indexed from (ids are content hashes, so a changed
// file has a new one).
func documentLookup(ctx context.Context, ix *search.Index) func(lists.Item) (*search.Document, bool) {
	return func(it lists.Item) (*search.Document, bool) {
		if d, err := ix.Document(ctx, it.DocID); err == nil {
			return d, true
		}
		if it.Path != "" {
			if d, err := ix.DocumentByPath(ctx, it.Path); err == nil {
				return d, true
			}
		}
		return nil, false
	}
}

// relinkLists moves list items onto the documents' current ids after an
// indexing run, and logs what it could not find.
func relinkLists(ctx context.Context, log *slog.Logger, ls *lists.Store, ix *search.Index) {
	n, missing, err := ls.Relink(documentLookup(ctx, ix))
	if err != nil {
		log.Error("relinking reading lists", "err", err)
		return
	}
	if n > 0 || len(missing) > 0 {
		log.Info("reading lists relinked to the index", "relinked", n, "missing", len(missing))
	}
}

// relinkingIngester is the server's Ingester that relinks the lists after each
// run it does for `dossier index`.
type relinkingIngester struct {
	*ingester
	relink func(context.Context)
}

func (r relinkingIngester) Ingest(ctx context.Context, paths []string) (any, error) {
	sum, err := r.ingester.Ingest(ctx, paths)
	if err == nil {
		r.relink(ctx)
	}
	return sum, err
}

var _ server.ListStore = (*lists.Store)(nil)

func newListsCmd(opts *options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "lists",
		Short: "Reading lists: show, create, add, remove, rename, delete, export, import",
		Long: `Lists prints every reading list; its subcommands change them.

Reading lists live in lists.db in the index folder. While "dossier serve" runs,
the server holds that file: use the web page (/lists) or the API (/api/lists)
then, as these commands will tell you.`,
		Example: `  dossier lists
  dossier lists create "Before the Bishkek visit" --description "CTED and OSCE"
  dossier lists add k3x7qv2mza 5f0c9a... --note "read first"
  dossier lists export k3x7qv2mza --format ris -o visit.ris
  dossier lists import visit.json --name "Visit (imported)"`,
		Args: cobra.NoArgs,
		RunE: listsRun(opts, func(cmd *cobra.Command, _ []string, st *lists.Store) error {
			ls, err := st.Lists()
			if err != nil {
				return err
			}
			if ls == nil {
				ls = []lists.List{}
			}
			return answer(cmd, opts, map[string][]lists.List{"lists": ls}, func(w io.Writer) {
				if len(ls) == 0 {
					fmt.Fprintln(w, `No reading lists yet: dossier lists create NAME`)
				}
				for _, l := range ls {
					fmt.Fprintf(w, "%s  %3d item%s  %s\n", l.ID, len(l.Items), plural(len(l.Items)), l.Name)
				}
			})
		}),
	}
	cmd.PersistentFlags().BoolVar(&opts.json, "json", false, "print JSON (the API's shapes)")
	cmd.AddCommand(
		listsShowCmd(opts), listsCreateCmd(opts), listsAddCmd(opts), listsRemoveCmd(opts),
		listsRenameCmd(opts), listsDeleteCmd(opts), listsExportCmd(opts), listsImportCmd(opts),
	)
	return cmd
}

// withLists runs fn with the lists store of the index open, and closes it.
func withLists(opts *options, fn func(*lists.Store) error) error {
	// Lists belong to an index; a mistyped --index should not leave a new
	// folder holding an empty lists.db behind.
	if !search.Exists(filepath.Join(opts.indexDir, "bleve")) {
		return fmt.Errorf("no index at %s: run `dossier index PATH` or `dossier serve` first, or pass --index", opts.indexDir)
	}
	st, err := openLists(opts.indexDir, listsLockTimeout)
	if err != nil {
		return err
	}
	err = fn(st)
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	return err
}

// listsRun is the RunE of a lists subcommand that needs nothing before the
// store is open: fn runs inside withLists.
func listsRun(opts *options, fn func(cmd *cobra.Command, args []string, st *lists.Store) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		return withLists(opts, func(st *lists.Store) error { return fn(cmd, args, st) })
	}
}

// answer prints v as JSON under --json, else what text writes, to standard
// output.
func answer(cmd *cobra.Command, opts *options, v any, text func(w io.Writer)) error {
	if opts.json {
		return writeJSON(cmd.OutOrStdout(), v)
	}
	text(cmd.OutOrStdout())
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func listsShowCmd(opts *options) *cobra.Command {
	return &cobra.Command{
		Use:   "show ID",
		Short: "Print one list with its items and notes",
		Args:  cobra.ExactArgs(1),
		RunE: listsRun(opts, func(cmd *cobra.Command, args []string, st *lists.Store) error {
			l, err := st.Get(args[0])
			if err != nil {
				return err
			}
			return answer(cmd, opts, l, func(w io.Writer) { printList(w, l) })
		}),
	}
}

func printList(w io.Writer, l lists.List) {
	fmt.Fprintf(w, "%s (%s)\n", l.Name, l.ID)
	if l.Description != "" {
		fmt.Fprintln(w, l.Description)
	}
	if len(l.Items) == 0 {
		fmt.Fprintln(w, "\n(empty)")
	}
	for i, it := range l.Items {
		fmt.Fprintf(w, "\n%2d. %s\n    %s · %s · id %s\n", i+1, it.Title, orDash(it.Date), orDash(it.Type), it.DocID)
		if it.Note != "" {
			fmt.Fprintf(w, "    Note: %s\n", strings.ReplaceAll(it.Note, "\n", "\n          "))
		}
	}
}

func listsCreateCmd(opts *options) *cobra.Command {
	var desc string
	cmd := &cobra.Command{
		Use:   "create NAME",
		Short: "Make an empty list",
		Args:  cobra.ExactArgs(1),
		RunE: listsRun(opts, func(cmd *cobra.Command, args []string, st *lists.Store) error {
			l, err := st.Create(args[0], desc)
			if err != nil {
				return err
			}
			return answer(cmd, opts, l, func(w io.Writer) { fmt.Fprintf(w, "Created %q: %s\n", l.Name, l.ID) })
		}),
	}
	cmd.Flags().StringVar(&desc, "description", "", "what the list is for")
	return cmd
}

func listsAddCmd(opts *options) *cobra.Command {
	var note string
	cmd := &cobra.Command{
		Use:   "add ID DOC_ID",
		Short: "Add a document (by its id, as search prints it) to a list",
		Args:  cobra.ExactArgs(2),
		RunE: listsRun(opts, func(cmd *cobra.Command, args []string, ls *lists.Store) error {
			l, err := ls.Get(args[0])
			if err != nil {
				return err
			}
			st, err := openStore(opts.indexDir, false)
			if err != nil {
				return err
			}
			defer st.Close()
			doc, err := st.Index.Document(cmd.Context(), args[1])
			if err != nil {
				return err
			}
			it, added, err := ls.Add(l.ID, doc, note)
			if err != nil {
				return err
			}
			return answer(cmd, opts, it, func(w io.Writer) {
				if added {
					fmt.Fprintf(w, "Added %q to %q\n", it.Title, l.Name)
				} else {
					fmt.Fprintf(w, "%q is already in %q\n", it.Title, l.Name)
				}
			})
		}),
	}
	cmd.Flags().StringVar(&note, "note", "", "a note on the item")
	return cmd
}

func listsRemoveCmd(opts *options) *cobra.Command {
	return &cobra.Command{
		Use:   "remove ID DOC_ID",
		Short: "Take a document out of a list",
		Args:  cobra.ExactArgs(2),
		RunE: listsRun(opts, func(cmd *cobra.Command, args []string, st *lists.Store) error {
			if err := st.Remove(args[0], args[1]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "Removed %s from %s\n", args[1], args[0])
			return nil
		}),
	}
}

func listsRenameCmd(opts *options) *cobra.Command {
	var desc string
	cmd := &cobra.Command{
		Use:   "rename ID NAME",
		Short: "Rename a list (and with --description, describe it)",
		Args:  cobra.ExactArgs(2),
		RunE: listsRun(opts, func(cmd *cobra.Command, args []string, st *lists.Store) error {
			p := lists.Patch{Name: &args[1]}
			if cmd.Flags().Changed("description") {
				p.Description = &desc
			}
			l, err := st.Update(args[0], p)
			if err != nil {
				return err
			}
			return answer(cmd, opts, l, func(w io.Writer) { fmt.Fprintf(w, "Renamed %s to %q\n", l.ID, l.Name) })
		}),
	}
	cmd.Flags().StringVar(&desc, "description", "", "a new description")
	return cmd
}

func listsDeleteCmd(opts *options) *cobra.Command {
	return &cobra.Command{
		Use:   "delete ID",
		Short: "Delete a list and its notes (the documents stay in the index)",
		Args:  cobra.ExactArgs(1),
		RunE: listsRun(opts, func(cmd *cobra.Command, args []string, st *lists.Store) error {
			if err := st.Delete(args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "Deleted list %s\n", args[0])
			return nil
		}),
	}
}

func listsExportCmd(opts *options) *cobra.Command {
	var format, out string
	cmd := &cobra.Command{
		Use:   "export ID --format ris|bibtex|csljson|markdown|csv [-o FILE]",
		Short: "Export a list for a citation manager (RIS, BibTeX, CSL-JSON), as Markdown or as CSV",
		Args:  cobra.ExactArgs(1),
		RunE: listsRun(opts, func(cmd *cobra.Command, args []string, st *lists.Store) error {
			l, err := st.Get(args[0])
			if err != nil {
				return err
			}
			data, _, err := lists.Export(l, format)
			if err != nil {
				return err
			}
			if out == "" || out == "-" {
				_, err = cmd.OutOrStdout().Write(data)
				return err
			}
			if err := os.WriteFile(out, data, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "Wrote %d item%s to %s\n", len(l.Items), plural(len(l.Items)), out)
			return nil
		}),
	}
	cmd.Flags().StringVar(&format, "format", "", "ris, bibtex, csljson, markdown or csv (required)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to FILE instead of standard output")
	cmd.MarkFlagRequired("format")
	return cmd
}

func listsImportCmd(opts *options) *cobra.Command {
	var name, desc string
	cmd := &cobra.Command{
		Use:   "import FILE --name NAME",
		Short: "Make a list from a CSL-JSON export (Dossier's own, or one a citation manager kept)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// The file is read before the store is opened (so not with
			// listsRun): a bad file is reported whatever the index.
			if strings.TrimSpace(name) == "" {
				return errors.New("--name is required: the list's name is not in CSL-JSON")
			}
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			items, skipped, err := lists.ImportCSLJSON(f)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			return withLists(opts, func(ls *lists.Store) error {
				l, err := ls.Import(name, desc, items)
				if err != nil {
					return err
				}
				// Find the documents again in this index, where it exists:
				// their ids may have changed since the export.
				if st, err := openStore(opts.indexDir, false); err == nil {
					_, _, rerr := ls.Relink(documentLookup(cmd.Context(), st.Index))
					st.Close()
					if rerr != nil {
						return rerr
					}
					if l, err = ls.Get(l.ID); err != nil {
						return err
					}
				}
				return answer(cmd, opts, map[string]any{"list": l, "skipped": skipped}, func(w io.Writer) {
					fmt.Fprintf(w, "Imported %d item%s into %q: %s", len(l.Items), plural(len(l.Items)), l.Name, l.ID)
					if skipped > 0 {
						fmt.Fprintf(w, " (%d entr%s named no Dossier document and were skipped)", skipped, map[bool]string{true: "y", false: "ies"}[skipped == 1])
					}
					fmt.Fprintln(w)
				})
			})
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the new list's name (required)")
	cmd.Flags().StringVar(&desc, "description", "", "the new list's description")
	return cmd
}
