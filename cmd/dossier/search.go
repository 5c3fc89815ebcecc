package main

import (
	"fmt"
	"html"
	"io"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"dossier/internal/search"
)

func newSearchCmd(opts *options) *cobra.Command {
	var (
		filters []string
		req     search.Request
	)
	cmd := &cobra.Command{
		Use:   "search QUERY",
		Short: "Full-text search with facets",
		Long: `Search runs QUERY in Bleve's query-string language: words, "phrases", +must,
-not, field:value (title:, body:, resolution:, organization:, country:, type:,
year:), fuzzy word~ and prefix wor*. An empty QUERY ("") lists every document
that matches the filters. A query that names a resolution ("resolution 1373",
"UNSCR 2178", "S/RES/2396") finds the documents citing it in any written form.

Filters narrow by facet: --filter resolution=1373 --filter country=KGZ; values of
one facet are OR-ed, facets are AND-ed.`,
		Example: `  dossier search "resolution 2178"
  dossier search "foreign terrorist fighters" --filter country=KGZ --from 2018 --to 2020
  dossier search "" --filter organization=CTED --sort -date --json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				req.Query = args[0]
			}
			var err error
			if req.Filters, err = parseFilters(filters); err != nil {
				return err
			}
			st, err := openStore(opts.indexDir, false)
			if err != nil {
				return err
			}
			defer st.Close()
			res, err := st.Index.Search(cmd.Context(), req)
			if err != nil {
				return err
			}
			if opts.json {
				return writeJSON(cmd.OutOrStdout(), res)
			}
			printResult(cmd.OutOrStdout(), res, req)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&filters, "filter", nil, "KIND=ID: resolution, organization, country, type or year (repeatable)")
	f.StringVar(&req.From, "from", "", "documents dated on or after DATE (2019, 2019-12 or 2019-12-03)")
	f.StringVar(&req.To, "to", "", "documents dated on or before DATE")
	f.IntVar(&req.Size, "size", search.DefaultSize, "hits per page (at most 100)")
	f.IntVar(&req.Page, "page", 1, "page of hits")
	f.StringVar(&req.Sort, "sort", search.SortRelevance, "relevance, date (oldest first) or -date (newest first)")
	f.BoolVar(&opts.json, "json", false, "print the search result as JSON")
	return cmd
}

// parseFilters reads KIND=ID flags. Entity ids may be written as a person types
// them; the index turns them canonical.
func parseFilters(flags []string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, f := range flags {
		kind, id, ok := strings.Cut(f, "=")
		kind, id = strings.TrimSpace(kind), strings.TrimSpace(id)
		if !ok || kind == "" || id == "" {
			return nil, fmt.Errorf("--filter %q: want KIND=ID, e.g. resolution=1373", f)
		}
		out[kind] = append(out[kind], id)
	}
	return out, nil
}

var markTags = regexp.MustCompile(`</?mark>`)

func printResult(w io.Writer, res *search.Result, req search.Request) {
	fmt.Fprintf(w, "%d documents (%d ms)\n", res.Total, res.TookMS)
	for i, h := range res.Hits {
		n := (max(req.Page, 1)-1)*max(req.Size, 1) + i + 1
		fmt.Fprintf(w, "\n%2d. %s\n    %s · %s · id %s\n    %s\n", n, h.Title, orDash(h.Date), orDash(h.Type), h.ID, h.Path)
		snip := html.UnescapeString(markTags.ReplaceAllStringFunc(h.Snippet, func(t string) string {
			if t == "<mark>" {
				return "«"
			}
			return "»"
		}))
		fmt.Fprintf(w, "    %s\n", strings.Join(strings.Fields(snip), " "))
	}
	fmt.Fprintln(w)
	for _, name := range search.FacetNames {
		vals := res.Facets[name]
		if len(vals) == 0 {
			continue
		}
		var parts []string
		for i, v := range vals {
			if i == 8 {
				parts = append(parts, "…")
				break
			}
			parts = append(parts, fmt.Sprintf("%s (%d)", v.ID, v.Count))
		}
		fmt.Fprintf(w, "%-12s %s\n", name+":", strings.Join(parts, ", "))
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
