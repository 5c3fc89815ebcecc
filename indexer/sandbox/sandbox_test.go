package sandbox_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"dossier/indexer/parse"
	"dossier/indexer/sandbox"
	"dossier/indexer/text"
)

// parserFunc adapts a function to parse.Parser.
type parserFunc func(ctx context.Context, data []byte) (*parse.Document, error)

func (f parserFunc) Parse(ctx context.Context, data []byte) (*parse.Document, error) {
	return f(ctx, data)
}

// recurse overflows the stack: fatal in Go, not a recoverable panic.
//
//lint:ignore SA5007 the child must overflow its stack
func recurse(n int) int { return recurse(n+1) + 1 }

// The children: this test binary, started again by the tests below.
var children = map[string]parse.Parser{
	"text": text.Parser{},
	"stack-overflow": parserFunc(func(context.Context, []byte) (*parse.Document, error) {
		return nil, errors.New("unreachable: " + string(rune(recurse(0))))
	}),
	"hog": parserFunc(func(context.Context, []byte) (*parse.Document, error) {
		var keep [][]byte
		for {
			b := make([]byte, 64<<20)
			for i := range b {
				b[i] = 1
			}
			keep = append(keep, b) //lint:ignore SA4010 kept so the memory stays live
		}
	}),
	"hang": parserFunc(func(context.Context, []byte) (*parse.Document, error) {
		select {}
	}),
	"panic": parserFunc(func(context.Context, []byte) (*parse.Document, error) {
		panic("boom")
	}),
	"chatty": parserFunc(func(context.Context, []byte) (*parse.Document, error) {
		return &parse.Document{Body: strings.Repeat("x", 4<<20)}, nil
	}),
	"pid": parserFunc(func(context.Context, []byte) (*parse.Document, error) {
		return &parse.Document{Body: strconv.Itoa(os.Getpid())}, nil
	}),
}

func TestMain(m *testing.M) {
	sandbox.Main(children)
	os.Exit(m.Run())
}

func exe(t *testing.T) string {
	t.Helper()
	p, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestChildParses(t *testing.T) {
	p := sandbox.Parser{Exe: exe(t), Name: "text"}
	doc, err := p.Parse(context.Background(), []byte("A title\n\nA body about resolution 1373 (2001).\n"))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Title != "A title" || !strings.Contains(doc.Body, "resolution 1373") {
		t.Errorf("Parse = %+v, want the title and body of the text", doc)
	}
}

// pid asks a pool which child process serves it.
func pid(t *testing.T, p *sandbox.Pool) string {
	t.Helper()
	doc, err := p.Parse(context.Background(), "pid", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	return doc.Body
}

func TestPoolReusesItsChildren(t *testing.T) {
	p := &sandbox.Pool{Exe: exe(t), MaxUses: 5}
	defer p.Close()
	seen := map[string]int{}
	for range 20 {
		seen[pid(t, p)]++
	}
	if len(seen) != 4 {
		t.Errorf("20 files, 5 per child, were parsed by %d children (%v), want 4", len(seen), seen)
	}
	if seen[strconv.Itoa(os.Getpid())] > 0 {
		t.Error("a file was parsed in the parent")
	}
}

func TestPoolAnswersEachCallerItsOwnFile(t *testing.T) {
	p := &sandbox.Pool{Exe: exe(t)}
	defer p.Close()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 10 {
				in := fmt.Sprintf("Title %d-%d\n\nBody of file %d of caller %d.\n", g, i, i, g)
				doc, err := p.Parse(context.Background(), "text", []byte(in), 0)
				if err != nil {
					t.Error(err)
					return
				}
				if want := fmt.Sprintf("Title %d-%d", g, i); doc.Title != want {
					t.Errorf("caller %d got title %q, want %q", g, doc.Title, want)
				}
			}
		})
	}
	wg.Wait()
}

