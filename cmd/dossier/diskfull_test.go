//go:build linux

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"dossier/indexer"
	"dossier/internal/corpusgen"
	"dossier/internal/lists"
	"dossier/internal/search"
)

// The disk-full test (issue 6: "Disk full while indexing: a clear error, the
// index still opens and searches, reading lists intact"). The parent starts
// this test binary again in a private mount namespace; that child mounts a
// small tmpfs for the data folder, indexes a small corpus, makes a reading
// list, then runs `dossier index` (this binary as the real command) over a
// corpus too big for the disk, and looks at what is left: with the disk
// still full, then after the tmpfs grows and the run is repeated. It reports
// what it saw as JSON on stdout; the parent asserts. Each size fills the
// disk at another point of a run (the every-mention table, a segment file,
// the manifest). One more run fills it through a running `dossier serve`, to
// which `dossier index` hands its job.

// envDiskFull carries a diskFullJob to the child.
const envDiskFull = "DOSSIER_TEST_DISKFULL"

// reportPrefix starts the child's report line on stdout.
const reportPrefix = "DISKFULL-REPORT "

type diskFullJob struct {
	Mount      string // an empty folder to mount the tmpfs on
	Size       string // the tmpfs size, as mount takes it
	Small, Big string // the corpora
	// Handoff fills the disk through a running server: `dossier serve`
	// holds the index and `dossier index` hands the big corpus to it.
	Handoff bool
}

// cliRun is one run of the dossier command.
type cliRun struct {
	Code   int
	Stdout string
	Stderr string
}

type diskFullReport struct {
	MountErr string
	Setup    string // what went wrong before the disk filled, if anything

	First      cliRun
	FirstDocs  map[string]string // path -> doc id, after the first run
	Entity     search.Entity     // one entity the first run's documents mention
	Mentions   int               // its mentions after the first run
	ListBefore lists.List

	Full cliRun // the run that fills the disk
	// With Handoff, the server's answers after the disk filled, its exit
	// status and its log.
	ServerHealth string
	ServerExit   int
	ServerLog    string

	FreeKiB uint64 // what the disk had left after it
	Rebuild cliRun // `dossier index --rebuild` on the full disk
	// RebuildLeft is whether a failed rebuild left its partial index behind.
	RebuildLeft bool
	Search      cliRun // `dossier search` on the full disk
	OpenErr     string
	NotFound    []string // first-run documents a search does not return
	// ManifestMissing are manifest entries whose document is not in the
	// index; ManifestLost first-run files the manifest no longer lists.
	ManifestMissing []string
	ManifestLost    []string
	MentionsAfter   int
	MentionsErr     string
	ListAfter       lists.List
	ListErr         string

	Rerun          cliRun // the same job once the disk has room
	RerunFiles     int    // files in the manifest after it
	RerunDocs      uint64 // documents in the index after it
	RerunMissing   []string
	RerunListAfter lists.List
}

func init() {
	// The child: run before the test framework, then exit.
	if job, ok := os.LookupEnv(envDiskFull); ok {
		os.Exit(diskFullChild(job))
	}
}

func TestDiskFull(t *testing.T) {
	const small, big = 30, 1000
	dir := t.TempDir()
	job := diskFullJob{Small: filepath.Join(dir, "small"), Big: filepath.Join(dir, "big")}
	if err := corpusgen.WriteRange(job.Small, 11, 0, small); err != nil {
		t.Fatal(err)
	}
	// Other documents of the same corpus: no content in common with the small one.
	if err := corpusgen.WriteRange(job.Big, 11, 1000, 1000+big); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// The first run takes some 0.6 MiB and the second one about 12. Where
	// each size fills up varies with the order the workers finish in and
	// with how the index grows: the every-mention table, a segment file, the
	// manifest (6m, mostly) all come up.
	sizes := []string{"1200k", "3m", "6m", "8m"}
	if testing.Short() {
		sizes = sizes[1:2]
	}
	type trial struct {
		size    string
		handoff bool
	}
	var trials []trial
	for _, size := range sizes {
		trials = append(trials, trial{size, false})
	}
	if !testing.Short() {
		trials = append(trials, trial{"3m", true})
	}
	for _, tr := range trials {
		name := tr.size
		if tr.handoff {
			name += "-handoff"
		}
		t.Run(name, func(t *testing.T) {
			job := job
			job.Size, job.Handoff = tr.size, tr.handoff
			job.Mount = filepath.Join(t.TempDir(), "disk")
			if err := os.Mkdir(job.Mount, 0o755); err != nil {
				t.Fatal(err)
			}
			r := runDiskFullChild(t, exe, job)
			checkDiskFull(t, r, small, big, tr.handoff)
		})
	}
}

