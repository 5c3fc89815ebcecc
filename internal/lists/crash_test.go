package lists

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// TestCrashMidWrite kills a process that is writing to the store, at whatever
// point it has reached, and finds the store opens and holds every write that
// was reported committed, with no half-written list: bbolt's promise, checked
// for the way this package uses it.
func TestCrashMidWrite(t *testing.T) {
	if path := os.Getenv("DOSSIER_LISTS_CRASH_CHILD"); path != "" {
		crashChild(path)
		return
	}
	if testing.Short() {
		t.Skip("starts a child process")
	}
	path := filepath.Join(t.TempDir(), "lists.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashMidWrite$")
	cmd.Env = append(os.Environ(), "DOSSIER_LISTS_CRASH_CHILD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	const atLeast = 40
	committed := 0
	sc := bufio.NewScanner(out)
	for committed < atLeast && sc.Scan() {
		if n, err := strconv.Atoi(sc.Text()); err == nil {
			committed = n
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	if committed < atLeast {
		t.Fatalf("child reported %d commits before it stopped; want %d", committed, atLeast)
	}

	s, err := Open(path, 5*time.Second)
	if err != nil {
		t.Fatalf("Open after a crash = %v", err)
	}
	defer s.Close()
	ls, err := s.Lists()
	if err != nil || len(ls) != 1 {
		t.Fatalf("Lists after a crash = %d lists, %v; want 1", len(ls), err)
	}
	items := ls[0].Items
	if len(items) < committed {
		t.Errorf("%d items after a crash; %d were reported committed", len(items), committed)
	}
	for i, it := range items {
		if want := fmt.Sprintf("%016x", i); it.DocID != want || it.Note != "note "+want {
			t.Fatalf("item %d = %q with note %q; want %q in order, whole", i, it.DocID, it.Note, want)
		}
	}
}

// crashChild adds documents to one list until it is killed, printing the
// number of committed adds after each.
func crashChild(path string) {
	s, err := Open(path, 5*time.Second)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	l, err := s.Create("Crash", "")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for i := 0; ; i++ {
		id := fmt.Sprintf("%016x", i)
		if _, _, err := s.Add(l.ID, testDoc(id, id+".html", "Doc "+id), "note "+id); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Println(i + 1)
	}
}
