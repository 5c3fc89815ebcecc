package entity

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGoldenSeedlike pins every mention of testdata/seedlike.txt, offsets
// and all, so that any change in what Extract returns shows up in review.
// Refresh with: go test ./internal/entity -run Golden -update
func TestGoldenSeedlike(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "seedlike.txt"))
	if err != nil {
		t.Fatal(err)
	}
	got := Extract(string(body))
	path := filepath.Join("testdata", "seedlike.golden.json")
	if *update {
		b, err := json.MarshalIndent(got, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	var want []Mention
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Extract(seedlike.txt) (-want +got):\n%s", diff)
	}
}