func TestPoolReplacesAChildThatFailed(t *testing.T) {
	tests := []struct {
		name, parser string
		memory       int64
		maxOutput    int64
		timeout      time.Duration
		want         string
		keepsChild   bool
	}{
		{"stack overflow", "stack-overflow", 0, 0, 0, "stack exceeds", false},
		{"memory hog", "hog", 512 << 20, 0, 0, "crashed", false},
		{"hang", "hang", 0, 0, 500 * time.Millisecond, "timed out", false},
		{"output over the cap", "chatty", 0, 1 << 20, 0, "output is over", false},
		{"panic", "panic", 0, 0, 0, "boom", true},
		{"unknown parser", "nope", 0, 0, 0, "no parser named", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := &sandbox.Pool{Exe: exe(t), Memory: tc.memory, MaxOutput: tc.maxOutput}
			defer p.Close()
			before := pid(t, p)
			doc, err := p.Parse(context.Background(), tc.parser, []byte("input"), tc.timeout)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Parse = %v, %v; want an error containing %q", doc, err, tc.want)
			}
			if testing.Verbose() {
				t.Logf("error: %v", err)
			}
			after := pid(t, p)
			if kept := after == before; kept != tc.keepsChild {
				t.Errorf("child kept after the failure: %v, want %v", kept, tc.keepsChild)
			}
		})
	}
}

func TestPoolStopsOnCancel(t *testing.T) {
	p := &sandbox.Pool{Exe: exe(t)}
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := p.Parse(ctx, "hang", []byte("input"), time.Minute)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Parse = %v, want the context's error", err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("Parse took %s after its context ended", d)
	}
}

func TestFailuresStayInTheChild(t *testing.T) {
	tests := []struct {
		name, parser string
		limits       sandbox.Parser
		want         string
	}{
		{"stack overflow", "stack-overflow", sandbox.Parser{}, "stack exceeds"},
		{"memory hog", "hog", sandbox.Parser{Memory: 256 << 20}, "crashed"},
		{"hang", "hang", sandbox.Parser{Timeout: 500 * time.Millisecond}, "timed out"},
		{"panic", "panic", sandbox.Parser{}, "boom"},
		{"output over the cap", "chatty", sandbox.Parser{MaxOutput: 1 << 20}, "output is over"},
		{"unknown parser", "nope", sandbox.Parser{}, "no parser named"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.limits
			p.Exe, p.Name = exe(t), tc.parser
			doc, err := p.Parse(context.Background(), []byte("input"))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Parse = %v, %v; want an error containing %q", doc, err, tc.want)
			}
			if testing.Verbose() {
				t.Logf("error: %v", err)
			}
		})
	}
}

// TestCommandLimitsTheProgram runs a shell through Command and asks it for its
// own limits: the program, not only the wrapper, must hold them.
func TestCommandLimitsTheProgram(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	cmd := sandbox.Command(context.Background(), exe(t), 256<<20, sh, "-c", `ulimit -v; ulimit -c; env`)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("Command(sh).Output() = %v", err)
	}
	lines := strings.Split(string(out), "\n")
	wantV := "262144"
	if raceEnabled {
		wantV = "unlimited" // see raceEnabled in the package
	}
	if len(lines) < 2 || lines[0] != wantV || lines[1] != "0" {
		t.Errorf("ulimit -v, -c = %q, want %s (KiB) and 0", lines[:min(2, len(lines))], wantV)
	}
	if strings.Contains(string(out), "DOSSIER_SANDBOX") {
		t.Errorf("the program's environment holds the sandbox's variables:\n%s", out)
	}
}

func TestCommandMissingProgram(t *testing.T) {
	cmd := sandbox.Command(context.Background(), exe(t), 0, "/nonexistent/program")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 127 || !strings.Contains(stderr.String(), "no such file") {
		t.Errorf("Run = %v (stderr %q), want exit status 127 and the reason", err, stderr.String())
	}
}
