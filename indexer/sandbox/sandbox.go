// Package sandbox runs a parser in a child process, so that a file which makes
// a third-party parser overflow its stack, exhaust memory or spin forever kills
// only that child. Some of those failures (a Go stack overflow, an out-of-memory
// abort) cannot be recovered in-process; Apache Tika's forked parsers and
// Recoll's per-filter limits take the same approach.
//
// The child is Dossier's own binary (or a test binary) started with
// DOSSIER_SANDBOX set to the parser's name: Main, called first thing in main or
// TestMain, sees it, reads the file's bytes from stdin, parses them with the
// named parser under a memory limit, writes the document as JSON on stdout and
// exits. Parser, in the parent, starts the child with a deadline and caps what
// it reads back. Pool does the same with children that live for many files
// (DOSSIER_SANDBOX_SERVE), since starting one costs more than most parses.
//
// Command runs another program (poppler's pdftotext) under the same kind of
// limit: the child, started with DOSSIER_SANDBOX_EXEC set, lowers its own
// address-space limit and replaces itself with the program, which inherits the
// limit. Go's os/exec cannot set a limit on the process it starts; this is the
// prlimit(1) trick without depending on prlimit.
package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"dossier/indexer/parse"
)

const (
	envParser = "DOSSIER_SANDBOX"
	envMemory = "DOSSIER_SANDBOX_MEMORY"
	envExec   = "DOSSIER_SANDBOX_EXEC"
)

// Defaults for a Parser's zero fields.
const (
	DefaultTimeout   = 60 * time.Second
	DefaultMemory    = 1 << 30  // bytes of Go heap the child may use
	DefaultMaxOutput = 64 << 20 // bytes of JSON the parent reads back
)

// Parser parses in a child process. It implements parse.Parser.
type Parser struct {
	Exe       string // the executable that calls Main; required
	Name      string // the parser the child runs, a key of the map given to Main
	Timeout   time.Duration
	Memory    int64
	MaxOutput int64
}

// reply is what the child writes on stdout.
type reply struct {
	Doc   *parse.Document `json:"doc,omitempty"`
	Error string          `json:"error,omitempty"`
}

// Parse runs the parse in a child and returns its document or why it failed.
func (p Parser) Parse(ctx context.Context, data []byte) (*parse.Document, error) {
	timeout, memory, maxOut := p.Timeout, p.Memory, p.MaxOutput
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	if memory <= 0 {
		memory = DefaultMemory
	}
	if maxOut <= 0 {
		maxOut = DefaultMaxOutput
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	cmd := exec.CommandContext(ctx, p.Exe)
	cmd.Env = append(os.Environ(), envParser+"="+p.Name, envMemory+"="+strconv.FormatInt(memory, 10))
	cmd.Stdin = bytes.NewReader(data)
	stdout := &capped{max: maxOut}
	stderr := &capped{max: 8 << 10}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.WaitDelay = time.Second
	err := cmd.Run()

	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return nil, errTimedOut(p.Name, timeout)
	}
	if stdout.over {
		return nil, errOutputOver(p.Name, maxOut)
	}
	var r reply
	if jerr := json.Unmarshal(stdout.buf.Bytes(), &r); jerr != nil || (r.Doc == nil && r.Error == "") {
		// No answer: the child died. Say how, with the runtime's own words.
		how := "exited without an answer"
		if err != nil {
			how = err.Error()
		}
		return nil, errCrashed(p.Name, how, stderr.buf.String())
	}
	return r.result()
}

// result is the child's answer as Parse returns it.
func (r reply) result() (*parse.Document, error) {
	if r.Error != "" {
		return nil, errors.New(r.Error)
	}
	return r.Doc, nil
}

// The ways a child fails a file, worded once for Parser and Pool.

func errTimedOut(name string, timeout time.Duration) error {
	return fmt.Errorf("%w after %s (the %s parser was stopped)", parse.ErrTimeout, timeout, name)
}

func errOutputOver(name string, max int64) error {
	return fmt.Errorf("the %s parser's output is over %d MiB", name, max>>20)
}

// errCrashed says how the child died, with the runtime's own words from its
// stderr where it left some.
func errCrashed(name, how, stderr string) error {
	return fmt.Errorf("the %s parser crashed (%s)%s", name, how, lastWords(stderr))
}

// Main turns this process into a sandbox child when DOSSIER_SANDBOX asks for
// it: it parses stdin with parsers[name], answers on stdout and exits. In any
// other process it returns at once and does nothing.
func Main(parsers map[string]parse.Parser) {
	if _, ok := os.LookupEnv(envExec); ok {
		os.Exit(execLimited(os.Args[1:]))
	}
	if _, ok := os.LookupEnv(envServe); ok {
		os.Exit(serve(parsers, os.Stdin, os.Stdout))
	}
	name, ok := os.LookupEnv(envParser)
	if !ok {
		return
	}
	os.Exit(child(name, parsers, os.Stdin, os.Stdout))
}

func child(name string, parsers map[string]parse.Parser, in io.Reader, out io.Writer) int {
	limitSelf()
	data, err := io.ReadAll(in)
	if err != nil {
		json.NewEncoder(out).Encode(reply{Error: fmt.Sprintf("sandbox: read input: %v", err)})
		return 2
	}
	if err := json.NewEncoder(out).Encode(parseOne(parsers, name, data)); err != nil {
		return 2
	}
	return 0
}

