// Package corpus is the sample corpus shipped with Dossier: press releases, meeting
// coverage, statements and short reports on the United Nations' counter-terrorism
// work, in the three formats Dossier reads (HTML pages under html/, plain-text files
// under text/, PDF reports under pdf/). The files were written for the project; see
// README.md for what each one is. The server indexes FS on first start when no index
// exists, so that a fresh checkout has something to search.
package corpus

import "embed"

// FS holds the corpus files, at paths such as "html/<name>.html", "text/<name>.txt"
// and "pdf/<name>.pdf". The PDFs' sources (sources/) are not embedded.
//
//go:embed html text pdf
var FS embed.FS
