package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"dossier/indexer"
	"dossier/internal/entity"
	"dossier/internal/search"
)

// extractResult is the contract's shape for `dossier extract --json`, and
// Meta, which extends it: the source's metadata as the document page shows it
// (for a PDF, "extractor" says which extractor read the text).
type extractResult struct {
	Title    string            `json:"title"`
	Date     string            `json:"date"`
	Type     string            `json:"type"`
	Language string            `json:"language"`
	Body     string            `json:"body"`
	Meta     map[string]string `json:"meta,omitempty"`
	Entities []entity.Mention  `json:"entities"`
}

func newExtractCmd(opts *options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "extract FILE",
		Short: "Parse one file and print its metadata and entities, without indexing it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			info, err := os.Stat(args[0])
			if err != nil {
				return err
			}
			if info.IsDir() {
				return fmt.Errorf("%s is a folder: extract reads one file (use `dossier index` for folders)", args[0])
			}
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			doc, err := indexer.Analyze(cmd.Context(), args[0], data, limits())
			if err != nil {
				return fmt.Errorf("extract %s: %w", args[0], err)
			}
			if opts.json {
				return writeJSON(cmd.OutOrStdout(), extractResult{
					Title: doc.Title, Date: doc.Date, Type: doc.Type, Language: doc.Language,
					Body: doc.Body, Meta: doc.Meta, Entities: doc.Entities,
				})
			}
			printExtract(cmd, doc)
			return nil
		},
	}
	cmd.Flags().BoolVar(&opts.json, "json", false, `print {"title","date","type","language","body","meta","entities"} as JSON`)
	return cmd
}

func printExtract(cmd *cobra.Command, doc *search.Document) {
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "Title:    %s\nDate:     %s\nType:     %s\nLanguage: %s\nFormat:   %s\nBody:     %d bytes\n",
		doc.Title, orDash(doc.Date), entity.TypeLabel(doc.Type), orDash(doc.Language), doc.Format, len(doc.Body))
	if x := doc.Meta["extractor"]; x != "" {
		fmt.Fprintf(w, "Extractor: %s", x)
		if why := doc.Meta["fallback_reason"]; why != "" {
			fmt.Fprintf(w, " (%s)", why)
		}
		fmt.Fprintln(w)
	}
	if warning := doc.Meta["warning"]; warning != "" {
		fmt.Fprintf(w, "Warning:  %s\n", warning)
	}
	for _, kind := range entity.Kinds {
		var ids []string
		texts := map[string][]string{}
		for _, m := range doc.Entities {
			if m.Kind != kind {
				continue
			}
			if _, ok := texts[m.ID]; !ok {
				ids = append(ids, m.ID)
			}
			texts[m.ID] = append(texts[m.ID], m.Text)
		}
		if len(ids) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n%s (%d):\n", kind, len(ids))
		for _, id := range ids {
			fmt.Fprintf(w, "  %-22s %-45s ×%d  %s\n", id, entity.Label(kind, id), len(texts[id]), strings.Join(uniq(texts[id]), " | "))
		}
	}
	for _, m := range doc.Entities {
		if m.Warning != "" {
			fmt.Fprintf(w, "\nwarning at bytes %d-%d (%q): %s", m.Start, m.End, m.Text, m.Warning)
		}
	}
}

func uniq(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