// limitSelf puts a child under the memory limit its parent set.
func limitSelf() {
	memory, _ := strconv.ParseInt(os.Getenv(envMemory), 10, 64)
	if memory <= 0 {
		memory = DefaultMemory
	}
	// A soft limit the GC works to keep, and a hard ceiling on address space well
	// above it (the Go runtime reserves address space it never touches) so that a
	// runaway allocation fails instead of taking the machine's memory.
	debug.SetMemoryLimit(memory)
	_ = syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: uint64(memory) * 4, Max: uint64(memory) * 4})
	// A deep recursion dies at 256 MiB of stack rather than the default 1 GiB.
	debug.SetMaxStack(256 << 20)
}

// parseOne parses data with parsers[name] in this child. The parent enforces
// the deadline; Safe here turns panics into errors.
func parseOne(parsers map[string]parse.Parser, name string, data []byte) reply {
	p, ok := parsers[name]
	if !ok {
		return reply{Error: fmt.Sprintf("sandbox: no parser named %q", name)}
	}
	doc, err := parse.Safe(context.Background(), p, data, 24*time.Hour)
	if err != nil {
		return reply{Error: err.Error()}
	}
	return reply{Doc: doc}
}

// Command returns a command that runs the program at path with args in a
// process whose address space is limited to memory bytes (DefaultMemory when
// zero). exe is an executable that calls Main first thing, as for Parser: it
// starts, sets the limit on itself and replaces itself with the program
// (execve), so the process ctx kills is the program itself, not a wrapper
// waiting for it. The caller sets the command's stdin and stdout.
func Command(ctx context.Context, exe string, memory int64, path string, args ...string) *exec.Cmd {
	if memory <= 0 {
		memory = DefaultMemory
	}
	cmd := exec.CommandContext(ctx, exe, append([]string{path}, args...)...)
	cmd.Env = append(programEnv(), envExec+"=1", envMemory+"="+strconv.FormatInt(memory, 10))
	return cmd
}

// execLimited is the child of Command: it limits this process and becomes
// argv[0]. It returns only when that fails.
func execLimited(argv []string) int {
	if len(argv) == 0 {
		fmt.Fprintln(os.Stderr, "sandbox: no program to run")
		return 2
	}
	memory, _ := strconv.ParseInt(os.Getenv(envMemory), 10, 64)
	if memory <= 0 {
		memory = DefaultMemory
	}
	if _, err := os.Stat(argv[0]); err != nil {
		fmt.Fprintf(os.Stderr, "sandbox: run %s: %v\n", argv[0], err)
		return 127
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_CORE, &syscall.Rlimit{}); err != nil {
		fmt.Fprintf(os.Stderr, "sandbox: no core files: %v\n", err)
		return 2
	}
	// A C program's address space is close to the memory it uses, so the
	// limit is the memory itself. This Go process has reserved about as much
	// address space already, so once the limit is set it must not ask for
	// more: everything execve needs is made first, and the two system calls
	// are made raw, with nothing allocated between them.
	path, err := syscall.BytePtrFromString(argv[0])
	if err != nil {
		return 2
	}
	args, err := syscall.SlicePtrFromStrings(argv)
	if err != nil {
		return 2
	}
	env, err := syscall.SlicePtrFromStrings(programEnv())
	if err != nil {
		return 2
	}
	limit := &syscall.Rlimit{Cur: uint64(memory), Max: uint64(memory)}
	// Under the race detector its runtime, still running until execve, would
	// abort on a mapping the limit refuses; a race build runs without it.
	if !raceEnabled {
		if _, _, e := syscall.RawSyscall(syscall.SYS_SETRLIMIT, syscall.RLIMIT_AS, uintptr(unsafe.Pointer(limit)), 0); e != 0 {
			fmt.Fprintf(os.Stderr, "sandbox: limit memory: %v\n", e)
			return 2
		}
	}
	_, _, e := syscall.RawSyscall(syscall.SYS_EXECVE, uintptr(unsafe.Pointer(path)), uintptr(unsafe.Pointer(&args[0])), uintptr(unsafe.Pointer(&env[0])))
	fmt.Fprintf(os.Stderr, "sandbox: run %s: %v\n", argv[0], e)
	return 127
}

// programEnv is this process's environment without the sandbox's own
// variables, for the program Command runs.
func programEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DOSSIER_SANDBOX") {
			env = append(env, kv)
		}
	}
	return env
}

// lastWords picks the line of a dead child's stderr that says what killed it.
func lastWords(stderr string) string {
	for _, line := range strings.Split(stderr, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "runtime:") || strings.HasPrefix(line, "fatal error:") || strings.HasPrefix(line, "panic:") {
			return ": " + line
		}
	}
	return ""
}

// capped is a buffer that keeps at most max bytes and remembers overflowing.
type capped struct {
	buf  bytes.Buffer
	max  int64
	over bool
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - int64(c.buf.Len()); int64(len(p)) > room {
		c.over = true
		if room > 0 {
			c.buf.Write(p[:room])
		}
		return len(p), nil
	}
	return c.buf.Write(p)
}
