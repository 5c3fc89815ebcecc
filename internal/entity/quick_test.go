package entity

import (
	"os"
	"testing"
)

func TestQuickSeed(t *testing.T) {
	b, err := os.ReadFile("../../../shared/seed/000_0569d60ea27275cf.txt")
	if err != nil {
		t.Skip(err)
	}
	for _, m := range Extract(string(b)) {
		t.Logf("%-12s %-22s %q %s", m.Kind, m.ID, m.Text, m.Warning)
	}
}