// runDiskFullChild starts the child in a mount namespace of its own (and, for
// a user without the right to make one, a user namespace too, as unshare -rm
// does) and returns its report.
func runDiskFullChild(t *testing.T, exe string, job diskFullJob) *diskFullReport {
	t.Helper()
	skip := func(why string, args ...any) {
		t.Helper()
		if os.Getenv("CI") != "" {
			t.Fatalf(why+" (CI must run this test)", args...)
		}
		t.Skipf(why, args...)
	}
	data, _ := json.Marshal(job)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), envDiskFull+"="+string(data))
	if os.Geteuid() == 0 {
		// Go makes every mount of the new namespace private, so nothing
		// mounted in it shows outside.
		cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
	} else {
		cmd.SysProcAttr = &syscall.SysProcAttr{
			Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS,
			UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
			GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
		}
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOSYS) {
		skip("cannot make a mount namespace: %v", err)
	}
	var report *diskFullReport
	for line := range strings.SplitSeq(stdout.String(), "\n") {
		if rest, ok := strings.CutPrefix(line, reportPrefix); ok {
			report = &diskFullReport{}
			if jerr := json.Unmarshal([]byte(rest), report); jerr != nil {
				t.Fatalf("child's report: %v\n%s", jerr, rest)
			}
		}
	}
	if err != nil || report == nil {
		t.Fatalf("child: %v, no report\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	if report.MountErr != "" {
		skip("cannot mount a tmpfs: %s", report.MountErr)
	}
	if report.Setup != "" {
		t.Fatalf("child: %s", report.Setup)
	}
	return report
}

