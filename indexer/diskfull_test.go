package indexer_test

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"
	"testing"

	"dossier/indexer"
)

func TestDiskFull(t *testing.T) {
	tests := []struct {
		name string
		err  error
		op   string // "" when it is not a full disk
	}{
		{"wrapped ENOSPC", fmt.Errorf("write manifest: %w", &fs.PathError{Op: "write", Path: "/d/manifest.db", Err: syscall.ENOSPC}),
			"write /d/manifest.db: no space left on device"},
		{"only the text (a Bleve segment)", errors.New("write batch to /d/bleve: segment: /d/bleve/store/04.zap persist err: write /d/bleve/store/04.zap: no space left on device"),
			"write /d/bleve/store/04.zap: no space left on device"},
		{"quota", fmt.Errorf("commit: %w", &fs.PathError{Op: "sync", Path: "/d/lists.db", Err: syscall.EDQUOT}), "sync /d/lists.db: disk quota exceeded"},
		{"already explained", fmt.Errorf("x: %w", &indexer.DiskFullError{Op: "write /a: no space left on device"}), "write /a: no space left on device"},
		{"another error", fmt.Errorf("write manifest: %w", syscall.EIO), ""},
		{"nil", nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, ok := indexer.DiskFull(tc.err)
			if ok != (tc.op != "") || ok && d.Op != tc.op {
				t.Errorf("DiskFull(%v) = %v, %v; want op %q", tc.err, d, ok, tc.op)
			}
			// What the server, which may not import indexer, looks for.
			if ok && !errors.Is(fmt.Errorf("run: %w", d), syscall.ENOSPC) {
				t.Errorf("DiskFull(%v) does not match syscall.ENOSPC", tc.err)
			}
		})
	}
}
