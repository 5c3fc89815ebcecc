package layering

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

type pkg struct {
	ImportPath string
	Imports    []string
}

// TestImportsPointOneWay fails when a package imports one it must not: server
// and indexer never import each other, nothing under internal/ imports server,
// indexer or cmd, and only server imports Echo.
func TestImportsPointOneWay(t *testing.T) {
	out, err := exec.Command("go", "list", "-json", "dossier/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	rules := []struct {
		from, to string
	}{
		{"dossier/server", "dossier/indexer"},
		{"dossier/indexer", "dossier/server"},
		{"dossier/internal/", "dossier/server"},
		{"dossier/internal/", "dossier/indexer"},
		{"dossier/internal/", "dossier/cmd"},
		{"dossier/indexer", "github.com/labstack/echo"},
		{"dossier/internal/", "github.com/labstack/echo"},
	}
	seen := 0
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		seen++
		for _, imp := range p.Imports {
			for _, r := range rules {
				if strings.HasPrefix(p.ImportPath, r.from) && strings.HasPrefix(imp, r.to) {
					t.Errorf("%s imports %s; %s must not import %s", p.ImportPath, imp, r.from, r.to)
				}
			}
		}
	}
	if seen < 5 {
		t.Errorf("go list saw %d packages; the test is not looking at the module", seen)
	}
}