func checkDiskFull(t *testing.T, r *diskFullReport, small, big int, handoff bool) {
	t.Helper()
	if r.First.Code != 0 || len(r.FirstDocs) != small {
		t.Fatalf("first run: exit %d, %d files in the manifest, want 0 and %d; stderr %q", r.First.Code, len(r.FirstDocs), small, r.First.Stderr)
	}
	// A clear error: exit 1, one line on stderr naming the cause and saying
	// what to do, no panic.
	msg := strings.TrimSpace(r.Full.Stderr)
	if handoff {
		// After the line that says the job goes to the server, the server's
		// own account of it (a 507), not "internal server error".
		first, rest, _ := strings.Cut(msg, "\n")
		if !strings.Contains(first, "handing the job to it") || !strings.HasPrefix(rest, "dossier: the server at ") {
			t.Errorf("run handed to the server on a full disk: stderr %q, want a line on the hand-off, then \"the server at ...\"", msg)
		}
		msg = rest
		if want := "/healthz: 200 OK; /api/search?q=: 200 OK; /api/search?q=committee: 200 OK; /api/documents/0000000000000000: 404 Not Found"; r.ServerHealth != want {
			t.Errorf("the server after its disk filled answered\n%s\nwant\n%s", r.ServerHealth, want)
		}
		if r.ServerExit != 0 {
			t.Errorf("the server after its disk filled: exit %d on SIGTERM, want 0; its log:\n%s", r.ServerExit, r.ServerLog)
		}
	}
	t.Logf("the run that filled the disk (%d KiB left): exit %d: %s", r.FreeKiB, r.Full.Code, msg)
	if r.Full.Code != 1 {
		t.Errorf("run on a full disk: exit %d, want 1", r.Full.Code)
	}
	for _, want := range []string{"no space left on device", "free some space"} {
		if !strings.Contains(msg, want) {
			t.Errorf("run on a full disk: stderr %q, want it to say %q", msg, want)
		}
	}
	if strings.Contains(msg, "\n") || strings.Contains(msg, "panic") || strings.Contains(msg, "goroutine ") {
		t.Errorf("run on a full disk: stderr is not one clear line:\n%s", msg)
	}

	// A rebuild on the full disk either fits, or stops with a clear error
	// and takes its partial index away, so as not to keep the disk full.
	if msg := strings.TrimSpace(r.Rebuild.Stderr); r.Rebuild.Code != 0 {
		t.Logf("rebuild on the full disk: exit %d: %s", r.Rebuild.Code, msg)
		if !strings.Contains(msg, "no space left on device") || !strings.Contains(msg, "old index is untouched") || strings.Contains(msg, "\n") {
			t.Errorf("rebuild on the full disk: stderr %q, want one line saying the disk is full and the old index untouched", msg)
		}
		if r.RebuildLeft {
			t.Error("rebuild on the full disk left its partial index behind")
		}
	} else {
		t.Log("rebuild on the full disk: it fitted")
	}

	// The index still opens and searches, with the disk still full.
	if r.Search.Code != 0 || !strings.Contains(r.Search.Stdout, `"total"`) {
		t.Errorf("dossier search on the full disk: exit %d, stdout %.200q, stderr %q", r.Search.Code, r.Search.Stdout, r.Search.Stderr)
	}
	if r.OpenErr != "" {
		t.Fatalf("after the disk filled, the index does not open: %s", r.OpenErr)
	}
	if len(r.NotFound) > 0 {
		t.Errorf("after the disk filled, %d documents of the first run are not found: %v", len(r.NotFound), r.NotFound)
	}
	if len(r.ManifestMissing) > 0 {
		t.Errorf("after the disk filled, the manifest lists %d files whose document is not in the index: %v", len(r.ManifestMissing), r.ManifestMissing)
	}
	if len(r.ManifestLost) > 0 {
		t.Errorf("after the disk filled, the manifest lost files of the first run: %v", r.ManifestLost)
	}
	if r.MentionsErr != "" || r.MentionsAfter < r.Mentions {
		t.Errorf("mentions of %s %s after the disk filled = %d (%s), want at least the %d from before",
			r.Entity.Kind, r.Entity.ID, r.MentionsAfter, r.MentionsErr, r.Mentions)
	}
	if r.ListErr != "" {
		t.Errorf("after the disk filled, the reading list: %s", r.ListErr)
	}
	if diff := cmp.Diff(r.ListBefore, r.ListAfter); diff != "" {
		t.Errorf("reading list changed by the disk filling (-before +after):\n%s", diff)
	}

	// Once there is room, the same job finishes.
	if r.Rerun.Code != 0 || r.RerunFiles != small+big || r.RerunDocs != uint64(small+big) || len(r.RerunMissing) > 0 {
		t.Errorf("re-run with room: exit %d (%q), %d files in the manifest, %d documents, missing %v; want 0, %d, %d, none",
			r.Rerun.Code, strings.TrimSpace(r.Rerun.Stderr), r.RerunFiles, r.RerunDocs, r.RerunMissing, small+big, small+big)
	}
	if diff := cmp.Diff(r.ListBefore, r.RerunListAfter); diff != "" {
		t.Errorf("reading list changed by the re-run (-before +after):\n%s", diff)
	}
}

// diskFullChild is the child's whole life; it returns the exit status.
func diskFullChild(jobJSON string) int {
	var job diskFullJob
	if err := json.Unmarshal([]byte(jobJSON), &job); err != nil {
		fmt.Fprintln(os.Stderr, "disk-full child:", err)
		return 2
	}
	r := &diskFullReport{}
	if err := syscall.Mount("tmpfs", job.Mount, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "size="+job.Size+",mode=0755"); err != nil {
		r.MountErr = err.Error()
	} else {
		diskFull(job, r)
	}
	out, _ := json.Marshal(r)
	fmt.Printf("%s%s\n", reportPrefix, out)
	return 0
}

