package server

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImports keeps the layout's rule: the server talks to the index through
// internal/search only, and never imports the indexer or its parsers (or Bleve
// itself, which is internal/search's business).
func TestImports(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command in PATH")
	}
	out, err := exec.Command(gobin, "list", "-deps", "-test=false", "dossier/server").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		switch {
		case pkg == "dossier/indexer", strings.HasPrefix(pkg, "dossier/indexer/"), strings.HasPrefix(pkg, "dossier/cmd/"):
			t.Errorf("server depends on %s", pkg)
		}
	}
	direct, err := exec.Command(gobin, "list", "-f", `{{join .Imports "\n"}}`, "dossier/server").Output()
	if err != nil {
		t.Fatalf("go list -f: %v", err)
	}
	for _, pkg := range strings.Fields(string(direct)) {
		if strings.HasPrefix(pkg, "github.com/blevesearch/") {
			t.Errorf("server imports %s directly; only internal/search speaks Bleve", pkg)
		}
	}
}
