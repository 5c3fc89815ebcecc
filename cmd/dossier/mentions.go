package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"dossier/internal/search"
)

func newMentionsCmd(opts *options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mentions KIND ID",
		Short: "Every mention of one entity across the index, in date order",
		Long: `Mentions lists every place a resolution, organization, country or date is
mentioned, oldest document first, with the sentence around it. ID may be
canonical or as a person types it; several words are joined.`,
		Example: `  dossier mentions resolution 1373
  dossier mentions resolution "S/RES/2396 (2017)" --json
  dossier mentions organization UN Women
  dossier mentions country Kyrgyzstan`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := openStore(opts.indexDir, false)
			if err != nil {
				return err
			}
			defer st.Close()
			req := search.MentionsRequest{Kind: args[0], ID: strings.Join(args[1:], " "), All: true}
			all, err := st.Index.Mentions(cmd.Context(), req)
			if err != nil {
				return err
			}
			if opts.json {
				return writeJSON(cmd.OutOrStdout(), all)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s (%s %s): %d mentions\n", all.Entity.Label, all.Entity.Kind, all.Entity.ID, all.Total)
			for _, m := range all.Mentions {
				fmt.Fprintf(w, "\n%s  %s [%s, bytes %d-%d]\n    %s\n", orDash(m.Date), m.Title, m.DocID, m.Start, m.End, m.Context)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&opts.json, "json", false, "print the mentions result as JSON")
	return cmd
}