// diskFull runs the scenario on the mounted tmpfs and fills in r.
func diskFull(job diskFullJob, r *diskFullReport) {
	ctx := context.Background()
	data := filepath.Join(job.Mount, "data")
	exe, err := os.Executable()
	if err != nil {
		r.Setup = err.Error()
		return
	}
	dossier := func(args ...string) cliRun {
		cmd := exec.Command(exe, append([]string{"--index", data}, args...)...)
		cmd.Env = []string{envRunMain + "=1"}
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, envDiskFull+"=") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		run := cliRun{Stdout: stdout.String(), Stderr: stderr.String()}
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee):
			run.Code = ee.ExitCode()
		case err != nil:
			run.Code, run.Stderr = -1, err.Error()
		}
		return run
	}

	r.First = dossier("index", job.Small)
	if r.First.Code != 0 {
		return
	}
	// What the first run stored: its files, one entity's mentions, and a
	// reading list over three of its documents.
	st, err := indexer.OpenStore(data, time.Second)
	if err != nil {
		r.Setup = fmt.Sprintf("open after the first run: %v", err)
		return
	}
	entries, err := st.Manifest.Load()
	if err != nil {
		st.Close()
		r.Setup = err.Error()
		return
	}
	r.FirstDocs = map[string]string{}
	for p, e := range entries {
		r.FirstDocs[p] = e.DocID
	}
	paths := slices.Sorted(func(yield func(string) bool) {
		for p := range entries {
			if !yield(p) {
				return
			}
		}
	})
	var docs []*search.Document
	for _, p := range paths[:3] {
		d, err := st.Index.Document(ctx, entries[p].DocID)
		if err != nil {
			st.Close()
			r.Setup = err.Error()
			return
		}
		docs = append(docs, d)
	}
	for _, m := range docs[0].Entities {
		if m.Kind != "date" {
			r.Entity = search.Entity{Kind: m.Kind, ID: m.ID}
			break
		}
	}
	if res, err := st.Index.Mentions(ctx, search.MentionsRequest{Kind: r.Entity.Kind, ID: r.Entity.ID, All: true}); err == nil {
		r.Mentions = res.Total
	} else {
		r.Setup = fmt.Sprintf("mentions after the first run: %v", err)
	}
	st.Close()
	if r.Setup != "" {
		return
	}
	ls, err := lists.Open(filepath.Join(data, "lists.db"), time.Second)
	if err != nil {
		r.Setup = err.Error()
		return
	}
	l, err := ls.Create("Before the visit", "made before the disk filled")
	for i, d := range docs {
		if err == nil {
			_, _, err = ls.Add(l.ID, d, fmt.Sprintf("note %d", i+1))
		}
	}
	if err == nil {
		r.ListBefore, err = ls.Get(l.ID)
	}
	ls.Close()
	if err != nil {
		r.Setup = fmt.Sprintf("reading list: %v", err)
		return
	}

	// The run that fills the disk, and what is left after it.
	if job.Handoff {
		handOff(exe, data, job, r, dossier)
		if r.Setup != "" {
			return
		}
	} else {
		r.Full = dossier("index", job.Big)
	}
	var fs syscall.Statfs_t
	if syscall.Statfs(job.Mount, &fs) == nil {
		r.FreeKiB = fs.Bavail * uint64(fs.Bsize) >> 10
	}
	r.Rebuild = dossier("index", "--rebuild")
	_, err = os.Stat(filepath.Join(data, "rebuild"))
	r.RebuildLeft = err == nil
	r.Search = dossier("search", "", "--json", "--size", "1")
	checkAfter(ctx, data, r)
	if ls, err := lists.Open(filepath.Join(data, "lists.db"), time.Second); err != nil {
		r.ListErr = err.Error()
	} else {
		if r.ListAfter, err = ls.Get(l.ID); err != nil {
			r.ListErr = err.Error()
		}
		ls.Close()
	}

	// Room again: the tmpfs grows, and the same job runs to the end.
	if err := syscall.Mount("tmpfs", job.Mount, "tmpfs", syscall.MS_REMOUNT|syscall.MS_NOSUID|syscall.MS_NODEV, "size=64m"); err != nil {
		r.Rerun = cliRun{Code: -1, Stderr: "grow the tmpfs: " + err.Error()}
		return
	}
	r.Rerun = dossier("index", job.Small, job.Big)
	if st, err := indexer.OpenStore(data, time.Second); err == nil {
		entries, _ := st.Manifest.Load()
		r.RerunFiles = len(entries)
		r.RerunDocs, _ = st.Index.Count()
		for p, e := range entries {
			if _, err := st.Index.Document(ctx, e.DocID); err != nil {
				r.RerunMissing = append(r.RerunMissing, p)
			}
		}
		st.Close()
	}
	if ls, err := lists.Open(filepath.Join(data, "lists.db"), time.Second); err == nil {
		r.RerunListAfter, _ = ls.Get(l.ID)
		ls.Close()
	}
}

// handOff runs the job that fills the disk through a server: `dossier serve`
// holds the index, `dossier index` hands the big corpus to it, and the server
// is asked for a search once the disk is full, then stopped.
func handOff(exe, data string, job diskFullJob, r *diskFullReport, dossier func(...string) cliRun) {
	serve := exec.Command(exe, "--index", data, "serve", "--addr", "127.0.0.1:0")
	serve.Env = []string{envRunMain + "=1"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, envDiskFull+"=") {
			serve.Env = append(serve.Env, kv)
		}
	}
	var log bytes.Buffer
	serve.Stdout, serve.Stderr = &log, &log
	if err := serve.Start(); err != nil {
		r.Setup = err.Error()
		return
	}
	exited := make(chan error, 1)
	go func() { exited <- serve.Wait() }()
	var addr string
	for deadline := time.Now().Add(30 * time.Second); addr == ""; time.Sleep(50 * time.Millisecond) {
		var h handoff
		if b, err := os.ReadFile(handoffPath(data)); err == nil && json.Unmarshal(b, &h) == nil {
			addr = h.Addr
		}
		if addr == "" && time.Now().After(deadline) {
			serve.Process.Kill()
			<-exited
			r.Setup = "the server wrote no serve.json within 30s; its log:\n" + log.String()
			return
		}
	}

	r.Full = dossier("index", job.Big)
	// The server goes on serving: a health check, browsing everything, and a
	// document look-up (which found Bleve's in-memory state broken by the
	// failed batch before the index was reopened after it).
	var answers []string
	for _, path := range []string{"/healthz", "/api/search?q=", "/api/search?q=committee", "/api/documents/0000000000000000"} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			answers = append(answers, path+": "+err.Error())
			continue
		}
		resp.Body.Close()
		answers = append(answers, path+": "+resp.Status)
	}
	r.ServerHealth = strings.Join(answers, "; ")

	serve.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			r.ServerExit = ee.ExitCode()
		}
	case <-time.After(30 * time.Second):
		serve.Process.Kill()
		<-exited
		r.ServerExit = -1
	}
	r.ServerLog = log.String()
}

// checkAfter opens the data folder on the full disk and checks the first
// run's documents, the manifest and the entity's mentions.
func checkAfter(ctx context.Context, data string, r *diskFullReport) {
	st, err := indexer.OpenStore(data, time.Second)
	if err != nil {
		r.OpenErr = err.Error()
		return
	}
	defer st.Close()
	// Every document of the first run comes back from a search (all of them,
	// a page at a time, oldest first).
	found := map[string]bool{}
	for page := 1; ; page++ {
		res, err := st.Index.Search(ctx, search.Request{Page: page, Size: search.MaxSize, Sort: "date"})
		if err != nil {
			r.OpenErr = fmt.Sprintf("search: %v", err)
			return
		}
		for _, h := range res.Hits {
			found[h.ID] = true
		}
		if len(res.Hits) < search.MaxSize {
			break
		}
	}
	for p, id := range r.FirstDocs {
		if !found[id] {
			r.NotFound = append(r.NotFound, p)
		}
	}
	sort.Strings(r.NotFound)
	entries, err := st.Manifest.Load()
	if err != nil {
		r.OpenErr = fmt.Sprintf("manifest: %v", err)
		return
	}
	for p, e := range entries {
		if _, err := st.Index.Document(ctx, e.DocID); err != nil {
			r.ManifestMissing = append(r.ManifestMissing, p)
		}
	}
	for p, id := range r.FirstDocs {
		if entries[p].DocID != id {
			r.ManifestLost = append(r.ManifestLost, p)
		}
	}
	res, err := st.Index.Mentions(ctx, search.MentionsRequest{Kind: r.Entity.Kind, ID: r.Entity.ID, All: true})
	if err != nil {
		r.MentionsErr = err.Error()
		return
	}
	r.MentionsAfter = res.Total
}
